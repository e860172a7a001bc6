/**
 * The callee side of service invocation: a PeerHandler that takes an `invoke` from another
 * sidecar and calls this sidecar's app. The caller's identity comes from the link's hello;
 * the app's status, headers and body go back unchanged, its 4xx/5xx included.
 */
import { apiErrors } from '../errors/index.js';
import type { PeerHandler } from '../peers/index.js';
import { callApp } from './app-call.js';
import type { AppChannel } from './app-channel.js';
import { bufferOf, headersFromWire } from './peer-wire.js';
import { normaliseMethod, normaliseVerb } from './target.js';

export interface InvokeHandlerOptions {
  /** This sidecar's app: a request for any other app id is refused. */
  readonly appId: string;
  /** Absent when the sidecar was started without `--app-port`. */
  readonly appChannel: AppChannel | undefined;
}

export function createInvokeHandler(options: InvokeHandlerOptions): PeerHandler {
  return {
    async invoke(request, caller, signal) {
      if (request.appId !== options.appId) {
        throw apiErrors.invokeFailed(request.appId, `the sidecar reached serves ${options.appId}, not ${request.appId}`);
      }
      const { call } = request;
      const appRequest = {
        // The caller's sidecar normalised these already; checked again, as a peer's input.
        verb: normaliseVerb(call.verb),
        path: normaliseMethod(request.appId, call.path),
        query: call.query,
        headers: headersFromWire(call.headers),
        body: bufferOf(call.body),
        signal,
      };
      const identity = { callerAppId: caller.appId, callerNamespace: caller.namespace, calleeAppId: options.appId };
      return callApp(options.appChannel, appRequest, identity, request.appId);
    },
  };
}

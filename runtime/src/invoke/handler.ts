/**
 * The callee side of service invocation: a PeerHandler that takes an `invoke` from another
 * sidecar and calls this sidecar's app. The caller's identity comes from the link's hello;
 * the app's status, headers and body go back unchanged, its 4xx/5xx included. The call runs in
 * a `CallLocal/<appId>/<method>` span continuing the caller's trace, which the app receives.
 */
import { apiErrors } from '../errors/index.js';
import { headersWithSpan, NO_TRACING, SpanKind, withTraceFields, type Tracing } from '../observability/index.js';
import type { PeerHandler } from '../peers/index.js';
import { decideAccess, type AccessControlSpec } from '../security/index.js';
import { callApp } from './app-call.js';
import type { AppChannel } from './app-channel.js';
import { bufferOf, headersFromWire } from './peer-wire.js';
import { normaliseMethod, normaliseVerb } from './target.js';

export interface InvokeHandlerOptions {
  /** This sidecar's app: a request for any other app id is refused. */
  readonly appId: string;
  /** Absent when the sidecar was started without `--app-port`. */
  readonly appChannel: AppChannel | undefined;
  readonly tracing?: Tracing | undefined;
  /** The Configuration's `accessControl`; absent: every caller may call every method. */
  readonly accessControl?: AccessControlSpec | undefined;
}

export function createInvokeHandler(options: InvokeHandlerOptions): PeerHandler {
  const tracing = options.tracing ?? NO_TRACING;
  return {
    async invoke(request, caller, signal) {
      if (request.appId !== options.appId) {
        throw apiErrors.invokeFailed(request.appId, `the sidecar reached serves ${options.appId}, not ${request.appId}`);
      }
      const { call } = request;
      // The caller's sidecar normalised these already; checked again, as a peer's input.
      const path = normaliseMethod(request.appId, call.path);
      if (options.accessControl) {
        const decision = decideAccess(options.accessControl, caller, { path, verb: call.verb });
        if (!decision.allowed) throw apiErrors.invokeDenied(request.appId, `caller ${caller.appId} (namespace ${caller.namespace}), ${call.verb} ${path}, by ${decision.reason}`);
      }
      const headers = withTraceFields(headersFromWire(call.headers), request);
      const span = tracing.startSpan(`CallLocal/${options.appId}/${path}`, SpanKind.SERVER, headers, { 'dapr.invoke_method': path, 'dapr.caller_app_id': caller.appId });
      const appRequest = { verb: normaliseVerb(call.verb), path, query: call.query, headers: headersWithSpan(headers, span), body: bufferOf(call.body), signal };
      const identity = { callerAppId: caller.appId, callerNamespace: caller.namespace, calleeAppId: options.appId };
      try {
        const response = await callApp(options.appChannel, appRequest, identity, request.appId);
        span.setAttributes({ 'http.response.status_code': response.status });
        span.end(response.status >= 500 ? `the app answered ${response.status}` : undefined);
        return response;
      } catch (err) {
        span.end((err as Error).message);
        throw err;
      }
    },
  };
}

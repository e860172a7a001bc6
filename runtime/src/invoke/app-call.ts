/**
 * The last hop of every invocation, local or from a peer: the call goes to this sidecar's app
 * with the identity headers the sidecar sets itself, and "could not reach the app" becomes
 * Dapr's 500 ERR_DIRECT_INVOKE. The app's own 4xx/5xx are responses, passed on unchanged.
 */
import { apiErrors } from '../errors/index.js';
import { AppUnreachableError, type AppChannel, type AppRequest, type AppResponse } from './app-channel.js';
import { forwardableHeaders, type HeaderMap } from './http-headers.js';

/** Headers only sidecars set: whatever a caller sent under these names is dropped. */
export const SIDECAR_HEADERS = ['dapr-app-id', 'dapr-caller-app-id', 'dapr-caller-namespace', 'dapr-callee-app-id'];

/** Who calls whom, as the sidecars know it (never as the request claims). */
export interface CallIdentity {
  readonly callerAppId: string;
  /** Empty or absent: the header is not set. */
  readonly callerNamespace: string | undefined;
  readonly calleeAppId: string;
}

/** `target` is how the caller named the app, for error messages. */
export async function callApp(
  channel: AppChannel | undefined,
  request: AppRequest,
  identity: CallIdentity,
  target: string,
): Promise<AppResponse> {
  if (!channel) throw apiErrors.invokeFailed(target, 'the app channel is not initialised: start the sidecar with --app-port');
  try {
    return await channel.call({ ...request, headers: withIdentity(request.headers, identity) });
  } catch (err) {
    if (err instanceof AppUnreachableError) throw apiErrors.invokeFailed(target, err.message);
    throw err;
  }
}

function withIdentity(headers: HeaderMap, identity: CallIdentity): HeaderMap {
  return {
    ...forwardableHeaders(headers, SIDECAR_HEADERS),
    'dapr-caller-app-id': identity.callerAppId,
    'dapr-callee-app-id': identity.calleeAppId,
    ...(identity.callerNamespace ? { 'dapr-caller-namespace': identity.callerNamespace } : {}),
  };
}

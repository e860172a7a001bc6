/**
 * Service invocation, whatever the head: the target is read, the method and verb normalised,
 * the caller's headers cleaned; a call to this app goes to the local app channel, a call to
 * another app goes to one of its instances over a peer link.
 */
import { apiErrors } from '../errors/index.js';
import { isPolicyError, type Policy, type Resiliency } from '../resiliency/index.js';
import { callApp, SIDECAR_HEADERS } from './app-call.js';
import type { AppChannel, AppResponse } from './app-channel.js';
import { forwardableHeaders, type HeaderMap } from './http-headers.js';
import { DEFAULT_RETRY, RemoteInvoker, type AppDirectory, type PeerCaller, type RetryPolicy } from './remote.js';
import { DEFAULT_NAMESPACE, normaliseMethod, normaliseVerb, parseTarget } from './target.js';

export interface InvokeRequest {
  /** As the caller wrote it: `app` or `app.namespace`. */
  readonly target: string;
  /** The method path after `/method/` (or the whole path with `dapr-app-id`), still URL-encoded. */
  readonly method: string;
  readonly verb: string;
  readonly query: string;
  readonly headers: HeaderMap;
  readonly body: Buffer;
}

/** Service invocation: finds the target app and returns its response unchanged. */
export interface InvokeService {
  /**
   * Throws ApiError: 500 ERR_DIRECT_INVOKE when the app cannot be found or reached (after the
   * retries of connection failures), 400 for an invalid method, or the callee sidecar's error.
   */
  invoke(request: InvokeRequest): Promise<AppResponse>;
}

export interface InvokeServiceOptions {
  readonly appId: string;
  readonly namespace: string | undefined;
  /** Absent when the sidecar was started without `--app-port`. */
  readonly appChannel: AppChannel | undefined;
  /** With `peers`, makes other apps reachable; without them only this app is. */
  readonly directory?: AppDirectory | undefined;
  readonly peers?: PeerCaller | undefined;
  /** The longest a call to another app may take, retries included; 60 s by default. */
  readonly timeoutMs?: number | undefined;
  readonly retry?: RetryPolicy | undefined;
  /** The policies of `apps` targets; without one, only the built-in retries apply. */
  readonly resiliency?: Pick<Resiliency, 'app'> | undefined;
}

/** With a policy that retries, Dapr's built-in retry of unreachable sidecars steps aside. */
const NO_BUILT_IN_RETRY: RetryPolicy = { retries: 0, firstDelayMs: 0, maxDelayMs: 0 };

const DEFAULT_TIMEOUT_MS = 60_000;

export function createInvokeService(options: InvokeServiceOptions): InvokeService {
  const ownNamespace = options.namespace ?? DEFAULT_NAMESPACE;
  const self = { callerAppId: options.appId, callerNamespace: options.namespace, calleeAppId: options.appId };
  const remote =
    options.directory && options.peers
      ? new RemoteInvoker({
          directory: options.directory,
          peers: options.peers,
          timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          retry: options.retry ?? DEFAULT_RETRY,
        })
      : undefined;
  return {
    async invoke(request) {
      const target = parseTarget(request.target);
      const namespace = target.namespace ?? ownNamespace;
      const call = {
        verb: normaliseVerb(request.verb),
        path: normaliseMethod(request.target, request.method),
        query: request.query,
        headers: forwardableHeaders(request.headers, SIDECAR_HEADERS),
        body: request.body,
      };
      const policy = options.resiliency?.app(target.appId);
      const send = (signal?: AbortSignal) => {
        if (target.appId === options.appId && namespace === ownNamespace) return callApp(options.appChannel, { ...call, signal }, self, request.target);
        if (!remote) throw apiErrors.invokeFailed(request.target, `couldn't find service: ${target.appId}`);
        return remote.invoke({ appId: target.appId, namespace, label: request.target }, call, policy?.hasRetries ? NO_BUILT_IN_RETRY : undefined);
      };
      return policy ? underPolicy(policy, request.target, send) : send();
    },
  };
}

/** An app's answer outside 2xx/3xx is a failure to the policy; once retries are spent it goes back as it is. */
async function underPolicy(policy: Policy, target: string, send: (signal: AbortSignal) => Promise<AppResponse>): Promise<AppResponse> {
  try {
    return await policy.run(send, { isFailure: (response) => response.status < 200 || response.status >= 400, statusOf: (response) => response.status });
  } catch (err) {
    if (isPolicyError(err)) throw apiErrors.invokeFailed(target, err.message);
    throw err;
  }
}

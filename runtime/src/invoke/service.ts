import { posix } from 'node:path';
import { apiErrors } from '../errors/index.js';
import { AppUnreachableError, type AppChannel, type AppResponse } from './app-channel.js';
import { forwardableHeaders, type HeaderMap } from './http-headers.js';

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
  invoke(request: InvokeRequest): Promise<AppResponse>;
}

export interface InvokeServiceOptions {
  readonly appId: string;
  readonly namespace: string | undefined;
  /** Absent when the sidecar was started without `--app-port`. */
  readonly appChannel: AppChannel | undefined;
}

/** Headers the sidecar sets itself; a caller cannot spoof them. */
const SIDECAR_HEADERS = ['dapr-app-id', 'dapr-caller-app-id', 'dapr-caller-namespace', 'dapr-callee-app-id'];

export function createInvokeService(options: InvokeServiceOptions): InvokeService {
  return {
    async invoke(request) {
      const target = parseTarget(request.target);
      if (!isSelf(target, options)) {
        // Other apps become reachable once sidecars form a cluster through the placement service.
        throw apiErrors.invokeFailed(request.target, `couldn't find service: ${request.target}`);
      }
      if (!options.appChannel) {
        throw apiErrors.invokeFailed(request.target, 'the app channel is not initialised: start the sidecar with --app-port');
      }
      const headers: HeaderMap = {
        ...forwardableHeaders(request.headers, SIDECAR_HEADERS),
        'dapr-caller-app-id': options.appId,
        'dapr-callee-app-id': options.appId,
        ...(options.namespace ? { 'dapr-caller-namespace': options.namespace } : {}),
      };
      const path = normaliseMethod(request.target, request.method);
      try {
        return await options.appChannel.call({ verb: normaliseVerb(request.verb), path, query: request.query, headers, body: request.body });
      } catch (err) {
        if (err instanceof AppUnreachableError) throw apiErrors.invokeFailed(request.target, err.message);
        throw err;
      }
    },
  };
}

interface Target {
  readonly appId: string;
  readonly namespace: string | undefined;
}

function parseTarget(target: string): Target {
  const parts = target.split('.');
  if (parts.length > 2 || parts.some((p) => p === '')) throw apiErrors.invokeFailed(target, 'invalid app id');
  return { appId: parts[0]!, namespace: parts[1] };
}

function isSelf(target: Target, options: InvokeServiceOptions): boolean {
  return target.appId === options.appId && (target.namespace === undefined || target.namespace === (options.namespace ?? 'default'));
}

/** Dapr resolves dot segments, strips a leading `../` and refuses control characters. */
function normaliseMethod(target: string, method: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(method)) throw apiErrors.invokeInvalidMethod(target, 'control characters are not allowed');
  const resolved = posix.normalize(`/${method}`).replace(/^(\/\.\.)+/, '');
  return resolved.replace(/^\/+/, '');
}

const VERBS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE']);

function normaliseVerb(verb: string): string {
  const upper = verb.toUpperCase();
  return VERBS.has(upper) ? upper : 'POST';
}

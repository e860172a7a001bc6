import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The header an app sends its sidecar, and a sidecar sends its app, carrying a token. */
export const API_TOKEN_HEADER = 'dapr-api-token';

/**
 * Looks at a request before any route does; answers it and returns false to stop it there.
 * `path` is the request's cleaned path.
 */
export type RequestGuard = (req: IncomingMessage, res: ServerResponse, path: string) => boolean;

/** Health checks answer without a token, so orchestrators can probe a locked-down sidecar. */
const EXEMPT = new Set(['/v1.0/healthz', '/v1.0/healthz/outbound']);

/**
 * `DAPR_API_TOKEN`: every API call but the health checks must carry the token, or it gets
 * Dapr's 401 with a plain-text body. The header is removed once checked, so it is never
 * forwarded to another app.
 */
export function apiTokenGuard(token: string): RequestGuard {
  const expected = digest(token);
  return (req, res, path) => {
    if (req.method === 'GET' && EXEMPT.has(path)) return true;
    const presented = req.headers[API_TOKEN_HEADER];
    delete req.headers[API_TOKEN_HEADER];
    if (typeof presented === 'string' && timingSafeEqual(digest(presented), expected)) return true;
    req.resume();
    res.writeHead(401, { 'content-type': 'text/plain' }).end('invalid api token');
    return false;
  };
}

/** Equal-length digests, so the comparison takes the same time whatever the token's length. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

import type { Middleware } from 'koa';

/**
 * Dapr cleans request paths before routing: duplicate slashes collapse and a trailing slash
 * is dropped, so `/v1.0//state/s/` reaches the same route as `/v1.0/state/s`.
 */
export function cleanPaths(): Middleware {
  return async (ctx, next) => {
    const path = ctx.path;
    if (path.includes('//') || (path.length > 1 && path.endsWith('/'))) {
      const cleaned = path.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
      ctx.path = cleaned;
    }
    await next();
  };
}

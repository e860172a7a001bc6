import type { Middleware } from 'koa';

/**
 * Dapr cleans request paths before routing: duplicate slashes collapse and a trailing slash
 * is dropped, so `/v1.0//state/s/` reaches the same route as `/v1.0/state/s`.
 */
export function cleanPaths(): Middleware {
  return async (ctx, next) => {
    const path = ctx.path;
    const cleaned = cleanPath(path);
    if (cleaned !== path) ctx.path = cleaned;
    await next();
  };
}

/** One path cleaned as Dapr cleans it. */
export function cleanPath(path: string): string {
  if (!path.includes('//') && !(path.length > 1 && path.endsWith('/'))) return path;
  return path.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
}

import type { Context, Middleware } from 'koa';
import type { ApiObserver } from '../../observability/index.js';

/** Service invocation, whichever form the caller used; the method path is not a route. */
export const INVOCATION_ROUTE = '/v1.0/invoke/{id}/method/*';

/**
 * First in the Koa chain: once a call is answered, tells the observer which route template
 * served it (`/v1.0/state/{storeName}`), so metrics and spans are per route, never per raw path.
 */
export function routeNames(observer: ApiObserver): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      observer.nameRoute(ctx.req, templateOf(ctx));
    }
  };
}

function templateOf(ctx: Context): string {
  const matched = (ctx as Context & { _matchedRoute?: string | RegExp })._matchedRoute;
  if (typeof matched === 'string') return matched.replace(/:(\w+)/g, '{$1}');
  if (ctx.path.startsWith('/v1.0/invoke/') || ctx.get('dapr-app-id')) return INVOCATION_ROUTE;
  return 'unmatched';
}

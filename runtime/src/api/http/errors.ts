import type { Middleware } from 'koa';
import { ApiError, apiErrors } from '../../errors/index.js';
import type { Logger } from '../../logging/index.js';
import { sendJson } from './respond.js';

/**
 * The sidecar's only error exit: first in the chain, it turns an ApiError into Dapr's JSON
 * body and status, and anything else into a logged 500 that shows no internals.
 */
export function errorResponses(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const apiError = err instanceof ApiError ? err : apiErrors.internal();
      if (apiError.status >= 500) {
        logger.warn({ method: ctx.method, path: ctx.path, code: apiError.code, err: describe(err) }, 'API call failed');
      }
      if (ctx.headerSent || !ctx.writable) return;
      sendJson(ctx, apiError.status, apiError.toJSON());
    }
  };
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error ? `${err.message} (${err.cause.message})` : err.message;
}

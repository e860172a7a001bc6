import type { IncomingMessage, ServerResponse } from 'node:http';
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
      const apiError = toApiError(err, logger, ctx.method, ctx.path);
      if (ctx.headerSent || !ctx.writable) return;
      sendJson(ctx, apiError.status, apiError.toJSON());
    }
  };
}

/** The same exit for a route served without Koa (see raw-routes.ts). */
export function sendApiError(req: IncomingMessage, res: ServerResponse, err: unknown, logger: Logger): void {
  const apiError = toApiError(err, logger, req.method ?? '', req.url ?? '');
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  const body = Buffer.from(JSON.stringify(apiError.toJSON()));
  res.writeHead(apiError.status, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
}

function toApiError(err: unknown, logger: Logger, method: string, path: string): ApiError {
  const apiError = err instanceof ApiError ? err : apiErrors.internal();
  if (apiError.status >= 500) logger.warn({ method, path, code: apiError.code, err: describe(err) }, 'API call failed');
  return apiError;
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error ? `${err.message} (${err.cause.message})` : err.message;
}

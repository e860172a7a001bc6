import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Middleware } from 'koa';
import { ApiError, apiErrors } from '../../errors/index.js';
import type { Logger } from '../../logging/index.js';
import { traceIdOf, type ApiObserver, type HeaderLike } from '../../observability/index.js';
import { sendJson } from './respond.js';

/**
 * The sidecar's only error exit: first in the chain, it turns an ApiError into Dapr's JSON
 * body and status, and anything else into a logged 500 that shows no internals.
 */
export function errorResponses(logger: Logger, observer?: ApiObserver): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const apiError = toApiError(err, { logger, observer }, ctx.method, ctx.path, ctx.headers);
      if (ctx.headerSent || !ctx.writable) return;
      sendJson(ctx, apiError.status, apiError.toJSON());
    }
  };
}

/** The same exit for a route served without Koa (see raw-routes.ts). */
export function sendApiError(req: IncomingMessage, res: ServerResponse, err: unknown, logger: Logger, observer?: ApiObserver): void {
  const apiError = toApiError(err, { logger, observer }, req.method ?? '', req.url ?? '', req.headers);
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  const body = Buffer.from(JSON.stringify(apiError.toJSON()));
  res.writeHead(apiError.status, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
}

interface ErrorSinks {
  readonly logger: Logger;
  readonly observer: ApiObserver | undefined;
}

function toApiError(err: unknown, { logger, observer }: ErrorSinks, method: string, path: string, headers: HeaderLike): ApiError {
  const apiError = err instanceof ApiError ? err : apiErrors.internal();
  observer?.errorCode(apiError.code);
  if (apiError.status >= 500) logger.warn({ method, path, code: apiError.code, err: describe(err), trace_id: traceIdOf(headers) }, 'API call failed');
  return apiError;
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error ? `${err.message} (${err.cause.message})` : err.message;
}

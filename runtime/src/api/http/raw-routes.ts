/**
 * Routes served straight from Node's request, in front of Koa. Only the hottest path lives
 * here (an actor method call, which is most of an actor app's traffic): building Koa's context
 * and matching the router cost about a tenth of the sidecar's CPU per call. Anything a raw route
 * does not claim goes on to Koa. A check every request must pass (an API token, say) belongs in
 * `guards`, which `serveRequests` runs before the split, so no route can skip it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../logging/index.js';
import type { ApiObserver } from '../../observability/index.js';
import type { RequestGuard } from '../../security/index.js';
import { sendApiError } from './errors.js';
import { cleanPath } from './paths.js';

/** A matched request: its cleaned path's captures (decoded) and its raw query string. */
export interface RawRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly params: readonly string[];
  readonly query: string;
}

export interface RawRoute {
  /** The route's template (`/v1.0/actors/{type}/…`), for metrics, spans and API logs. */
  readonly template: string;
  /** Matched against the cleaned path, case-insensitively as the Koa router matches. */
  readonly pattern: RegExp;
  serve(request: RawRequest): Promise<void>;
}

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface ServeOptions {
  /** Run first, on every request: the one place a check no route may skip belongs. */
  readonly guards: readonly RequestGuard[];
  readonly routes: readonly RawRoute[];
  /** Koa, for everything the routes do not claim. */
  readonly fallback: RequestListener;
  readonly logger: Logger;
  /** Sees every request before the guards: spans, metrics and API logs cover raw routes and Koa alike. */
  readonly observer?: ApiObserver | undefined;
}

export function serveRequests({ guards, routes, fallback, logger, observer }: ServeOptions): RequestListener {
  return (req, res) => {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = cleanPath(queryAt < 0 ? url : url.slice(0, queryAt));
    observer?.begin(req, res, path);
    for (const guard of guards) if (!guard(req, res, path)) return;
    for (const route of routes) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      const request = { req, res, params: match.slice(1).map(decodeParam), query: queryAt < 0 ? '' : url.slice(queryAt + 1) };
      observer?.nameRoute(req, route.template);
      route.serve(request).catch((err: unknown) => sendApiError(req, res, err, logger, observer));
      return;
    }
    fallback(req, res);
  };
}

/** As the Koa router decodes parameters: a bad escape is left as written. */
function decodeParam(value: string | undefined): string {
  if (value === undefined) return '';
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

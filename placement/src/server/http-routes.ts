import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PlacementState } from '../disseminator/index.js';

/** The websocket path sidecars connect to; every other upgrade is refused by ws with a 400. */
export const PLACEMENT_WS_PATH = '/v1/placement';

/**
 * The placement's plain HTTP face: `GET /placement/state` (the committed tables, as JSON),
 * `GET /healthz` (204 while serving) and 404 for anything else.
 */
export function handleHttp(req: IncomingMessage, res: ServerResponse, state: () => PlacementState): void {
  const path = new URL(req.url ?? '/', 'http://placement').pathname;
  const route = ROUTES[path];
  if (!route) return reply(res, 404, 'not found\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'method not allowed\n', { allow: 'GET, HEAD' });
  route(res, state);
}

const ROUTES: Record<string, (res: ServerResponse, state: () => PlacementState) => void> = {
  '/placement/state': (res, state) => reply(res, 200, JSON.stringify(state()), { 'content-type': 'application/json' }),
  '/healthz': (res) => reply(res, 204),
};

function reply(res: ServerResponse, status: number, body?: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, body === undefined ? headers : { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(body);
}

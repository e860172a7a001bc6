import type { Context } from 'koa';

/**
 * Sends JSON with `Content-Type: application/json` exactly, as daprd does (Koa alone would
 * add `; charset=utf-8`). `json` may be a value or JSON text that is already serialised.
 */
export function sendJson(ctx: Context, status: number, json: unknown): void {
  ctx.status = status;
  ctx.body = Buffer.from(typeof json === 'string' ? json : JSON.stringify(json));
  ctx.set('Content-Type', 'application/json');
}

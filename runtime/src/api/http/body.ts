import type { IncomingMessage } from 'node:http';
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { apiErrors } from '../../errors/index.js';

/** Reads the whole request body, refusing more than `limitBytes` with a 413. */
export function readBody(ctx: Context, limitBytes: number): Promise<Buffer> {
  return readRequestBody(ctx.req, limitBytes);
}

/** readBody for a route served without Koa. */
export async function readRequestBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] || 0);
  if (declared > limitBytes) throw apiErrors.bodyTooLarge(limitBytes);
  try {
    return await getRawBody(req, { limit: limitBytes });
  } catch (err) {
    if ((err as { type?: string }).type === 'entity.too.large') throw apiErrors.bodyTooLarge(limitBytes);
    throw apiErrors.bodyRead(err);
  }
}

/** Reads and parses a JSON body; an empty body is `undefined`, bad JSON a 400. */
export async function readJson(ctx: Context, limitBytes: number): Promise<unknown> {
  const body = await readBody(ctx, limitBytes);
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw apiErrors.malformedRequest((err as Error).message);
  }
}

/** Dapr's convention: every `metadata.<k>` query parameter is request metadata `<k>`. */
export function queryMetadata(ctx: Context): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.query)) {
    if (!name.startsWith('metadata.') || name.length === 'metadata.'.length) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name.slice('metadata.'.length)] = first;
  }
  return out;
}

import type { Router } from '@koa/router';
import type { Context } from 'koa';
import {
  parseBulkGetRequest,
  parseQueryOptions,
  parseSaveRequest,
  parseTransactionRequest,
  type BulkStateItem,
  type StateService,
} from '../../../state/index.js';
import { queryMetadata, readJson } from '../body.js';
import { sendJson } from '../respond.js';

export interface StateRoutesOptions {
  readonly state: StateService;
  readonly maxBodyBytes: number;
}

/** `/v1.0/state/…`: parse and check the request, call the state service, shape the answer. */
export function stateRoutes(router: Router, { state, maxBodyBytes }: StateRoutesOptions): void {
  const save = async (ctx: Context) => {
    const items = parseSaveRequest(await readJson(ctx, maxBodyBytes), queryMetadata(ctx));
    await state.save(param(ctx, 'store'), items);
    ctx.status = 204;
  };
  const bulkGet = async (ctx: Context) => {
    const request = parseBulkGetRequest((await readJson(ctx, maxBodyBytes)) ?? {}, queryMetadata(ctx));
    const items = await state.bulkGet(param(ctx, 'store'), request);
    sendJson(ctx, 200, `[${items.map(bulkItemJson).join(',')}]`);
  };
  const transact = async (ctx: Context) => {
    const { operations } = parseTransactionRequest((await readJson(ctx, maxBodyBytes)) ?? {}, queryMetadata(ctx));
    await state.transact(param(ctx, 'store'), operations);
    ctx.status = 204;
  };

  router.post('/v1.0/state/:store/bulk', bulkGet).put('/v1.0/state/:store/bulk', bulkGet);
  router.post('/v1.0/state/:store/transaction', transact).put('/v1.0/state/:store/transaction', transact);
  router.post('/v1.0/state/:store', save).put('/v1.0/state/:store', save);

  router.get('/v1.0/state/:store/:key', async (ctx) => {
    parseQueryOptions(ctx.query);
    const item = await state.get(param(ctx, 'store'), param(ctx, 'key'));
    if (!item) {
      ctx.status = 204;
      return;
    }
    ctx.set('ETag', item.etag);
    for (const [k, v] of Object.entries(item.metadata)) ctx.set(`metadata.${k}`, v);
    ctx.body = item.value;
    ctx.set('Content-Type', 'application/json');
  });

  router.delete('/v1.0/state/:store/:key', async (ctx) => {
    const options = parseQueryOptions(ctx.query);
    const etag = ctx.get('if-match');
    await state.delete(param(ctx, 'store'), param(ctx, 'key'), {
      ...options,
      ...(etag ? { etag } : {}),
      metadata: queryMetadata(ctx),
    });
    ctx.status = 204;
  });
}

function param(ctx: Context, name: string): string {
  return (ctx as Context & { params: Record<string, string> }).params[name] ?? '';
}

/** Bulk items embed stored JSON as is; bytes that are not JSON are returned as a string. */
function bulkItemJson(item: BulkStateItem): string {
  const parts = [`"key":${JSON.stringify(item.key)}`];
  if (item.value !== undefined) parts.push(`"data":${embeddableJson(item.value)}`);
  if (item.etag !== undefined) parts.push(`"etag":${JSON.stringify(item.etag)}`);
  if (item.error !== undefined) parts.push(`"error":${JSON.stringify(item.error)}`);
  return `{${parts.join(',')}}`;
}

function embeddableJson(value: Buffer): string {
  const text = value.toString('utf8');
  try {
    JSON.parse(text);
    return text;
  } catch {
    return JSON.stringify(text);
  }
}

import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { itemJson, type ConfigurationService } from '../../../configuration/index.js';
import { ApiError } from '../../../errors/index.js';
import { queryMetadata } from '../body.js';
import { sendJson } from '../respond.js';

export interface ConfigurationRoutesOptions {
  readonly configuration: ConfigurationService;
}

/** Dapr's configuration API, under both `/v1.0/` and `/v1.0-alpha1/` as daprd serves it. */
export function configurationRoutes(router: Router, { configuration }: ConfigurationRoutesOptions): void {
  for (const version of ['v1.0', 'v1.0-alpha1']) {
    const base = `/${version}/configuration/:store`;
    router.get(`${base}/subscribe`, async (ctx) => {
      const id = await configuration.subscribe(param(ctx, 'store'), keysOf(ctx), queryMetadata(ctx));
      sendJson(ctx, 200, { id });
    });
    router.get(`${base}/:id/unsubscribe`, async (ctx) => {
      await unsubscribe(ctx, configuration);
    });
    router.get(base, async (ctx) => {
      const items = await configuration.get(param(ctx, 'store'), keysOf(ctx), queryMetadata(ctx));
      if (items.size === 0) ctx.status = 204;
      else sendJson(ctx, 200, Object.fromEntries([...items].map(([key, item]) => [key, itemJson(item)])));
    });
  }
}

/** daprd answers a failed unsubscribe with `{ok: false, message}` rather than its error body. */
async function unsubscribe(ctx: Context, configuration: ConfigurationService): Promise<void> {
  try {
    await configuration.unsubscribe(param(ctx, 'id'));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    sendJson(ctx, err.status, { ok: false, message: err.message });
    return;
  }
  sendJson(ctx, 200, { ok: true });
}

/** Every `key` query parameter, in order, without repeats. */
function keysOf(ctx: Context): string[] {
  const raw = ctx.query['key'];
  const keys = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return [...new Set(keys.filter((k) => k !== ''))];
}

function param(ctx: Context, name: string): string {
  return (ctx as Context & { params: Record<string, string> }).params[name] ?? '';
}

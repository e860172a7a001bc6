import type { Router } from '@koa/router';
import type { Context } from 'koa';
import type { SecretsService } from '../../../secrets/index.js';
import { queryMetadata } from '../body.js';
import { sendJson } from '../respond.js';

export interface SecretsRoutesOptions {
  readonly secrets: SecretsService;
}

/**
 * `/v1.0/secrets/…`. The bulk route comes first, as in daprd, so a secret named `bulk` cannot
 * be read on its own. An empty answer is a 204, as daprd's universal handlers give.
 */
export function secretsRoutes(router: Router, { secrets }: SecretsRoutesOptions): void {
  router.get('/v1.0/secrets/:store/bulk', async (ctx) => {
    sendObject(ctx, await secrets.bulkGet(param(ctx, 'store'), queryMetadata(ctx)));
  });
  router.get('/v1.0/secrets/:store/:key', async (ctx) => {
    sendObject(ctx, await secrets.get(param(ctx, 'store'), param(ctx, 'key'), queryMetadata(ctx)));
  });
}

function sendObject(ctx: Context, value: object): void {
  if (Object.keys(value).length === 0) ctx.status = 204;
  else sendJson(ctx, 200, value);
}

function param(ctx: Context, name: string): string {
  return (ctx as Context & { params: Record<string, string> }).params[name] ?? '';
}

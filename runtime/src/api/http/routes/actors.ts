import type { Router } from '@koa/router';
import type { Context } from 'koa';
import type { ActorRef, ActorRuntime } from '../../../actors/index.js';
import { apiErrors } from '../../../errors/index.js';
import type { HeaderMap } from '../../../invoke/index.js';
import { readBody, readJson } from '../body.js';

export interface ActorRoutesOptions {
  readonly actors: ActorRuntime;
  readonly maxBodyBytes: number;
}

/**
 * `/v1.0/actors/{type}/{id}/method/{method}`, any verb (the app always receives PUT, as with
 * daprd). The app's status, headers and body come back as they are.
 */
export function actorRoutes(router: Router, { actors, maxBodyBytes }: ActorRoutesOptions): void {
  router.all('/v1.0/actors/:type/:id/method/:method', async (ctx) => {
    const params = (ctx as Context & { params: Record<string, string> }).params;
    const response = await actors.invoke({
      actor: actorOf(ctx),
      method: encodeURIComponent(params['method']!),
      call: { verb: ctx.method, query: ctx.querystring, headers: ctx.headers as HeaderMap, body: await readBody(ctx, maxBodyBytes) },
      chainId: ctx.get('dapr-reentrancy-id') || undefined,
    });
    ctx.respond = false;
    ctx.res.writeHead(response.status, { ...response.headers, 'content-length': response.body.length });
    ctx.res.end(response.body);
  });

  router.get('/v1.0/actors/:type/:id/state/:key', async (ctx) => {
    const value = await actors.state.get(actorOf(ctx), (ctx as Context & { params: Record<string, string> }).params['key']!);
    if (value === undefined) {
      ctx.status = 204;
      return;
    }
    ctx.body = value;
    ctx.set('Content-Type', 'application/json');
  });
  const transact = async (ctx: Context) => {
    await actors.state.transact(actorOf(ctx), await readJson(ctx, maxBodyBytes));
    ctx.status = 204;
  };
  router.post('/v1.0/actors/:type/:id/state', transact).put('/v1.0/actors/:type/:id/state', transact);
}

/** The actor a route names; `||` would let one actor's keys reach into another's. */
function actorOf(ctx: Context): ActorRef {
  const { type, id } = (ctx as Context & { params: Record<string, string> }).params as { type: string; id: string };
  if (type.includes('||') || id.includes('||')) throw apiErrors.badRequest(`actor type and id cannot contain '||': ${type}/${id}`);
  return { type, id };
}

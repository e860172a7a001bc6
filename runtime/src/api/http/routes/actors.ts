import type { Router } from '@koa/router';
import type { Context } from 'koa';
import type { ActorRef, ActorRuntime } from '../../../actors/index.js';
import { apiErrors } from '../../../errors/index.js';
import type { HeaderMap } from '../../../invoke/index.js';
import { readJson, readRequestBody } from '../body.js';
import type { RawRoute } from '../raw-routes.js';

export interface ActorRoutesOptions {
  readonly actors: ActorRuntime;
  readonly maxBodyBytes: number;
}

/**
 * `/v1.0/actors/{type}/{id}/method/{method}`, any verb (the app always receives PUT, as with
 * daprd). The app's status, headers and body come back as they are. Served without Koa: it is
 * an actor app's hot path.
 */
export function actorMethodRoute({ actors, maxBodyBytes }: ActorRoutesOptions): RawRoute {
  return {
    template: '/v1.0/actors/{type}/{id}/method/{method}',
    pattern: /^\/v1\.0\/actors\/([^/]+)\/([^/]+)\/method\/([^/]+)$/i,
    async serve({ req, res, params: [type, id, method], query }) {
      const chainId = req.headers['dapr-reentrancy-id'];
      const response = await actors.invoke({
        actor: checkedActor(type!, id!),
        method: encodeURIComponent(method!),
        call: { verb: req.method ?? 'GET', query, headers: req.headers as HeaderMap, body: await readRequestBody(req, maxBodyBytes) },
        chainId: (typeof chainId === 'string' && chainId) || undefined,
      });
      res.writeHead(response.status, { ...response.headers, 'content-length': response.body.length });
      res.end(response.body);
    },
  };
}

/** The state routes of `/v1.0/actors/{type}/{id}`. */
export function actorRoutes(router: Router, { actors, maxBodyBytes }: ActorRoutesOptions): void {
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

function actorOf(ctx: Context): ActorRef {
  const { type, id } = (ctx as Context & { params: Record<string, string> }).params as { type: string; id: string };
  return checkedActor(type, id);
}

/** The actor a route names; `||` would let one actor's keys reach into another's. */
function checkedActor(type: string, id: string): ActorRef {
  if (type.includes('||') || id.includes('||')) throw apiErrors.badRequest(`actor type and id cannot contain '||': ${type}/${id}`);
  return { type, id };
}

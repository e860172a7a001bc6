/**
 * `/v1.0/actors/{type}/{id}/timers/{name}` (notes §5): POST or PUT creates or replaces a timer,
 * DELETE removes it; both answer 204. A timer lives on the sidecar that received the create, so
 * that sidecar must host the type (notes §3.3); delete never fails, as in Dapr.
 */
import type { Router } from '@koa/router';
import type { Context } from 'koa';
import type { ActorRef } from '../../../actors/index.js';
import type { TimerService } from '../../../actors/timers/index.js';
import { apiErrors } from '../../../errors/index.js';
import { readJson } from '../body.js';

export interface ActorTimerRoutesOptions {
  readonly timers: TimerService;
  /** Whether this sidecar hosts the actor's type. */
  readonly canHost: (actor: ActorRef) => boolean;
  readonly maxBodyBytes: number;
}

const TIMER_PATH = '/v1.0/actors/:type/:id/timers/:name';

export function actorTimerRoutes(router: Router, { timers, canHost, maxBodyBytes }: ActorTimerRoutesOptions): void {
  const create = async (ctx: Context) => {
    const { actor, name } = timerOf(ctx);
    // The body first, as Dapr: malformed JSON is a 400 whoever hosts the type.
    const body = await readJson(ctx, maxBodyBytes);
    if (!canHost(actor)) throw apiErrors.actorTimerCreate(`actor type ${actor.type} is not hosted by this sidecar`);
    timers.register(actor, name, body);
    ctx.status = 204;
  };
  router.post(TIMER_PATH, create).put(TIMER_PATH, create);
  router.delete(TIMER_PATH, (ctx) => {
    const { actor, name } = timerOf(ctx);
    timers.unregister(actor, name);
    ctx.status = 204;
  });
}

/** The actor and timer a route names; `||` would let one actor's keys reach into another's. */
function timerOf(ctx: Context): { actor: ActorRef; name: string } {
  const { type, id, name } = (ctx as Context & { params: Record<string, string> }).params as { type: string; id: string; name: string };
  if (type.includes('||') || id.includes('||')) throw apiErrors.badRequest(`actor type and id cannot contain '||': ${type}/${id}`);
  return { actor: { type, id }, name };
}

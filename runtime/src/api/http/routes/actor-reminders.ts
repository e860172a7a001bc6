/**
 * The actor reminder routes of the Dapr HTTP API. They only translate: the hosting check (403),
 * the body, the status codes; ReminderService does the rest and throws Dapr's coded errors.
 */
import type { Router } from '@koa/router';
import type { Context } from 'koa';
import type { ActorRef } from '../../../actors/index.js';
import type { ReminderService } from '../../../actors/reminders/index.js';
import { apiErrors } from '../../../errors/index.js';
import { readJson } from '../body.js';
import { sendJson } from '../respond.js';

export interface ActorReminderRoutesOptions {
  /** Undefined when no actor state store is configured, or it cannot keep reminders. */
  readonly reminders: ReminderService | undefined;
  /** Whether this sidecar hosts the actor's type: only a hosting sidecar serves its reminders (Dapr's rule). */
  readonly canHost: (actor: ActorRef) => boolean;
  readonly maxBodyBytes: number;
}

const PATH = '/v1.0/actors/:type/:id/reminders/:name';

/**
 * `/v1.0/actors/{type}/{id}/reminders/{name}` (notes §5): POST or PUT creates (204), GET reads
 * (200 JSON), DELETE removes (204, found or not). daprd has no HTTP route that lists reminders
 * (only gRPC's ListActorReminders), so neither do we; `ReminderService.list` is there for one.
 */
export function actorReminderRoutes(router: Router, options: ActorReminderRoutesOptions): void {
  const create = async (ctx: Context) => {
    // daprd decodes the body first: a malformed one is a 400 even for a type not hosted here.
    const body = await readJson(ctx, options.maxBodyBytes);
    const { reminders, actor, name } = target(ctx, options);
    await reminders.create(actor, name, body);
    ctx.status = 204;
  };
  router.post(PATH, create).put(PATH, create);

  router.get(PATH, async (ctx) => {
    const { reminders, actor, name } = target(ctx, options);
    sendJson(ctx, 200, await reminders.get(actor, name));
  });

  router.delete(PATH, async (ctx) => {
    const { reminders, actor, name } = target(ctx, options);
    await reminders.delete(actor, name);
    ctx.status = 204;
  });
}

/** The service, actor and name a request is for, once the sidecar may serve it. */
function target(ctx: Context, options: ActorReminderRoutesOptions): { reminders: ReminderService; actor: ActorRef; name: string } {
  const { type, id, name } = (ctx as Context & { params: Record<string, string> }).params as { type: string; id: string; name: string };
  if (!options.reminders) throw apiErrors.actorRuntimeNotFound('the actor state store is missing or cannot keep reminders');
  const actor = { type, id };
  if (!options.canHost(actor)) throw apiErrors.actorReminderNonHosted();
  return { reminders: options.reminders, actor, name };
}

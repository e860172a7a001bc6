import type { ExecutionContext } from 'ava';
import { startApp, type FakeApp } from './app.js';

export interface ActorEvent {
  readonly app: string;
  readonly actor: string;
  readonly kind: 'activate' | 'deactivate' | 'turn-start' | 'turn-end' | 'timer' | 'reminder';
  readonly at: number;
  /** For a timer or reminder: its name and the callback body. */
  readonly name?: string;
  readonly body?: unknown;
}

export interface ActorAppOptions {
  readonly name: string;
  /** What GET /dapr/config answers. */
  readonly config: Record<string, unknown>;
  /** The sidecar's URL, for nested actor calls; set once the sidecar is up. */
  sidecarUrl?: string;
}

export interface ActorApp extends FakeApp {
  readonly options: ActorAppOptions;
  readonly events: ActorEvent[];
}

/**
 * An app hosting actors the way an SDK would, recording what the sidecar makes it do:
 * - `incr` counts per actor (in memory) and answers the count, after `delayMs` from the body;
 * - `call` makes a nested actor call through the sidecar, forwarding Dapr-Reentrancy-Id, and
 *   answers what it got (status and body);
 * - `save` ({key, value}) and `load` ({key}) use the actor state API during the turn;
 * - `hang` never answers;
 * - `fail` answers 500 with a body.
 * Activations are first calls after a deactivation; DELETE /actors/{type}/{id} deactivates.
 */
export async function startActorApp(t: ExecutionContext, options: ActorAppOptions, events: ActorEvent[] = []): Promise<ActorApp> {
  const counts = new Map<string, number>();
  const active = new Set<string>();
  const record = (actor: string, kind: ActorEvent['kind']) => events.push({ app: options.name, actor, kind, at: performance.now() });
  const app = await startApp(t, async (req, res) => {
    if (req.url === '/dapr/config') {
      res.setHeader('content-type', 'application/json');
      return void res.end(JSON.stringify(options.config));
    }
    const match = /^\/actors\/([^/]+)\/([^/]+)(?:\/method\/(.+))?$/.exec(req.url.split('?')[0]!);
    if (!match) return void res.writeHead(404).end();
    const actor = `${decodeURIComponent(match[1]!)}/${decodeURIComponent(match[2]!)}`;
    if (req.method === 'DELETE') {
      active.delete(actor);
      counts.delete(actor);
      record(actor, 'deactivate');
      return void res.end();
    }
    if (!active.has(actor)) {
      active.add(actor);
      record(actor, 'activate');
    }
    record(actor, 'turn-start');
    const callback = /^(timer|remind)\/(.+)$/.exec(match[3] ?? '');
    if (callback) {
      const kind = callback[1] === 'timer' ? 'timer' : 'reminder';
      events.push({ app: options.name, actor, kind, at: performance.now(), name: decodeURIComponent(callback[2]!), body: JSON.parse(req.body.toString() || 'null') });
    }
    try {
      await serveMethod(match[3]!, actor, req.body, req.headers['dapr-reentrancy-id'] as string | undefined, res, counts, options);
    } finally {
      record(actor, 'turn-end');
    }
  });
  return { ...app, options, events };
}

async function serveMethod(
  method: string,
  actor: string,
  body: Buffer,
  chainId: string | undefined,
  res: import('node:http').ServerResponse,
  counts: Map<string, number>,
  options: ActorAppOptions,
): Promise<void> {
  const input = body.length > 0 ? (JSON.parse(body.toString()) as Record<string, unknown>) : {};
  if (typeof input['delayMs'] === 'number') await new Promise((resolve) => setTimeout(resolve, input['delayMs'] as number));
  const callback = /^(timer|remind)\/(.+)$/.exec(method);
  if (callback) return void res.end();
  if (method === 'incr') {
    const count = (counts.get(actor) ?? 0) + 1;
    counts.set(actor, count);
    res.setHeader('content-type', 'application/json');
    return void res.end(JSON.stringify({ actor, count, app: options.name }));
  }
  if (method === 'call') {
    const target = input as { type: string; id: string; method: string; body?: unknown };
    const nested = await fetch(`${options.sidecarUrl}/v1.0/actors/${target.type}/${target.id}/method/${target.method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(chainId ? { 'dapr-reentrancy-id': chainId } : {}) },
      body: JSON.stringify(target.body ?? {}),
    });
    res.setHeader('content-type', 'application/json');
    return void res.end(JSON.stringify({ status: nested.status, body: await nested.text() }));
  }
  if (method === 'save' || method === 'load') return stateCall(method, actor, input, options, res);
  if (method === 'hang') return; // never answers: the sidecar must time out, not wait for ever
  if (method === 'fail') return void res.writeHead(500, { 'content-type': 'text/plain' }).end('the actor broke');
  res.writeHead(404).end(`no method ${method}`);
}

/** Actor state through the sidecar, from inside the turn, as an SDK's state manager does it. */
async function stateCall(
  method: 'save' | 'load',
  actor: string,
  input: Record<string, unknown>,
  options: ActorAppOptions,
  res: import('node:http').ServerResponse,
): Promise<void> {
  const base = `${options.sidecarUrl}/v1.0/actors/${actor}/state`;
  const answer =
    method === 'save'
      ? await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ operation: 'upsert', request: { key: input['key'], value: input['value'] } }]) })
      : await fetch(`${base}/${String(input['key'])}`);
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ status: answer.status, body: await answer.text() }));
}

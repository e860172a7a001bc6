/**
 * The app side of Dapr's actor protocol over Node's HTTP types: which callback a request is,
 * its arguments, and the answer. Errors thrown by actors are answered with Dapr's
 * `X-DaprErrorResponseHeader`, so the sidecar hands them back to the caller as they are.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { REENTRANCY_HEADER } from '../actors/call-context.js';
import { encodeActorError, ERROR_RESPONSE_HEADER } from '../actors/error-body.js';
import { ActorRequestError, type Activations } from './activations.js';
import type { DaprActorConfig } from './config.js';
import { safeDecode } from './routes.js';

export type Callback =
  | { readonly kind: 'config' }
  | { readonly kind: 'health' }
  | { readonly kind: 'deactivate'; readonly type: string; readonly id: string }
  | { readonly kind: 'timer' | 'reminder' | 'method'; readonly type: string; readonly id: string; readonly name: string };

const ACTOR_PATH = /^\/actors\/([^/]+)\/([^/]+)(?:\/method\/(?:(timer|remind)\/([^/]+)|([^/]+)))?$/;

/** The callback a request is, or undefined if it is none of the actor protocol's. */
export function callbackOf(method: string | undefined, url: string | undefined): Callback | undefined {
  const path = (url ?? '/').split('?')[0]!;
  if (method === 'GET' && path === '/dapr/config') return { kind: 'config' };
  if (method === 'GET' && path === '/healthz') return { kind: 'health' };
  const match = ACTOR_PATH.exec(path);
  if (!match) return undefined;
  const [, type, id, callbackKind, callbackName, methodName] = match.map((part) => (part === undefined ? undefined : safeDecode(part)));
  if (type === undefined || id === undefined) return undefined;
  if (method === 'DELETE' && !callbackKind && !methodName) return { kind: 'deactivate', type, id };
  if (method !== 'PUT') return undefined;
  if (callbackKind && callbackName) return { kind: callbackKind === 'timer' ? 'timer' : 'reminder', type, id, name: callbackName };
  return methodName ? { kind: 'method', type, id, name: methodName } : undefined;
}

export interface CallbackServices {
  readonly activations: Activations;
  config(): DaprActorConfig;
}

/** Answers one callback; never throws (a failure is the answer). */
export async function serveCallback(callback: Callback, req: IncomingMessage, res: ServerResponse, body: Buffer, services: CallbackServices): Promise<void> {
  try {
    const result = await run(callback, req, body, services);
    if (callback.kind === 'health') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    if (result === undefined) return void res.writeHead(200, { 'content-length': 0 }).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(result);
  } catch (err) {
    const status = err instanceof ActorRequestError ? err.status : 500;
    res.writeHead(status, { 'content-type': 'application/json', [ERROR_RESPONSE_HEADER]: 'true' }).end(encodeActorError(err));
  }
}

/** The JSON text to answer with, or undefined for an empty 200. */
async function run(callback: Callback, req: IncomingMessage, body: Buffer, { activations, config }: CallbackServices): Promise<string | undefined> {
  switch (callback.kind) {
    case 'config':
      return JSON.stringify(config());
    case 'health':
      return undefined;
    case 'deactivate':
      return void (await activations.deactivate(callback.type, callback.id));
    case 'timer': {
      const fire = parseObject(body);
      if (typeof fire['callback'] !== 'string' || fire['callback'] === '') throw new ActorRequestError('ActorRequestError', `timer ${callback.name} names no callback`, 400);
      return void (await activations.fireTimer(callback.type, callback.id, fire['callback'], fire['data'], chainOf(req)));
    }
    case 'reminder': {
      const fire = parseObject(body);
      return void (await activations.fireReminder(callback.type, callback.id, callback.name, fire['data'], scheduleOf(fire), chainOf(req)));
    }
    case 'method': {
      const result = await activations.invoke(callback.type, callback.id, callback.name, argumentsOf(body), chainOf(req));
      return result === undefined ? undefined : JSON.stringify(result);
    }
  }
}

/** The call chain the sidecar names (every callback carries one from an Outrigger sidecar). */
function chainOf(req: IncomingMessage): string | undefined {
  const chain = req.headers[REENTRANCY_HEADER];
  return typeof chain === 'string' && chain !== '' ? chain : undefined;
}

/** A JSON array is the argument list (as Dapr's JS SDK sends it); any other JSON value is the one argument. */
function argumentsOf(body: Buffer): unknown[] {
  if (body.length === 0) return [];
  const value = parseJson(body);
  return Array.isArray(value) ? value : [value];
}

function parseObject(body: Buffer): Record<string, unknown> {
  const value = body.length === 0 ? {} : parseJson(body);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ActorRequestError('ActorRequestError', 'the callback body is not a JSON object', 400);
  return value as Record<string, unknown>;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new ActorRequestError('ActorRequestError', 'the request body is not JSON', 400);
  }
}

function scheduleOf(fire: Record<string, unknown>): { dueTime?: string; period?: string } {
  return {
    ...(typeof fire['dueTime'] === 'string' ? { dueTime: fire['dueTime'] } : {}),
    ...(typeof fire['period'] === 'string' ? { period: fire['period'] } : {}),
  };
}

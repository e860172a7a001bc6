/**
 * How an actor's thrown error travels to its caller. The host answers with Dapr's
 * `X-DaprErrorResponseHeader`, which makes a sidecar (ours or daprd) pass the answer back as
 * it is, and a body that cannot be mistaken for a sidecar's `{errorCode, message}`.
 */
import { ActorError } from '../errors.js';

export const ERROR_RESPONSE_HEADER = 'x-daprerrorresponseheader';

interface WireActorError {
  readonly name: string;
  readonly message: string;
  readonly errorCode?: string;
}

/** The body for a thrown value: its name, message and, for SDK errors, Dapr's errorCode. */
export function encodeActorError(thrown: unknown): string {
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  const errorCode = (error as { errorCode?: unknown }).errorCode;
  const wire: WireActorError = { name: error.name, message: error.message, ...(typeof errorCode === 'string' ? { errorCode } : {}) };
  return JSON.stringify({ actorError: wire });
}

/** The caller's copy of the actor's error, or undefined if the body is not an encoded one. */
export function decodeActorError(bodyText: string, call: { actorType: string; actorId: string; method: string }): ActorError | undefined {
  let wire: Partial<WireActorError> | undefined;
  try {
    wire = (JSON.parse(bodyText) as { actorError?: Partial<WireActorError> } | null)?.actorError;
  } catch {
    return undefined;
  }
  if (typeof wire?.name !== 'string' || typeof wire.message !== 'string') return undefined;
  return new ActorError({ ...call, name: wire.name, message: wire.message, ...(typeof wire.errorCode === 'string' ? { errorCode: wire.errorCode } : {}) });
}

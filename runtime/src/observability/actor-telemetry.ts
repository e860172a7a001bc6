/**
 * What the actor runtime reports: one span per turn (covering the wait for the turn and the run,
 * the split marked by a `turn acquired` event and the `outrigger.turn.wait_ms` attribute), and
 * the actor, timer and reminder metrics.
 */
import type { SidecarMetrics } from './metrics.js';
import type { HeaderLike, TraceHeaders } from './trace-headers.js';
import { NOOP_SPAN, SpanKind, type TraceSpan, type Tracing } from './tracing.js';

export type TurnCallback = 'method' | 'timer' | 'reminder';

export interface TurnObservation {
  /** The context the app's callback continues; empty when no span was made. */
  readonly context: TraceHeaders;
  readonly traceId: string | undefined;
  /** The call got its turn: the wait ends and the run begins. */
  acquired(): void;
  /** The turn ended (or never began), with the error when it failed. */
  end(error?: unknown): void;
}

/** The actor runtime's view of telemetry; `NO_ACTOR_TELEMETRY` when there is none. */
export interface ActorTelemetry {
  /** A call asks for a turn on `type/id`; `parent` carries the caller's trace context. */
  turn(type: string, id: string, callback: TurnCallback, name: string, parent: HeaderLike): TurnObservation;
  activated(actorType: string): void;
  deactivated(actorType: string, reason: string): void;
  reminderRegistered(actorType: string): void;
  reminderFired(actorType: string, lagMs: number, success: boolean): void;
  timerFired(actorType: string, success: boolean): void;
}

export function createActorTelemetry(tracing: Tracing, metrics: SidecarMetrics | undefined): ActorTelemetry {
  return {
    turn: (type, id, callback, name, parent) => new Turn(type, tracing.enabled ? startTurnSpan(tracing, type, id, callback, name, parent) : NOOP_SPAN, metrics),
    activated: (actorType) => metrics?.actorActivations.inc({ actor_type: actorType }),
    deactivated: (actorType, reason) => metrics?.actorDeactivations.inc({ actor_type: actorType, reason }),
    reminderRegistered: (actorType) => metrics?.remindersRegistered.inc({ actor_type: actorType }),
    reminderFired(actorType, lagMs, success) {
      metrics?.remindersFired.inc({ actor_type: actorType, success: String(success) });
      metrics?.reminderLag.observe({ actor_type: actorType }, Math.max(0, lagMs));
    },
    timerFired: (actorType, success) => metrics?.timersFired.inc({ actor_type: actorType, success: String(success) }),
  };
}

const NO_TURN: TurnObservation = { context: {}, traceId: undefined, acquired: () => {}, end: () => {} };

export const NO_ACTOR_TELEMETRY: ActorTelemetry = {
  turn: () => NO_TURN,
  activated: () => {},
  deactivated: () => {},
  reminderRegistered: () => {},
  reminderFired: () => {},
  timerFired: () => {},
};

/** Dapr names actor spans `CallActor/<type>/<method>`; timers and reminders say which they are. */
function startTurnSpan(tracing: Tracing, type: string, id: string, callback: TurnCallback, name: string, parent: HeaderLike): TraceSpan {
  const spanName = callback === 'method' ? `CallActor/${type}/${name}` : `CallActor/${type}/${callback}/${name}`;
  return tracing.startSpan(spanName, SpanKind.INTERNAL, parent, {
    'dapr.actor.type': type,
    'dapr.actor.id': id,
    'outrigger.actor.callback': callback,
  });
}

class Turn implements TurnObservation {
  readonly #askedAt = performance.now();
  #acquiredAt: number | undefined;

  constructor(
    private readonly type: string,
    private readonly span: TraceSpan,
    private readonly metrics: SidecarMetrics | undefined,
  ) {}

  get context(): TraceHeaders {
    return this.span.context;
  }

  get traceId(): string | undefined {
    return this.span.traceId;
  }

  acquired(): void {
    this.#acquiredAt = performance.now();
    const waitMs = this.#acquiredAt - this.#askedAt;
    this.metrics?.turnWait.observe({ actor_type: this.type }, waitMs);
    this.span.setAttributes({ 'outrigger.turn.wait_ms': waitMs });
    this.span.addEvent('turn acquired');
  }

  end(error?: unknown): void {
    if (this.#acquiredAt !== undefined) this.metrics?.turnRun.observe({ actor_type: this.type }, performance.now() - this.#acquiredAt);
    this.span.end(error === undefined ? undefined : error instanceof Error ? error.message : String(error));
  }
}

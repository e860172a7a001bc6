import type { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { PlacementLogger } from '../options.js';
import { PROTOCOL_VERSION, type HostRecord } from '../protocol/index.js';
import { PlacementTable } from '../table/index.js';
import { EventLoop, assertNever } from './event-loop.js';
import type { LastTable, MemberLink, NamespaceEvent, Phase, PlacementEvents } from './events.js';
import { ResyncGate } from './resync.js';
import { Round, type Member } from './round.js';
import type { NamespaceState } from './state.js';
import type { VersionIssuer } from './versions.js';

export interface NamespaceContext {
  readonly namespace: string;
  readonly replicationFactor: number;
  readonly disseminationTimeoutMs: number;
  readonly coalesceWindowMs: number;
  readonly resyncGraceMs: number;
  readonly versions: VersionIssuer;
  readonly events: EventEmitter<PlacementEvents>;
  readonly logger: PlacementLogger;
  /** Called once the last member is gone; the owner then drops this namespace. */
  readonly onEmpty: () => void;
}

/**
 * One namespace's membership and its two-phase rounds, owned by one loop. A change (join, leave,
 * new types or address) schedules a round: prepare(version, members) to every member; once all
 * acked, commit(version) to all; done when all acked that. A round is never abandoned: changes
 * that arrive while it runs are folded into one follow-up round, so under steady churn rounds
 * still commit back to back, and a member that leaves mid-round is simply waited for no more.
 */
export class NamespaceDisseminator extends EventLoop<NamespaceEvent> {
  readonly #members = new Map<string, Member>();
  readonly #resync = new ResyncGate();
  #round: Round | undefined;
  /** performance.now() of the first change no round carries yet; undefined when none waits. */
  #pendingSince: number | undefined;
  #committed: { readonly table: PlacementTable; readonly links: ReadonlyMap<string, MemberLink> } | undefined;
  /** Cancels the scheduled start of a round; undefined when none is scheduled. */
  #cancelStart: (() => void) | undefined;
  #phaseTimer: NodeJS.Timeout | undefined;
  #graceTimer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(private readonly ctx: NamespaceContext) {
    super(ctx.logger);
    // The grace runs from the namespace's first registration, which is what creates this loop.
    this.#graceTimer = setTimeout(() => this.enqueue({ kind: 'resync-grace-elapsed' }), ctx.resyncGraceMs);
  }

  /** Stopped loops ignore every event; the owner replaces one that is asked to serve again. */
  get stopped(): boolean {
    return this.#stopped;
  }

  snapshot(): NamespaceState {
    const table = this.#committed?.table ?? PlacementTable.build(0, this.ctx.replicationFactor, []);
    const hosts = table.members.map((host) => ({
      hostId: host.hostId,
      appId: host.appId,
      address: host.address,
      actorTypes: host.actorTypes,
      lastSeen: new Date(this.#committed?.links.get(host.hostId)?.lastSeen() ?? 0).toISOString(),
    }));
    return { version: table.version, hosts, rings: table.summary() };
  }

  protected handle(event: NamespaceEvent): void {
    if (this.#stopped) return;
    switch (event.kind) {
      case 'registered':
        return this.#registered(event.link, event.host, event.lastTable);
      case 'left':
        return this.#left(event.hostId, event.link, event.reason);
      case 'acked':
        return this.#acked(event.hostId, event.link, event.phase, event.version);
      case 'start-round':
        this.#cancelStart = undefined;
        return this.#startRound();
      case 'phase-timeout':
        return this.#phaseTimedOut(event.version, event.phase);
      case 'resync-grace-elapsed':
        return this.#graceElapsed();
      case 'shutdown':
        return this.#stop();
      default:
        return assertNever(event);
    }
  }

  #registered(link: MemberLink, host: HostRecord, lastTable: LastTable | undefined): void {
    this.#resync.registered(host.hostId, lastTable);
    if (lastTable) this.ctx.versions.observe(lastTable.version);
    const current = this.#members.get(host.hostId);
    if (current?.link === link && sameHost(current.host, host)) {
      this.ctx.logger.debug({ namespace: this.ctx.namespace, hostId: host.hostId }, 'host registered again, unchanged');
      return;
    }
    if (current && current.link !== link) this.#round?.forget(host.hostId, current.link);
    this.#members.set(host.hostId, { host, link });
    this.ctx.logger.info({ namespace: this.ctx.namespace, hostId: host.hostId, actorTypes: host.actorTypes }, current ? 'host updated' : 'host joined');
    this.#changed();
  }

  #left(hostId: string, link: MemberLink, reason: string): void {
    if (this.#members.get(hostId)?.link !== link) return;
    this.#members.delete(hostId);
    this.#round?.forget(hostId, link);
    this.ctx.logger.info({ namespace: this.ctx.namespace, hostId, reason }, 'host left');
    if (this.#members.size === 0) return this.#stop();
    this.#changed();
    this.#advanceIfSettled();
  }

  /** Membership differs from what the last round carries: see that a round will carry it. */
  #changed(): void {
    this.#pendingSince ??= performance.now();
    // A running round finishes first (a restart on every join would never commit under churn);
    // #complete then starts the follow-up round.
    if (this.#round) return;
    this.#scheduleStart(this.ctx.coalesceWindowMs);
  }

  #scheduleStart(delayMs: number): void {
    if (this.#cancelStart) return;
    const start = () => this.enqueue({ kind: 'start-round' });
    if (delayMs > 0) {
      const timer = setTimeout(start, delayMs);
      this.#cancelStart = () => clearTimeout(timer);
    } else {
      // setImmediate, not a synchronous start: registrations that arrived in the same I/O turn
      // (a burst of joins) land in this one round.
      const immediate = setImmediate(start);
      this.#cancelStart = () => clearImmediate(immediate);
    }
  }

  #startRound(): void {
    if (this.#round || this.#pendingSince === undefined || this.#members.size === 0) return;
    if (!this.#resync.isOpen()) {
      this.ctx.logger.info({ namespace: this.ctx.namespace, waitingFor: this.#resync.missing() }, 'first round waits for hosts of the last table');
      return;
    }
    this.#resync.open();
    this.#clearGraceTimer();
    const round = new Round(this.ctx.versions.next(), this.#pendingSince, this.#members);
    this.#round = round;
    this.#pendingSince = undefined;
    const prepare = { kind: 'prepare', v: PROTOCOL_VERSION, version: round.version, replicationFactor: this.ctx.replicationFactor, members: round.hosts() } as const;
    for (const member of round.members()) member.link.send(prepare);
    this.#armPhaseTimer(round);
    this.ctx.logger.debug({ namespace: this.ctx.namespace, version: round.version, members: this.#members.size }, 'round started');
  }

  #acked(hostId: string, link: MemberLink, phase: Phase, version: number): void {
    // Acks of superseded rounds are a benign race (the round moved on while they travelled).
    if (!this.#round?.acked(hostId, link, phase, version)) return;
    this.#advanceIfSettled();
  }

  #advanceIfSettled(): void {
    const round = this.#round;
    if (!round?.settled()) return;
    if (round.phase === 'commit') return this.#complete(round);
    round.toCommit();
    const links = new Map(round.members().map((m) => [m.host.hostId, m.link]));
    this.#committed = { table: PlacementTable.build(round.version, this.ctx.replicationFactor, round.hosts()), links };
    const commit = { kind: 'commit', v: PROTOCOL_VERSION, version: round.version } as const;
    for (const link of links.values()) link.send(commit);
    this.#armPhaseTimer(round);
    if (round.settled()) this.#complete(round);
  }

  #complete(round: Round): void {
    this.#round = undefined;
    this.#clearPhaseTimer();
    const durationMs = performance.now() - round.triggeredAt;
    const members = round.members().map((m) => m.host.hostId).sort();
    this.ctx.logger.info({ namespace: this.ctx.namespace, version: round.version, members: members.length, durationMs: Math.round(durationMs) }, 'table committed');
    if (this.#pendingSince !== undefined) {
      this.#scheduleStart(Math.max(0, this.#pendingSince + this.ctx.coalesceWindowMs - performance.now()));
    }
    const complete = { namespace: this.ctx.namespace, version: round.version, durationMs, members };
    this.#notify('round-complete', (events) => events.emit('round-complete', complete));
  }

  #phaseTimedOut(version: number, phase: Phase): void {
    const round = this.#round;
    if (round?.version !== version || round.phase !== phase) return;
    for (const [hostId, link] of round.waiting()) this.#evict(hostId, link);
    if (this.#members.size === 0) return this.#stop();
    this.#changed(); // the follow-up round takes the evicted hosts out
    this.#advanceIfSettled(); // the survivors all acked this phase, so the round moves on
  }

  #evict(hostId: string, link: MemberLink): void {
    this.ctx.logger.warn({ namespace: this.ctx.namespace, hostId, timeoutMs: this.ctx.disseminationTimeoutMs }, 'evicting a host: ack timeout');
    this.#members.delete(hostId);
    this.#round?.forget(hostId, link);
    link.evict('ack timeout');
    const evicted = { namespace: this.ctx.namespace, hostId, reason: 'ack timeout' } as const;
    this.#notify('member-evicted', (events) => events.emit('member-evicted', evicted));
  }

  /** A listener that throws (a metrics hook, a benchmark) must not break the round it watches. */
  #notify(event: keyof PlacementEvents, emit: (events: NamespaceContext['events']) => void): void {
    try {
      emit(this.ctx.events);
    } catch (err) {
      this.ctx.logger.error({ err, event }, 'a placement event listener failed');
    }
  }

  #graceElapsed(): void {
    this.#graceTimer = undefined;
    if (this.#resync.isOpen()) return;
    this.ctx.logger.warn({ namespace: this.ctx.namespace, missing: this.#resync.missing(), graceMs: this.ctx.resyncGraceMs }, 'resync grace over: disseminating without hosts of the last table');
    this.#resync.open();
    this.#startRound();
  }

  #armPhaseTimer(round: Round): void {
    this.#clearPhaseTimer();
    const { version, phase } = round;
    // Enqueued from setImmediate, after this turn's I/O: acks that arrived while this process
    // was stalled are counted before anyone is evicted for not sending them.
    const timedOut = () => setImmediate(() => this.enqueue({ kind: 'phase-timeout', version, phase }));
    this.#phaseTimer = setTimeout(timedOut, this.ctx.disseminationTimeoutMs);
  }

  #clearPhaseTimer(): void {
    clearTimeout(this.#phaseTimer);
    this.#phaseTimer = undefined;
  }

  #clearGraceTimer(): void {
    clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
  }

  /** The namespace is empty or the placement closes: no timer of it may fire again. */
  #stop(): void {
    this.#stopped = true;
    this.#round = undefined;
    this.#clearPhaseTimer();
    this.#clearGraceTimer();
    this.#cancelStart?.();
    this.#cancelStart = undefined;
    if (this.#members.size === 0) this.ctx.onEmpty();
  }
}

function sameHost(a: HostRecord, b: HostRecord): boolean {
  return a.appId === b.appId && a.address === b.address && typesKey(a) === typesKey(b);
}

function typesKey(host: HostRecord): string {
  return [...host.actorTypes].sort().join('\n');
}

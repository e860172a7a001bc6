/**
 * The sidecar's Prometheus metrics (prom-client, one registry per sidecar, `app_id` on every
 * series). Names follow daprd's where daprd has the metric; docs/observability.md lists them all.
 * Latencies are in milliseconds, as daprd's.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Sub-millisecond buckets first: most sidecar work is well under one. */
const LATENCY_BUCKETS_MS = [0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000];

/** What the gauges read when scraped. */
export interface ActorCounts {
  /** Active actors per type. */
  activeActors(): ReadonlyMap<string, number>;
  /** Calls waiting for a turn, per type. */
  queuedCalls(): ReadonlyMap<string, number>;
}

export class SidecarMetrics {
  readonly registry = new Registry();
  readonly httpRequests = this.#counter('dapr_http_server_request_count', 'API calls served', ['method', 'path', 'status']);
  readonly httpLatency = this.#histogram('dapr_http_server_latency', 'API call latency (ms), by route template', ['method', 'path', 'status']);
  readonly apiErrors = this.#counter('outrigger_api_errors_total', 'API calls answered with a Dapr error code; component failures show here by code', ['error_code']);
  readonly invokeLatency = this.#histogram(
    'dapr_service_invocation_res_recv_latency_ms',
    'service invocation latency (ms) as the caller sees it, by target app',
    ['destination_app_id', 'status'],
  );
  readonly actorActivations = this.#counter('dapr_runtime_actor_activated_total', 'actor activations', ['actor_type']);
  readonly actorDeactivations = this.#counter('dapr_runtime_actor_deactivated_total', 'actor deactivations', ['actor_type', 'reason']);
  readonly turnWait = this.#histogram('outrigger_runtime_actor_turn_wait_ms', 'time a call waited for its actor turn (ms)', ['actor_type']);
  readonly turnRun = this.#histogram('outrigger_runtime_actor_turn_run_ms', 'time an actor turn ran (ms)', ['actor_type']);
  readonly remindersRegistered = this.#counter('outrigger_runtime_actor_reminders_registered_total', 'reminders created or overwritten', ['actor_type']);
  readonly remindersFired = this.#counter('dapr_runtime_actor_reminders_fired_total', 'reminder fires', ['actor_type', 'success']);
  readonly reminderLag = this.#histogram('outrigger_runtime_actor_reminder_lag_ms', 'from when a reminder was due to when it fired (ms)', ['actor_type']);
  readonly timersFired = this.#counter('dapr_runtime_actor_timers_fired_total', 'timer fires', ['actor_type', 'success']);
  readonly disseminationMs = this.#histogram('outrigger_runtime_placement_dissemination_ms', 'from a table prepare to its commit on this sidecar (ms)', []);
  readonly pubsubEgress = this.#counter('dapr_component_pubsub_egress_count', 'messages published', ['component', 'topic', 'success']);
  readonly pubsubIngress = this.#counter('dapr_component_pubsub_ingress_count', 'messages delivered to the app', ['component', 'topic', 'process_status']);

  #preparedAt: number | undefined;

  constructor(appId: string) {
    this.registry.setDefaultLabels({ app_id: appId });
    collectDefaultMetrics({ register: this.registry });
  }

  /** Gauges read at scrape time from the actor runtime. */
  observeActors(counts: ActorCounts): void {
    this.#gaugeOf('outrigger_runtime_actor_active', 'active actors', () => counts.activeActors());
    this.#gaugeOf('dapr_runtime_actor_pending_actor_calls', 'calls waiting for an actor turn', () => counts.queuedCalls());
  }

  /** The committed placement table's version, read at scrape time. */
  observeTableVersion(version: () => number): void {
    new Gauge({
      name: 'outrigger_runtime_placement_table_version',
      help: 'the version of the committed placement table',
      registers: [this.registry],
      collect() {
        this.set(version());
      },
    });
  }

  /** A table change reached its prepare here; `tableCommitted` measures from this moment. */
  tablePrepared(): void {
    this.#preparedAt = performance.now();
  }

  tableCommitted(): void {
    if (this.#preparedAt !== undefined) this.disseminationMs.observe(performance.now() - this.#preparedAt);
    this.#preparedAt = undefined;
  }

  /** How a delivery to the app ended: SUCCESS, RETRY or DROP, as daprd's `process_status`. */
  delivered(component: string, topic: string, outcome: string): void {
    this.pubsubIngress.inc({ component, topic, process_status: outcome.toLowerCase() });
  }

  #gaugeOf(name: string, help: string, read: () => ReadonlyMap<string, number>): void {
    new Gauge({
      name,
      help,
      labelNames: ['actor_type'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [actorType, count] of read()) this.set({ actor_type: actorType }, count);
      },
    });
  }

  #counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  #histogram<L extends string>(name: string, help: string, labelNames: readonly L[]): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets: LATENCY_BUCKETS_MS, registers: [this.registry] });
  }
}

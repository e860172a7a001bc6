import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Placement } from '../placement.js';

const DURATION_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000];

/**
 * The placement's own metrics: membership and tables read from its state at scrape time, and
 * dissemination rounds and evictions counted from its events.
 */
export function createPlacementMetrics(placement: Pick<Placement, 'events' | 'state'>): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const perNamespace = (name: string, help: string, read: (ns: { version: number; hosts: readonly unknown[] }) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['namespace'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [namespace, state] of Object.entries(placement.state().namespaces)) this.set({ namespace }, read(state));
      },
    });
  perNamespace('outrigger_placement_hosts', 'sidecars in the committed table', (ns) => ns.hosts.length);
  perNamespace('outrigger_placement_table_version', 'the committed table version', (ns) => ns.version);
  new Gauge({
    name: 'outrigger_placement_namespaces',
    help: 'namespaces with a committed table',
    registers: [registry],
    collect() {
      this.set(Object.keys(placement.state().namespaces).length);
    },
  });
  const rounds = new Counter({ name: 'outrigger_placement_dissemination_rounds_total', help: 'rounds every member acked', labelNames: ['namespace'], registers: [registry] });
  const duration = new Histogram({
    name: 'outrigger_placement_dissemination_duration_ms',
    help: 'from the first membership change of a round to its last commit ack (ms)',
    labelNames: ['namespace'],
    buckets: DURATION_BUCKETS_MS,
    registers: [registry],
  });
  const evictions = new Counter({ name: 'outrigger_placement_evictions_total', help: 'members the placement closed', labelNames: ['namespace', 'reason'], registers: [registry] });
  placement.events.on('round-complete', ({ namespace, durationMs }) => {
    rounds.inc({ namespace });
    duration.observe({ namespace }, durationMs);
  });
  placement.events.on('member-evicted', ({ namespace, reason }) => evictions.inc({ namespace, reason }));
  return registry;
}

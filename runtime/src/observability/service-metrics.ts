/**
 * Metrics of building-block services, taken by wrapping them in the composition root: the
 * services stay unaware of metrics, and with metrics off nothing is wrapped.
 */
import { ApiError } from '../errors/index.js';
import type { InvokeService } from '../invoke/index.js';
import type { PubSubService } from '../pubsub/index.js';
import type { SidecarMetrics } from './metrics.js';

/** Latency per target app, as the caller sees it; the status is the app's, or the error's. */
export function withInvokeMetrics(invoke: InvokeService, metrics: SidecarMetrics | undefined): InvokeService {
  if (!metrics) return invoke;
  return {
    async invoke(request) {
      const startedAt = performance.now();
      let status = 500;
      try {
        const response = await invoke.invoke(request);
        status = response.status;
        return response;
      } catch (err) {
        if (err instanceof ApiError) status = err.status;
        throw err;
      } finally {
        metrics.invokeLatency.observe({ destination_app_id: request.target, status }, performance.now() - startedAt);
      }
    },
  };
}

/** Publishes counted per component and topic, by whether the broker took them. */
export function withPublishMetrics(pubsub: PubSubService, metrics: SidecarMetrics | undefined): PubSubService {
  if (!metrics) return pubsub;
  const count = (component: string, topic: string, success: boolean, n = 1) => metrics.pubsubEgress.inc({ component, topic, success: String(success) }, n);
  return {
    ...pubsub,
    async publish(pubsubName, topic, request) {
      try {
        await pubsub.publish(pubsubName, topic, request);
        count(pubsubName, topic, true);
      } catch (err) {
        count(pubsubName, topic, false);
        throw err;
      }
    },
    async bulkPublish(pubsubName, topic, entries, request) {
      const failures = await pubsub.bulkPublish(pubsubName, topic, entries, request);
      if (entries.length > failures.length) count(pubsubName, topic, true, entries.length - failures.length);
      if (failures.length > 0) count(pubsubName, topic, false, failures.length);
      return failures;
    },
  };
}

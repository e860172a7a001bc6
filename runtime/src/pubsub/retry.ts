/**
 * How a failed delivery to the app is tried again before the dead-letter topic (or the broker's
 * own redelivery) takes over. Exponential backoff with jitter, so a poison message never loops
 * hot and many failing messages do not retry in step.
 */
import type { ComponentMetadata } from '../components/index.js';

export interface DeliveryRetryPolicy {
  /** Retries after the first attempt; 0 hands the message on at its first failure. */
  readonly maxRetries: number;
  readonly initialIntervalMs: number;
  readonly maxIntervalMs: number;
}

export const DEFAULT_DELIVERY_RETRY: DeliveryRetryPolicy = { maxRetries: 3, initialIntervalMs: 1000, maxIntervalMs: 10_000 };

/** Outrigger's component metadata for the policy (not in Dapr, which uses Resiliency resources). */
export function deliveryRetryPolicyOf(metadata: ComponentMetadata): DeliveryRetryPolicy {
  return {
    maxRetries: metadata.int('deliveryMaxRetries', DEFAULT_DELIVERY_RETRY.maxRetries, { min: 0, max: 1000 }),
    initialIntervalMs: metadata.durationMs('deliveryRetryInterval', DEFAULT_DELIVERY_RETRY.initialIntervalMs),
    maxIntervalMs: metadata.durationMs('deliveryRetryMaxInterval', DEFAULT_DELIVERY_RETRY.maxIntervalMs),
  };
}

/** The wait before retry number `retry` (1-based): doubling, capped, with ±25% jitter. */
export function retryDelayMs(policy: DeliveryRetryPolicy, retry: number): number {
  const base = Math.min(policy.initialIntervalMs * 2 ** (retry - 1), policy.maxIntervalMs);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

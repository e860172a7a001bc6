/**
 * Resiliency: Dapr's Resiliency resources read from the resources folders (timeouts, retries,
 * circuit breakers; targets apps, actors and components), and the Policy that runs one
 * operation under them. The building blocks ask the Resiliency for their target's policy:
 * invocation per app id, actor calls per type and id, pub/sub delivery per component (inbound);
 * outbound component calls are wrapped once in the composition root.
 */
export { readResiliency, Resiliency } from './resiliency.js';
export type { ResiliencyDeps } from './resiliency.js';
export { Policy, PolicyTimeoutError } from './policy.js';
export type { PolicyParts, RetrySpec, RunOptions } from './policy.js';
export { CircuitBreaker, CircuitOpenError } from './circuit-breaker.js';
export type { BreakerState, CircuitBreakerSpec } from './circuit-breaker.js';
export { ResiliencyError, parseResiliencyDocuments, checkReferences, emptySpec } from './document.js';
export type { ResiliencySpec, PolicyNames, ActorPolicyNames } from './document.js';
export { parseTrip, TripExpressionError } from './trip.js';
export type { BreakerCounts, TripCondition } from './trip.js';
export { withOutboundPolicies } from './components.js';
export { isPolicyError } from './errors.js';

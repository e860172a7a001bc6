import { CircuitOpenError } from './circuit-breaker.js';
import { PolicyTimeoutError } from './policy.js';

/** Whether an error is the policy's own (open circuit, timeout) rather than the operation's. */
export function isPolicyError(err: unknown): err is CircuitOpenError | PolicyTimeoutError {
  return err instanceof CircuitOpenError || err instanceof PolicyTimeoutError;
}

/**
 * Polls an assertion until it passes or the deadline comes; never a blind sleep.
 * Returns the value of the first passing attempt; throws the last failure on timeout.
 */
export async function eventually<T>(
  attempt: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 25 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Waits until `predicate` holds. Use this rather than ava assertions inside `eventually`:
 * ava records a failed `t.is` for good, even if a later attempt would pass.
 */
export async function waitUntil(
  description: string,
  predicate: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  await eventually(async () => {
    if (!(await predicate())) throw new Error(`timed out waiting until ${description}`);
  }, options);
}

// A counter kept in the sidecar's state store, through the plain Dapr HTTP API.
// Run it with its sidecar:  npx outrigger run --app-id counter -- node examples/state-counter/app.mjs
// The count survives restarts: run it twice and it carries on where it stopped.

const sidecar = `http://127.0.0.1:${process.env.DAPR_HTTP_PORT ?? 3500}`;
const store = process.env.STATE_STORE ?? 'statestore';
const rounds = Number(process.env.ROUNDS ?? 5);

async function readCount() {
  const res = await fetch(`${sidecar}/v1.0/state/${store}/count`);
  if (res.status === 204) return { count: 0, etag: undefined };
  if (!res.ok) throw new Error(`get failed: ${res.status} ${await res.text()}`);
  return { count: await res.json(), etag: res.headers.get('etag') ?? undefined };
}

/** Increments with optimistic concurrency: a stale etag is a 409, and we try again. */
async function increment() {
  for (;;) {
    const { count, etag } = await readCount();
    const item = { key: 'count', value: count + 1, ...(etag ? { etag } : { options: { concurrency: 'first-write' } }) };
    const res = await fetch(`${sidecar}/v1.0/state/${store}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([item]),
    });
    if (res.status === 204) return count + 1;
    if (res.status !== 409) throw new Error(`save failed: ${res.status} ${await res.text()}`);
  }
}

for (let i = 0; i < rounds; i++) {
  console.log(`count is now ${await increment()}`);
  await new Promise((resolve) => setTimeout(resolve, 200));
}

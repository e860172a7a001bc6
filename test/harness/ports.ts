import { createServer } from 'node:net';
import { freePort } from '../../runtime/src/net/index.js';

/** Below Linux's ephemeral range (32768–60999), so no outgoing connection takes it meanwhile. */
const LOW = 20_000;
const HIGH = 32_000;

/**
 * A port nobody listens on right now, for a test to hand to a process that binds it later (an
 * embedded placement may bind its port seconds after start). Ports the OS picks for `listen(0)`
 * come from the ephemeral range, where the many outgoing connections of a parallel test run take
 * their source ports, so one could be taken before it is bound; these are picked below it.
 */
export async function freePortForTest(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (await bindable(port)) return port;
  }
  return freePort();
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

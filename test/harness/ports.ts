/** A port nobody listens on right now (the OS picked it, then it was released): the runtime's own helper. */
export { freePort as freePortForTest } from '../../runtime/src/net/index.js';

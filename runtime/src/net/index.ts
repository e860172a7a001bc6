/** Small networking helpers shared by the CLI and the composition root. */
export { freePort } from './free-port.js';

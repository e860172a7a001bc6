/**
 * The wire protocol shared by the placement service and the runtime: message types, the
 * msgpack codec that validates everything it reads, and the coded errors it raises. There is no
 * second copy of any of this in the runtime.
 */
export * from './messages.js';
export { isTraceparent, MAX_TRACESTATE_LENGTH } from './trace-context.js';
export type { TraceContextFields } from './trace-context.js';
export { encode, decode, DEFAULT_MAX_MESSAGE_BYTES } from './codec.js';
export { ProtocolError, CLOSE_PROTOCOL_VIOLATION } from './errors.js';
export type { ProtocolErrorCode } from './errors.js';

import { apiErrors } from '../errors/index.js';
import type { OutputRequest } from './binding.js';

/**
 * The body of `POST /v1.0/bindings/{name}`: `{data, metadata, operation}`. As in daprd, `data`
 * is handed on as JSON text (a string keeps its quotes; a missing `data` is `null`), and a body
 * that is not that object is a 400 ERR_MALFORMED_REQUEST. A missing operation is left empty for
 * the service to refuse with Dapr's own message.
 */
export function parseOutputRequest(body: unknown): OutputRequest {
  if (body === undefined) throw apiErrors.malformedRequest('unexpected end of JSON input');
  if (body === null) return { operation: '', data: Buffer.from('null'), metadata: {} };
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw apiErrors.malformedRequest(`expected a JSON object {"data", "metadata", "operation"}, got ${describeJson(body)}`);
  }
  const { data, metadata, operation } = body as Record<string, unknown>;
  if (operation !== undefined && operation !== null && typeof operation !== 'string') {
    throw apiErrors.malformedRequest(`"operation" must be a string, got ${describeJson(operation)}`);
  }
  return { operation: operation ?? '', data: Buffer.from(JSON.stringify(data ?? null)), metadata: parseMetadata(metadata) };
}

function parseMetadata(metadata: unknown): Record<string, string> {
  if (metadata === undefined || metadata === null) return {};
  if (typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw apiErrors.malformedRequest(`"metadata" must be an object of strings, got ${describeJson(metadata)}`);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw apiErrors.malformedRequest(`"metadata.${key}" must be a string, got ${describeJson(value)}`);
    out[key] = value;
  }
  return out;
}

function describeJson(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : `a ${typeof value}`;
}

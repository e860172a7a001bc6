/**
 * How the SDK turns app values into request bodies and answers back into values, the same way
 * for every building block: bytes stay bytes, strings are text, anything else is JSON.
 */

export interface EncodedBody {
  readonly bytes: string | Uint8Array;
  readonly contentType: string;
}

/** A Uint8Array (or Buffer) as bytes, a string as text, anything else as JSON; undefined is no body. */
export function encodeBody(body: unknown): EncodedBody | undefined {
  if (body === undefined) return undefined;
  if (body instanceof Uint8Array) return { bytes: body, contentType: 'application/octet-stream' };
  if (typeof body === 'string') return { bytes: body, contentType: 'text/plain; charset=utf-8' };
  return { bytes: JSON.stringify(body), contentType: 'application/json' };
}

/** Whether a content type is JSON (`application/json`, `application/cloudevents+json`, …). */
export function isJsonType(contentType: string | undefined): boolean {
  return /^application\/(.+\+)?json\b/i.test(contentType ?? '');
}

/** JSON parsed, text as a string, anything else a Buffer; an empty body is undefined. */
export function decodeBody(body: Buffer, contentType: string | undefined): unknown {
  if (body.length === 0) return undefined;
  const type = (contentType ?? '').toLowerCase();
  if (isJsonType(type)) return parseJsonOrText(body.toString('utf8'));
  if (type.startsWith('text/') || type.includes('charset=') || /^application\/(.+\+)?xml\b/.test(type)) return body.toString('utf8');
  return body;
}

/** Malformed JSON labelled as JSON still gets its text through, not a SyntaxError. */
export function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

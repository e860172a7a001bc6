const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * The metadata entries that can travel as HTTP headers. Binding metadata is free text (a SQL
 * statement may hold a newline) and a header that cannot be written would fail the whole
 * response, so such entries are left out rather than mangled.
 */
export function headerSafe(metadata: Readonly<Record<string, string>>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata)) {
    if (TOKEN.test(name) && FIELD_VALUE.test(value)) out[`${prefix}${name}`] = value;
  }
  return out;
}

import { readFileSync } from 'node:fs';

/** The runtime package's version, reported by `/v1.0/metadata` and `outrigger --version`. */
export const RUNTIME_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

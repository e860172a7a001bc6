/**
 * `bindings.postgresql`, output: `exec` (rows-affected in the response metadata), `query` (the
 * rows as a JSON array of arrays of column values, as Dapr returns them) and `close`, with the
 * statement in the `sql` request metadata and its `$1..$n` arguments in `params`, a JSON array.
 * The pool reconnects on demand, so calls fail while the server is away and work once it is back.
 */
import pg from 'pg';
import type { OutputBinding, OutputRequest, OutputResponse } from '../../bindings/index.js';
import { ComponentMetadataError } from '../errors.js';
import type { ComponentMetadata } from '../metadata.js';
import { formatGoDuration } from '../../durations/index.js';
import { defineBinding } from './definition.js';

const OPERATIONS = ['exec', 'query', 'close'] as const;

/** int8 and numeric come back as numbers, as pgx gives them to Dapr, when they fit exactly. */
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) {
      return (text: string) => (Number.isSafeInteger(Number(text)) || oid === pg.types.builtins.NUMERIC ? Number(text) : text);
    }
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

class PostgresOutput implements OutputBinding {
  readonly operations = OPERATIONS;
  #pool: pg.Pool;

  constructor(private readonly config: pg.PoolConfig) {
    this.#pool = this.#newPool();
  }

  async invoke(request: OutputRequest): Promise<OutputResponse | undefined> {
    if (request.operation === 'close') {
      // Dapr's close leaves the binding unusable; here the next call opens a fresh pool.
      const old = this.#pool;
      this.#pool = this.#newPool();
      await old.end();
      return undefined;
    }
    const sql = request.metadata['sql'];
    if (!sql) throw new Error('required metadata not set: sql');
    const params = parseParams(request.metadata['params']);
    const started = Date.now();
    const result = await this.#run(sql, params, request.operation === 'query');
    const metadata = timing(request.operation, sql, started);
    if (request.operation === 'query') return { data: Buffer.from(JSON.stringify(result.rows)), metadata };
    return { metadata: { ...metadata, 'rows-affected': String(result.rowCount ?? 0) } };
  }

  async ping(): Promise<void> {
    await this.#pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  async #run(sql: string, params: unknown[], asRows: boolean): Promise<pg.QueryResult> {
    try {
      return await this.#pool.query({ text: sql, values: params, ...(asRows ? { rowMode: 'array' } : {}), types });
    } catch (err) {
      throw new Error(`error executing query: ${(err as Error).message}`, { cause: err });
    }
  }

  #newPool(): pg.Pool {
    const pool = new pg.Pool(this.config);
    // An idle connection that the server drops is an event, not a crash; the next query reconnects.
    pool.on('error', () => undefined);
    return pool;
  }
}

function parseParams(text: string | undefined): unknown[] {
  if (text === undefined || text === '') return [];
  let params: unknown;
  try {
    params = JSON.parse(text);
  } catch (err) {
    throw new Error(`invalid metadata "params": not JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(params)) throw new Error('invalid metadata "params": must be a JSON array of the $1..$n arguments');
  return params.map((p) => (p !== null && typeof p === 'object' ? JSON.stringify(p) : p));
}

function timing(operation: string, sql: string, started: number): Record<string, string> {
  const ended = Date.now();
  return {
    operation,
    sql,
    'start-time': new Date(started).toISOString(),
    'end-time': new Date(ended).toISOString(),
    duration: formatGoDuration(ended - started),
  };
}

/** A URL (`postgres://user@host:5432/db`) or a key/value DSN (`host=… user=… dbname=…`). */
function poolConfigOf(metadata: ComponentMetadata): pg.PoolConfig {
  const field = metadata.has('connectionString') ? 'connectionString' : 'url';
  const text = metadata.required(field);
  const common = { max: metadata.int('maxConns', 10, { min: 1 }), connectionTimeoutMillis: metadata.durationMs('timeout', 20_000) };
  if (/^postgres(ql)?:\/\//.test(text)) return { connectionString: text, ...common };
  const config: Record<string, string> = {};
  for (const match of text.matchAll(/(\w+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(\S+))/g)) config[match[1]!] = match[2] ?? match[3]!;
  if (Object.keys(config).length === 0) throw new ComponentMetadataError(field, 'must be a postgres:// URL or "host=… user=… dbname=…"');
  const { host, port, user, password, dbname } = config;
  return { host, port: port ? Number(port) : undefined, user, password, database: dbname, ...common };
}

export const postgresqlBinding = defineBinding({
  type: 'bindings.postgresql',
  async output(metadata) {
    const output = new PostgresOutput(poolConfigOf(metadata));
    try {
      await output.ping();
    } catch (err) {
      await output.close();
      throw new Error(`could not connect to PostgreSQL: ${(err as Error).message}`);
    }
    return output;
  },
});

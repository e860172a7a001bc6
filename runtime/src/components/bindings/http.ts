/**
 * `bindings.http`, output: one HTTP request per call to the `url` metadata plus the request's
 * `path`. The operation is the verb (`create` is POST). Request metadata whose name starts with
 * a capital letter is sent as a header; the answer's status and headers come back as response
 * metadata (`statusCode`, `status`, header names). A status outside 2xx fails the call, as in
 * Dapr, unless `errorIfNot2XX` is "false" (component or request metadata).
 */
import { STATUS_CODES } from 'node:http';
import { Agent, request as httpRequest } from 'undici';
import { BindingResponseError, type OutputBinding, type OutputRequest, type OutputResponse } from '../../bindings/index.js';
import { ComponentMetadataError } from '../errors.js';
import type { ComponentMetadata } from '../metadata.js';
import { defineBinding } from './definition.js';

const OPERATIONS = ['create', 'get', 'head', 'post', 'put', 'patch', 'delete', 'options', 'trace'] as const;
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

interface HttpOptions {
  readonly url: string;
  readonly errorIfNot2XX: boolean;
  readonly securityToken: { header: string; value: string } | undefined;
}

class HttpOutput implements OutputBinding {
  readonly operations = OPERATIONS;

  constructor(
    private readonly options: HttpOptions,
    private readonly agent: Agent,
  ) {}

  async invoke(request: OutputRequest): Promise<OutputResponse> {
    const method = request.operation === 'create' ? 'POST' : request.operation.toUpperCase();
    const response = await httpRequest(this.#url(request.metadata['path']), {
      method: method as 'GET',
      headers: this.#headers(request.metadata, WITH_BODY.has(method)),
      body: WITH_BODY.has(method) ? request.data : null,
      dispatcher: this.agent,
    });
    const data = Buffer.from(await response.body.arrayBuffer());
    const metadata = responseMetadata(response.statusCode, response.headers);
    const errorIfNot2XX = request.metadata['errorIfNot2XX'] ? request.metadata['errorIfNot2XX'] === 'true' : this.options.errorIfNot2XX;
    if (errorIfNot2XX && Math.floor(response.statusCode / 100) !== 2) {
      throw new BindingResponseError(`received status code ${response.statusCode}`, metadata);
    }
    return { data, metadata };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  #url(path: string | undefined): string {
    if (!path) return this.options.url;
    return `${this.options.url.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  }

  #headers(metadata: Readonly<Record<string, string>>, hasBody: boolean): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json; charset=utf-8' };
    if (hasBody) headers['content-type'] = 'application/json; charset=utf-8';
    if (this.options.securityToken) headers[this.options.securityToken.header.toLowerCase()] = this.options.securityToken.value;
    for (const [name, value] of Object.entries(metadata)) {
      if (/^[A-Z]/.test(name)) headers[name.toLowerCase()] = value;
    }
    return headers;
  }
}

function responseMetadata(statusCode: number, headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const metadata: Record<string, string> = { statusCode: String(statusCode), status: `${statusCode} ${STATUS_CODES[statusCode] ?? ''}`.trim() };
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) metadata[canonicalHeader(name)] = Array.isArray(value) ? value.join(', ') : value;
  }
  return metadata;
}

/** Go's canonical header form (`content-type` → `Content-Type`), which Dapr's metadata keys have. */
function canonicalHeader(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

function optionsOf(metadata: ComponentMetadata): HttpOptions {
  const url = metadata.required('url');
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new ComponentMetadataError('url', `must be an http:// or https:// URL, got "${url}"`);
  }
  const token = metadata.string('securityToken');
  const header = metadata.string('securityTokenHeader');
  return {
    url,
    errorIfNot2XX: metadata.bool('errorIfNot2XX', true),
    securityToken: token !== undefined && header !== undefined ? { header, value: token } : undefined,
  };
}

export const httpBinding = defineBinding({
  type: 'bindings.http',
  async output(metadata) {
    const timeoutMs = metadata.durationMs('responseTimeout', 0);
    const agent = new Agent(timeoutMs > 0 ? { headersTimeout: timeoutMs, bodyTimeout: timeoutMs } : {});
    return new HttpOutput(optionsOf(metadata), agent);
  },
});

import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { BindingResponseError, headerSafe, parseOutputRequest, type BindingsService, type OutputResponse } from '../../../bindings/index.js';
import { ApiError } from '../../../errors/index.js';
import { readJson } from '../body.js';

export interface BindingRoutesOptions {
  readonly bindings: BindingsService;
  readonly maxBodyBytes: number;
}

/**
 * `POST|PUT /v1.0/bindings/{name}`: 204 when the binding has nothing to answer, else 200 with its
 * data as is; its response metadata become `metadata.<key>` headers, on errors too, as in daprd.
 */
export function bindingRoutes(router: Router, { bindings, maxBodyBytes }: BindingRoutesOptions): void {
  const invoke = async (ctx: Context) => {
    const request = parseOutputRequest(await readJson(ctx, maxBodyBytes));
    const name = (ctx as Context & { params: Record<string, string> }).params['name']!;
    const response = await bindings.invoke(name, request).catch((err: unknown) => {
      setMetadataHeaders(ctx, failureMetadata(err));
      throw err;
    });
    if (!response) {
      ctx.status = 204;
      return;
    }
    setMetadataHeaders(ctx, response.metadata);
    ctx.status = 200;
    ctx.body = response.data ?? Buffer.alloc(0);
    ctx.set('Content-Type', 'application/json');
  };
  router.post('/v1.0/bindings/:name', invoke).put('/v1.0/bindings/:name', invoke);
}

function failureMetadata(err: unknown): OutputResponse['metadata'] {
  return err instanceof ApiError && err.cause instanceof BindingResponseError ? err.cause.metadata : undefined;
}

function setMetadataHeaders(ctx: Context, metadata: OutputResponse['metadata']): void {
  if (metadata) ctx.set(headerSafe(metadata, 'metadata.'));
}

import type { Context, Middleware } from 'koa';
import { apiErrors } from '../../../errors/index.js';
import type { HeaderMap, InvokeService } from '../../../invoke/index.js';
import { readBody } from '../body.js';

const INVOKE_PREFIX = '/v1.0/invoke/';

/**
 * Service invocation, last in the chain as in Dapr: `/v1.0/invoke/{app}/method/{…}`, or any
 * request no route took that carries a `dapr-app-id` header (the whole path is the method).
 * Anything else is Dapr's 404 `ERR_DIRECT_INVOKE`.
 */
export function invocation({ invoke, maxBodyBytes }: { invoke: InvokeService; maxBodyBytes: number }): Middleware {
  return async (ctx) => {
    const address = findTarget(ctx);
    if (!address) throw apiErrors.invokeNoAppId();
    const response = await invoke.invoke({
      ...address,
      verb: ctx.method,
      query: ctx.querystring,
      headers: ctx.headers as HeaderMap,
      body: await readBody(ctx, maxBodyBytes),
    });
    // Written past Koa so the app's headers go back untouched (Koa would add a content type).
    ctx.respond = false;
    ctx.res.writeHead(response.status, { ...response.headers, 'content-length': response.body.length });
    ctx.res.end(ctx.method === 'HEAD' ? undefined : response.body);
  };
}

function findTarget(ctx: Context): { target: string; method: string } | undefined {
  const header = ctx.get('dapr-app-id');
  if (header) return { target: header, method: ctx.path.replace(/^\/+/, '') };
  if (!ctx.path.startsWith(INVOKE_PREFIX)) return undefined;
  const rest = ctx.path.slice(INVOKE_PREFIX.length);
  const split = rest.indexOf('/method/');
  if (split <= 0) return undefined;
  return { target: safeDecode(rest.slice(0, split)), method: rest.slice(split + '/method/'.length) };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

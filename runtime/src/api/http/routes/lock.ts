import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { parseLockRequest, parseUnlockRequest, type LockService } from '../../../lock/index.js';
import { readJson } from '../body.js';
import { sendJson } from '../respond.js';

export interface LockRoutesOptions {
  readonly lock: LockService;
  readonly maxBodyBytes: number;
}

/**
 * Dapr's alpha lock API, under `/v1.0-alpha1/` as daprd serves it and under `/v1.0/` too.
 * `success: false` and every unlock status are 200s; the status is a number, as the SDKs expect.
 */
export function lockRoutes(router: Router, { lock, maxBodyBytes }: LockRoutesOptions): void {
  for (const version of ['v1.0-alpha1', 'v1.0']) {
    router.post(`/${version}/lock/:store`, async (ctx) => {
      const request = parseLockRequest(await readJson(ctx, maxBodyBytes));
      sendJson(ctx, 200, { success: await lock.tryLock(param(ctx, 'store'), request) });
    });
    router.post(`/${version}/unlock/:store`, async (ctx) => {
      const request = parseUnlockRequest(await readJson(ctx, maxBodyBytes));
      sendJson(ctx, 200, { status: await lock.unlock(param(ctx, 'store'), request) });
    });
  }
}

function param(ctx: Context, name: string): string {
  return (ctx as Context & { params: Record<string, string> }).params[name] ?? '';
}

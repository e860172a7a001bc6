import type { Router } from '@koa/router';
import { apiErrors } from '../../../errors/index.js';
import type { Readiness } from '../../../health/index.js';

export function healthRoutes(router: Router, { readiness, appId }: { readiness: Readiness; appId: string }): void {
  router.get('/v1.0/healthz', (ctx) => {
    const appIdQuery = ctx.query['appid'];
    if (typeof appIdQuery === 'string' && appIdQuery !== '' && appIdQuery !== appId) throw apiErrors.healthAppIdNotMatch();
    const waiting = readiness.waitingFor();
    if (waiting.length > 0) throw apiErrors.healthNotReady(waiting);
    ctx.status = 204;
  });
  router.get('/v1.0/healthz/outbound', (ctx) => {
    if (!readiness.outboundReady) throw apiErrors.outboundHealthNotReady();
    ctx.status = 204;
  });
}

import type { Router } from '@koa/router';

/** `POST /v1.0/shutdown`: answer 204 first, then shut down gracefully. */
export function shutdownRoutes(router: Router, { onShutdown }: { onShutdown: () => void }): void {
  router.post('/v1.0/shutdown', (ctx) => {
    ctx.status = 204;
    ctx.res.once('finish', () => setImmediate(onShutdown));
  });
}

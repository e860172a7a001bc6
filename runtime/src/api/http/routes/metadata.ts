import type { Router } from '@koa/router';
import type { MetadataService } from '../../../metadata/index.js';
import { readBody } from '../body.js';
import { sendJson } from '../respond.js';

export function metadataRoutes(router: Router, { metadata, maxBodyBytes }: { metadata: MetadataService; maxBodyBytes: number }): void {
  router.get('/v1.0/metadata', (ctx) => {
    sendJson(ctx, 200, metadata.describe());
  });
  router.put('/v1.0/metadata/:key', async (ctx) => {
    const value = await readBody(ctx, maxBodyBytes);
    metadata.set(ctx.params['key']!, value.toString('utf8'));
    ctx.status = 204;
  });
}

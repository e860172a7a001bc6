import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { apiErrors } from '../../../errors/index.js';
import { parseBulkPublishRequest, type PubSubService } from '../../../pubsub/index.js';
import { queryMetadata, readBody } from '../body.js';
import { sendJson } from '../respond.js';

export interface PubSubRoutesOptions {
  readonly pubsub: PubSubService;
  readonly maxBodyBytes: number;
}

/** `/v1.0/publish/…` and bulk publish (both Dapr paths): parse, call the pub/sub service, shape the answer. */
export function pubsubRoutes(router: Router, { pubsub, maxBodyBytes }: PubSubRoutesOptions): void {
  const publish = async (ctx: Context) => {
    const { pubsubName, topic } = target(ctx);
    pubsub.target(pubsubName, topic);
    const data = await readBody(ctx, maxBodyBytes);
    await pubsub.publish(pubsubName, topic, { data, contentType: ctx.get('content-type') || undefined, metadata: queryMetadata(ctx), ...trace(ctx) });
    ctx.status = 204;
  };
  const bulkPublish = async (ctx: Context) => {
    const { pubsubName, topic } = target(ctx);
    pubsub.target(pubsubName, topic);
    const entries = parseBulkPublishRequest(parseJson(await readBody(ctx, maxBodyBytes), pubsubName, topic), pubsubName, topic);
    const failedEntries = await pubsub.bulkPublish(pubsubName, topic, entries, { metadata: queryMetadata(ctx), ...trace(ctx) });
    if (failedEntries.length === 0) {
      ctx.status = 204;
      return;
    }
    sendJson(ctx, 500, { failedEntries, errorCode: 'ERR_PUBSUB_PUBLISH_MESSAGE' });
  };

  for (const version of ['v1.0-alpha1', 'v1.0']) {
    router.post(`/${version}/publish/bulk/:pubsub/*topic`, bulkPublish).put(`/${version}/publish/bulk/:pubsub/*topic`, bulkPublish);
  }
  router.post('/v1.0/publish/:pubsub/*topic', publish).put('/v1.0/publish/:pubsub/*topic', publish);
  router.post('/v1.0/publish/:pubsub', publish).put('/v1.0/publish/:pubsub', publish);
}

/** The topic may hold `/` (MQTT-style names), so it is the rest of the path. */
function target(ctx: Context): { pubsubName: string; topic: string } {
  const params = (ctx as Context & { params: Record<string, string | string[] | undefined> }).params;
  const topic = params['topic'];
  return { pubsubName: String(params['pubsub'] ?? ''), topic: Array.isArray(topic) ? topic.join('/') : (topic ?? '') };
}

function trace(ctx: Context): { traceparent?: string; tracestate?: string } {
  const traceparent = ctx.get('traceparent');
  const tracestate = ctx.get('tracestate');
  return { ...(traceparent ? { traceparent } : {}), ...(tracestate ? { tracestate } : {}) };
}

function parseJson(body: Buffer, pubsubName: string, topic: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw apiErrors.pubsubEventsUnmarshal(pubsubName, topic, (err as Error).message);
  }
}

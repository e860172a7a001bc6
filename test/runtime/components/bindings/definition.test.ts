/** Loading binding components: faces by direction, and metadata refused at load with the reason. */
import test from 'ava';
import { pino } from 'pino';
import { systemClock } from '../../../../runtime/src/clock/index.js';
import { cronBinding } from '../../../../runtime/src/components/bindings/cron.js';
import { httpBinding } from '../../../../runtime/src/components/bindings/http.js';
import { mqtt3Binding } from '../../../../runtime/src/components/bindings/mqtt3.js';
import { postgresqlBinding } from '../../../../runtime/src/components/bindings/postgresql.js';
import { redisBinding } from '../../../../runtime/src/components/bindings/redis.js';
import { ComponentMetadataError } from '../../../../runtime/src/components/errors.js';
import { ComponentMetadata } from '../../../../runtime/src/components/metadata.js';
import type { ComponentContext, ComponentDefinition } from '../../../../runtime/src/components/registry.js';
import { uniqueId } from '../../../harness/ids.js';

const context: ComponentContext = { appId: 'app', namespace: undefined, logger: pino({ level: 'silent' }), clock: systemClock };
const create = (definition: ComponentDefinition<'bindings'>, metadata: Record<string, string>) => definition.create(ComponentMetadata.from(metadata), context);

test('a binding has the faces its type has, narrowed by direction', async (t) => {
  const both = await create(httpBinding, { url: 'http://127.0.0.1:1/' });
  t.deepEqual(both.features, ['OUTPUT_BINDING'], 'http has only an output face');
  const cron = await create(cronBinding, { schedule: '@every 1h', direction: 'output' });
  t.deepEqual(cron.features, []);
  t.is(cron.input, undefined);
  await Promise.all([both.close(), cron.close()]);
});

test('bad metadata is refused at load, naming the field', async (t) => {
  const cases: Array<[ComponentDefinition<'bindings'>, Record<string, string>, RegExp]> = [
    [cronBinding, {}, /"schedule" is required/],
    [cronBinding, { schedule: '@every never' }, /"schedule" is not a valid schedule/],
    [cronBinding, { schedule: '@every 1s', direction: 'sideways' }, /"direction" must be/],
    [httpBinding, { url: 'ftp://example.com' }, /"url" must be an http/],
    [redisBinding, { redisHost: 'a:b:c' }, /"redisHost" must be host:port/],
    [mqtt3Binding, { url: 'tcp://127.0.0.1:1883', topic: 't' }, /"consumerID" is required/],
    [mqtt3Binding, { url: 'localhost', topic: 't', consumerID: 'c' }, /"url" must be a broker URL/],
    [mqtt3Binding, { url: 'tcp://127.0.0.1:1883', topic: 't', consumerID: 'c', qos: '3' }, /"qos" must be at most 2/],
    [postgresqlBinding, {}, /"url" is required/],
  ];
  for (const [definition, metadata, message] of cases) {
    await t.throwsAsync(create(definition, metadata), { instanceOf: ComponentMetadataError, message }, JSON.stringify(metadata));
  }
});

test('a server that cannot be reached fails the load with the reason', async (t) => {
  await t.throwsAsync(create(redisBinding, { redisHost: '127.0.0.1:1', dialTimeout: '1s' }), { message: /error connecting to redis at 127.0.0.1:1/ });
  await t.throwsAsync(create(postgresqlBinding, { connectionString: 'postgres://postgres@127.0.0.1:1/test', timeout: '1s' }), { message: /could not connect to PostgreSQL/ });
  await t.throwsAsync(create(mqtt3Binding, { url: 'tcp://127.0.0.1:1', topic: 't', consumerID: uniqueId('c'), direction: 'output' }), { message: /could not connect to the MQTT broker/ });
});

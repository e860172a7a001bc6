import { ComponentRegistry } from './registry.js';
import { cronBinding } from './bindings/cron.js';
import { httpBinding } from './bindings/http.js';
import { mqtt3Binding } from './bindings/mqtt3.js';
import { postgresqlBinding } from './bindings/postgresql.js';
import { rabbitmqBinding } from './bindings/rabbitmq.js';
import { redisBinding } from './bindings/redis.js';
import { inMemoryStateStore } from './state/in-memory.js';
import { redisStateStore } from './state/redis.js';
import { sqliteStateStore } from './state/sqlite.js';
import { inMemoryPubSub } from './pubsub/in-memory.js';
import { redisPubSub } from './pubsub/redis.js';
import { mqtt3PubSub } from './pubsub/mqtt3.js';
import { rabbitmqPubSub } from './pubsub/rabbitmq.js';
import { jetstreamPubSub } from './pubsub/jetstream.js';
import { localFileSecretStore } from './secretstores/local-file.js';
import { localEnvSecretStore } from './secretstores/local-env.js';
import { redisConfigurationStore } from './configuration/redis.js';
import { redisLockStore } from './lock/redis.js';

/** Every component type Outrigger ships. Adding one is a file and a line here. */
export function createBuiltinRegistry(): ComponentRegistry {
  return new ComponentRegistry()
    .register(inMemoryStateStore)
    .register(cronBinding)
    .register(httpBinding)
    .register(mqtt3Binding)
    .register(postgresqlBinding)
    .register(rabbitmqBinding)
    .register(redisBinding)
    .register(redisStateStore)
    .register(sqliteStateStore)
    .register(inMemoryPubSub)
    .register(redisPubSub)
    .register(mqtt3PubSub)
    .register(rabbitmqPubSub)
    .register(jetstreamPubSub)
    .register(localFileSecretStore)
    .register(localEnvSecretStore)
    .register(redisConfigurationStore)
    .register(redisLockStore);
}

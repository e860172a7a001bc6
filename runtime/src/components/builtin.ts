import { ComponentRegistry } from './registry.js';
import { inMemoryStateStore } from './state/in-memory.js';
import { redisStateStore } from './state/redis.js';
import { sqliteStateStore } from './state/sqlite.js';
import { localFileSecretStore } from './secretstores/local-file.js';
import { localEnvSecretStore } from './secretstores/local-env.js';
import { redisConfigurationStore } from './configuration/redis.js';
import { redisLockStore } from './lock/redis.js';

/** Every component type Outrigger ships. Adding one is a file and a line here. */
export function createBuiltinRegistry(): ComponentRegistry {
  return new ComponentRegistry()
    .register(inMemoryStateStore)
    .register(redisStateStore)
    .register(sqliteStateStore);
}

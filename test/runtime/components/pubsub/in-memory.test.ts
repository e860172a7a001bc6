import { inMemoryPubSub } from '../../../../runtime/src/components/pubsub/in-memory.js';
import { pubSubConformance } from './conformance.js';

// In-memory has no broker to hand a failed message back to (as in Dapr): it is logged and lost.
pubSubConformance('in-memory', { definition: inMemoryPubSub, metadata: () => ({}), abilities: { carriesMetadata: true, redelivers: false } });

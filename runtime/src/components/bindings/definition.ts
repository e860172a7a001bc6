import { parseDirections, type Binding, type BindingFeature, type InputBinding, type OutputBinding } from '../../bindings/index.js';
import { ComponentMetadataError } from '../errors.js';
import type { ComponentMetadata } from '../metadata.js';
import type { ComponentContext, ComponentDefinition } from '../registry.js';

type FaceFactory<F> = (metadata: ComponentMetadata, context: ComponentContext) => Promise<F>;

export interface BindingFaces {
  /** `bindings.<name>` */
  readonly type: string;
  readonly input?: FaceFactory<InputBinding>;
  readonly output?: FaceFactory<OutputBinding>;
}

/**
 * A binding component type from its face factories. Only the faces that `direction` asks for are
 * created, each with its own connection, as daprd creates input and output bindings separately;
 * so an output-only RabbitMQ binding never consumes its queue.
 */
export function defineBinding(faces: BindingFaces): ComponentDefinition<'bindings'> {
  return {
    category: 'bindings',
    type: faces.type,
    versions: ['v1'],
    async create(metadata, context) {
      const wanted = directionsOf(metadata);
      const output = wanted.output && faces.output ? await faces.output(metadata, context) : undefined;
      try {
        const input = wanted.input && faces.input ? await faces.input(metadata, context) : undefined;
        return bindingOf(input, output);
      } catch (err) {
        await output?.close();
        throw err;
      }
    },
  };
}

function directionsOf(metadata: ComponentMetadata) {
  try {
    return parseDirections(metadata.string('direction'));
  } catch (err) {
    throw new ComponentMetadataError('direction', (err as Error).message);
  }
}

function bindingOf(input: InputBinding | undefined, output: OutputBinding | undefined): Binding {
  const features: BindingFeature[] = [];
  if (input) features.push('INPUT_BINDING');
  if (output) features.push('OUTPUT_BINDING');
  return {
    features,
    input,
    output,
    async close() {
      await Promise.allSettled([input?.close(), output?.close()]);
    },
  };
}

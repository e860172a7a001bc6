import { apiErrors } from '../errors/index.js';
import type { OutputBinding, OutputRequest, OutputResponse } from './binding.js';

export interface BindingsService {
  /**
   * Runs one operation on a named output binding. Every failure is Dapr's 500
   * ERR_INVOKE_OUTPUT_BINDING; its `cause` is the component's error, which may be a
   * BindingResponseError with response metadata.
   */
  invoke(name: string, request: OutputRequest): Promise<OutputResponse | undefined>;
}

export interface BindingsServiceOptions {
  /** Output bindings by component name. */
  readonly outputs: ReadonlyMap<string, OutputBinding>;
}

/** Dapr's checks, in its order: an operation is given, the binding exists, it supports the operation. */
export function createBindingsService({ outputs }: BindingsServiceOptions): BindingsService {
  return {
    async invoke(name, request) {
      if (request.operation === '') throw apiErrors.bindingInvoke(name, 'operation field is missing from request');
      const binding = outputs.get(name);
      if (!binding) throw apiErrors.bindingInvoke(name, `couldn't find output binding ${name}`);
      if (!binding.operations.includes(request.operation)) {
        const supported = binding.operations.join(' ');
        throw apiErrors.bindingInvoke(name, `binding ${name} does not support operation ${request.operation}. supported operations:${supported}`);
      }
      try {
        return await binding.invoke(request);
      } catch (err) {
        throw apiErrors.bindingInvoke(name, err);
      }
    },
  };
}

/**
 * The bindings building block. `Binding` is what a binding component provides: an output face
 * (`OutputBinding`: named operations) and/or an input face (`InputBinding`: events read from
 * the outside), as its `direction` metadata asks. `createBindingsService` is Dapr's output API
 * over the named output faces; `InputDelivery` takes the input faces' events to the app through
 * the AppChannel. Connecting to brokers and servers is the components' business, not this one's.
 */
export { BindingResponseError } from './binding.js';
export type {
  Binding,
  BindingEvent,
  BindingEventHandler,
  BindingFeature,
  InputBinding,
  OutputBinding,
  OutputRequest,
  OutputResponse,
} from './binding.js';
export { parseDirections } from './direction.js';
export type { Directions } from './direction.js';
export { parseOutputRequest } from './requests.js';
export { createBindingsService } from './service.js';
export type { BindingsService, BindingsServiceOptions } from './service.js';
export { InputDelivery, EventRefusedError } from './input-delivery.js';
export type { InputDeliveryOptions, NamedInputBinding } from './input-delivery.js';
export { headerSafe } from './headers.js';

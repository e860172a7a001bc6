/**
 * The seam between the secrets building block and its components. A secret is a name with one
 * or more key/value pairs (single-valued stores answer `{name: value}`).
 */

/** Features a store reports in `/v1.0/metadata` (Dapr's names). */
export type SecretStoreFeature = 'MULTIPLE_KEY_VALUES_PER_SECRET';

/** Request metadata (`metadata.*` query parameters), passed to the store as is. */
export type SecretRequestMetadata = Readonly<Record<string, string>>;

/**
 * Error semantics: SecretNotFoundError when the store has no secret of that name; any other
 * error is a store failure (unreachable, unreadable).
 */
export interface SecretStore {
  readonly features: readonly SecretStoreFeature[];
  get(name: string, metadata: SecretRequestMetadata): Promise<Record<string, string>>;
  /** Every secret the store holds, by name. */
  bulkGet(metadata: SecretRequestMetadata): Promise<Record<string, Record<string, string>>>;
  close(): Promise<void>;
}

export class SecretNotFoundError extends Error {
  override readonly name = 'SecretNotFoundError';
  constructor(readonly secret: string) {
    super(`secret ${secret} not found`);
  }
}

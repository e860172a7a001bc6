/**
 * Mutual TLS for the links between sidecars and to the placement: issuing a local CA and
 * per-app certificates (`outrigger cert`), reading and checking credential folders, and the
 * client side of a handshake that accepts a server by its SPIFFE ID. The identities
 * themselves (SPIFFE IDs, the server side) come from @outrigger/placement, which shares them.
 */
export { createAuthority, issueCertificate } from './authority.js';
export type { AuthorityRequest, IssuedCertificate, LeafRequest } from './authority.js';
export { AUTHORITY_FILES, CREDENTIAL_FILES, readAuthority, readCredentials, readPlacementCredentials, requireIdentity, writeAuthority, writeCredentials } from './credentials.js';
export type { Credentials } from './credentials.js';
export { mutualTlsClientOptions } from './client.js';
export type { ServerIdentityCheck } from './client.js';

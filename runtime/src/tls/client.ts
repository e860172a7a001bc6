import type { ConnectionOptions } from 'node:tls';
import { spiffeIdOfCertificate, type MutualTls, type SpiffeId } from '@outrigger/placement';
import type { ClientOptions } from 'ws';

/**
 * Says why the server's identity is refused (undefined accepts it). Called during the
 * handshake, before anything is sent.
 */
export type ServerIdentityCheck = (identity: SpiffeId | undefined) => string | undefined;

/**
 * Options for a ws client that presents this side's certificate and accepts a server only if
 * the CA signed its certificate and `check` accepts its SPIFFE ID. The SPIFFE ID replaces the
 * host-name check: peers are reached by the address they advertise, which no certificate names.
 */
export function mutualTlsClientOptions(tls: MutualTls, check: ServerIdentityCheck): ClientOptions {
  const options: ConnectionOptions = {
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    minVersion: 'TLSv1.2',
    rejectUnauthorized: true,
    checkServerIdentity: (_host, cert) => {
      const refusal = check(spiffeIdOfCertificate(cert));
      return refusal === undefined ? undefined : new Error(refusal);
    },
  };
  // ws hands these to tls.connect unchanged; @types/ws declares checkServerIdentity to return
  // a boolean, where Node's contract is an Error or undefined.
  return options as unknown as ClientOptions;
}

/**
 * Mutual TLS identities, shared by the placement and the sidecars' peer links: who a verified
 * certificate says its holder is. As Dapr's, an identity is a SPIFFE ID in the certificate's
 * URI SAN, `spiffe://<trustDomain>/ns/<namespace>/<appId>`; the placement's app id is
 * `dapr-placement`. Host names play no part: the CA's signature and the SPIFFE ID do.
 */
import type { ServerOptions } from 'node:https';
import type { Socket } from 'node:net';
import type { PeerCertificate, TLSSocket } from 'node:tls';

export interface SpiffeId {
  readonly trustDomain: string;
  readonly namespace: string;
  readonly appId: string;
}

/** PEM text of the trusted CA, this process's certificate and key, and its trust domain. */
export interface MutualTls {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
  readonly trustDomain: string;
}

/** The app id in the placement's SPIFFE ID; no sidecar may use it. */
export const PLACEMENT_APP_ID = 'dapr-placement';
/** Dapr's trust domain when none is configured. */
export const DEFAULT_TRUST_DOMAIN = 'public';

const SPIFFE_ID = /^spiffe:\/\/([a-z0-9._-]+)\/ns\/([A-Za-z0-9._-]+)\/([A-Za-z0-9._-]+)$/;

export function formatSpiffeId(id: SpiffeId): string {
  return `spiffe://${id.trustDomain}/ns/${id.namespace}/${id.appId}`;
}

export function parseSpiffeId(uri: string): SpiffeId | undefined {
  const match = SPIFFE_ID.exec(uri);
  return match ? { trustDomain: match[1]!, namespace: match[2]!, appId: match[3]! } : undefined;
}

/** The one SPIFFE ID among a certificate's URI SANs; none, or more than one, is no identity. */
export function spiffeIdOfCertificate(cert: Pick<PeerCertificate, 'subjectaltname'> | undefined): SpiffeId | undefined {
  const uris = (cert?.subjectaltname ?? '')
    .split(', ')
    .filter((entry) => entry.startsWith('URI:spiffe://'))
    .map((entry) => entry.slice('URI:'.length));
  return uris.length === 1 ? parseSpiffeId(uris[0]!) : undefined;
}

/**
 * The identity of the client on `socket`, if TLS verified its certificate against the CA;
 * undefined on a plain socket or for a certificate without exactly one SPIFFE ID.
 */
export function verifiedClientIdentity(socket: Socket): SpiffeId | undefined {
  const tls = socket as Partial<TLSSocket>;
  if (!tls.encrypted || !tls.authorized || !tls.getPeerCertificate) return undefined;
  return spiffeIdOfCertificate(tls.getPeerCertificate());
}

/** An HTTPS server that completes no handshake without a client certificate the CA signed. */
export function mutualTlsServerOptions(tls: MutualTls): ServerOptions {
  return { ca: tls.ca, cert: tls.cert, key: tls.key, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' };
}

/** Why `id` may not act in `trustDomain`, or undefined when it may. */
export function foreignIdentity(id: SpiffeId | undefined, trustDomain: string): string | undefined {
  if (!id) return 'the certificate carries no SPIFFE ID (spiffe://<trust domain>/ns/<namespace>/<app id>)';
  if (id.trustDomain !== trustDomain) return `the certificate's ${formatSpiffeId(id)} is not in trust domain ${trustDomain}`;
  return undefined;
}

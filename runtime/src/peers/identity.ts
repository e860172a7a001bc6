/**
 * Who is at one end of a peer link. Each side says it once, in its hello, and that holds for
 * the link's whole life: a request's caller is the link's caller, never a header it sends.
 * With mutual TLS the hello must name the identity the peer's certificate proves; the link's
 * identity then carries the certificate's trust domain.
 */
import { PROTOCOL_VERSION, ProtocolError, formatSpiffeId, type PeerHelloMessage, type SpiffeId } from '@outrigger/placement';

export interface PeerIdentity {
  readonly hostId: string;
  readonly appId: string;
  readonly namespace: string;
  /** Set only when a verified certificate proved the app id and namespace (mTLS). */
  readonly trustDomain?: string | undefined;
}

export function helloOf(identity: PeerIdentity): PeerHelloMessage {
  return { kind: 'hello', v: PROTOCOL_VERSION, hostId: identity.hostId, appId: identity.appId, namespace: identity.namespace };
}

/**
 * The identity a hello gives the link. With `proven` (the peer's certificate), a hello that
 * names another app id or namespace is a ProtocolError: it closes the link.
 */
export function identityOf(hello: PeerHelloMessage, proven?: SpiffeId): PeerIdentity {
  const identity = { hostId: hello.hostId, appId: hello.appId, namespace: hello.namespace };
  if (!proven) return identity;
  if (proven.appId !== hello.appId || proven.namespace !== hello.namespace) {
    const claimed = `app id ${JSON.stringify(hello.appId)} in namespace ${JSON.stringify(hello.namespace)}`;
    throw new ProtocolError('PROTO_UNAUTHENTICATED', `the hello claims ${claimed}, but the certificate is ${formatSpiffeId(proven)}`);
  }
  return { ...identity, trustDomain: proven.trustDomain };
}

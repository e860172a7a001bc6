/**
 * Who is at one end of a peer link. Each side says it once, in its hello, and that holds for
 * the link's whole life: a request's caller is the link's caller, never a header it sends.
 */
import { PROTOCOL_VERSION, type PeerHelloMessage } from '@outrigger/placement';

export interface PeerIdentity {
  readonly hostId: string;
  readonly appId: string;
  readonly namespace: string;
}

export function helloOf(identity: PeerIdentity): PeerHelloMessage {
  return { kind: 'hello', v: PROTOCOL_VERSION, hostId: identity.hostId, appId: identity.appId, namespace: identity.namespace };
}

export function identityOf(hello: PeerHelloMessage): PeerIdentity {
  return { hostId: hello.hostId, appId: hello.appId, namespace: hello.namespace };
}

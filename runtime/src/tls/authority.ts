/**
 * Issuing certificates: a local CA (self-signed, ECDSA P-256) and leaf certificates it signs
 * for one SPIFFE ID each. Node's WebCrypto makes and holds the keys; @peculiar/x509 writes the
 * certificates.
 */
import { randomBytes, webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import { formatSpiffeId, type SpiffeId } from '@outrigger/placement';

/** PEM text of a certificate and its PKCS#8 private key. */
export interface IssuedCertificate {
  readonly cert: string;
  readonly key: string;
}

export interface AuthorityRequest {
  readonly commonName: string;
  readonly validDays: number;
}

export interface LeafRequest {
  readonly id: SpiffeId;
  readonly validDays: number;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;
/** Clocks of the machines in a cluster differ a little; a certificate is valid a bit earlier. */
const BACKDATE_MS = 5 * 60_000;
/** So plain TLS clients (curl, a browser) can also reach a sidecar on this machine. */
const LOCAL_NAMES = [
  { type: 'dns', value: 'localhost' },
  { type: 'ip', value: '127.0.0.1' },
  { type: 'ip', value: '::1' },
] as const;

let library: Promise<typeof X509> | undefined;

/**
 * Loaded on first use, not with the CLI: only `outrigger cert` issues, and the library needs a
 * global Reflect polyfill that the sidecar has no use for.
 */
function x509(): Promise<typeof X509> {
  library ??= (async () => {
    await import('reflect-metadata');
    const lib = await import('@peculiar/x509');
    lib.cryptoProvider.set(webcrypto);
    return lib;
  })();
  return library;
}

export async function createAuthority(request: AuthorityRequest): Promise<IssuedCertificate> {
  const lib = await x509();
  const keys = await generateKeys();
  const cert = await lib.X509CertificateGenerator.createSelfSigned({
    ...validity(request.validDays),
    serialNumber: serialNumber(),
    name: [{ CN: [request.commonName] }],
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new lib.BasicConstraintsExtension(true, 0, true),
      new lib.KeyUsagesExtension(lib.KeyUsageFlags.keyCertSign | lib.KeyUsageFlags.cRLSign, true),
      await lib.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem'), key: await privateKeyPem(keys.privateKey) };
}

/**
 * A leaf for `request.id` signed by `authority`: usable as a TLS server and client, its
 * identity the SPIFFE ID in its URI SAN. It never outlives the CA.
 */
export async function issueCertificate(authority: IssuedCertificate, request: LeafRequest): Promise<IssuedCertificate> {
  const lib = await x509();
  const caCert = new lib.X509Certificate(authority.cert);
  const caKey = await importPrivateKey(authority.key);
  const keys = await generateKeys();
  const { notBefore, notAfter } = validity(request.validDays);
  const cert = await lib.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: [{ CN: [request.id.appId] }],
    issuer: caCert.subject,
    notBefore,
    notAfter: notAfter < caCert.notAfter ? notAfter : caCert.notAfter,
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new lib.BasicConstraintsExtension(false, undefined, true),
      new lib.KeyUsagesExtension(lib.KeyUsageFlags.digitalSignature, true),
      new lib.ExtendedKeyUsageExtension([lib.ExtendedKeyUsage.serverAuth, lib.ExtendedKeyUsage.clientAuth]),
      new lib.SubjectAlternativeNameExtension([{ type: 'url', value: formatSpiffeId(request.id) }, ...LOCAL_NAMES], true),
      await lib.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await lib.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return { cert: cert.toString('pem'), key: await privateKeyPem(keys.privateKey) };
}

function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
}

/** The key of a CA made by `createAuthority` (or any PKCS#8 P-256 key); a TypeError otherwise. */
async function importPrivateKey(pem: string): Promise<webcrypto.CryptoKey> {
  const der = Buffer.from(pem.replace(/-----(BEGIN|END) PRIVATE KEY-----|\s/g, ''), 'base64');
  try {
    return await webcrypto.subtle.importKey('pkcs8', der, ALGORITHM, false, ['sign']);
  } catch (err) {
    throw new TypeError(`the CA key is not a PKCS#8 ECDSA P-256 key: ${(err as Error).message}`);
  }
}

async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

function validity(days: number): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - BACKDATE_MS), notAfter: new Date(now + days * DAY_MS) };
}

/** 128 random bits, positive as RFC 5280 wants. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

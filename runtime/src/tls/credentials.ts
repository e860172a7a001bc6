/**
 * The files that hold mTLS credentials. A sidecar's (or the placement's) folder holds
 * `ca.crt` (the trust anchor), `tls.crt` and `tls.key`, as Kubernetes TLS secrets name them; a
 * CA's folder holds `ca.crt` and `ca.key`. Reading checks what a TLS handshake would only
 * reveal later, so a bad folder stops the start with a message that names the file.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PLACEMENT_APP_ID, foreignIdentity, formatSpiffeId, spiffeIdOfCertificate, type MutualTls, type SpiffeId } from '@outrigger/placement';
import type { IssuedCertificate } from './authority.js';

export const CREDENTIAL_FILES = { ca: 'ca.crt', cert: 'tls.crt', key: 'tls.key' } as const;
export const AUTHORITY_FILES = { cert: 'ca.crt', key: 'ca.key' } as const;

/** Credentials read from a folder, with the identity its certificate proves. */
export interface Credentials extends MutualTls {
  readonly identity: SpiffeId;
}

/**
 * Reads `dir` and checks it: the certificate is signed by the CA, valid now, matches the key,
 * and names one SPIFFE ID in `trustDomain`. A TypeError says what is wrong.
 */
export async function readCredentials(dir: string, trustDomain: string): Promise<Credentials> {
  const [ca, cert, key] = await Promise.all([CREDENTIAL_FILES.ca, CREDENTIAL_FILES.cert, CREDENTIAL_FILES.key].map((f) => readText(dir, f)));
  const leaf = certificate(cert!, join(dir, CREDENTIAL_FILES.cert));
  const problem = chainProblem(leaf, certificate(ca!, join(dir, CREDENTIAL_FILES.ca)), key!);
  if (problem) throw new TypeError(`${join(dir, CREDENTIAL_FILES.cert)}: ${problem}`);
  const identity = spiffeIdOfCertificate({ subjectaltname: leaf.subjectAltName ?? '' });
  const foreign = foreignIdentity(identity, trustDomain);
  if (foreign || !identity) throw new TypeError(`${join(dir, CREDENTIAL_FILES.cert)}: ${foreign}`);
  return { ca: ca!, cert: cert!, key: key!, trustDomain, identity };
}

/** The placement's credentials: as readCredentials, and the identity must be the placement's. */
export async function readPlacementCredentials(dir: string, trustDomain: string): Promise<Credentials> {
  const credentials = await readCredentials(dir, trustDomain);
  if (credentials.identity.appId === PLACEMENT_APP_ID) return credentials;
  const have = formatSpiffeId(credentials.identity);
  throw new TypeError(`${join(dir, CREDENTIAL_FILES.cert)} is the certificate of ${have}, not the placement's ("outrigger cert issue --placement")`);
}

/** Checks that credentials are the ones of `expected`; the start stops with a TypeError if not. */
export function requireIdentity(credentials: Credentials, expected: SpiffeId, dir: string): void {
  const have = formatSpiffeId(credentials.identity);
  const want = formatSpiffeId(expected);
  if (have !== want) throw new TypeError(`${join(dir, CREDENTIAL_FILES.cert)} is the certificate of ${have}, not of ${want}`);
}

export async function readAuthority(dir: string): Promise<IssuedCertificate> {
  const [cert, key] = await Promise.all([readText(dir, AUTHORITY_FILES.cert), readText(dir, AUTHORITY_FILES.key)]);
  certificate(cert, join(dir, AUTHORITY_FILES.cert));
  return { cert, key };
}

/** Writes a new CA; an existing one is never replaced (every certificate it signed would die with it). */
export async function writeAuthority(dir: string, authority: IssuedCertificate): Promise<void> {
  await mkdir(dir, { recursive: true });
  try {
    await writeFile(join(dir, AUTHORITY_FILES.key), authority.key, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as { code?: string }).code !== 'EEXIST') throw err;
    throw new TypeError(`${dir} already holds a CA key (${AUTHORITY_FILES.key}); remove it first to make a new CA`);
  }
  await writeFile(join(dir, AUTHORITY_FILES.cert), authority.cert);
}

/** Writes a certificate, its key and the CA's certificate; each file is replaced whole or not at all. */
export async function writeCredentials(dir: string, caCert: string, issued: IssuedCertificate): Promise<void> {
  await mkdir(dir, { recursive: true });
  await replaceFile(join(dir, CREDENTIAL_FILES.key), issued.key, 0o600);
  await replaceFile(join(dir, CREDENTIAL_FILES.cert), issued.cert, 0o644);
  await replaceFile(join(dir, CREDENTIAL_FILES.ca), caCert, 0o644);
}

async function replaceFile(path: string, text: string, mode: number): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode });
  await rename(temporary, path);
}

async function readText(dir: string, file: string): Promise<string> {
  try {
    return await readFile(join(dir, file), 'utf8');
  } catch (err) {
    throw new TypeError(`cannot read ${join(dir, file)}: ${(err as Error).message}`);
  }
}

function certificate(pem: string, path: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw new TypeError(`${path} is not a PEM certificate: ${(err as Error).message}`);
  }
}

function chainProblem(leaf: X509Certificate, ca: X509Certificate, keyPem: string): string | undefined {
  if (!leaf.verify(ca.publicKey)) return `not signed by the CA in ${CREDENTIAL_FILES.ca}`;
  const now = Date.now();
  if (Date.parse(leaf.validTo) <= now || Date.parse(leaf.validFrom) > now) return `not valid now (${leaf.validFrom} to ${leaf.validTo})`;
  try {
    if (!leaf.checkPrivateKey(createPrivateKey(keyPem))) return `does not match the key in ${CREDENTIAL_FILES.key}`;
  } catch (err) {
    return `${CREDENTIAL_FILES.key} is not a private key: ${(err as Error).message}`;
  }
  return undefined;
}

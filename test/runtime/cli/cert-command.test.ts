/** `outrigger cert`: a local CA, and certificates whose identity is a SPIFFE ID. */
import test from 'ava';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../../harness/files.js';
import { runCli } from '../../harness/sidecar.js';

async function certificate(path: string): Promise<X509Certificate> {
  return new X509Certificate(await readFile(path));
}

test('cert ca makes a self-signed CA whose key only the owner can read', async (t) => {
  const dir = join(await tempDir(t, 'outrigger-cert-'), 'ca');
  const made = await runCli(['cert', 'ca', '--out', dir]);
  t.is(made.code, 0, made.output);
  const ca = await certificate(join(dir, 'ca.crt'));
  t.true(ca.ca);
  t.true(ca.verify(ca.publicKey));
  t.is(ca.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  t.is((await stat(join(dir, 'ca.key'))).mode & 0o777, 0o600);
});

test('cert issue writes a certificate with the SPIFFE ID, local names and the CA, signed by the CA', async (t) => {
  const root = await tempDir(t, 'outrigger-cert-');
  t.is((await runCli(['cert', 'ca', '--out', join(root, 'ca')])).code, 0);
  const out = join(root, 'orders');
  const issued = await runCli(['cert', 'issue', '--ca', join(root, 'ca'), '--app-id', 'orders', '--namespace', 'shop', '--trust-domain', 'example.org', '--out', out]);
  t.is(issued.code, 0, issued.output);
  t.regex(issued.output, /spiffe:\/\/example\.org\/ns\/shop\/orders/);

  const leaf = await certificate(join(out, 'tls.crt'));
  const ca = await certificate(join(root, 'ca', 'ca.crt'));
  t.true(leaf.verify(ca.publicKey));
  t.false(leaf.ca);
  t.is(leaf.subjectAltName, 'URI:spiffe://example.org/ns/shop/orders, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
  t.true(leaf.checkPrivateKey(createPrivateKey(await readFile(join(out, 'tls.key')))));
  t.is(await readFile(join(out, 'ca.crt'), 'utf8'), await readFile(join(root, 'ca', 'ca.crt'), 'utf8'));
  t.true(Date.parse(leaf.validTo) <= Date.parse(ca.validTo), 'never outlives its CA');
});

test('cert issue --placement gives the placement\'s identity in the default trust domain and namespace', async (t) => {
  const root = await tempDir(t, 'outrigger-cert-');
  t.is((await runCli(['cert', 'ca', '--out', join(root, 'ca')])).code, 0);
  const issued = await runCli(['cert', 'issue', '--ca', join(root, 'ca'), '--placement', '--out', join(root, 'placement')]);
  t.is(issued.code, 0, issued.output);
  const leaf = await certificate(join(root, 'placement', 'tls.crt'));
  t.regex(leaf.subjectAltName ?? '', /^URI:spiffe:\/\/public\/ns\/default\/dapr-placement,/);
});

test('an existing CA is never replaced, and wrong issue flags are refused with the reason', async (t) => {
  const root = await tempDir(t, 'outrigger-cert-');
  const caDir = join(root, 'ca');
  t.is((await runCli(['cert', 'ca', '--out', caDir])).code, 0);
  const key = await readFile(join(caDir, 'ca.key'), 'utf8');
  const again = await runCli(['cert', 'ca', '--out', caDir]);
  t.is(again.code, 1);
  t.regex(again.output, /already holds a CA key/);
  t.is(await readFile(join(caDir, 'ca.key'), 'utf8'), key);

  const neither = await runCli(['cert', 'issue', '--ca', caDir, '--out', join(root, 'x')]);
  t.is(neither.code, 1);
  t.regex(neither.output, /exactly one of --app-id <id> and --placement/);
  const reserved = await runCli(['cert', 'issue', '--ca', caDir, '--app-id', 'dapr-placement', '--out', join(root, 'x')]);
  t.regex(reserved.output, /is the placement's; use --placement/);
  const badId = await runCli(['cert', 'issue', '--ca', caDir, '--app-id', 'a/b', '--out', join(root, 'x')]);
  t.regex(badId.output, /is not a valid SPIFFE ID/);
  const noCa = await runCli(['cert', 'issue', '--ca', join(root, 'missing'), '--app-id', 'a', '--out', join(root, 'x')]);
  t.is(noCa.code, 1);
  t.regex(noCa.output, /cannot read .*missing\/ca\.crt/);
});

import test from 'ava';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigurationError, readConfigurationFiles } from '../../../runtime/src/config/index.js';
import { tempDir } from '../../harness/files.js';
import { isSecretAllowed, parseSecretScopes, type SecretScope } from '../../../runtime/src/secrets/index.js';

const fail = (reason: string): never => {
  throw new Error(reason);
};
const scope = (overrides: Partial<SecretScope>): SecretScope => ({
  storeName: 's',
  defaultAccess: 'allow',
  allowedSecrets: [],
  deniedSecrets: [],
  ...overrides,
});

test('a store without a scope admits every secret', (t) => {
  t.true(isSecretAllowed(undefined, 'anything'));
});

test('allowedSecrets, when given, admits only those, whatever the rest says', (t) => {
  const only = scope({ allowedSecrets: ['a'], deniedSecrets: ['a'], defaultAccess: 'deny' });
  t.true(isSecretAllowed(only, 'a'));
  t.false(isSecretAllowed(scope({ allowedSecrets: ['a'] }), 'b'));
});

test('deniedSecrets refuses those, and the rest follow defaultAccess', (t) => {
  t.false(isSecretAllowed(scope({ deniedSecrets: ['a'] }), 'a'));
  t.true(isSecretAllowed(scope({ deniedSecrets: ['a'] }), 'b'));
  t.false(isSecretAllowed(scope({ defaultAccess: 'deny' }), 'b'));
});

test('parseSecretScopes reads Dapr\'s fields, defaultAccess defaulting to allow', (t) => {
  t.deepEqual(parseSecretScopes({ scopes: [{ storeName: 'v', deniedSecrets: ['x'] }] }, fail), [
    { storeName: 'v', defaultAccess: 'allow', allowedSecrets: [], deniedSecrets: ['x'] },
  ]);
  t.deepEqual(parseSecretScopes(undefined, fail), []);
});

test('parseSecretScopes refuses a scope without storeName, an unknown defaultAccess and non-list names', (t) => {
  t.throws(() => parseSecretScopes({ scopes: [{}] }, fail), { message: 'spec.secrets.scopes[0].storeName is required' });
  t.throws(() => parseSecretScopes({ scopes: [{ storeName: 'v', defaultAccess: 'maybe' }] }, fail), {
    message: 'spec.secrets.scopes[0].defaultAccess must be allow or deny, got "maybe"',
  });
  t.throws(() => parseSecretScopes({ scopes: [{ storeName: 'v', allowedSecrets: 'a' }] }, fail), {
    message: 'spec.secrets.scopes[0].allowedSecrets must be a list of secret names',
  });
});

test('a Configuration file with a bad secret scope is refused, naming the file; the last file with scopes wins', async (t) => {
  const dir = await tempDir(t);
  const config = (body: string) => `apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: c\nspec:\n  secrets:\n    scopes:\n${body}\n`;
  const [bad, first, second] = [join(dir, 'bad.yaml'), join(dir, 'first.yaml'), join(dir, 'second.yaml')];
  await writeFile(bad, config('      - defaultAccess: deny'));
  await writeFile(first, config('      - storeName: a'));
  await writeFile(second, config('      - storeName: b\n        defaultAccess: deny'));
  await t.throwsAsync(readConfigurationFiles([bad]), { instanceOf: ConfigurationError, message: `${bad}: spec.secrets.scopes[0].storeName is required` });
  const { secretScopes } = await readConfigurationFiles([first, second]);
  t.deepEqual(secretScopes.map((s) => [s.storeName, s.defaultAccess]), [['b', 'deny']]);
});

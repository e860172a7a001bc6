import test from 'ava';
import { componentYaml, resourcesDir, tempDir } from '../../harness/files.js';
import { startActorApp } from '../../harness/actor-app.js';
import { freePortForTest } from '../../harness/ports.js';
import { runCli, startSidecar } from '../../harness/sidecar.js';

test('a bad component file stops start-up with one message naming file, component and fault', async (t) => {
  const dir = await resourcesDir(t, { 'broken.yaml': componentYaml('cache', 'state.nosuchthing') });
  const home = await tempDir(t);
  const { code, output } = await runCli(['sidecar', '--app-id', 'a1', '--dapr-http-port', '0', '--resources-path', dir], { OUTRIGGER_HOME: home });
  t.is(code, 1);
  t.regex(output, /broken\.yaml: component "cache": unknown component type "state\.nosuchthing"/);
  t.notRegex(output, /\n\s+at /, 'no stack trace for a user error');
});

test('missing required metadata names the field', async (t) => {
  const dir = await resourcesDir(t, { 'redis.yaml': componentYaml('cache', 'state.redis') });
  const { code, output } = await runCli(['sidecar', '--app-id', 'a1', '--dapr-http-port', '0', '--resources-path', dir]);
  t.is(code, 1);
  t.regex(output, /redis\.yaml: component "cache": metadata "redisHost" is required/);
});

test('--app-id is required and --help lists the flags', async (t) => {
  const missing = await runCli(['sidecar']);
  t.not(missing.code, 0);
  t.regex(missing.output, /--app-id/);
  const help = await runCli(['sidecar', '--help']);
  t.is(help.code, 0);
  for (const flag of ['--app-port', '--dapr-http-port', '--resources-path', '--components-path', '--config', '--placement-host-address', '--log-level', '--dapr-http-max-request-size', '--app-channel-address']) {
    t.regex(help.output, new RegExp(flag), flag);
  }
});

test('outrigger --help describes every command', async (t) => {
  const { code, output } = await runCli(['--help']);
  t.is(code, 0);
  t.regex(output, /run \[options\]/);
  t.regex(output, /sidecar \[options\]/);
});

test('an app id with a dot is refused', async (t) => {
  const { code, output } = await runCli(['sidecar', '--app-id', 'a.b', '--dapr-http-port', '0']);
  t.is(code, 1);
  t.regex(output, /--app-id must be/);
});

test('an app declaring actor types without an actor state store stops the sidecar with an error naming the fix', async (t) => {
  const app = await startActorApp(t, { name: 'no-store', config: { entities: ['Counter'] } });
  // A state store, but not marked for actors; the folder replaces the embedded defaults.
  const dir = await resourcesDir(t, { 'store.yaml': componentYaml('plain', 'state.in-memory') });
  const { code, output } = await runCli(['sidecar', '--app-id', 'a1', '--dapr-http-port', '0', '--app-port', String(app.port), '--resources-path', dir, '--embedded-placement-port', String(await freePortForTest())]);
  t.is(code, 1);
  t.regex(output, /declares actor types \(Counter\), but no state store is marked actorStateStore: "true"/);
});

test('SIGTERM stops the sidecar gracefully with exit status 0', async (t) => {
  const sidecar = await startSidecar(t);
  t.is(await sidecar.stop('SIGTERM'), 0);
});

import test from 'ava';
import { ComponentMetadata, ComponentMetadataError } from '../../../runtime/src/components/index.js';

const md = (values: Record<string, string>) => ComponentMetadata.from(values);

test('ComponentMetadata.bool accepts Dapr\'s spellings', (t) => {
  for (const yes of ['true', 'TRUE', '1', 'yes', 'on', 'y', 't']) t.true(md({ x: yes }).bool('x', false), yes);
  for (const no of ['false', '0', 'no', 'off', 'n', 'f']) t.false(md({ x: no }).bool('x', true), no);
  t.true(md({}).bool('x', true));
  t.throws(() => md({ enableTLS: 'maybe' }).bool('enableTLS', false), {
    instanceOf: ComponentMetadataError,
    message: 'metadata "enableTLS" must be a boolean (true/false/1/0/yes/no/on/off), got "maybe"',
  });
});

test('ComponentMetadata.int checks the form and the range', (t) => {
  t.is(md({ redisDB: '3' }).int('redisdb', 0), 3);
  t.is(md({}).int('redisDB', 0), 0);
  t.throws(() => md({ redisDB: 'three' }).int('redisDB', 0), { message: /must be an integer/ });
  t.throws(() => md({ redisDB: '-1' }).int('redisDB', 0, { min: 0 }), { message: /at least 0/ });
});

test('ComponentMetadata.durationMs takes Go durations or whole seconds', (t) => {
  t.is(md({ t: '1m30s' }).durationMs('t', 0), 90_000);
  t.is(md({ t: '250ms' }).durationMs('t', 0), 250);
  t.is(md({ t: '20' }).durationMs('t', 0), 20_000);
  t.is(md({}).durationMs('t', 7), 7);
  t.throws(() => md({ t: 'soon' }).durationMs('t', 0), { message: /must be a duration/ });
});

test('ComponentMetadata.required names the missing field', (t) => {
  t.throws(() => md({ other: 'x' }).required('connectionString'), { message: 'metadata "connectionString" is required' });
  t.throws(() => md({ connectionString: '' }).required('connectionString'), { message: /is required/ });
});

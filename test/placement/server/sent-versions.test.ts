import test from 'ava';
import { SentVersions } from '../../../placement/src/server/sent-versions.js';

test('SentVersions tells sent, never sent and too old to check apart', (t) => {
  const sent = new SentVersions(2);
  t.is(sent.check(5), 'never');
  sent.record(10);
  sent.record(20);
  t.is(sent.check(10), 'sent');
  t.is(sent.check(15), 'never');
  sent.record(30);
  t.is(sent.check(10), 'forgotten', 'pushed out: may have been sent, so not a violation');
  t.is(sent.check(5), 'forgotten');
  t.is(sent.check(20), 'sent');
  t.is(sent.check(25), 'never');
});

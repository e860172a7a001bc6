import test from 'ava';
import { compileMatch, MatchExpressionError } from '../../../runtime/src/pubsub/index.js';

const event = { type: 'order.created', source: 'shop', data: { kind: 'book', count: 3, rush: true, 'odd-name': 'x' } };

test('match expressions compare event fields with literals', (t) => {
  const cases: Array<[string, boolean]> = [
    ['event.type == "order.created"', true],
    ["event.type != 'order.created'", false],
    ['event.data.count > 2 && event.data.count <= 3', true],
    ['event.data.kind == "film" || (event.data.rush == true && !(event.source == "other"))', true],
    ['event.data["odd-name"] == "x"', true],
    ['event.data.rush', true],
    ['event.data.missing == "x"', false],
    ['event.data.missing != "x"', false],
    ['event.data.kind == 3', false],
    ['event.data.count == 3.0', true],
    ['true', true],
  ];
  for (const [expression, expected] of cases) t.is(compileMatch(expression)(event), expected, expression);
});

test('unsupported match expressions are refused at load with the position', (t) => {
  for (const expression of ['size(event.data) > 1', 'event.type.startsWith("a")', 'event.type = "a"', 'event.type == "a', 'other.type == "a"', '(event.type == "a"', '', 'event.type in ["a"]']) {
    const error = t.throws(() => compileMatch(expression), { instanceOf: MatchExpressionError }, expression);
    t.regex(error!.message, /at position \d+/);
  }
});

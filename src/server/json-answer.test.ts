import assert from 'node:assert/strict';
import { text } from 'node:stream/consumers';
import { describe, it } from 'node:test';
import { streamArrayAnswer } from './json-answer.js';

describe('streamArrayAnswer', () => {
  it('writes the same JSON as JSON.stringify, items built lazily', async () => {
    const items = Array.from({ length: 5 }, (_, i) => ({ index: i, values: [i, i + 0.5] }));
    let built = 0;
    const stream = streamArrayAnswer({
      head: { object: 'list' },
      key: 'data',
      count: items.length,
      item: (i) => (built++, items[i]),
      valuesPerItem: 2,
      tail: { model: 'm', usage: { n: 1 } },
    });
    assert.equal(built, 0, 'nothing is built before it is read');
    const json = await text(stream);
    assert.deepEqual(JSON.parse(json), { object: 'list', data: items, model: 'm', usage: { n: 1 } });
    assert.equal(json, JSON.stringify({ object: 'list', data: items, model: 'm', usage: { n: 1 } }));
  });

  it('handles an empty array and empty head and tail', async () => {
    assert.equal(await text(streamArrayAnswer({ head: {}, key: 'a', count: 0, item: () => 0, valuesPerItem: 1, tail: {} })), '{"a":[]}');
  });

  it('lets other work run while a large answer is serialised', async () => {
    let turns = 0;
    const ticker = setInterval(() => (turns += 1), 0);
    const vector = Array.from({ length: 1536 }, (_, i) => i / 1536);
    await text(streamArrayAnswer({ head: {}, key: 'data', count: 256, item: () => vector, valuesPerItem: vector.length, tail: {} }));
    clearInterval(ticker);
    assert.ok(turns > 0, 'a timer ran between batches');
  });
});

/**
 * @module Large JSON answers written a piece at a time. Serialising a big answer in one `JSON.stringify` holds the
 * event loop for as long as it takes — an embeddings answer of 2,048 vectors × 1,536 floats took 1.8 s — and every
 * other tenant's request waits. Past a size, the answer is produced as a stream whose array items are serialised a
 * batch at a time, yielding to the event loop between batches; below it, it is sent whole (one write, a
 * content-length) as usual.
 */
import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Roughly how many array values are serialised between two yields (a few milliseconds of work). */
const VALUES_PER_TURN = 32_768;

/** An answer `{...head, [key]: items, ...tail}` with `items` serialised lazily: `item(i)` is built only when written. */
export interface ArrayAnswer {
  head: Record<string, unknown>;
  key: string;
  count: number;
  /** The i-th item, built when it is written. */
  item(index: number): unknown;
  /** Values per item, for pacing (e.g. a vector's length). */
  valuesPerItem: number;
  tail: Record<string, unknown>;
}

/** The answer as a stream of JSON text, yielding to the event loop every {@link VALUES_PER_TURN} values. */
export function streamArrayAnswer(answer: ArrayAnswer): Readable {
  return Readable.from(pieces(answer), { objectMode: false });
}

async function* pieces(answer: ArrayAnswer): AsyncGenerator<string> {
  // The object's braces and its other members come from JSON.stringify too, so keys and values are escaped alike.
  const head = JSON.stringify(answer.head);
  const tail = JSON.stringify(answer.tail);
  const open = head === '{}' ? '{' : `${head.slice(0, -1)},`;
  yield `${open}${JSON.stringify(answer.key)}:[`;
  let sinceYield = 0;
  let batch = '';
  for (let index = 0; index < answer.count; index += 1) {
    batch += (index === 0 ? '' : ',') + JSON.stringify(answer.item(index));
    sinceYield += answer.valuesPerItem;
    if (sinceYield >= VALUES_PER_TURN) {
      yield batch;
      batch = '';
      sinceYield = 0;
      await nextTurn();
    }
  }
  yield `${batch}]${tail === '{}' ? '}' : `,${tail.slice(1)}`}`;
}

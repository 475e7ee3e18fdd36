import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toEmbeddingData } from './embedding-response.js';

/** How openai-node (`internal/utils/base64.ts`, `toFloat32Array`) decodes a base64 embedding in Node. */
function sdkDecode(base64: string): number[] {
  const buf = Buffer.from(base64, 'base64');
  return Array.from(new Float32Array(buf.buffer, buf.byteOffset, buf.length / Float32Array.BYTES_PER_ELEMENT));
}

const vectors = [new Float32Array([0.0057293195, -0.012727811, 0.020042092]), new Float32Array([-0.037104916, -0.05178114, -0.008340587])];

describe('toEmbeddingData', () => {
  it('answers floats in input order, each the float32 value as OpenAI shows it', () => {
    const data = toEmbeddingData(vectors, 'float');
    assert.deepEqual(
      data.map((d) => [d.object, d.index]),
      [
        ['embedding', 0],
        ['embedding', 1],
      ],
    );
    assert.deepEqual(data[0]?.embedding, [Math.fround(0.0057293195), Math.fround(-0.012727811), Math.fround(0.020042092)]);
    assert.match(JSON.stringify(data[1]), /^\{"object":"embedding","index":1,"embedding":\[-0\.0371049\d+,-0\.0517811\d+,-0\.00834058\d+\]\}$/);
  });

  it('answers base64 that the official openai SDK decodes back to the same floats', () => {
    const data = toEmbeddingData(vectors, 'base64');
    assert.equal(typeof data[0]?.embedding, 'string');
    for (const [i, item] of data.entries()) {
      assert.deepEqual(sdkDecode(item.embedding as string), Array.from(vectors[i] ?? []));
    }
    assert.equal(data[0]?.embedding, Buffer.from(vectors[0]?.buffer ?? new ArrayBuffer(0)).toString('base64'));
  });

  it('answers nothing for no vectors', () => {
    assert.deepEqual(toEmbeddingData([], 'float'), []);
  });
});

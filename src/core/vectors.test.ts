import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFloat32Base64, encodeFloat32Base64, float32FromNumbers, scaleToUnitLength } from './vectors.js';

describe('float32 base64', () => {
  it('encodes little-endian float32 bytes, as the OpenAI SDKs decode them', () => {
    const vector = new Float32Array([1, -2.5, 0.1]);
    const text = encodeFloat32Base64(vector);
    const bytes = Buffer.from(text, 'base64');
    assert.deepEqual([bytes.readFloatLE(0), bytes.readFloatLE(4), bytes.readFloatLE(8)], [1, -2.5, Math.fround(0.1)]);
    // `1` as float32 little-endian is 00 00 80 3f.
    assert.equal(encodeFloat32Base64(new Float32Array([1])), Buffer.from([0, 0, 0x80, 0x3f]).toString('base64'));
  });

  it('encodes a vector that is a view into a larger buffer by its own bytes only', () => {
    const backing = new Float32Array([9, 1, 2, 9]);
    assert.equal(encodeFloat32Base64(backing.subarray(1, 3)), encodeFloat32Base64(new Float32Array([1, 2])));
  });

  it('decodes what it encodes, from any offset of the shared Buffer pool', () => {
    const vector = new Float32Array(Array.from({ length: 7 }, (_, i) => Math.fround(i / 7 - 0.5)));
    for (let pad = 0; pad < 4; pad += 1) {
      Buffer.alloc(pad + 1); // moves the pool's offset, so the decoded bytes start unaligned
      assert.deepEqual(decodeFloat32Base64(encodeFloat32Base64(vector)), vector);
    }
  });

  it('refuses text that is not base64 of whole finite float32 values', () => {
    assert.equal(decodeFloat32Base64('AAAA!AAA'), undefined);
    assert.equal(decodeFloat32Base64('AAA='), undefined, 'two bytes are not a float32');
    assert.equal(decodeFloat32Base64('AAAAAA'), undefined, 'not a multiple of four characters');
    assert.equal(decodeFloat32Base64(encodeFloat32Base64(new Float32Array([Number.NaN]))), undefined);
    assert.deepEqual(decodeFloat32Base64(''), new Float32Array(0));
  });
});

describe('float32FromNumbers and scaleToUnitLength', () => {
  it('takes finite numbers only', () => {
    assert.deepEqual(float32FromNumbers([0.5, -1]), new Float32Array([0.5, -1]));
    assert.equal(float32FromNumbers([0.5, '1']), undefined);
    assert.equal(float32FromNumbers([0.5, null]), undefined);
    assert.equal(float32FromNumbers({ 0: 1 }), undefined);
  });

  it('scales to unit length and leaves a zero vector alone', () => {
    const v = scaleToUnitLength(new Float32Array([3, 4]));
    assert.deepEqual(v, new Float32Array([0.6, 0.8]));
    assert.deepEqual(scaleToUnitLength(new Float32Array([0, 0])), new Float32Array([0, 0]));
  });
});

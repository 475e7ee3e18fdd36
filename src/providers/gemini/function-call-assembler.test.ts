import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GeminiFunctionCall, GeminiPartialArg } from './api-response.js';
import { FunctionCallAssembler } from './function-call-assembler.js';

function fragment(partialArgs: GeminiPartialArg[], willContinue = true): GeminiFunctionCall {
  return { partialArgs, willContinue };
}

describe('FunctionCallAssembler', () => {
  it('completes a whole call at once, with {} when it has no args', () => {
    const assembler = new FunctionCallAssembler();
    assert.deepEqual(assembler.accept({ name: 'read_theme', willContinue: false }, 'c2ln'), [
      { name: 'read_theme', args: {}, thoughtSignature: 'c2ln' },
    ]);
    assert.deepEqual(assembler.accept({ name: 'f', args: { a: 1 }, willContinue: false }, undefined), [{ name: 'f', args: { a: 1 } }]);
    assert.deepEqual(assembler.flush(), []);
  });

  it('appends string pieces of one path while the arg continues, then completes on the closing part', () => {
    const assembler = new FunctionCallAssembler();
    assert.deepEqual(assembler.accept({ name: 'read_screen', willContinue: true }, undefined), []);
    assert.deepEqual(assembler.accept(fragment([{ jsonPath: '$.id', value: 'scr', willContinue: true }]), undefined), []);
    assert.deepEqual(assembler.accept(fragment([{ jsonPath: '$.id', value: 'een A', willContinue: true }]), undefined), []);
    assert.deepEqual(assembler.accept(fragment([{ jsonPath: '$.id', value: '', willContinue: false }]), undefined), []);
    assert.deepEqual(assembler.accept({ willContinue: false }, undefined), [{ name: 'read_screen', args: { id: 'screen A' } }]);
  });

  it('replaces (does not append to) a string whose previous fragment was final', () => {
    const assembler = new FunctionCallAssembler();
    assembler.accept({ name: 'f', willContinue: true }, undefined);
    assembler.accept(fragment([{ jsonPath: '$.s', value: 'old', willContinue: false }]), undefined);
    assert.deepEqual(assembler.accept(fragment([{ jsonPath: '$.s', value: 'new', willContinue: false }], false), undefined), [
      { name: 'f', args: { s: 'new' } },
    ]);
  });

  it('builds nested objects and arrays and keeps numbers, booleans and null', () => {
    const assembler = new FunctionCallAssembler();
    assembler.accept({ name: 'f', willContinue: true }, undefined);
    const done = assembler.accept(
      fragment(
        [
          { jsonPath: '$.a.b[0]', value: 1.5, willContinue: false },
          { jsonPath: '$.a.b[1]', value: true, willContinue: false },
          { jsonPath: "$['odd key'].x", value: null, willContinue: false },
          { jsonPath: '$.list[0].name', value: 'n', willContinue: false },
        ],
        false,
      ),
      undefined,
    );
    assert.deepEqual(done, [{ name: 'f', args: { a: { b: [1.5, true] }, 'odd key': { x: null }, list: [{ name: 'n' }] } }]);
  });

  it('completes an open call when the next named call starts, and on flush', () => {
    const assembler = new FunctionCallAssembler();
    assembler.accept({ name: 'first', willContinue: true }, undefined);
    assert.deepEqual(assembler.accept({ name: 'second', willContinue: true }, undefined), [{ name: 'first', args: {} }]);
    assert.deepEqual(assembler.flush(), [{ name: 'second', args: {} }]);
  });

  it('rejects a fragment with no call to continue', () => {
    assert.equal(new FunctionCallAssembler().accept({ willContinue: false }, undefined), undefined);
    assert.equal(new FunctionCallAssembler().accept(fragment([{ jsonPath: '$.a', value: 1, willContinue: false }]), undefined), undefined);
  });

  it('rejects unsupported paths and sparse array writes', () => {
    for (const jsonPath of ['$', 'a.b', '$..a', '$.a[*]', '$.a[5]']) {
      const assembler = new FunctionCallAssembler();
      assembler.accept({ name: 'f', willContinue: true }, undefined);
      assert.equal(assembler.accept(fragment([{ jsonPath, value: 1, willContinue: false }]), undefined), undefined, jsonPath);
    }
  });

  it('keeps a __proto__ key as data instead of changing the prototype', () => {
    const assembler = new FunctionCallAssembler();
    assembler.accept({ name: 'f', willContinue: true }, undefined);
    const [call] = assembler.accept(fragment([{ jsonPath: "$['__proto__'].x", value: 1, willContinue: false }], false), undefined) ?? [];
    assert.ok(call !== undefined);
    assert.equal(Object.getPrototypeOf(call.args), Object.prototype);
    assert.equal(JSON.stringify(call.args), '{"__proto__":{"x":1}}');
  });
});

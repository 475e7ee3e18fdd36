/**
 * What the Messages door's integration tests share: an `@anthropic-ai/sdk` client on the test gateway and the error
 * a call was refused with.
 */
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import type { TestGateway } from './gateway.js';

/** An Anthropic SDK client on the gateway (`x-api-key`), without retries. */
export function anthropicClient(gw: TestGateway, apiKey: string = gw.apiKey): Anthropic {
  return new Anthropic({ apiKey, baseURL: gw.url, maxRetries: 0 });
}

/** The SDK error `promise` rejected with (fails the test when it resolved). */
export async function anthropicError(promise: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  assert.ok(error instanceof Anthropic.APIError, `expected an APIError, got ${String(error)}`);
  return error;
}

/** A 1×1 PNG. */
export const PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

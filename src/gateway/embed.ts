/**
 * @module One embeddings attempt on one deployment, for `Gateway.embed` (whose attempt loop fails over between the
 * deployments of the one embedding model, as for chat).
 *
 * A request the upstream cannot take in one call (Gemini: 100 inputs) is split into calls that run at most
 * {@link EMBEDDING_CALLS_AT_ONCE} at a time, each holding one concurrency slot of the request's admission
 * ({@link embeddingCallsFor}); the first failed call cancels the others and fails the attempt, so the next
 * deployment starts over. An answer is read up to the size the asked-for vectors can take, which may exceed the
 * 8 MiB read bound of a chat answer (100 Gemini vectors of 3,072 values are about 8 MB of JSON).
 */
import { performance } from 'node:perf_hooks';
import { inputCount, splitEmbeddingCall, type EmbeddingCall } from '../core/embedding-request.js';
import type { EmbeddingResponse } from '../core/embedding-response.js';
import { GatewayError } from '../core/gateway-error.js';
import { adapterFor, malformedUpstream, parseJsonSafe, type EmbeddingsAdapter, type ProviderAdapter } from '../providers/index.js';
import { targetOf, type Candidate } from '../routing/index.js';
import { Cancellation, type CancelSignal } from './cancellation.js';
import type { AttemptInfo, GatewayDeps } from './gateway.js';
import { MAX_UPSTREAM_BODY_BYTES, readBodyText, readErrorText } from './upstream-body.js';

/** Upstream calls one embeddings request runs at once: a 2,048-input Gemini request is 21 calls, 4 at a time. */
export const EMBEDDING_CALLS_AT_ONCE = 4;

/** Bytes an answer may take per value: base64 float32 is 5⅓; JSON numbers, pretty-printed as Gemini does, about 25. */
const BASE64_BYTES_PER_VALUE = 6;
const JSON_BYTES_PER_VALUE = 40;
/** Room for each input's envelope (`{"object":"embedding","index":…}`) and for the answer's own fields. */
const BYTES_PER_INPUT = 256;
const BYTES_PER_ANSWER = 64 * 1024;

/** What `Gateway.embed` resolves to: the vectors in input order, the upstream's usage if it reported one, the attempt. */
export interface EmbeddingResult extends EmbeddingResponse, AttemptInfo {}

/** The deps an attempt uses: the upstream client, and where its success is reported. */
export type EmbedDeps = Pick<GatewayDeps, 'client' | 'onOutcome'>;

/**
 * How many upstream calls `req` holds at once on `candidate`: its batches, at most {@link EMBEDDING_CALLS_AT_ONCE}.
 * Admission holds that many concurrency slots (the most over the candidates), as chat's `upstreamCallsFor` is used.
 */
export function embeddingCallsFor(req: EmbeddingCall, candidate: Candidate): number {
  const batches = Math.ceil(inputCount(req.input) / embeddingsOf(adapterFor(candidate.providerConfig.format)).maxInputsPerCall);
  return Math.min(batches, EMBEDDING_CALLS_AT_ONCE);
}

/**
 * Embeds `req` on `candidate`: every call, in order, merged into one answer whose usage is the sum of the calls' (or
 * absent when any call reported none). Reports the attempt's success; its failure is the attempt loop's to report.
 */
export async function embedOn(
  deps: EmbedDeps,
  req: EmbeddingCall,
  candidate: Candidate,
  signal: CancelSignal,
  traceHeaders?: Readonly<Record<string, string>>,
): Promise<EmbeddingResponse> {
  const adapter = adapterFor(candidate.providerConfig.format);
  const embeddings = embeddingsOf(adapter);
  const calls = splitEmbeddingCall(req, embeddings.maxInputsPerCall);
  const started = performance.now();
  const answers = await runAll(calls, (call, callSignal) => callOnce(deps, adapter, embeddings, call, candidate, callSignal, traceHeaders), signal);
  const elapsed = performance.now() - started;
  deps.onOutcome?.(candidate, { ok: true, ttftMs: elapsed, totalMs: elapsed, outputTokens: 0 });
  return merge(answers, req.model);
}

function embeddingsOf(adapter: ProviderAdapter): EmbeddingsAdapter {
  if (adapter.embeddings === undefined) {
    // The config refuses embedding models on such providers (config/models.ts), so this is a bug, not the provider's failure.
    throw new GatewayError(500, 'internal_error', `The ${adapter.format} wire format has no embeddings API.`, { retryable: false });
  }
  return adapter.embeddings;
}

async function callOnce(
  deps: EmbedDeps,
  adapter: ProviderAdapter,
  embeddings: EmbeddingsAdapter,
  call: EmbeddingCall,
  candidate: Candidate,
  signal: CancelSignal,
  traceHeaders: Readonly<Record<string, string>> | undefined,
): Promise<EmbeddingResponse> {
  const { request } = embeddings.toUpstream(call, targetOf(candidate));
  const response = await deps.client.send(candidate.providerConfig.baseUrl, request, signal, traceHeaders);
  if (response.status >= 300) throw adapter.toGatewayError(response.status, response.headers, await readErrorText(response, signal));
  const body = parseJsonSafe(await readBodyText(response, signal, answerBytes(call)));
  if (body === undefined) throw malformedUpstream('embeddings response');
  return embeddings.fromUpstream(body, call);
}

/** The most bytes an answer to `call` may take: its vectors in the encoding asked for, with room to spare. */
export function answerBytes(call: EmbeddingCall): number {
  const inputs = inputCount(call.input);
  const perValue = call.upstream.base64 ? BASE64_BYTES_PER_VALUE : JSON_BYTES_PER_VALUE;
  return Math.max(MAX_UPSTREAM_BODY_BYTES, inputs * (call.dimensions * perValue + BYTES_PER_INPUT) + BYTES_PER_ANSWER);
}

/**
 * Runs `run` over `calls`, at most {@link EMBEDDING_CALLS_AT_ONCE} at a time, answers in call order. The first failure
 * cancels the calls still running (their own errors are dropped) and is thrown; a client abort cancels them all.
 */
async function runAll<T>(
  calls: readonly EmbeddingCall[],
  run: (call: EmbeddingCall, signal: CancelSignal) => Promise<T>,
  signal: CancelSignal,
): Promise<T[]> {
  const [only] = calls;
  if (calls.length === 1 && only !== undefined) return [await run(only, signal)];
  const local = new Cancellation();
  const unlink = onAbort(signal, () => local.cancel());
  const answers = new Array<T>(calls.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    for (let index = next++; failure === undefined && index < calls.length; index = next++) {
      try {
        answers[index] = await run(calls[index] as EmbeddingCall, local);
      } catch (error) {
        failure ??= { error };
        local.cancel();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(EMBEDDING_CALLS_AT_ONCE, calls.length) }, worker));
  } finally {
    unlink();
  }
  if (failure !== undefined) throw failure.error;
  return answers;
}

/** Calls `listener` once `signal` aborts (at once if it has); returns the unsubscribe. */
function onAbort(signal: CancelSignal, listener: () => void): () => void {
  if (signal.aborted) {
    listener();
    return () => undefined;
  }
  if (signal instanceof Cancellation) {
    signal.once('abort', listener);
    return () => signal.off('abort', listener);
  }
  signal.addEventListener('abort', listener, { once: true });
  return () => signal.removeEventListener('abort', listener);
}

/** The calls' answers as one: vectors in order, usage summed when every call reported it. */
function merge(answers: readonly EmbeddingResponse[], model: string): EmbeddingResponse {
  const [first] = answers;
  if (answers.length === 1 && first !== undefined) return first;
  const data = answers.flatMap((answer) => answer.data);
  let tokens = 0;
  for (const answer of answers) {
    if (answer.usage === undefined) return { data, model };
    tokens += answer.usage.prompt_tokens;
  }
  return { data, model, usage: { prompt_tokens: tokens } };
}

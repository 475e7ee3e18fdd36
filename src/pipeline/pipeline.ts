/**
 * @module The request pipeline of DESIGN §1, protocol-neutral: a front door hands it a parsed canonical request and
 * its encoders; the pipeline routes, admits, dispatches with failover, aborts on client disconnect, answers through
 * the door, settles and writes the ledger row. Business rules stay in routing/, limits/, gateway/, metering/ and
 * cache/; this module only orders them.
 *
 * The response cache, when a request asks for it (`request-cache.ts`), sits between admission and dispatch: the
 * request is admitted as any (a hit counts against rpm), then looked up; a hit is answered from the cache through the
 * door (`replay-cached.ts`) and settles to zero, a fresh answer is stored before the client gets its end.
 */
import { performance } from 'node:perf_hooks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KeyRecord } from '../auth/index.js';
import { chatCacheKey, embeddingCacheKey, type ResponseCache } from '../cache/index.js';
import { NATIVE_BODY, type CanonicalChatRequest, type ChatCompletionRequest } from '../core/chat-request.js';
import type { ChatCompletion, Usage } from '../core/chat-response.js';
import type { EmbeddingRequest } from '../core/embedding-request.js';
import { endUserOf } from '../core/end-user.js';
import type { EmbeddingModelConfig } from '../config/types.js';
import { countingCandidates, embeddingCallsFor, upstreamCallsFor, type Gateway } from '../gateway/index.js';
import { chatReservation, embeddingReservation, settleUsage, measurePrompt, BoundedTokenCounter, type SettledUsage } from '../metering/index.js';
import type { Router } from '../routing/index.js';
import { toGatewayError } from '../server/error-handler.js';
import { COUNT_TOKENS_OPERATION } from '../telemetry/index.js';
import type { ChatFrontDoor, UsageEndpoint } from './front-door.js';
import { relayStream } from './relay-stream.js';
import { replayCachedChat } from './replay-cached.js';
import { RequestCache } from './request-cache.js';
import { countsAsRequest, RequestLifecycle, type LifecycleDeps, type RequestFacts } from './request-lifecycle.js';

/** The account's own provider keys (BYOK), from memory. */
export interface ProviderKeyLookup {
  keysForAccount(accountId: string): ReadonlyMap<string, string>;
}

/** What the pipeline needs. */
export interface PipelineDeps extends LifecycleDeps {
  router: Router;
  gateway: Gateway;
  providerKeys?: ProviderKeyLookup | undefined;
  /** Characters of a request the tokenizer may count (`requests.tokenizerMaxChars`). */
  tokenizerMaxChars: number;
  /** The response cache; omitted: requests that ask for it are answered fresh and nothing is kept. */
  cache?: ResponseCache | undefined;
}

/** The pipeline every front door runs its requests through. */
export class Pipeline {
  readonly #deps: PipelineDeps;
  /** Requests a handler ran for: their lifecycle writes their ledger rows. */
  readonly #handled = new WeakSet<FastifyRequest>();

  constructor(deps: PipelineDeps) {
    this.#deps = deps;
  }

  /**
   * A route's `onError` hook for bodies refused before the handler runs (malformed JSON, too large, an unsupported
   * content type): they still get their ledger row when the key was valid, and count against rpm, so the request
   * log shows every request the account made. A client that hung up before its body was complete made no request.
   */
  refusedBodyHook(endpoint: UsageEndpoint): (request: FastifyRequest, reply: FastifyReply, error: Error) => Promise<void> {
    return async (request, reply, error) => {
      if (request.apiKey === null || this.#handled.has(request) || request.raw.readableAborted) return;
      const refused = toGatewayError(error);
      const lifecycle = new RequestLifecycle(
        this.#deps,
        request,
        reply,
        { endpoint, requestedModel: '', stream: false },
        // It started when it arrived, before its body was read.
        { epochMs: this.#deps.now() - reply.elapsedTime, monotonicMs: performance.now() - reply.elapsedTime },
      );
      await lifecycle.failedBeforeParse(refused ?? error, refused !== undefined && countsAsRequest(refused));
      await lifecycle.finish();
    };
  }

  /**
   * Runs `work` as one request: whatever it throws is turned into the answer (see `RequestLifecycle.failed`) and
   * rethrown for the door's error handler; the request is settled and recorded on every path.
   */
  async handle(
    request: FastifyRequest,
    reply: FastifyReply,
    facts: RequestFacts,
    work: (lifecycle: RequestLifecycle) => Promise<void>,
  ): Promise<FastifyReply> {
    this.#handled.add(request);
    const lifecycle = new RequestLifecycle(this.#deps, request, reply, facts);
    try {
      await work(lifecycle);
    } catch (error) {
      throw await lifecycle.failed(error);
    } finally {
      await lifecycle.finish();
    }
    return reply;
  }

  /** The embedding model `/v1/embeddings` names (400 naming `model`: unknown, `"auto"`, a chat model). */
  embeddingModel(modelId: string): EmbeddingModelConfig {
    return this.#deps.router.embeddingModel(modelId);
  }

  /**
   * Routes, admits and dispatches a canonical embeddings request (failover only between deployments of its model),
   * and settles it; the door encodes the answer. Gemini reports no token counts: the bounded count is billed then.
   * With the response cache, a hit returns the cached vectors, billed nothing (usage as first billed, `cost_usd` 0).
   */
  async embed(lifecycle: RequestLifecycle, reply: FastifyReply, req: EmbeddingRequest): Promise<EmbeddingOutcome> {
    const deps = this.#deps;
    const key: KeyRecord = lifecycle.key;
    lifecycle.attribute(req.user);
    const caching = RequestCache.open(deps.cache, reply, cacheTtlOf(key));
    const providerKeys = deps.providerKeys?.keysForAccount(key.accountId);
    const decision = deps.router.routeEmbedding(req.model, { providerKeys, allowedModels: key.allowedModels });
    lifecycle.trace?.routed(decision.mode);
    await lifecycle.admit(embeddingReservation(key, req, decision.candidates, (candidate) => embeddingCallsFor(req, candidate)));
    const hit = await caching?.findEmbeddings(embeddingCacheKey({ accountId: key.accountId, endpoint: 'embeddings' }, req));
    if (hit !== undefined) {
      lifecycle.servedFromCache(hit, hit.usage.cost_usd ?? 0);
      return { vectors: hit.vectors, usage: { ...hit.usage, cost_usd: 0 } };
    }
    const result = await deps.gateway.embed(req, decision.candidates, lifecycle.cancellation(), lifecycle.trace);
    lifecycle.answeredBy(result);
    const reported =
      result.usage === undefined
        ? undefined
        : { prompt_tokens: result.usage.prompt_tokens, completion_tokens: 0, total_tokens: result.usage.prompt_tokens };
    const settled = settleUsage(reported, { promptTokens: () => req.prompt.counted(), outputTokens: () => 0 }, result.candidate.model.pricing);
    lifecycle.charge(settled);
    await caching?.keepEmbeddings(result.data, settled.usage, result);
    return { vectors: result.data, usage: settled.usage };
  }

  /**
   * Counts a canonical chat request's prompt tokens (Anthropic's `count_tokens`): routed and admitted like any
   * request, but reserving no tokens or spend (a count generates nothing), and settled at zero cost. The upstream
   * counts when the route's first deployment can count the request's native body (Claude; failover among those that
   * can); otherwise the bounded tokenizer does, as for the prompt of any request.
   */
  async countTokens(lifecycle: RequestLifecycle, body: CanonicalChatRequest): Promise<number> {
    const deps = this.#deps;
    const key: KeyRecord = lifecycle.key;
    lifecycle.attribute(endUserOf(body));
    lifecycle.trace?.renameOperation(COUNT_TOKENS_OPERATION);
    const prompt = measurePrompt(body, deps.tokenizerMaxChars);
    const providerKeys = deps.providerKeys?.keysForAccount(key.accountId);
    const { candidates, mode } = deps.router.route(body, key.defaultRouting ?? undefined, {
      prompt,
      providerKeys,
      providerDefaults: key.defaultProvider,
      allowedModels: key.allowedModels,
    });
    lifecycle.trace?.routed(mode);
    const byok = candidates.length > 0 && candidates.every((c) => c.byok === true);
    await lifecycle.admit({ key, promptTokens: 0, maxOutputTokens: 0, worstCaseCostUsd: 0, byok });
    const native = body[NATIVE_BODY];
    const counting = native === undefined ? [] : countingCandidates(native, candidates);
    if (native === undefined || candidates[0] === undefined || !counting.includes(candidates[0])) {
      lifecycle.charge(COUNTED);
      return prompt.counted();
    }
    const result = await deps.gateway.countTokens(native, counting, lifecycle.cancellation(), lifecycle.trace);
    lifecycle.answeredBy(result);
    lifecycle.charge(COUNTED);
    return result.input_tokens;
  }

  /** Routes, admits, dispatches (or answers from the response cache) a canonical chat request through `door`. */
  async chat(lifecycle: RequestLifecycle, reply: FastifyReply, canonical: ChatCompletionRequest, door: ChatFrontDoor): Promise<void> {
    const deps = this.#deps;
    const key: KeyRecord = lifecycle.key;
    lifecycle.attribute(endUserOf(canonical));
    const caching = RequestCache.open(deps.cache, reply, cacheTtlOf(key));
    const body = withoutCacheSettings(canonical);
    const prompt = measurePrompt(body, deps.tokenizerMaxChars);
    const providerKeys = deps.providerKeys?.keysForAccount(key.accountId);
    const routeOptions = { prompt, providerKeys, providerDefaults: key.defaultProvider, allowedModels: key.allowedModels };
    const decision = deps.router.route(body, key.defaultRouting ?? undefined, routeOptions);
    reply.header('x-op-routing', decision.mode);
    lifecycle.trace?.routed(decision.mode);
    lifecycle.trace?.requested(body);
    const tokens = decision.requirements?.promptTokens ?? prompt.estimate;
    await lifecycle.admit(
      chatReservation(key, body, { tokens, size: prompt }, decision.candidates, (candidate) => upstreamCallsFor(body, candidate)),
    );
    const hit = await caching?.findChat(chatCacheKey({ accountId: key.accountId, endpoint: door.endpoint }, body));
    if (hit !== undefined) {
      await replayCachedChat(lifecycle, reply, door, hit, { stream: body.stream === true, nowMs: deps.now() });
      return;
    }
    const cancellation = lifecycle.cancellation();
    if (body.stream === true) {
      const result = await deps.gateway.stream(body, decision.candidates, cancellation, lifecycle.trace);
      lifecycle.answeredBy(result);
      lifecycle.firstByte();
      const fallback = { prompt, tokenizerMaxChars: deps.tokenizerMaxChars };
      await relayStream(lifecycle, reply, result, door.streamEncoder(), fallback, caching?.streamTap(result));
      return;
    }
    const result = await deps.gateway.complete(body, decision.candidates, cancellation, lifecycle.trace);
    lifecycle.answeredBy(result);
    const output = (): number => countCompletionOutput(result.completion.choices, deps.tokenizerMaxChars);
    const settled = settleUsage(
      result.completion.usage,
      { promptTokens: () => prompt.counted(), outputTokens: output },
      result.candidate.model.pricing,
    );
    lifecycle.charge(settled);
    const completion: ChatCompletion = { ...result.completion, usage: settled.usage };
    lifecycle.trace?.completed(completion);
    await caching?.keepChat(completion, result);
    await reply.send(await door.encodeCompletion(completion));
  }
}

/** The key's default response-cache lifetime, in seconds; null for none. */
function cacheTtlOf(key: KeyRecord): number | null {
  return key.responseCacheTtlSeconds ?? null;
}

/**
 * The request without our `cache` field (the Chat Completions door's canonical request is the client's body): it is
 * the gateway's setting, never the upstream's, and an OpenAI-format upstream would refuse it as unknown.
 */
function withoutCacheSettings(request: ChatCompletionRequest): ChatCompletionRequest {
  if (!Object.hasOwn(request, 'cache')) return request;
  const copy: ChatCompletionRequest = { ...request };
  delete copy.cache;
  return copy;
}

/** What a token count settles: nothing is generated, so nothing is charged. */
const COUNTED: SettledUsage = { usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cost_usd: 0 }, estimated: false };

/** An embeddings answer as the pipeline settled it: the vectors in input order, and the billed usage. */
export interface EmbeddingOutcome {
  vectors: Float32Array[];
  /** Input tokens (the upstream's, else the bounded count), with `cost_usd`. */
  usage: Usage;
}

/** Output tokens of a completion's choices (text, reasoning, refusals, tool calls), by the bounded tokenizer. */
function countCompletionOutput(choices: ChatCompletion['choices'], tokenizerMaxChars: number): number {
  const counter = new BoundedTokenCounter(tokenizerMaxChars);
  for (const { message } of choices) {
    if (message.content) counter.add(message.content);
    if (message.reasoning_content) counter.add(message.reasoning_content);
    if (message.refusal) counter.add(message.refusal);
    for (const call of message.tool_calls ?? []) {
      counter.add(call.function.name);
      counter.add(call.function.arguments);
    }
  }
  return counter.total();
}

/**
 * @module OpenAI request → OpenAI-format upstream request (OpenAI, Mistral, DeepSeek, xAI, Groq).
 *
 * The body passes through as the client sent it, including fields the gateway does not know, with five changes:
 * the model becomes the deployment's upstream name, our `routing`, `models`, `provider` and `route` extensions are
 * removed (the router has used them; OpenRouter-compatible vendors would act on them again), so are our
 * `reasoning_details` on assistant turns (another provider's reasoning state, which no OpenAI-format upstream reads
 * and strict OpenAI-compatible vendors refuse as an unknown field), streams always ask for usage
 * (`stream_options.include_usage`) so metering never depends on what the client asked, and on the gateway's own key
 * a `store` the client sent becomes `false`. Parameters billed at prices the catalog does not have never get
 * here: the pipeline refuses them first (`metering/unpriced-parameters.ts`).
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
import type { ChatCompletionRequest, ChatMessage } from '../../core/chat-request.js';
import type { ToUpstreamResult, UpstreamTarget } from '../types.js';

/** The messages without `reasoning_details`; the same array when no turn has them (the common case costs one pass). */
function withoutReasoningDetails(messages: ChatMessage[]): ChatMessage[] {
  if (!messages.some((message) => message.role === 'assistant' && message.reasoning_details !== undefined)) return messages;
  return messages.map((message) => {
    if (message.role !== 'assistant' || message.reasoning_details === undefined) return message;
    const { reasoning_details: _dropped, ...rest } = message;
    return rest;
  });
}

/** Builds the upstream call for an OpenAI-format provider. */
export function toOpenAIRequest(req: ChatCompletionRequest, target: UpstreamTarget, stream: boolean): ToUpstreamResult {
  const { routing: _routing, models: _models, provider: _provider, route: _route, stream: _stream, stream_options: streamOptions, ...rest } = req;
  const body: Record<string, unknown> = { ...rest, model: target.upstreamModel, messages: withoutReasoningDetails(req.messages) };
  if (stream) {
    body.stream = true;
    body.stream_options = { ...(streamOptions ?? {}), include_usage: true };
  }
  const warnings: string[] = [];
  if (target.byok !== true && body.store !== undefined) {
    if (body.store === true) warnings.push("store (not on the gateway's provider account)");
    body.store = false;
  }
  return {
    request: {
      path: '/chat/completions',
      headers: { authorization: `Bearer ${target.apiKey}`, 'content-type': 'application/json' },
      body,
    },
    warnings,
  };
}

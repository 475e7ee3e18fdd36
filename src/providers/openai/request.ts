/**
 * @module OpenAI request → OpenAI-format upstream request (OpenAI, Mistral, DeepSeek, xAI, Groq).
 *
 * The body passes through as the client sent it, including fields the gateway does not know, with four changes:
 * the model becomes the deployment's upstream name, our `routing` extension is removed, streams always ask for
 * usage (`stream_options.include_usage`) so metering never depends on what the client asked, and on the gateway's
 * own key a `store` the client sent becomes `false`. Parameters billed at prices the catalog does not have never get
 * here: the pipeline refuses them first (`metering/unpriced-parameters.ts`).
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
import type { ChatCompletionRequest } from '../../core/chat-request.js';
import type { ToUpstreamResult, UpstreamTarget } from '../types.js';

/** Builds the upstream call for an OpenAI-format provider. */
export function toOpenAIRequest(req: ChatCompletionRequest, target: UpstreamTarget, stream: boolean): ToUpstreamResult {
  const { routing: _routing, stream: _stream, stream_options: streamOptions, ...rest } = req;
  const body: Record<string, unknown> = { ...rest, model: target.upstreamModel };
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

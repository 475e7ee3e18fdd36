/**
 * @module OpenAI request → OpenAI-format upstream request (OpenAI, Mistral, DeepSeek, xAI, Groq).
 *
 * The body passes through as the client sent it, including fields the gateway does not know, with three changes:
 * the model becomes the deployment's upstream name, our `routing` extension is removed, and streams always ask for
 * usage (`stream_options.include_usage`) so metering never depends on what the client asked.
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
  return {
    request: {
      path: '/chat/completions',
      headers: { authorization: `Bearer ${target.apiKey}`, 'content-type': 'application/json' },
      body,
    },
    warnings: [],
  };
}

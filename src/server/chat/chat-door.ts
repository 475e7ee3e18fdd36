/**
 * @module The Chat Completions front door's encoders: a completion is sent as the pipeline settled it (without the
 * body Claude's adapter attaches for the Messages door); a stream is its chunks as they are (`usage: null` on each
 * when the client asked for a usage chunk), then the usage chunk with the settled usage (the ledger's numbers) when
 * asked for, then `[DONE]`. A failure after the first byte ends the stream with an OpenAI error object as its last
 * event.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
import type { ChatCompletion, ChatCompletionChunk } from '../../core/chat-response.js';
import type { ChatFrontDoor, ChatStreamEncoder, OutboundEvent } from '../../pipeline/index.js';

const DONE: OutboundEvent = { data: '[DONE]', raw: true };

/** The door for one request; `includeUsage` is `stream_options.include_usage`. */
export function chatCompletionsDoor(includeUsage: boolean): ChatFrontDoor {
  return {
    endpoint: 'chat.completions',
    encodeCompletion: withoutNative,
    streamEncoder: () => chatStreamEncoder(includeUsage),
  };
}

/** The completion without `native` (Claude's Message body, for the Messages door): no part of OpenAI's answer. */
function withoutNative(completion: ChatCompletion): ChatCompletion {
  if (!('native' in completion)) return completion;
  const { native: _native, ...answer } = completion as ChatCompletion & { native: unknown };
  return answer;
}

function chatStreamEncoder(includeUsage: boolean): ChatStreamEncoder {
  let last: ChatCompletionChunk | undefined;
  return {
    step(chunks) {
      return chunks.map((chunk) => {
        if (includeUsage) chunk.usage = null;
        last = chunk;
        return { data: chunk };
      });
    },
    end(usage) {
      if (!includeUsage || last === undefined) return [DONE];
      const { id, created, model } = last;
      return [{ data: { id, object: 'chat.completion.chunk', created, model, choices: [], usage } }, DONE];
    },
    error(error) {
      return [{ data: error.toBody() }];
    },
  };
}

/**
 * @module The Responses API front door's encoders: a completed answer becomes a Response object (stored first when
 * the turn is kept), a streamed one the Responses event sequence (`stream-encoder.ts`). Both build the same output
 * items from the canonical answer.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
import type { ChatCompletion } from '../../core/chat-response.js';
import type { ChatFrontDoor } from '../../pipeline/index.js';
import { outputItemsOf } from './output-items.js';
import type { ResponseObject } from './response-object.js';
import { finishedResponse, type ResponseTurn } from './response-turn.js';
import { responsesStreamEncoder } from './stream-encoder.js';

/** The door for one turn; `requestedModel` names the response until a chunk names the model that answered. */
export function responsesDoor(turn: ResponseTurn, requestedModel: string): ChatFrontDoor {
  return {
    endpoint: 'responses',
    encodeCompletion: (completion) => encodeResponse(turn, completion),
    streamEncoder: () => responsesStreamEncoder(turn, requestedModel),
  };
}

async function encodeResponse(turn: ResponseTurn, completion: ChatCompletion): Promise<ResponseObject> {
  const choice = completion.choices[0];
  const output = choice === undefined ? [] : outputItemsOf(choice.message, choice.finish_reason, turn.customNames);
  const response = finishedResponse(turn, completion.model, output, choice?.finish_reason ?? null, completion.usage);
  await turn.keep(output, response);
  return response;
}

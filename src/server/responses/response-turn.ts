/**
 * @module One turn of a Responses conversation, as the door's encoders need it: the response's id and creation
 * time, the echo of the request, which tool names are custom, whether the client sees `encrypted_content`, and how to
 * keep the finished response (the conversation store, or nothing with `store: false`). The Response objects of the
 * turn's life (in progress, finished, failed) are built here, the same for a JSON answer and a stream.
 */
import type { FinishReason, Usage } from '../../core/chat-response.js';
import type { GatewayError } from '../../core/gateway-error.js';
import type { ResponseItem } from './conversation-items.js';
import { forClient, incompleteReason } from './output-items.js';
import { toResponseUsage, type ResponseEcho, type ResponseObject } from './response-object.js';

export interface ResponseTurn {
  id: string;
  /** Unix seconds. */
  createdAt: number;
  echo: ResponseEcho;
  customNames: ReadonlySet<string>;
  /** `include` has `reasoning.encrypted_content`. */
  includeEncrypted: boolean;
  /** Milliseconds since the epoch, for `completed_at`. */
  now: () => number;
  /**
   * Keeps the finished response before the client sees it: `output` with every item's `encrypted_content`,
   * `response` as the client is sent it. Throws a GatewayError (the account's storage is full).
   */
  keep(output: readonly ResponseItem[], response: ResponseObject): Promise<void>;
}

/** The Response of a turn that is under way (the stream's first events). */
export function inProgressResponse(turn: ResponseTurn, model: string): ResponseObject {
  return base(turn, model, { status: 'in_progress', completed_at: null, error: null, incomplete_details: null, output: [] });
}

/** The Response of a finished answer: completed, or incomplete with its reason. */
export function finishedResponse(
  turn: ResponseTurn,
  model: string,
  output: readonly ResponseItem[],
  finish: FinishReason | null,
  usage: Usage,
): ResponseObject {
  const reason = incompleteReason(finish);
  return base(turn, model, {
    status: reason === null ? 'completed' : 'incomplete',
    completed_at: reason === null ? Math.floor(turn.now() / 1000) : null,
    error: null,
    incomplete_details: reason === null ? null : { reason },
    output: forClient(output, turn.includeEncrypted),
    usage: toResponseUsage(usage),
  });
}

/** The Response of a turn that failed after its stream began. */
export function failedResponse(turn: ResponseTurn, model: string, output: readonly ResponseItem[], error: GatewayError): ResponseObject {
  return base(turn, model, {
    status: 'failed',
    completed_at: null,
    error: { code: responseErrorCode(error), message: error.message },
    incomplete_details: null,
    output: forClient(output, turn.includeEncrypted),
  });
}

/**
 * `response.error.code` takes one of OpenAI's `ResponseErrorCode` values: a rate limit is `rate_limit_exceeded`,
 * anything else the gateway or the provider failed at is `server_error`. (The `error` event before it carries our
 * own code.)
 */
function responseErrorCode(error: GatewayError): string {
  return error.status === 429 ? 'rate_limit_exceeded' : 'server_error';
}

type Outcome = Pick<ResponseObject, 'status' | 'completed_at' | 'error' | 'incomplete_details' | 'output' | 'usage'>;

function base(turn: ResponseTurn, model: string, outcome: Outcome): ResponseObject {
  return { id: turn.id, object: 'response', created_at: turn.createdAt, model, ...outcome, ...turn.echo };
}

/**
 * @module Answering a chat request from the response cache, through the request's own door so each API's format is
 * right: as JSON (`encodeCompletion`), or as a stream when the request asked for one (the door's stream encoder fed
 * the cached completion's replay chunks, then `end`) — whether the cached answer was first sent as JSON or streamed.
 * The answer gets a fresh id and creation time (it is a new response); its usage is the original's with `cost_usd: 0`,
 * since nothing was billed. A door that keeps what it answers keeps this too (a Responses turn with `store: true`).
 */
import type { FastifyReply } from 'fastify';
import { replayChunks, type CachedChat } from '../cache/index.js';
import type { ChatCompletion, Usage } from '../core/chat-response.js';
import { uniqueIdGenerator } from '../core/unique-id.js';
import { endSseEvents, writeSseEvents } from '../server/sse.js';
import type { ChatFrontDoor } from './front-door.js';
import { clientGone, writeHead } from './relay-stream.js';
import type { RequestLifecycle } from './request-lifecycle.js';

const newCompletionId = uniqueIdGenerator('chatcmpl-');

/** Sends `hit` as the answer; resolves when the response has ended (or the client has gone). */
export async function replayCachedChat(
  lifecycle: RequestLifecycle,
  reply: FastifyReply,
  door: ChatFrontDoor,
  hit: CachedChat,
  options: { stream: boolean; nowMs: number },
): Promise<void> {
  const saved = hit.completion.usage.cost_usd ?? 0;
  const usage: Usage = { ...hit.completion.usage, cost_usd: 0 };
  const completion: ChatCompletion = { ...hit.completion, id: newCompletionId(), created: Math.floor(options.nowMs / 1000), usage };
  if (!options.stream) {
    // Encoded first: a door that cannot keep the answer (a Responses account whose storage is full) refuses the
    // request, which is then no hit.
    const answer = await door.encodeCompletion(completion);
    lifecycle.servedFromCache(hit, saved);
    await reply.send(answer);
    return;
  }
  lifecycle.servedFromCache(hit, saved);
  lifecycle.firstByte();
  const res = writeHead(reply);
  const encoder = door.streamEncoder();
  if (!(await writeSseEvents(res, encoder.step(replayChunks(completion), undefined)))) {
    lifecycle.streamFailed(clientGone());
    return;
  }
  endSseEvents(res, await encoder.end(usage));
}

/**
 * @module The Messages front door's encoders (`ChatFrontDoor`): a completed answer as Anthropic's Message object
 * (`message.ts`), a stream as Anthropic's events — relayed from Claude as they came (`stream-native.ts`), or built
 * from the canonical chunks of any other model (`stream-translated.ts`). Which applies is decided by the stream's
 * first step: Claude's adapter attaches each upstream event to its step, other adapters attach none.
 */
import { uniqueIdGenerator } from '../../core/unique-id.js';
import type { ChatFrontDoor, ChatStreamEncoder } from '../../pipeline/index.js';
import { encodeMessage, type MessageStamp } from './message.js';
import { nativeStreamEncoder } from './stream-native.js';
import { translatedStreamEncoder } from './stream-translated.js';

const newMessageId = uniqueIdGenerator('msg_');

/** What the door of one request needs to know. */
export interface MessagesDoorOptions {
  /** `thinking.display` is `omitted`: a translated answer carries no thinking blocks. */
  omitThinking: boolean;
  /** The catalog id of the model that answered, known once the pipeline has dispatched. */
  model: () => string;
}

/** The door for one request; its answers carry one fresh `msg_…` id. */
export function messagesDoor(options: MessagesDoorOptions): ChatFrontDoor {
  const stamp: MessageStamp = { id: newMessageId(), omitThinking: options.omitThinking };
  return {
    endpoint: 'messages',
    encodeCompletion: (completion) => encodeMessage(completion, stamp),
    streamEncoder: () => messagesStreamEncoder(stamp, options.model),
  };
}

function messagesStreamEncoder(stamp: MessageStamp, model: () => string): ChatStreamEncoder {
  const native = nativeStreamEncoder(stamp, model);
  const translated = translatedStreamEncoder(stamp, model);
  let relaying: boolean | undefined;
  return {
    step(chunks, event) {
      relaying ??= event !== undefined;
      if (!relaying) return translated.step(chunks, event);
      return event === undefined ? [] : native.relay(event);
    },
    end: (usage) => (relaying === true ? native.end(usage) : translated.end(usage)),
    error: (error) => (relaying === true ? native.error(error) : translated.error(error)),
  };
}

/**
 * @module Checks on what Anthropic sends back (a Message body, stream events) before the translators trust it.
 *
 * TypeBox schemas are compiled once at load. Each parse function returns a narrowed, normalised value, or
 * `undefined` when the data does not have the promised shape. Content-block, delta and event types this gateway
 * does not translate are not errors (Anthropic adds new ones, e.g. `server_tool_use`, `citations_delta`): they are
 * reported as skipped so the translators can ignore them.
 * @see https://platform.claude.com/docs/en/api/messages
 * @see https://platform.claude.com/docs/en/build-with-claude/streaming
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';

const Count = Type.Integer({ minimum: 0 });
const OptionalCount = Type.Optional(Type.Union([Count, Type.Null()]));
const Index = Type.Integer({ minimum: 0 });
const Typed = Type.Object({ type: Type.String() });

const usageDetails = {
  cache_creation_input_tokens: OptionalCount,
  cache_read_input_tokens: OptionalCount,
  /** How the cache writes split by lifetime (5 minutes, the default, or 1 hour), billed at different rates. */
  cache_creation: Type.Optional(
    Type.Union([Type.Object({ ephemeral_5m_input_tokens: OptionalCount, ephemeral_1h_input_tokens: OptionalCount }), Type.Null()]),
  ),
  output_tokens_details: Type.Optional(Type.Union([Type.Object({ thinking_tokens: OptionalCount }), Type.Null()])),
};
/** `usage` of a Message and of `message_start`: input and output counts are always present. */
const MessageUsage = Type.Object({ input_tokens: Count, output_tokens: Count, ...usageDetails });
/** `usage` of `message_delta`: cumulative counts, any of which may be absent or null. */
const DeltaUsage = Type.Object({ input_tokens: OptionalCount, output_tokens: OptionalCount, ...usageDetails });

/** Token counts as Anthropic reports them; absent or null means "not reported by this event". */
export type AnthropicUsage = Static<typeof DeltaUsage>;

const ContentBlock = Type.Union([
  Type.Object({ type: Type.Literal('text'), text: Type.String() }),
  /** The signature arrives whole in a Message, empty in `content_block_start` (then in a `signature_delta`). */
  Type.Object({ type: Type.Literal('thinking'), thinking: Type.String(), signature: Type.Optional(Type.String()) }),
  Type.Object({ type: Type.Literal('redacted_thinking'), data: Type.String() }),
  Type.Object({
    type: Type.Literal('tool_use'),
    id: Type.String({ minLength: 1 }),
    name: Type.String({ minLength: 1 }),
    input: Type.Record(Type.String(), Type.Unknown()),
  }),
]);
/** The response content blocks the gateway translates. */
export type AnthropicContentBlock = Static<typeof ContentBlock>;
const BLOCK_TYPES: ReadonlySet<string> = new Set<AnthropicContentBlock['type']>(['text', 'thinking', 'redacted_thinking', 'tool_use']);

const Delta = Type.Union([
  Type.Object({ type: Type.Literal('text_delta'), text: Type.String() }),
  Type.Object({ type: Type.Literal('thinking_delta'), thinking: Type.String() }),
  Type.Object({ type: Type.Literal('input_json_delta'), partial_json: Type.String() }),
  Type.Object({ type: Type.Literal('signature_delta'), signature: Type.String() }),
]);
/** The `content_block_delta` payloads the gateway translates (citations are skipped). */
export type AnthropicDelta = Static<typeof Delta>;
const DELTA_TYPES: ReadonlySet<string> = new Set<AnthropicDelta['type']>(['text_delta', 'thinking_delta', 'input_json_delta', 'signature_delta']);

const Message = Type.Object({
  type: Type.Literal('message'),
  content: Type.Array(Typed),
  stop_reason: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  usage: MessageUsage,
});
const MessageStartEvent = Type.Object({ message: Type.Object({ usage: MessageUsage }) });
const BlockStartEvent = Type.Object({ index: Index, content_block: Typed });
const BlockDeltaEvent = Type.Object({ index: Index, delta: Typed });
const BlockStopEvent = Type.Object({ index: Index });
const MessageDeltaEvent = Type.Object({
  delta: Type.Object({ stop_reason: Type.Optional(Type.Union([Type.String(), Type.Null()])) }),
  usage: DeltaUsage,
});
const ErrorEvent = Type.Object({ error: Type.Object({ type: Type.String(), message: Type.Optional(Type.String()) }) });

const checks = {
  typed: TypeCompiler.Compile(Typed),
  block: TypeCompiler.Compile(ContentBlock),
  delta: TypeCompiler.Compile(Delta),
  message: TypeCompiler.Compile(Message),
  messageStart: TypeCompiler.Compile(MessageStartEvent),
  blockStart: TypeCompiler.Compile(BlockStartEvent),
  blockDelta: TypeCompiler.Compile(BlockDeltaEvent),
  blockStop: TypeCompiler.Compile(BlockStopEvent),
  messageDelta: TypeCompiler.Compile(MessageDeltaEvent),
  error: TypeCompiler.Compile(ErrorEvent),
};

/** `null`: a type the gateway does not translate; `undefined`: a known type with the wrong shape. */
function narrowKnown<T extends TSchema>(value: { type: string }, known: ReadonlySet<string>, check: TypeCheck<T>): Static<T> | null | undefined {
  if (!known.has(value.type)) return null;
  return check.Check(value) ? value : undefined;
}

/** A checked Anthropic Message, reduced to what the translation needs. */
export interface AnthropicMessage {
  /** The translatable blocks, in order; other block types are left out. */
  blocks: AnthropicContentBlock[];
  stopReason: string | null;
  usage: AnthropicUsage;
}

/** Narrows a 2xx Messages body; `undefined` when it is not an Anthropic Message. */
export function parseAnthropicMessage(body: unknown): AnthropicMessage | undefined {
  if (!checks.message.Check(body)) return undefined;
  const blocks: AnthropicContentBlock[] = [];
  for (const raw of body.content) {
    const block = narrowKnown(raw, BLOCK_TYPES, checks.block);
    if (block === undefined) return undefined;
    if (block !== null) blocks.push(block);
  }
  return { blocks, stopReason: body.stop_reason ?? null, usage: body.usage };
}

/** One stream event, normalised. `block`/`delta` are `null` for types the gateway does not translate. */
export type AnthropicStreamEvent =
  | { type: 'message_start'; usage: AnthropicUsage }
  | { type: 'content_block_start'; index: number; block: AnthropicContentBlock | null }
  | { type: 'content_block_delta'; index: number; delta: AnthropicDelta | null }
  | { type: 'content_block_stop'; index: number }
  | { type: 'message_delta'; stopReason: string | null; usage: AnthropicUsage }
  | { type: 'message_stop' }
  | { type: 'error'; errorType: string; message: string }
  /** `ping`, and event types added after this code was written. */
  | { type: 'skipped' };

/** Narrows one SSE `data:` payload, already parsed as JSON; `undefined` when it is not the shape its type promises. */
export function parseAnthropicEvent(value: unknown): AnthropicStreamEvent | undefined {
  if (!checks.typed.Check(value)) return undefined;
  switch (value.type) {
    case 'message_start':
      return checks.messageStart.Check(value) ? { type: 'message_start', usage: value.message.usage } : undefined;
    case 'content_block_start': {
      if (!checks.blockStart.Check(value)) return undefined;
      const block = narrowKnown(value.content_block, BLOCK_TYPES, checks.block);
      return block === undefined ? undefined : { type: 'content_block_start', index: value.index, block };
    }
    case 'content_block_delta': {
      if (!checks.blockDelta.Check(value)) return undefined;
      const delta = narrowKnown(value.delta, DELTA_TYPES, checks.delta);
      return delta === undefined ? undefined : { type: 'content_block_delta', index: value.index, delta };
    }
    case 'content_block_stop':
      return checks.blockStop.Check(value) ? { type: 'content_block_stop', index: value.index } : undefined;
    case 'message_delta':
      return checks.messageDelta.Check(value)
        ? { type: 'message_delta', stopReason: value.delta.stop_reason ?? null, usage: value.usage }
        : undefined;
    case 'message_stop':
      return { type: 'message_stop' };
    case 'error':
      return checks.error.Check(value) ? { type: 'error', errorType: value.error.type, message: value.error.message ?? value.error.type } : undefined;
    default:
      return { type: 'skipped' };
  }
}

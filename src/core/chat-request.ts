/**
 * @module The OpenAI Chat Completions request: the gateway's canonical input format.
 *
 * One TypeBox definition gives both the compiled validator used at the HTTP edge and the TypeScript type every
 * adapter receives. Unknown top-level fields are allowed (clients pass extra params through), so the object
 * schemas keep `additionalProperties` open.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { invalidRequest } from './gateway-error.js';
import { MAX_END_USER_LENGTH } from './end-user.js';

const TextPart = Type.Object({ type: Type.Literal('text'), text: Type.String() });
const ImagePart = Type.Object({
  type: Type.Literal('image_url'),
  image_url: Type.Object({
    url: Type.String({ minLength: 1 }),
    detail: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('low'), Type.Literal('high')])),
  }),
});
const AudioPart = Type.Object({
  type: Type.Literal('input_audio'),
  input_audio: Type.Object({ data: Type.String(), format: Type.String() }),
});
const FilePart = Type.Object({
  type: Type.Literal('file'),
  file: Type.Object({
    filename: Type.Optional(Type.String()),
    file_data: Type.Optional(Type.String()),
    file_id: Type.Optional(Type.String()),
  }),
});
const RefusalPart = Type.Object({ type: Type.Literal('refusal'), refusal: Type.String() });

const UserPart = Type.Union([TextPart, ImagePart, AudioPart, FilePart]);
const Name = Type.Optional(Type.String());

/**
 * A provider's own reasoning state, replayed with the assistant turn that produced it (the shape OpenRouter uses
 * for the same purpose): Claude's signed `thinking` blocks (`reasoning.text` with `signature`) and
 * `redacted_thinking` blocks (`reasoning.encrypted`). `format` names the wire format that can read it; an adapter
 * sends only its own format's details and drops the rest.
 */
export const ReasoningDetail = Type.Union([
  Type.Object({
    type: Type.Literal('reasoning.text'),
    text: Type.String(),
    signature: Type.Optional(Type.String()),
    format: Type.String(),
  }),
  Type.Object({ type: Type.Literal('reasoning.encrypted'), data: Type.String(), format: Type.String() }),
]);
export type ReasoningDetail = Static<typeof ReasoningDetail>;

const ToolCall = Type.Object({
  id: Type.String(),
  type: Type.Literal('function'),
  function: Type.Object({ name: Type.String(), arguments: Type.String() }),
});

export const SystemMessage = Type.Object({
  role: Type.Union([Type.Literal('system'), Type.Literal('developer')]),
  content: Type.Union([Type.String(), Type.Array(TextPart, { minItems: 1 })]),
  name: Name,
});
export const UserMessage = Type.Object({
  role: Type.Literal('user'),
  content: Type.Union([Type.String(), Type.Array(UserPart, { minItems: 1 })]),
  name: Name,
});
export const AssistantMessage = Type.Object({
  role: Type.Literal('assistant'),
  content: Type.Optional(Type.Union([Type.String(), Type.Array(Type.Union([TextPart, RefusalPart])), Type.Null()])),
  refusal: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  tool_calls: Type.Optional(Type.Array(ToolCall)),
  /** Our extension (OpenRouter's): the turn's reasoning state, to replay to the provider that produced it. */
  reasoning_details: Type.Optional(Type.Array(ReasoningDetail)),
  name: Name,
});
export const ToolMessage = Type.Object({
  role: Type.Literal('tool'),
  content: Type.Union([Type.String(), Type.Array(TextPart, { minItems: 1 })]),
  tool_call_id: Type.String(),
});

export const ChatMessage = Type.Union([SystemMessage, UserMessage, AssistantMessage, ToolMessage]);

const FunctionTool = Type.Object({
  type: Type.Literal('function'),
  function: Type.Object({
    name: Type.String({ pattern: '^[a-zA-Z0-9_-]{1,64}$' }),
    description: Type.Optional(Type.String()),
    parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    strict: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  }),
});

const ToolChoice = Type.Union([
  Type.Literal('none'),
  Type.Literal('auto'),
  Type.Literal('required'),
  Type.Object({ type: Type.Literal('function'), function: Type.Object({ name: Type.String() }) }),
]);

const ResponseFormat = Type.Union([
  Type.Object({ type: Type.Literal('text') }),
  Type.Object({ type: Type.Literal('json_object') }),
  Type.Object({
    type: Type.Literal('json_schema'),
    json_schema: Type.Object({
      name: Type.String({ pattern: '^[a-zA-Z0-9_-]{1,64}$' }),
      description: Type.Optional(Type.String()),
      schema: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      strict: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
    }),
  }),
]);

/** Our extension: the routing mode for `model: "auto"` (sent by SDKs as `extra_body={"routing": …}`). */
export const RoutingMode = Type.Union([Type.Literal('cost'), Type.Literal('latency'), Type.Literal('reliability')]);
export type RoutingMode = Static<typeof RoutingMode>;

const Nullable = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));

/** Most entries in a `models` list; each may add an attempt, so the list is bounded. */
export const MAX_MODELS = 8;

/**
 * Our extension (OpenRouter's): an ordered fallback list of catalog ids or aliases. `model`, when given too, comes
 * first. Catalog checks (known, a chat model, not `"auto"`) are the router's.
 * @see https://openrouter.ai/docs/guides/routing/model-fallbacks
 */
export const ModelsList = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: MAX_MODELS });

/** Most provider ids one of `order`, `only` or `ignore` may list. */
const MAX_PROVIDER_IDS = 32;
const ProviderIds = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: MAX_PROVIDER_IDS });

/** How `provider.sort` orders deployments: cheapest, fastest to answer, or most output tokens per second first. */
export const ProviderSortBy = Type.Union([Type.Literal('price'), Type.Literal('latency'), Type.Literal('throughput')]);
export type ProviderSortBy = Static<typeof ProviderSortBy>;

/** A price ceiling in USD per million tokens: a number, or a numeric string as OpenRouter's SDKs send it. */
const PriceCeiling = Type.Union([Type.Number(), Type.String({ maxLength: 32 })]);

/**
 * Our extension (OpenRouter's `provider` object): which deployments may serve the request and in what order.
 * Types are checked here; ids, prices and unsupported fields against the catalog by `routing/provider-preferences.ts`,
 * which is why unknown fields are let through to it (so it can name them).
 * @see https://openrouter.ai/docs/guides/routing/provider-selection
 */
export const ProviderPreferencesSchema = Type.Object({
  order: Type.Optional(ProviderIds),
  only: Type.Optional(ProviderIds),
  ignore: Type.Optional(ProviderIds),
  allow_fallbacks: Type.Optional(Type.Boolean()),
  require_parameters: Type.Optional(Type.Boolean()),
  sort: Type.Optional(
    Type.Union([
      ProviderSortBy,
      Type.Object({ by: ProviderSortBy, partition: Type.Optional(Type.Union([Type.Literal('model'), Type.Literal('none')])) }),
    ]),
  ),
  max_price: Type.Optional(
    Type.Object({
      prompt: Type.Optional(PriceCeiling),
      completion: Type.Optional(PriceCeiling),
      request: Type.Optional(PriceCeiling),
      image: Type.Optional(PriceCeiling),
      audio: Type.Optional(PriceCeiling),
    }),
  ),
});
export type ProviderPreferences = Static<typeof ProviderPreferencesSchema> & Record<string, unknown>;

export const ChatCompletionRequestSchema = Type.Object({
  model: Type.String({ minLength: 1 }),
  messages: Type.Array(ChatMessage, { minItems: 1 }),
  temperature: Nullable(Type.Number({ minimum: 0, maximum: 2 })),
  top_p: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
  n: Nullable(Type.Integer({ minimum: 1, maximum: 128 })),
  max_tokens: Nullable(Type.Integer({ minimum: 1 })),
  max_completion_tokens: Nullable(Type.Integer({ minimum: 1 })),
  stream: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  stream_options: Type.Optional(
    Type.Union([
      Type.Object({
        include_usage: Type.Optional(Type.Boolean()),
        include_obfuscation: Type.Optional(Type.Boolean()),
      }),
      Type.Null(),
    ]),
  ),
  stop: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String(), { minItems: 1, maxItems: 4 }), Type.Null()])),
  user: Type.Optional(Type.String({ maxLength: MAX_END_USER_LENGTH })),
  safety_identifier: Type.Optional(Type.String({ maxLength: 64 })),
  presence_penalty: Nullable(Type.Number({ minimum: -2, maximum: 2 })),
  frequency_penalty: Nullable(Type.Number({ minimum: -2, maximum: 2 })),
  seed: Nullable(Type.Integer()),
  logprobs: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  top_logprobs: Nullable(Type.Integer({ minimum: 0, maximum: 20 })),
  tools: Type.Optional(Type.Array(FunctionTool)),
  tool_choice: Type.Optional(ToolChoice),
  parallel_tool_calls: Type.Optional(Type.Boolean()),
  response_format: Type.Optional(ResponseFormat),
  routing: Type.Optional(RoutingMode),
  models: Type.Optional(ModelsList),
  provider: Type.Optional(ProviderPreferencesSchema),
  /** OpenRouter's older companion of `models`, which always falls back: accepted and used up here, never forwarded. */
  route: Type.Optional(Type.Literal('fallback')),
});

/**
 * A Chat Completions body as the HTTP doors accept it: `model` may be left out when `models` names the models
 * (OpenRouter's rule); {@link withModelFromModels} turns it into the canonical request.
 */
export const ChatCompletionBodySchema = Type.Object({
  ...ChatCompletionRequestSchema.properties,
  model: Type.Optional(ChatCompletionRequestSchema.properties.model),
});
export type ChatCompletionBody = Static<typeof ChatCompletionBodySchema> & Record<string, unknown>;

/** A body whose `model` may be left out when it has a `models` list (the chat and Responses doors' bodies). */
interface ModelsBody {
  model?: string | undefined;
  models?: readonly string[] | undefined;
}

/**
 * A body with its `model` set: as sent, else the first of its `models` (e.g. a {@link ChatCompletionBody} becomes
 * the canonical request).
 * @throws GatewayError 400 naming `model` when the body has neither.
 */
export function withModelFromModels<T extends ModelsBody>(body: T): T & { model: string } {
  if (hasModel(body)) return body;
  const model = body.models?.[0];
  if (model === undefined) throw invalidRequest('Missing required parameter: `model` (or a `models` list).', 'model');
  return { ...body, model };
}

function hasModel<T extends ModelsBody>(body: T): body is T & { model: string } {
  return body.model !== undefined;
}

/**
 * The model a raw body (not yet validated) asks for, as the ledger records it: `model`, else the first of a `models`
 * list; empty when it names neither.
 */
export function requestedModelOf(body: Readonly<Record<string, unknown>>): string {
  if (typeof body.model === 'string') return body.model;
  const first: unknown = Array.isArray(body.models) ? body.models[0] : undefined;
  return typeof first === 'string' ? first : '';
}

/** A validated Chat Completions request. Extra client fields may be present and pass through to OpenAI-format upstreams. */
export type ChatCompletionRequest = Static<typeof ChatCompletionRequestSchema> & Record<string, unknown>;
export type ChatMessage = Static<typeof ChatMessage>;
export type UserContentPart = Static<typeof UserPart>;
export type ToolCallParam = Static<typeof ToolCall>;

/**
 * A front door whose wire format is an upstream's own (Anthropic Messages) attaches the client's body under this
 * key, so the adapter of that format sends it as it came (model replaced) instead of translating the canonical
 * request. A symbol: no JSON body can set it, so a Chat Completions client cannot bypass translation.
 */
export const NATIVE_BODY: unique symbol = Symbol('native body');

/** The client's own body in an upstream's wire format, checked and cleaned by its front door. */
export interface NativeBody {
  format: 'anthropic';
  body: Record<string, unknown>;
  /** `anthropic-beta` values to send upstream. */
  betas: readonly string[];
}

/** A canonical request that may carry a native body (see {@link NATIVE_BODY}). */
export type CanonicalChatRequest = ChatCompletionRequest & { [NATIVE_BODY]?: NativeBody };

/** The text of a message's content, parts joined by newlines; non-text parts are skipped. */
export function contentText(content: ChatMessage['content']): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  const texts: string[] = [];
  for (const part of content) {
    if (part.type === 'text') texts.push(part.text);
  }
  return texts.join('\n');
}

/** The output-token bound the client asked for: `max_completion_tokens`, else the deprecated `max_tokens`. */
export function requestedMaxTokens(req: ChatCompletionRequest): number | undefined {
  return req.max_completion_tokens ?? req.max_tokens ?? undefined;
}

/** `stop` as a list (OpenAI accepts a string or up to four strings). */
export function stopSequences(req: ChatCompletionRequest): string[] | undefined {
  if (req.stop === undefined || req.stop === null) return undefined;
  return typeof req.stop === 'string' ? [req.stop] : req.stop;
}

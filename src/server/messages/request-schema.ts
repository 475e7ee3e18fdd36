/**
 * @module The Anthropic Messages request (`POST /v1/messages`, `/v1/messages/count_tokens`) as TypeBox schemas.
 *
 * Two levels, for errors that name the right field: the body's shape (top-level fields, roles, content as a string
 * or a list of typed blocks) is checked by Fastify's Ajv at the route; each content block and tool is then checked
 * against the schema of its own `type` (`check-request.ts`), so a bad block is reported as its own field rather than
 * as a mismatch with every other block type of a union. Blocks and tools keep unknown fields (Anthropic adds them
 * over time, e.g. `citations`), which go to Claude unchanged; unknown top-level fields are refused, as Anthropic does.
 * @see https://platform.claude.com/docs/en/api/messages
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ModelsList, ProviderPreferencesSchema, RoutingMode } from '../../core/chat-request.js';
import { MAX_END_USER_LENGTH } from '../../core/end-user.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));

/** `cache_control` on a block, a tool or the whole request: a prompt-cache breakpoint. */
export const CacheControl = Type.Object({
  type: Type.Literal('ephemeral'),
  ttl: Type.Optional(Type.Union([Type.Literal('5m'), Type.Literal('1h')])),
});

export const TextBlock = Type.Object({ type: Type.Literal('text'), text: Type.String(), cache_control: Nullable(CacheControl) });
export type TextBlock = Static<typeof TextBlock>;

const Base64Image = Type.Object({
  type: Type.Literal('base64'),
  media_type: Type.Union([Type.Literal('image/jpeg'), Type.Literal('image/png'), Type.Literal('image/gif'), Type.Literal('image/webp')]),
  data: Type.String({ minLength: 1 }),
});
const UrlSource = Type.Object({ type: Type.Literal('url'), url: Type.String({ minLength: 1 }) });
const FileSource = Type.Object({ type: Type.Literal('file'), file_id: Type.String({ minLength: 1 }) });

export const ImageBlock = Type.Object({
  type: Type.Literal('image'),
  source: Type.Union([Base64Image, UrlSource, FileSource]),
  cache_control: Nullable(CacheControl),
});
export type ImageBlock = Static<typeof ImageBlock>;

export const DocumentBlock = Type.Object({
  type: Type.Literal('document'),
  source: Type.Union([
    Type.Object({ type: Type.Literal('base64'), media_type: Type.Literal('application/pdf'), data: Type.String({ minLength: 1 }) }),
    Type.Object({ type: Type.Literal('text'), media_type: Type.Literal('text/plain'), data: Type.String() }),
    Type.Object({ type: Type.Literal('content'), content: Type.Union([Type.String(), Type.Array(Type.Union([TextBlock, ImageBlock]))]) }),
    UrlSource,
    FileSource,
  ]),
  title: Nullable(Type.String()),
  context: Nullable(Type.String()),
  cache_control: Nullable(CacheControl),
});
export type DocumentBlock = Static<typeof DocumentBlock>;

export const SearchResultBlock = Type.Object({
  type: Type.Literal('search_result'),
  source: Type.String(),
  title: Type.String(),
  content: Type.Array(TextBlock),
  cache_control: Nullable(CacheControl),
});
export type SearchResultBlock = Static<typeof SearchResultBlock>;

export const ToolUseBlock = Type.Object({
  type: Type.Literal('tool_use'),
  id: Type.String({ minLength: 1 }),
  name: Type.String({ minLength: 1 }),
  input: Type.Record(Type.String(), Type.Unknown()),
  cache_control: Nullable(CacheControl),
});
export type ToolUseBlock = Static<typeof ToolUseBlock>;

/** What a tool result may hold besides a plain string. */
export const ToolResultContentBlock = Type.Union([TextBlock, ImageBlock, DocumentBlock, SearchResultBlock]);
export type ToolResultContentBlock = Static<typeof ToolResultContentBlock>;

export const ToolResultBlock = Type.Object({
  type: Type.Literal('tool_result'),
  tool_use_id: Type.String({ minLength: 1 }),
  content: Type.Optional(Type.Union([Type.String(), Type.Array(Type.Object({ type: Type.String() }))])),
  is_error: Type.Optional(Type.Boolean()),
  cache_control: Nullable(CacheControl),
});
export type ToolResultBlock = Static<typeof ToolResultBlock>;

export const ThinkingBlock = Type.Object({ type: Type.Literal('thinking'), thinking: Type.String(), signature: Type.String() });
export type ThinkingBlock = Static<typeof ThinkingBlock>;

export const RedactedThinkingBlock = Type.Object({ type: Type.Literal('redacted_thinking'), data: Type.String({ minLength: 1 }) });
export type RedactedThinkingBlock = Static<typeof RedactedThinkingBlock>;

/** A server tool's call (`web_search`, `code_execution`, …) as an earlier answer carried it. */
export const ServerToolUseBlock = Type.Object({
  type: Type.Literal('server_tool_use'),
  id: Type.String({ minLength: 1 }),
  name: Type.String({ minLength: 1 }),
  input: Type.Unknown(),
});

/** A server tool's result block (`web_search_tool_result`, …) as an earlier answer carried it. */
export const ServerToolResultBlock = Type.Object({
  type: Type.TemplateLiteral([Type.String(), Type.Literal('_tool_result')]),
  tool_use_id: Type.String({ minLength: 1 }),
  content: Type.Unknown(),
});

/** The block types of a server tool's result. */
export const SERVER_TOOL_RESULT_TYPES: ReadonlySet<string> = new Set([
  'web_search_tool_result',
  'web_fetch_tool_result',
  'code_execution_tool_result',
  'bash_code_execution_tool_result',
  'text_editor_code_execution_tool_result',
  'tool_search_tool_result',
]);

/** A content block as the body's schema sees it: any object with a `type`; `check-request.ts` checks the rest. */
const AnyBlock = Type.Object({ type: Type.String() });

/** `system` turns are mid-conversation system text (Claude Code sends them; the 2026 API accepts them). */
export const MessageParam = Type.Object({
  role: Type.Union([Type.Literal('user'), Type.Literal('assistant'), Type.Literal('system')]),
  content: Type.Union([Type.String(), Type.Array(AnyBlock)]),
});

/** A client tool: `input_schema` describes its arguments (`type` absent or `custom`). */
export const CustomTool = Type.Object({
  type: Nullable(Type.Literal('custom')),
  name: Type.String({ pattern: '^[a-zA-Z0-9_-]{1,128}$' }),
  description: Type.Optional(Type.String()),
  input_schema: Type.Object({ type: Type.Literal('object') }),
  cache_control: Nullable(CacheControl),
  strict: Type.Optional(Type.Boolean()),
});
export type CustomTool = Static<typeof CustomTool>;

/** A tool Anthropic defines (`bash_20250124`, `web_search_20250305`, …): a `type` and a `name`. */
export const DefinedTool = Type.Object({ type: Type.String({ minLength: 1 }), name: Type.String({ minLength: 1 }) });

const ToolChoice = Type.Union([
  Type.Object({ type: Type.Literal('auto'), disable_parallel_tool_use: Type.Optional(Type.Boolean()) }),
  Type.Object({ type: Type.Literal('any'), disable_parallel_tool_use: Type.Optional(Type.Boolean()) }),
  Type.Object({ type: Type.Literal('tool'), name: Type.String({ minLength: 1 }), disable_parallel_tool_use: Type.Optional(Type.Boolean()) }),
  Type.Object({ type: Type.Literal('none') }),
]);
export type ToolChoice = Static<typeof ToolChoice>;

const ThinkingDisplay = Nullable(Type.Union([Type.Literal('summarized'), Type.Literal('omitted')]));

const ThinkingConfig = Type.Union([
  Type.Object({ type: Type.Literal('enabled'), budget_tokens: Type.Integer({ minimum: 1024 }), display: ThinkingDisplay }),
  Type.Object({ type: Type.Literal('disabled') }),
  Type.Object({ type: Type.Literal('adaptive'), display: ThinkingDisplay }),
]);
export type ThinkingConfig = Static<typeof ThinkingConfig>;

const Effort = Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high'), Type.Literal('xhigh'), Type.Literal('max')]);

const OutputConfig = Type.Object({
  effort: Nullable(Effort),
  format: Nullable(Type.Object({ type: Type.Literal('json_schema'), schema: Type.Record(Type.String(), Type.Unknown()) })),
});

/** The body of `POST /v1/messages`, as the route's schema checks it. */
export const MessagesRequestSchema = Type.Object({
  model: Type.String({ minLength: 1 }),
  max_tokens: Type.Integer({ minimum: 1 }),
  messages: Type.Array(MessageParam, { minItems: 1, maxItems: 100_000 }),
  system: Type.Optional(Type.Union([Type.String(), Type.Array(TextBlock)])),
  stop_sequences: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  top_p: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  top_k: Type.Optional(Type.Integer({ minimum: 0 })),
  stream: Type.Optional(Type.Boolean()),
  metadata: Type.Optional(Type.Object({ user_id: Nullable(Type.String({ maxLength: MAX_END_USER_LENGTH })) })),
  tools: Type.Optional(Type.Array(Type.Object({ name: Type.String() }))),
  tool_choice: Type.Optional(ToolChoice),
  thinking: Type.Optional(ThinkingConfig),
  output_config: Type.Optional(OutputConfig),
  context_management: Nullable(Type.Object({})),
  service_tier: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('standard_only')])),
  cache_control: Nullable(CacheControl),
  container: Type.Optional(Type.Unknown()),
  mcp_servers: Type.Optional(Type.Array(Type.Object({}))),
  inference_geo: Nullable(Type.String()),
  speed: Nullable(Type.Union([Type.Literal('standard'), Type.Literal('fast')])),
  diagnostics: Nullable(Type.Object({})),
  /** Our extension: the routing mode for `model: "auto"`. */
  routing: Type.Optional(RoutingMode),
  /** Our extensions (OpenRouter's), as on chat completions: a fallback list of models, and provider preferences. */
  models: Type.Optional(ModelsList),
  provider: Type.Optional(ProviderPreferencesSchema),
});

/** The body of `POST /v1/messages` as the route accepts it: `model` may be left out when `models` names the models. */
export const MessagesBodySchema = Type.Object({
  ...MessagesRequestSchema.properties,
  model: Type.Optional(MessagesRequestSchema.properties.model),
});
export type MessagesBody = Static<typeof MessagesBodySchema>;

/** The body of `POST /v1/messages/count_tokens`: a Messages body that needs no `max_tokens` (nothing is generated). */
export const CountTokensRequestSchema = Type.Object({
  ...MessagesRequestSchema.properties,
  max_tokens: Type.Optional(MessagesRequestSchema.properties.max_tokens),
});
export type CountTokensRequest = Static<typeof CountTokensRequestSchema>;

/** A body the route's schema accepted; blocks and tools are still to be checked (`check-request.ts`). */
export type MessagesRequest = Static<typeof MessagesRequestSchema>;
export type MessageParam = Static<typeof MessageParam>;

/** The top-level fields the door knows; any other is refused (Anthropic: "Extra inputs are not permitted"). */
export const KNOWN_FIELDS: ReadonlySet<string> = new Set(Object.keys(MessagesRequestSchema.properties));

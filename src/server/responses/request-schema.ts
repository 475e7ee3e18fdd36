/**
 * @module The OpenAI Responses API request (`POST /v1/responses`), as TypeBox: the compiled validator at the HTTP
 * edge and the types the door's translation reads. Like the chat schema, objects stay open: unknown fields (new
 * OpenAI parameters, `client_metadata`, `prompt_cache_breakpoint` on parts) are tolerated and ignored. Most
 * parameters accept `null` as "not set", as OpenAI's own schema does. What JSON Schema cannot say well (a
 * `json_schema` format without its schema, a hosted tool choice, `background: true`) is checked in `parse-request.ts`,
 * with a message naming the parameter.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ModelsList, ProviderPreferencesSchema, RoutingMode } from '../../core/chat-request.js';
import { MAX_END_USER_LENGTH } from '../../core/end-user.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));

/** A string that is none of `values` (the catch-all branch for tool types this gateway does not run). */
const StringExcept = (values: readonly string[]) => Type.Unsafe<string>({ type: 'string', not: { enum: values } });

/** Function and custom tool names, as Chat Completions accepts them. */
const ToolName = Type.String({ pattern: '^[a-zA-Z0-9_-]{1,64}$' });

const InputText = Type.Object({ type: Type.Literal('input_text'), text: Type.String() });
const InputImage = Type.Object({
  type: Type.Literal('input_image'),
  image_url: Nullable(Type.String({ minLength: 1 })),
  file_id: Nullable(Type.String()),
  detail: Nullable(Type.String()),
});
const InputFile = Type.Object({
  type: Type.Literal('input_file'),
  file_id: Nullable(Type.String()),
  file_url: Nullable(Type.String()),
  filename: Nullable(Type.String()),
  file_data: Nullable(Type.String()),
});
const OutputText = Type.Object({ type: Type.Literal('output_text'), text: Type.String() });
const Refusal = Type.Object({ type: Type.Literal('refusal'), refusal: Type.String() });

/** What a message's content parts may be (assistant turns use `output_text` / `refusal`, others `input_*`). */
const ContentPart = Type.Union([InputText, InputImage, InputFile, OutputText, Refusal]);
/** What a tool's output may hold besides a string. */
const ToolOutputPart = Type.Union([InputText, InputImage, InputFile]);

const ItemId = Nullable(Type.String({ minLength: 1, maxLength: 128 }));
const CallId = Type.String({ minLength: 1, maxLength: 128 });
const ItemStatus = Nullable(Type.String());
const ToolOutput = Type.Union([Type.String(), Type.Array(ToolOutputPart)]);

/** A message, with or without `type: "message"` (OpenAI's "easy" input message). */
export const MessageItem = Type.Object({
  type: Type.Optional(Type.Literal('message')),
  id: ItemId,
  role: Type.Union([Type.Literal('user'), Type.Literal('assistant'), Type.Literal('system'), Type.Literal('developer')]),
  content: Type.Union([Type.String(), Type.Array(ContentPart)]),
  status: ItemStatus,
});
const FunctionCallItem = Type.Object({
  type: Type.Literal('function_call'),
  id: ItemId,
  call_id: CallId,
  name: Type.String({ minLength: 1 }),
  arguments: Type.String(),
  status: ItemStatus,
});
const FunctionCallOutputItem = Type.Object({
  type: Type.Literal('function_call_output'),
  id: ItemId,
  call_id: CallId,
  output: ToolOutput,
  status: ItemStatus,
});
const CustomToolCallItem = Type.Object({
  type: Type.Literal('custom_tool_call'),
  id: ItemId,
  call_id: CallId,
  name: Type.String({ minLength: 1 }),
  input: Type.String(),
});
const CustomToolCallOutputItem = Type.Object({
  type: Type.Literal('custom_tool_call_output'),
  id: ItemId,
  call_id: CallId,
  output: ToolOutput,
});
const ReasoningItem = Type.Object({
  type: Type.Literal('reasoning'),
  id: ItemId,
  summary: Type.Optional(Type.Array(Type.Object({ type: Type.Literal('summary_text'), text: Type.String() }))),
  encrypted_content: Nullable(Type.String()),
  status: ItemStatus,
});
/** A reference to an item of a stored response (the AI SDK sends them with `store: true`). */
const ItemReference = Type.Object({
  type: Type.Optional(Type.Union([Type.Literal('item_reference'), Type.Null()])),
  id: Type.String({ minLength: 1, maxLength: 128 }),
});

export const InputItem = Type.Union([
  MessageItem,
  FunctionCallItem,
  FunctionCallOutputItem,
  CustomToolCallItem,
  CustomToolCallOutputItem,
  ReasoningItem,
  ItemReference,
]);

const FunctionTool = Type.Object({
  type: Type.Literal('function'),
  name: ToolName,
  description: Nullable(Type.String()),
  parameters: Nullable(Type.Record(Type.String(), Type.Unknown())),
  strict: Nullable(Type.Boolean()),
});
const CustomTool = Type.Object({
  type: Type.Literal('custom'),
  name: ToolName,
  description: Nullable(Type.String()),
  format: Nullable(
    Type.Union([
      Type.Object({ type: Type.Literal('text') }),
      Type.Object({ type: Type.Literal('grammar'), syntax: Type.String(), definition: Type.String() }),
    ]),
  ),
});
/** Tools OpenAI runs itself (`web_search`, `file_search`, `code_interpreter`, `mcp`, `namespace`…): dropped. */
const HostedTool = Type.Object({ type: StringExcept(['function', 'custom']) });
const Tool = Type.Union([FunctionTool, CustomTool, HostedTool]);

const ToolChoice = Type.Union([
  Type.Literal('none'),
  Type.Literal('auto'),
  Type.Literal('required'),
  Type.Object({ type: Type.Literal('function'), name: Type.String() }),
  Type.Object({ type: Type.Literal('custom'), name: Type.String() }),
  Type.Object({
    type: Type.Literal('allowed_tools'),
    mode: Type.Union([Type.Literal('auto'), Type.Literal('required')]),
    tools: Type.Array(Type.Object({ type: Type.String(), name: Type.Optional(Type.String()) })),
  }),
  Type.Object({ type: StringExcept(['function', 'custom', 'allowed_tools']) }),
]);

const TextFormat = Type.Union([
  Type.Object({ type: Type.Literal('text') }),
  Type.Object({ type: Type.Literal('json_object') }),
  Type.Object({
    type: Type.Literal('json_schema'),
    name: Type.String(),
    description: Nullable(Type.String()),
    schema: Nullable(Type.Record(Type.String(), Type.Unknown())),
    strict: Nullable(Type.Boolean()),
  }),
]);

export const ResponsesRequestSchema = Type.Object({
  model: Type.String({ minLength: 1 }),
  input: Type.Union([Type.String(), Type.Array(InputItem)]),
  instructions: Nullable(Type.String()),
  tools: Nullable(Type.Array(Tool)),
  tool_choice: Nullable(ToolChoice),
  parallel_tool_calls: Nullable(Type.Boolean()),
  text: Nullable(
    Type.Object({
      format: Nullable(TextFormat),
      verbosity: Nullable(Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high')])),
    }),
  ),
  /** Effort and summary values pass as strings: new ones appear (`max`, Codex's `none` summary), and each adapter maps or warns. */
  reasoning: Nullable(Type.Object({ effort: Nullable(Type.String()), summary: Nullable(Type.String()) })),
  max_output_tokens: Nullable(Type.Integer({ minimum: 16 })),
  temperature: Nullable(Type.Number({ minimum: 0, maximum: 2 })),
  top_p: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
  stream: Nullable(Type.Boolean()),
  store: Nullable(Type.Boolean()),
  background: Nullable(Type.Boolean()),
  previous_response_id: Nullable(Type.String({ minLength: 1, maxLength: 128 })),
  /** OpenAI's bounds: 16 pairs, keys up to 64 characters, values up to 512. Stored with the response. */
  metadata: Nullable(Type.Record(Type.String(), Type.String({ maxLength: 512 }), { maxProperties: 16, propertyNames: { maxLength: 64 } })),
  user: Nullable(Type.String({ maxLength: MAX_END_USER_LENGTH })),
  safety_identifier: Nullable(Type.String({ maxLength: 64 })),
  prompt_cache_key: Nullable(Type.String()),
  include: Nullable(Type.Array(Type.String())),
  truncation: Nullable(Type.Union([Type.Literal('auto'), Type.Literal('disabled')])),
  service_tier: Nullable(Type.String()),
  routing: Type.Optional(RoutingMode),
  /** Our extensions (OpenRouter's), as on chat completions: a fallback list of models, and provider preferences. */
  models: Type.Optional(ModelsList),
  provider: Type.Optional(ProviderPreferencesSchema),
});

/** The body as the door accepts it: `model` may be left out when `models` names the models (see `withModelFromModels`). */
export const ResponsesBodySchema = Type.Object({
  ...ResponsesRequestSchema.properties,
  model: Type.Optional(ResponsesRequestSchema.properties.model),
});

export type ResponsesRequest = Static<typeof ResponsesRequestSchema> & Record<string, unknown>;
export type ResponsesBody = Static<typeof ResponsesBodySchema> & Record<string, unknown>;
export type InputItem = Static<typeof InputItem>;
export type MessageItem = Static<typeof MessageItem>;
export type ContentPart = Static<typeof ContentPart>;
export type ToolOutputPart = Static<typeof ToolOutputPart>;
export type FunctionTool = Static<typeof FunctionTool>;
export type CustomTool = Static<typeof CustomTool>;
export type ResponsesTool = Static<typeof Tool>;
export type ToolChoice = Static<typeof ToolChoice>;
export type TextFormat = Static<typeof TextFormat>;

/**
 * @module A checked Messages body → the canonical request: what the pipeline routes, admits and counts, and what
 * adapters other than Anthropic's translate. The client's own body rides along under `NATIVE_BODY`, cleaned; the
 * Anthropic adapter sends that instead, so a Claude model gets everything as the client sent it (`cache_control`,
 * signed thinking, `context_management`, betas), and the translation only has to be right for the other models.
 *
 * Request fields: `max_tokens` → `max_completion_tokens` (what reasoning models take), `stop_sequences` → `stop`,
 * `temperature`, `top_p` as they are (`top_k` has no equivalent), `metadata.user_id` → `user`, custom tools →
 * function tools, `tool_choice` `auto`/`any`/`tool`/`none` → `auto`/`required`/named/`none` and
 * `disable_parallel_tool_use` → `parallel_tool_calls: false`, `output_config.format` → a JSON-schema
 * `response_format`, and thinking → `reasoning_effort` (a budget up to 1,024 tokens is `low`, up to 8,192 `medium`,
 * more `high`: the budgets the Anthropic and Gemini adapters give those efforts; `output_config.effort` when thinking
 * sets none). Tools Anthropic defines for the client to run (`bash_*`, …) only Claude knows: 400 for other models.
 * @see https://platform.claude.com/docs/en/api/messages
 */
import { NATIVE_BODY, type CanonicalChatRequest, type ChatCompletionRequest } from '../../core/chat-request.js';
import { invalidRequest } from '../../core/gateway-error.js';
import { toCanonicalMessages } from './canonical-messages.js';
import type { CheckedRequest, CheckedTool, Turn } from './check-request.js';
import type { MessagesRequest, ThinkingConfig, ToolChoice } from './request-schema.js';

/** How the door translates one request. */
export interface CanonicalOptions {
  /** The `anthropic-beta` values to send to Claude (after the cost rule). */
  betas: readonly string[];
  /**
   * The named model is served by Anthropic-format deployments only: what cannot be translated is left out of the
   * canonical request (Claude gets it in the native body) instead of refused.
   */
  nativeOnly: boolean;
}

/** The canonical request, with the client's cleaned body attached under `NATIVE_BODY`. */
export function toCanonicalRequest(checked: CheckedRequest, options: CanonicalOptions): CanonicalChatRequest {
  const { body } = checked;
  const req: ChatCompletionRequest = {
    model: body.model,
    messages: toCanonicalMessages(body.system, checked.turns, options.nativeOnly),
    max_completion_tokens: body.max_tokens,
  };
  if (body.stream === true) req.stream = true;
  if (body.temperature !== undefined) req.temperature = body.temperature;
  if (body.top_p !== undefined) req.top_p = body.top_p;
  if (body.stop_sequences !== undefined && body.stop_sequences.length > 0) req.stop = body.stop_sequences;
  if (typeof body.metadata?.user_id === 'string') req.user = body.metadata.user_id;
  if (body.routing !== undefined) req.routing = body.routing;
  if (body.models !== undefined) req.models = body.models;
  if (body.provider !== undefined) req.provider = body.provider;
  addTools(req, checked.tools, body.tool_choice, options.nativeOnly);
  const effort = reasoningEffort(body.thinking, body.output_config?.effort);
  if (effort !== undefined) req.reasoning_effort = effort;
  const format = body.output_config?.format;
  if (format !== undefined && format !== null) {
    req.response_format = { type: 'json_schema', json_schema: { name: 'output', schema: format.schema, strict: true } };
  }
  return { ...req, [NATIVE_BODY]: { format: 'anthropic', body: nativeBody(body, checked.turns), betas: [...options.betas] } };
}

function addTools(req: ChatCompletionRequest, tools: readonly CheckedTool[], choice: ToolChoice | undefined, nativeOnly: boolean): void {
  const functions: NonNullable<ChatCompletionRequest['tools']> = [];
  for (const tool of tools) {
    if (tool.kind === 'custom') {
      const { name, description, input_schema: parameters, strict } = tool.tool;
      functions.push({
        type: 'function',
        function: { name, parameters, ...(description === undefined ? {} : { description }), ...(strict === undefined ? {} : { strict }) },
      });
    } else if (!nativeOnly) {
      throw invalidRequest(
        `\`tools[${tool.at}]\` (type ${JSON.stringify(tool.type.slice(0, 60))}) is a tool only Claude models run; name a Claude model, or define it as a custom tool with \`input_schema\`.`,
        `tools[${tool.at}]`,
      );
    }
  }
  if (functions.length > 0) req.tools = functions;
  if (choice === undefined) return;
  if (choice.type === 'none') req.tool_choice = 'none';
  else if (choice.type === 'auto') req.tool_choice = 'auto';
  else if (choice.type === 'any') req.tool_choice = 'required';
  else if (functions.some((tool) => tool.function.name === choice.name)) req.tool_choice = { type: 'function', function: { name: choice.name } };
  if (choice.type !== 'none' && choice.disable_parallel_tool_use === true && functions.length > 0) req.parallel_tool_calls = false;
}

/** Budget ceilings of each effort, as the Anthropic adapter (and Gemini's) turn efforts into budgets. */
const EFFORT_BY_BUDGET: ReadonlyArray<[number, string]> = [
  [1024, 'low'],
  [8192, 'medium'],
];

function reasoningEffort(thinking: ThinkingConfig | undefined, effort: string | null | undefined): string | undefined {
  if (thinking?.type === 'enabled') {
    return EFFORT_BY_BUDGET.find(([ceiling]) => thinking.budget_tokens <= ceiling)?.[1] ?? 'high';
  }
  if (thinking?.type === 'disabled' || effort === undefined || effort === null) return undefined;
  return effort === 'xhigh' || effort === 'max' ? 'high' : effort;
}

/**
 * The client's body as Claude gets it: without our `routing`, `models` and `provider` fields, and without thinking blocks whose signature is
 * empty — the gateway wrote those for a model that is not Claude, and Claude refuses a signature it did not make.
 */
function nativeBody(body: MessagesRequest, turns: readonly Turn[]): Record<string, unknown> {
  const { routing: _routing, models: _models, provider: _provider, ...rest } = body;
  const unsigned = turns.some(
    (turn) => turn.role === 'assistant' && turn.blocks.some((block) => block.type === 'thinking' && block.signature === ''),
  );
  if (!unsigned) return rest;
  const messages = body.messages.flatMap((message) => {
    if (message.role !== 'assistant' || typeof message.content === 'string') return [message];
    const content = message.content.filter((block) => !(block.type === 'thinking' && 'signature' in block && block.signature === ''));
    return content.length === 0 ? [] : [{ ...message, content }];
  });
  return { ...rest, messages };
}

/**
 * @module OpenAI `reasoning_effort` → Anthropic extended thinking (`thinking.budget_tokens`).
 *
 * Claude thinks only when asked to, so without this mapping an OpenAI client could never receive
 * `reasoning_content` from an Anthropic model. The budgets are the ones Google uses for the same field on Gemini
 * (1K / 8K / 24K), so one `reasoning_effort` costs about the same everywhere. Anthropic's constraints decide the rest:
 * - the budget is at least 1,024 tokens and below `max_tokens`, which counts thinking, as OpenAI's
 *   `max_completion_tokens` counts reasoning: a client limit is kept (the budget shrinks to fit, and thinking is
 *   dropped when it cannot), and without one the default answer room is added on top of the budget;
 * - thinking does not combine with a forced tool choice (`any`/`tool`, used by `required` and the `json_object`
 *   emulation), with `temperature`, or with `top_p` below 0.95;
 * - when thinking is on, the last assistant turn before tool results must start with its thinking block, signed; a
 *   client that sent it back (`reasoning_details`, see `reasoning-details.ts`) keeps thinking through the tool loop,
 *   while for one that did not (most OpenAI clients drop unknown fields) thinking stays off until the loop ends.
 * Everything dropped is named in the warnings. `none` and `minimal` mean no thinking.
 * @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking
 * @see https://ai.google.dev/gemini-api/docs/openai#thinking
 */
import type { AnthropicMessageParam } from './messages.js';
import type { AnthropicToolChoice } from './tools.js';

/** Anthropic's smallest thinking budget. */
const MIN_BUDGET = 1024;

/** Thinking budget per `reasoning_effort`; `undefined` means no thinking. */
const BUDGETS: Readonly<Record<string, number | undefined>> = {
  none: undefined,
  minimal: undefined,
  low: 1024,
  medium: 8192,
  high: 24_576,
};

/** The fields of the Messages body that thinking reads or changes. */
export interface AnthropicThinkingBody {
  max_tokens: number;
  messages: AnthropicMessageParam[];
  temperature?: number;
  top_p?: number;
  tool_choice?: AnthropicToolChoice;
  thinking?: { type: 'enabled'; budget_tokens: number };
}

/** Whether the conversation continues a tool loop whose thinking is lost: its last assistant turn called tools without it. */
function continuesToolLoopWithoutThinking(messages: AnthropicMessageParam[]): boolean {
  const lastAssistant = messages.findLast((turn) => turn.role === 'assistant');
  if (lastAssistant === undefined || !lastAssistant.content.some((block) => block.type === 'tool_use')) return false;
  const first = lastAssistant.content[0]?.type;
  return first !== 'thinking' && first !== 'redacted_thinking';
}

/** Why thinking cannot be enabled for this body, or `undefined` when it can. */
function obstacle(body: AnthropicThinkingBody, clientMax: number | undefined): string | undefined {
  const choice = body.tool_choice?.type;
  if (choice === 'any' || choice === 'tool') return 'the tool choice forces a tool';
  if (continuesToolLoopWithoutThinking(body.messages)) return 'tool results follow a turn whose thinking cannot be replayed';
  if (clientMax !== undefined && clientMax <= MIN_BUDGET) return `max_tokens is at most ${MIN_BUDGET}`;
  return undefined;
}

/**
 * Adds `thinking` to the body for a `reasoning_effort`, adjusting `max_tokens` and removing sampling settings
 * thinking forbids. Returns the warnings.
 * @param effort the request's `reasoning_effort` as sent (not part of the typed request schema)
 * @param clientMax the client's `max_completion_tokens` / `max_tokens`, if any
 * @param defaultMax the answer room used when the client sets no limit
 */
export function applyAnthropicThinking(body: AnthropicThinkingBody, effort: unknown, clientMax: number | undefined, defaultMax: number): string[] {
  if (effort === undefined || effort === null) return [];
  if (typeof effort !== 'string' || !Object.hasOwn(BUDGETS, effort)) return ['reasoning_effort'];
  const budget = BUDGETS[effort];
  if (budget === undefined) return [];
  const blocked = obstacle(body, clientMax);
  if (blocked !== undefined) return [`reasoning_effort (thinking is off: ${blocked})`];
  const warnings: string[] = [];
  if (clientMax === undefined) {
    body.max_tokens = defaultMax + budget;
    body.thinking = { type: 'enabled', budget_tokens: budget };
  } else {
    body.thinking = { type: 'enabled', budget_tokens: Math.min(budget, clientMax - 1) };
  }
  if (body.temperature !== undefined) {
    delete body.temperature;
    warnings.push('temperature (not allowed with thinking)');
  }
  if (body.top_p !== undefined && body.top_p < 0.95) {
    delete body.top_p;
    warnings.push('top_p (below 0.95 is not allowed with thinking)');
  }
  return warnings;
}

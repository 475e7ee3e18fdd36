/**
 * @module The checks of a Messages body beyond its shape: every content block and tool against the schema of its own
 * type, the block types each role may carry, and the conversation rules Anthropic enforces — the first turn is the
 * user's, and a `tool_result` answers a `tool_use` of an earlier assistant turn. Each failure is a 400 naming the
 * field. The result is the conversation as typed turns (a string content is one text block), which the translation
 * to the canonical request and the cost rule read.
 * @see https://platform.claude.com/docs/en/api/messages
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { invalidRequest, type GatewayError } from '../../core/gateway-error.js';
import { pointerToParam } from '../validation.js';
import {
  CustomTool,
  DefinedTool,
  DocumentBlock,
  ImageBlock,
  KNOWN_FIELDS,
  RedactedThinkingBlock,
  SearchResultBlock,
  SERVER_TOOL_RESULT_TYPES,
  ServerToolResultBlock,
  ServerToolUseBlock,
  TextBlock,
  ThinkingBlock,
  ToolResultBlock,
  ToolUseBlock,
  type MessagesRequest,
  type ToolResultContentBlock,
} from './request-schema.js';

/** A server tool's call or result from an earlier answer (`server_tool_use`, `web_search_tool_result`, …). */
export type ServerToolBlock = Static<typeof ServerToolUseBlock> | Static<typeof ServerToolResultBlock>;

/** A tool result as checked: its content, when a list, holds only the block types a result may carry. */
export type CheckedToolResult = Omit<ToolResultBlock, 'content'> & { content?: string | ToolResultContentBlock[] };

export type UserBlock = TextBlock | ImageBlock | DocumentBlock | SearchResultBlock | CheckedToolResult;
export type AssistantBlock = TextBlock | ThinkingBlock | RedactedThinkingBlock | ToolUseBlock | ServerToolBlock;

/** One turn of the conversation, its content as blocks. `at` is its index in `messages`. */
export type Turn =
  | { role: 'user'; at: number; blocks: UserBlock[] }
  | { role: 'assistant'; at: number; blocks: AssistantBlock[] }
  | { role: 'system'; at: number; blocks: TextBlock[] };

/** A tool as checked: a client tool with its `input_schema`, or one Anthropic defines (`bash_20250124`, …). */
export type CheckedTool = { kind: 'custom'; at: number; tool: CustomTool } | { kind: 'defined'; at: number; type: string; name: string };

/** A Messages body that passed every check. */
export interface CheckedRequest {
  body: MessagesRequest;
  turns: Turn[];
  tools: CheckedTool[];
}

const compiled = new Map<TSchema, TypeCheck<TSchema>>();

/** The compiled check of a schema, built on first use. */
function checker<T extends TSchema>(schema: T): TypeCheck<T> {
  let check = compiled.get(schema);
  if (check === undefined) {
    check = TypeCompiler.Compile(schema);
    compiled.set(schema, check);
  }
  return check as TypeCheck<T>;
}

/** `value` as `schema` says, or a 400 naming the first field (below `param`) that does not fit. */
function expect<T extends TSchema>(schema: T, value: unknown, param: string): Static<T> {
  const check = checker(schema);
  if (check.Check(value)) return value;
  const first = check.Errors(value).First();
  const field = first === undefined ? param : `${param}${pointerToParam(first.path).replace(/^(?=[^[])/, '.')}`;
  throw invalidRequest(`Invalid value for \`${field}\`: ${first?.message.toLowerCase() ?? 'is invalid'}.`, field);
}

/** Block types each role may carry, with their schemas. */
const USER_BLOCKS: Readonly<Record<string, TSchema>> = {
  text: TextBlock,
  image: ImageBlock,
  document: DocumentBlock,
  search_result: SearchResultBlock,
  tool_result: ToolResultBlock,
};
const ASSISTANT_BLOCKS: Readonly<Record<string, TSchema>> = {
  text: TextBlock,
  thinking: ThinkingBlock,
  redacted_thinking: RedactedThinkingBlock,
  tool_use: ToolUseBlock,
  server_tool_use: ServerToolUseBlock,
};
/** What a tool result's content list may hold. */
const RESULT_BLOCKS: Readonly<Record<string, TSchema>> = {
  text: TextBlock,
  image: ImageBlock,
  document: DocumentBlock,
  search_result: SearchResultBlock,
};

/** Checks everything the route's schema did not; throws a 400 naming the field. */
export function checkMessagesRequest(body: MessagesRequest): CheckedRequest {
  const extra = Object.keys(body).find((field) => !KNOWN_FIELDS.has(field));
  if (extra !== undefined) throw invalidRequest(`\`${extra}\`: Extra inputs are not permitted.`, extra);
  const turns = body.messages.map((message, at) => toTurn(message.role, message.content, at));
  checkConversation(turns);
  const tools = (body.tools ?? []).map((tool, at) => checkTool(tool, at));
  const choice = body.tool_choice;
  if (choice?.type === 'tool' && !tools.some((tool) => (tool.kind === 'custom' ? tool.tool.name : tool.name) === choice.name)) {
    throw invalidRequest(`\`tool_choice.name\`: no tool named "${choice.name}" is in \`tools\`.`, 'tool_choice.name');
  }
  return { body, turns, tools };
}

function toTurn(role: Turn['role'], content: string | ReadonlyArray<{ type: string }>, at: number): Turn {
  const param = `messages[${at}].content`;
  if (role !== 'assistant' && content.length === 0) throw emptyContent(at, role);
  const blocks = typeof content === 'string' ? [{ type: 'text', text: content }] : content;
  if (role === 'system') return { role, at, blocks: blocks.map((block, j) => systemBlock(block, `${param}[${j}]`)) };
  if (role === 'user') return { role, at, blocks: blocks.map((block, j) => userBlock(block, `${param}[${j}]`)) };
  return { role, at, blocks: blocks.map((block, j) => assistantBlock(block, `${param}[${j}]`)) };
}

function userBlock(block: { type: string }, param: string): UserBlock {
  const schema = USER_BLOCKS[block.type];
  if (schema === undefined) throw misplacedBlock(block.type, 'user', param);
  const checked = expect(schema, block, param) as UserBlock;
  if (checked.type !== 'tool_result' || checked.content === undefined || typeof checked.content === 'string') return checked;
  const content = checked.content.map((item, k) => resultBlock(item, `${param}.content[${k}]`));
  return { ...checked, content };
}

/** A mid-conversation system turn carries text only. */
function systemBlock(block: { type: string }, param: string): TextBlock {
  if (block.type !== 'text') throw unknownBlock(block.type, param, ['text']);
  return expect(TextBlock, block, param) as TextBlock;
}

function resultBlock(block: { type: string }, param: string): ToolResultContentBlock {
  const schema = RESULT_BLOCKS[block.type];
  if (schema === undefined) throw unknownBlock(block.type, param, Object.keys(RESULT_BLOCKS));
  return expect(schema, block, param) as ToolResultContentBlock;
}

function assistantBlock(block: { type: string }, param: string): AssistantBlock {
  if (SERVER_TOOL_RESULT_TYPES.has(block.type)) return expect(ServerToolResultBlock, block, param);
  const schema = ASSISTANT_BLOCKS[block.type];
  if (schema === undefined) throw misplacedBlock(block.type, 'assistant', param);
  return expect(schema, block, param) as AssistantBlock;
}

/** A block the role cannot carry: one the other role can, or one of no known type. */
function misplacedBlock(type: string, role: 'user' | 'assistant', param: string): GatewayError {
  const other = role === 'user' ? ASSISTANT_BLOCKS : USER_BLOCKS;
  if (Object.hasOwn(other, type) || (role === 'user' && SERVER_TOOL_RESULT_TYPES.has(type))) {
    return invalidRequest(`\`${param}\`: \`${type}\` blocks are not allowed in ${role} turns.`, `${param}.type`);
  }
  const known = [...Object.keys(USER_BLOCKS), ...Object.keys(ASSISTANT_BLOCKS).filter((name) => name !== 'text'), ...SERVER_TOOL_RESULT_TYPES];
  return unknownBlock(type, param, known);
}

function unknownBlock(type: string, param: string, known: readonly string[]): GatewayError {
  return invalidRequest(
    `\`${param}.type\`: unknown content block type "${type.slice(0, 60)}"; expected one of ${known.join(', ')}.`,
    `${param}.type`,
  );
}

function emptyContent(at: number, role: 'user' | 'system'): GatewayError {
  return invalidRequest(`\`messages[${at}].content\`: ${role} messages must have non-empty content.`, `messages[${at}].content`);
}

/** The first turn is the user's; every tool result answers a tool call of an earlier assistant turn. */
function checkConversation(turns: readonly Turn[]): void {
  if (turns[0]?.role !== 'user') throw invalidRequest('`messages[0].role`: the first message must use the "user" role.', 'messages[0].role');
  const calls = new Set<string>();
  for (const turn of turns) {
    if (turn.role === 'system') continue;
    if (turn.role === 'assistant') {
      for (const block of turn.blocks) if (block.type === 'tool_use') calls.add(block.id);
      continue;
    }
    turn.blocks.forEach((block, j) => {
      if (block.type === 'tool_result' && !calls.has(block.tool_use_id)) {
        const param = `messages[${turn.at}].content[${j}].tool_use_id`;
        throw invalidRequest(
          `\`${param}\`: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${block.tool_use_id.slice(0, 80)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in an earlier assistant message.`,
          param,
        );
      }
    });
  }
}

function checkTool(tool: { name: string; type?: unknown }, at: number): CheckedTool {
  const param = `tools[${at}]`;
  if (tool.type === undefined || tool.type === null || tool.type === 'custom') return { kind: 'custom', at, tool: expect(CustomTool, tool, param) };
  const defined = expect(DefinedTool, tool, param);
  return { kind: 'defined', at, type: defined.type, name: defined.name };
}

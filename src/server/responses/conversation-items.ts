/**
 * @module The conversation items of the Responses door, in one normal form: what the translation to Chat Completions
 * reads, what the store keeps (a turn's input and output) and what `GET /v1/responses/{id}/input_items` lists. An
 * input item the client sent is normalised once on arrival — string content becomes parts, every item gets an id
 * (the client's, else ours), the fields the gateway does not use are left behind — and refused with a 400 naming it
 * when the gateway cannot take it (a `file_id`, a `file_url`, an image outside a user message).
 *
 * Normal items are valid input items, so items loaded back from the store are checked against the input schema and
 * go through the same normalisation.
 * @see https://platform.openai.com/docs/api-reference/responses/input-items
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { GatewayError, invalidRequest } from '../../core/gateway-error.js';
import { uniqueIdGenerator } from '../../core/unique-id.js';
import { InputItem, MessageItem, type ContentPart, type ToolOutputPart } from './request-schema.js';

export type InputTextPart = {
  type: 'input_text';
  text: string;
};
export type InputImagePart = {
  type: 'input_image';
  image_url: string;
  detail?: 'auto' | 'low' | 'high';
};
export type InputFilePart = {
  type: 'input_file';
  file_data: string;
  filename?: string;
};
export type OutputTextPart = {
  type: 'output_text';
  text: string;
  annotations: [];
  logprobs: [];
};
export type RefusalPart = {
  type: 'refusal';
  refusal: string;
};
export type UserPart = InputTextPart | InputImagePart | InputFilePart;
export type ToolResultPart = UserPart;

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export type UserMessageItem = {
  type: 'message';
  id: string;
  role: 'user' | 'system' | 'developer';
  content: UserPart[];
  status: ItemStatus;
};
export type AssistantMessageItem = {
  type: 'message';
  id: string;
  role: 'assistant';
  content: (OutputTextPart | RefusalPart)[];
  status: ItemStatus;
};
export type FunctionCallItem = {
  type: 'function_call';
  id: string;
  call_id: string;
  name: string;
  arguments: string;
  status: ItemStatus;
};
export type CustomToolCallItem = {
  type: 'custom_tool_call';
  id: string;
  call_id: string;
  name: string;
  input: string;
};
export type ToolOutputItem = {
  type: 'function_call_output' | 'custom_tool_call_output';
  id: string;
  call_id: string;
  output: string | ToolResultPart[];
};
export type ReasoningItem = {
  type: 'reasoning';
  id: string;
  summary: { type: 'summary_text'; text: string }[];
  /** Our envelope of the provider's reasoning state (`reasoning-state.ts`), or a client's content we cannot read. */
  encrypted_content?: string;
};

/** One item of a conversation, normalised. */
export type ResponseItem = UserMessageItem | AssistantMessageItem | FunctionCallItem | CustomToolCallItem | ToolOutputItem | ReasoningItem;

/** Id prefixes, as OpenAI's: `msg_`, `fc_`, `ctc_`, `rs_`; tool outputs get `fco_` / `ctco_`. */
const ID_GENERATORS: Readonly<Record<ResponseItem['type'], () => string>> = {
  message: uniqueIdGenerator('msg_'),
  function_call: uniqueIdGenerator('fc_'),
  custom_tool_call: uniqueIdGenerator('ctc_'),
  function_call_output: uniqueIdGenerator('fco_'),
  custom_tool_call_output: uniqueIdGenerator('ctco_'),
  reasoning: uniqueIdGenerator('rs_'),
};

/** A fresh id for an item of `type`. */
export function newItemId(type: ResponseItem['type']): string {
  return ID_GENERATORS[type]();
}

const checkMessage = TypeCompiler.Compile(MessageItem);

/** The item as a message, when it is one (`type: "message"`, or no type and a message's fields). */
function asMessage(item: InputItem): MessageItem | undefined {
  if (item.type === 'message') return item as MessageItem;
  return (item.type === undefined || item.type === null) && checkMessage.Check(item) ? item : undefined;
}

/** Whether an input item is an `item_reference` (typed as one, or untyped and not a message). */
export function isItemReference(item: InputItem): item is Extract<InputItem, { type?: 'item_reference' | null }> {
  if (item.type === 'item_reference') return true;
  return (item.type === undefined || item.type === null) && asMessage(item) === undefined;
}

/**
 * The normal form of one input item (not an `item_reference`: resolve those first). `param` names the item in
 * errors (`input[3]`).
 */
export function normalizeItem(item: InputItem, param: string): ResponseItem {
  const message = asMessage(item);
  if (message !== undefined) return normalizeMessage(message, param);
  switch (item.type) {
    case 'function_call':
      return {
        type: item.type,
        id: item.id ?? newItemId(item.type),
        call_id: item.call_id,
        name: item.name,
        arguments: item.arguments,
        status: 'completed',
      };
    case 'custom_tool_call':
      return { type: item.type, id: item.id ?? newItemId(item.type), call_id: item.call_id, name: item.name, input: item.input };
    case 'function_call_output':
    case 'custom_tool_call_output':
      return { type: item.type, id: item.id ?? newItemId(item.type), call_id: item.call_id, output: toolOutput(item.output, `${param}.output`) };
    case 'reasoning': {
      const reasoning: ReasoningItem = { type: 'reasoning', id: item.id ?? newItemId('reasoning'), summary: item.summary ?? [] };
      if (typeof item.encrypted_content === 'string') reasoning.encrypted_content = item.encrypted_content;
      return reasoning;
    }
    default:
      throw new GatewayError(500, 'internal_error', 'An item reference reached normalisation unresolved.');
  }
}

function normalizeMessage(item: MessageItem, param: string): ResponseItem {
  const id = item.id ?? newItemId('message');
  const status = messageStatus(item.status);
  if (item.role === 'assistant') {
    const parts = typeof item.content === 'string' ? [{ type: 'output_text' as const, text: item.content }] : item.content;
    return { type: 'message', id, role: 'assistant', status, content: parts.map((part, p) => assistantPart(part, `${param}.content[${p}]`)) };
  }
  const parts: ContentPart[] = typeof item.content === 'string' ? [{ type: 'input_text', text: item.content }] : item.content;
  const content = parts.map((part, p) => inputPart(part, `${param}.content[${p}]`));
  if (item.role !== 'user') {
    const media = content.findIndex((part) => part.type !== 'input_text');
    if (media !== -1)
      throw invalidRequest(`Only user messages may carry images and files; a ${item.role} message takes text.`, `${param}.content[${media}]`);
  }
  return { type: 'message', id, role: item.role, status, content };
}

function messageStatus(status: string | null | undefined): ItemStatus {
  return status === 'in_progress' || status === 'incomplete' ? status : 'completed';
}

function assistantPart(part: ContentPart, param: string): OutputTextPart | RefusalPart {
  switch (part.type) {
    case 'output_text':
    case 'input_text':
      return { type: 'output_text', text: part.text, annotations: [], logprobs: [] };
    case 'refusal':
      return { type: 'refusal', refusal: part.refusal };
    default:
      throw invalidRequest(`An assistant message takes \`output_text\` and \`refusal\` parts, not \`${part.type}\`.`, `${param}.type`);
  }
}

function inputPart(part: ContentPart | ToolOutputPart, param: string): UserPart {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'input_text', text: part.text };
    case 'refusal':
      return { type: 'input_text', text: part.refusal };
    case 'input_image':
      return imagePart(part, param);
    case 'input_file':
      return filePart(part, param);
    default: {
      const unreachable: never = part;
      return unreachable;
    }
  }
}

function imagePart(part: Extract<ContentPart, { type: 'input_image' }>, param: string): InputImagePart {
  if (typeof part.file_id === 'string') throw fileIdRefused(`${param}.file_id`);
  if (typeof part.image_url !== 'string')
    throw invalidRequest('An `input_image` part needs an `image_url` (an https URL or a data: URL).', `${param}.image_url`);
  const image: InputImagePart = { type: 'input_image', image_url: part.image_url };
  if (part.detail === 'auto' || part.detail === 'low' || part.detail === 'high') image.detail = part.detail;
  return image;
}

function filePart(part: Extract<ContentPart, { type: 'input_file' }>, param: string): InputFilePart {
  if (typeof part.file_id === 'string') throw fileIdRefused(`${param}.file_id`);
  if (typeof part.file_url === 'string') {
    throw invalidRequest(
      '`file_url` is not supported: the gateway does not download files. Send the file as `file_data` (a base64 data: URL).',
      `${param}.file_url`,
    );
  }
  if (typeof part.file_data !== 'string') throw invalidRequest('An `input_file` part needs `file_data` (a base64 data: URL).', `${param}.file_data`);
  const file: InputFilePart = { type: 'input_file', file_data: part.file_data };
  if (typeof part.filename === 'string') file.filename = part.filename;
  return file;
}

/**
 * A `file_id` names a file in one provider account (OpenAI's Files API), which the gateway neither has nor can reach
 * on every route: the request may go to any provider, on the operator's account or the tenant's.
 */
function fileIdRefused(param: string): GatewayError {
  return invalidRequest(
    '`file_id` is not supported: file ids point into a provider account. Send the content inline (`image_url` or `file_data`).',
    param,
  );
}

function toolOutput(output: string | ToolOutputPart[], param: string): string | ToolResultPart[] {
  return typeof output === 'string' ? output : output.map((part, p) => inputPart(part, `${param}[${p}]`));
}

const checkInputItem = TypeCompiler.Compile(InputItem);

/**
 * Items loaded from the store, back in their normal form. They were normal when saved; one that no longer parses
 * is the store's fault, a 500, never the client's.
 */
export function storedItems(items: readonly unknown[]): ResponseItem[] {
  return items.map((item, index) => {
    if (!checkInputItem.Check(item)) throw new GatewayError(500, 'internal_error', 'A stored conversation item is unreadable.');
    return normalizeItem(item, `stored[${index}]`);
  });
}

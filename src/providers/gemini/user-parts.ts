/**
 * @module OpenAI user content parts → Gemini parts.
 *
 * Text becomes `{text}`; base64 `data:` URLs (images, files) and `input_audio` become `inlineData`. Remote image URLs
 * would have to be downloaded and inlined (`fileData` only takes Files-API URIs), which a pure translator cannot do.
 * @see https://ai.google.dev/api/caching#Part
 * @see https://ai.google.dev/gemini-api/docs/image-understanding#inline-image
 */
import type { UserContentPart } from '../../core/chat-request.js';
import { invalidRequest } from '../../core/gateway-error.js';
import type { GeminiRequestPart } from './api-request.js';

const DATA_URL = /^data:([^;,]+)(?:;[^;,]*)*;base64,(.*)$/s;

/**
 * Converts a user message's content; empty text is skipped because Gemini rejects empty text parts.
 * @param param the content's path in the request, e.g. `messages[2].content`, for error messages
 */
export function convertGeminiUserContent(content: string | UserContentPart[], param: string): GeminiRequestPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  const parts: GeminiRequestPart[] = [];
  content.forEach((part, j) => {
    const converted = convertPart(part, `${param}[${j}]`);
    if (converted !== undefined) parts.push(converted);
  });
  return parts;
}

function convertPart(part: UserContentPart, param: string): GeminiRequestPart | undefined {
  switch (part.type) {
    case 'text':
      return part.text === '' ? undefined : { text: part.text };
    case 'image_url':
      return imagePart(part.image_url.url, `${param}.image_url.url`);
    case 'input_audio':
      return { inlineData: { mimeType: `audio/${part.input_audio.format}`, data: part.input_audio.data } };
    case 'file':
      return filePart(part.file, param);
    default: {
      const exhaustive: never = part;
      return exhaustive;
    }
  }
}

function imagePart(url: string, param: string): GeminiRequestPart {
  if (/^https?:\/\//i.test(url)) {
    throw invalidRequest('remote image URLs are not supported for this provider yet', param);
  }
  const inline = inlineDataOf(url);
  if (inline === undefined) throw invalidRequest('image_url.url must be a base64 data: URL', param);
  return inline;
}

function filePart(file: { file_data?: string; file_id?: string }, param: string): GeminiRequestPart {
  if (file.file_data === undefined) {
    throw invalidRequest('file_id references are not supported for this provider; send file_data', `${param}.file`);
  }
  const inline = inlineDataOf(file.file_data);
  if (inline === undefined) throw invalidRequest('file.file_data must be a base64 data: URL', `${param}.file.file_data`);
  return inline;
}

function inlineDataOf(url: string): GeminiRequestPart | undefined {
  const match = DATA_URL.exec(url);
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  return { inlineData: { mimeType: match[1], data: match[2] } };
}

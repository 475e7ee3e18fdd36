/**
 * @module Validation of Gemini `generateContent` requests into a SimCall: contents (text, `inlineData` /
 * `fileData` images, `functionCall` / `functionResponse` turns with the pairing Gemini enforces, Gemini 3 thought
 * signatures), `generationConfig` (limits, stop, `candidateCount`, JSON output) and tools.
 * @see https://ai.google.dev/api/generate-content
 */

import { invalid } from './gemini-errors.js';
import { readGeminiTools } from './gemini-tools.js';
import { isAbsent, isIntegerAtLeast, isRecord, isStringArray } from '../core/guards.js';
import { estimatePromptTokens, estimateTextTokens } from './text.js';
import type { HttpReply, RouteInfo, SimCall } from './wire-format.js';

/** Prompt tokens per image: Gemini bills a flat 258 per image up to 384 px a side (larger ones are tiled). */
export const GEMINI_IMAGE_TOKENS = 258;
/** Gemini's upper bound for `candidateCount`. */
const MAX_CANDIDATES = 8;

/** What one Content holds. */
interface ContentScan {
  text: string;
  images: number;
  /** functionCall parts, and whether the first carries a thoughtSignature. */
  calls: number;
  firstCallSigned: boolean;
  firstCallName: string;
  /** functionResponse parts and their result texts. */
  responses: string[] | undefined;
}

/** The words of a function response: its `output` / `result` / `content` text, else its JSON. */
function responseText(response: unknown): string {
  if (isRecord(response)) {
    for (const key of ['output', 'result', 'content']) {
      const value = response[key];
      if (typeof value === 'string') return value;
    }
  }
  return JSON.stringify(response) ?? '';
}

function scanContent(content: Record<string, unknown>, index: number): ContentScan | HttpReply {
  const scan: ContentScan = { text: '', images: 0, calls: 0, firstCallSigned: false, firstCallName: '', responses: undefined };
  if (!Array.isArray(content.parts)) return scan;
  const add = (value: string): void => {
    scan.text += (scan.text.length > 0 ? '\n' : '') + value;
  };
  for (const [position, part] of content.parts.entries()) {
    if (!isRecord(part)) continue;
    if (typeof part.text === 'string') add(part.text);
    else if (isRecord(part.inlineData) || isRecord(part.fileData)) {
      const inline = isRecord(part.inlineData);
      const media = inline ? part.inlineData : part.fileData;
      if (!isRecord(media) || typeof media.mimeType !== 'string' || typeof (inline ? media.data : media.fileUri) !== 'string') {
        const field = `contents[${index}].parts[${position}].data`;
        return invalid(`* GenerateContentRequest.${field}: mime_type and data are required\n`);
      }
      if (media.mimeType.startsWith('image/')) scan.images++;
    } else if (isRecord(part.functionCall)) {
      add(JSON.stringify(part.functionCall));
      if (scan.calls === 0) {
        scan.firstCallSigned = typeof part.thoughtSignature === 'string' && part.thoughtSignature.length > 0;
        scan.firstCallName = typeof part.functionCall.name === 'string' ? part.functionCall.name : '';
      }
      scan.calls++;
    } else if (isRecord(part.functionResponse)) {
      add(JSON.stringify(part.functionResponse));
      const { name } = part.functionResponse;
      if (typeof name !== 'string' || name.length === 0) {
        const field = `contents[${index}].parts[${position}].function_response.name`;
        return invalid(`* GenerateContentRequest.${field}: Name cannot be empty.\n`);
      }
      scan.responses ??= [];
      scan.responses.push(responseText(part.functionResponse.response));
    }
  }
  return scan;
}

/** What the contents say, once read. */
interface ContentsScan {
  texts: string[];
  lastUserText: string;
  lastTurnImages: number;
  images: number;
  toolResult: string | undefined;
}

const SIGNATURE_DOCS = 'https://ai.google.dev/gemini-api/docs/thought-signatures';

/**
 * Reads every Content, enforcing Gemini's pairing (a function-response turn right after a function-call turn,
 * with as many responses as calls) and, on gemini-3 models, the thought signature on the first functionCall part
 * of every model step since the last real user turn.
 */
function scanContents(contents: unknown[], texts: string[], model: string): ContentsScan | HttpReply {
  const result: ContentsScan = { texts, lastUserText: '', lastTurnImages: 0, images: 0, toolResult: undefined };
  const needsSignatures = model.startsWith('gemini-3');
  let previousCalls = 0;
  let unsigned: { index: number; name: string } | undefined;
  for (const [index, content] of contents.entries()) {
    if (!isRecord(content)) return invalid(`* GenerateContentRequest.contents[${index}]: must be an object\n`);
    const scan = scanContent(content, index);
    if ('status' in scan) return scan;
    texts.push(scan.text);
    result.images += scan.images;
    if (content.role === 'model') {
      previousCalls = scan.calls;
      if (needsSignatures && scan.calls > 0 && !scan.firstCallSigned) unsigned ??= { index, name: scan.firstCallName };
      continue;
    }
    if (scan.responses !== undefined) {
      if (previousCalls === 0) {
        return invalid('Please ensure that function response turn comes immediately after a function call turn.');
      }
      if (scan.responses.length !== previousCalls) {
        return invalid(
          'Please ensure that the number of function response parts is equal to the number of function call parts ' + 'of the function call turn.',
        );
      }
    } else unsigned = undefined;
    previousCalls = 0;
    result.lastUserText = scan.text;
    result.lastTurnImages = scan.images;
    result.toolResult = scan.responses?.join(' ');
  }
  if (unsigned !== undefined) {
    return invalid(
      'Function call is missing a thought_signature in functionCall parts. This is required for tools to work ' +
        `correctly. Function call \`${unsigned.name}\` in contents[${unsigned.index}]. See ${SIGNATURE_DOCS}.`,
    );
  }
  const last = contents[contents.length - 1];
  if (isRecord(last) && last.role === 'model') result.toolResult = undefined;
  return result;
}

interface GenerationSettings {
  maxTokens: number | undefined;
  stop: string[];
  candidates: number;
  jsonOutput: { schema: unknown } | undefined;
}

function readGenerationConfig(config: unknown): GenerationSettings | HttpReply {
  if (isAbsent(config)) return { maxTokens: undefined, stop: [], candidates: 1, jsonOutput: undefined };
  if (!isRecord(config)) return invalid('Invalid JSON payload received. "generationConfig" must be an object.');
  const { maxOutputTokens, stopSequences, candidateCount } = config;
  if (!isAbsent(maxOutputTokens) && !isIntegerAtLeast(maxOutputTokens, 1)) {
    return invalid('* GenerateContentRequest.generation_config.max_output_tokens: must be a positive integer\n');
  }
  if (!isAbsent(stopSequences) && (!isStringArray(stopSequences) || stopSequences.length > 5)) {
    return invalid('* GenerateContentRequest.generation_config.stop_sequences: at most 5 strings are allowed\n');
  }
  if (!isAbsent(candidateCount) && !(isIntegerAtLeast(candidateCount, 1) && candidateCount <= MAX_CANDIDATES)) {
    return invalid(`* GenerateContentRequest.generation_config.candidate_count: must be between 1 and ${MAX_CANDIDATES}\n`);
  }
  const schema = isAbsent(config.responseJsonSchema) ? config.responseSchema : config.responseJsonSchema;
  return {
    maxTokens: isAbsent(maxOutputTokens) ? undefined : maxOutputTokens,
    stop: isStringArray(stopSequences) ? stopSequences : [],
    candidates: isAbsent(candidateCount) ? 1 : candidateCount,
    jsonOutput: config.responseMimeType === 'application/json' ? { schema: isAbsent(schema) ? undefined : schema } : undefined,
  };
}

/** Validates a GenerateContentRequest (the model comes from the path) into a call, or answers Google's 400. */
export function parseGeminiRequest(body: unknown, route: RouteInfo): SimCall | HttpReply {
  if (!isRecord(body)) return invalid('Invalid JSON payload received. Expected an object.');
  if (route.pathModel === undefined || route.pathModel.length === 0) return invalid('* model: model is required\n');
  const contents = body.contents;
  if (!Array.isArray(contents) || contents.length === 0) {
    return invalid('* GenerateContentRequest.contents: contents is not specified\n');
  }
  const texts: string[] = [];
  if (isRecord(body.systemInstruction)) {
    const system = scanContent(body.systemInstruction, -1);
    texts.push('status' in system ? '' : system.text);
  }
  const scan = scanContents(contents, texts, route.pathModel);
  if ('status' in scan) return scan;
  const config = readGenerationConfig(body.generationConfig);
  if ('status' in config) return config;
  const tools = readGeminiTools(body, scan.toolResult !== undefined);
  if ('status' in tools) return tools;
  const toolTokens = Array.isArray(body.tools) ? estimateTextTokens(JSON.stringify(body.tools)) : 0;
  return {
    model: route.pathModel,
    stream: route.pathStream,
    includeUsage: true,
    jsonArrayStream: route.pathStream && route.query.get('alt') !== 'sse',
    promptTokens: estimatePromptTokens(scan.texts) + toolTokens + scan.images * GEMINI_IMAGE_TOKENS,
    lastUserText: scan.lastUserText,
    maxTokens: config.maxTokens,
    stopSequences: config.stop,
    promptImages: scan.images,
    lastTurnImages: scan.lastTurnImages,
    candidates: config.candidates,
    callableTools: tools.callable,
    maxParallelCalls: tools.maxParallelCalls,
    toolResult: scan.toolResult,
    jsonOutput: config.jsonOutput,
  };
}

/**
 * @module The Gemini `GenerateContentRequest` body, limited to the fields the gateway sends.
 *
 * Declared as type aliases (not interfaces) so a body is assignable to `UpstreamRequest.body`.
 * @see https://ai.google.dev/api/generate-content#request-body
 */

/** One payload of a content turn; Gemini allows exactly one payload per part. */
export type GeminiRequestPart =
  | { text: string }
  | { inlineData: { mimeType: string; data: string } }
  | { functionCall: { name: string; args: Record<string, unknown> }; thoughtSignature?: string }
  | { functionResponse: { name: string; response: { output: string } } };

/** A conversation turn. Gemini has no system or tool role: tool results travel in `user` turns. */
export type GeminiContent = { role: 'user' | 'model'; parts: GeminiRequestPart[] };

/** @see https://ai.google.dev/api/caching#FunctionDeclaration */
export type GeminiFunctionDeclaration = {
  name: string;
  description?: string;
  parametersJsonSchema?: Record<string, unknown>;
};

/** @see https://ai.google.dev/api/caching#FunctionCallingConfig */
export type GeminiFunctionCallingConfig = {
  mode: 'AUTO' | 'ANY' | 'NONE';
  allowedFunctionNames?: string[];
};

/** @see https://ai.google.dev/api/generate-content#ThinkingConfig */
export type GeminiThinkingConfig = { thinkingBudget: number; includeThoughts?: boolean };

/** @see https://ai.google.dev/api/generate-content#generationconfig */
export type GeminiGenerationConfig = {
  temperature?: number;
  topP?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
  seed?: number;
  candidateCount?: number;
  responseMimeType?: string;
  responseJsonSchema?: Record<string, unknown>;
  thinkingConfig?: GeminiThinkingConfig;
};

/** The JSON body of `generateContent` / `streamGenerateContent`. */
export type GeminiRequestBody = {
  contents: GeminiContent[];
  systemInstruction?: { parts: { text: string }[] };
  tools?: { functionDeclarations: GeminiFunctionDeclaration[] }[];
  toolConfig?: { functionCallingConfig: GeminiFunctionCallingConfig };
  generationConfig?: GeminiGenerationConfig;
};

/**
 * @module Provider simulator: a stand-in for every upstream LLM API (OpenAI and OpenAI-compatible vendors,
 * Anthropic, Gemini) with deterministic replies (text, tool calls, JSON, reasoning, refusals, several choices),
 * realistic wire shapes, and knobs for latency, token pace, faults and those features. Used by `npm start`
 * without provider keys, by tests and by benchmarks — never by production paths.
 *
 * Routes (one port): `POST /{openai|mistral|deepseek|xai|groq|deepinfra}/v1/chat/completions`, `POST /anthropic/v1/messages`,
 * `POST /google/v1beta/models/{model}:generateContent` and `:streamGenerateContent?alt=sse`; embeddings at
 * `POST /{openai|mistral|deepseek|xai|groq|deepinfra}/v1/embeddings` and `POST /google/v1beta/models/{model}:batchEmbedContents`
 * (deterministic vectors, honouring dimensions); control endpoints
 * `POST /_sim/knobs` (`{model?, ...knobs}`), `POST /_sim/reset`, `GET /_sim/stats`, `GET /_sim/knobs`.
 */

export { startSimulator, type Simulator, type SimulatorOptions } from './server.js';
export { DEFAULT_KNOBS, type SimulatorKnobs } from './knobs.js';
export type { SimulatorStats } from './state.js';
export { OPENAI_COMPATIBLE_PROVIDERS } from './openai-format.js';

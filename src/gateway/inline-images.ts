/**
 * @module For wire formats that only accept image bytes (Gemini), replaces every remote `image_url` in the request
 * with a `data:` URL downloaded through the SSRF-safe ImageFetcher. Done once per request, before the attempts.
 */
import type { ChatCompletionRequest, ChatMessage } from '../core/chat-request.js';
import type { ImageFetcher } from './image-fetch.js';

/** Whether any user message carries an http(s) image URL. */
export function hasRemoteImages(req: ChatCompletionRequest): boolean {
  return req.messages.some((m) => m.role === 'user' && Array.isArray(m.content) && m.content.some((p) => p.type === 'image_url' && !p.image_url.url.startsWith('data:')));
}

/** A copy of `req` whose remote image URLs are inlined as base64 `data:` URLs; refusals are 400s naming the part. */
export async function inlineRemoteImages(req: ChatCompletionRequest, fetcher: ImageFetcher): Promise<ChatCompletionRequest> {
  const messages = await Promise.all(req.messages.map((message, i) => inlineMessage(message, i, fetcher)));
  return { ...req, messages };
}

async function inlineMessage(message: ChatMessage, index: number, fetcher: ImageFetcher): Promise<ChatMessage> {
  if (message.role !== 'user' || typeof message.content === 'string') return message;
  const content = await Promise.all(
    message.content.map(async (part, j) => {
      if (part.type !== 'image_url' || part.image_url.url.startsWith('data:')) return part;
      const image = await fetcher.fetch(part.image_url.url, `messages[${index}].content[${j}].image_url.url`);
      return { ...part, image_url: { ...part.image_url, url: `data:${image.mimeType};base64,${image.base64}` } };
    }),
  );
  return { ...message, content };
}

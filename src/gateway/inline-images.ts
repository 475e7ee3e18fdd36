/**
 * @module For wire formats that only accept image bytes (Gemini), replaces every remote `image_url` in the request
 * with a `data:` URL downloaded through the SSRF-safe ImageFetcher. Done once per request, before the attempts,
 * within the fetcher's per-request bounds: at most `imageUrlsPerRequest` URLs, `imageFetchConcurrency` downloads at
 * a time, and `imageBytesPerRequest` bytes in all, charged as they stream. The first refusal stops the rest, and is
 * the answer once every download has stopped.
 */
import type { ChatCompletionRequest, ChatMessage, UserContentPart } from '../core/chat-request.js';
import { assertImageUrlBound, ImageByteBudget, remoteImages, type RemoteImage } from './image-bounds.js';
import type { ImageFetcher } from './image-fetch.js';

/** Whether any user message carries an http(s) image URL. */
export function hasRemoteImages(req: ChatCompletionRequest): boolean {
  return !remoteImages(req).next().done;
}

/** A copy of `req` whose remote image URLs are inlined as base64 `data:` URLs; refusals are 400s naming the part. */
export async function inlineRemoteImages(req: ChatCompletionRequest, fetcher: ImageFetcher): Promise<ChatCompletionRequest> {
  const { bounds } = fetcher;
  assertImageUrlBound(req, bounds);
  const images = [...remoteImages(req)];
  const budget = new ImageByteBudget(bounds.imageBytesPerRequest);
  const inlined = new Map<UserContentPart, string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let image = images[next++]; image !== undefined && !budget.signal.aborted; image = images[next++]) {
      inlined.set(image.part, await download(image, fetcher, budget));
    }
  };
  await Promise.allSettled(Array.from({ length: Math.min(bounds.imageFetchConcurrency, images.length) }, worker));
  // The first refusal, not whichever download its abort happened to end first.
  if (budget.failure !== undefined) throw budget.failure;
  return { ...req, messages: req.messages.map((message) => withInlined(message, inlined)) };
}

/** One image as a `data:` URL; a failure abandons the request's other downloads and is kept as the budget's. */
async function download(image: RemoteImage, fetcher: ImageFetcher, budget: ImageByteBudget): Promise<string> {
  try {
    const fetched = await fetcher.fetch(image.part.image_url.url, image.param, budget);
    return `data:${fetched.mimeType};base64,${fetched.base64}`;
  } catch (error) {
    budget.abandon(error);
    throw error;
  }
}

function withInlined(message: ChatMessage, inlined: ReadonlyMap<UserContentPart, string>): ChatMessage {
  if (message.role !== 'user' || typeof message.content === 'string') return message;
  const content = message.content.map((part) => {
    const url = inlined.get(part);
    return url === undefined || part.type !== 'image_url' ? part : { ...part, image_url: { ...part.image_url, url } };
  });
  return { ...message, content };
}

/**
 * @module What one request may make the gateway download for Gemini, which only takes image bytes: how many remote
 * image URLs it may carry (checked on the parsed body before admission and routing, so an over-long list costs
 * nothing), and how many bytes its downloads may add up to (counted chunk by chunk as they stream, so a request
 * over its budget stops downloading at the budget, not after). Without these, 40 URLs held 1.47 GB and 2,000 opened
 * 1,488 outbound connections (issue 13, finding 5).
 */
import type { RequestBounds } from '../config/types.js';
import type { ChatCompletionRequest, UserContentPart } from '../core/chat-request.js';
import { GatewayError, invalidRequest } from '../core/gateway-error.js';

/** The image part of the config's `requests` bounds. */
export type ImageBounds = Pick<RequestBounds, 'imageUrlsPerRequest' | 'imageBytesPerRequest' | 'imageFetchConcurrency'>;

/** The same figures as `config/default.yaml`, for fetchers built without a config (tests, tools). */
export const DEFAULT_IMAGE_BOUNDS: Readonly<ImageBounds> = {
  imageUrlsPerRequest: 16,
  imageBytesPerRequest: 20 * 1024 * 1024,
  imageFetchConcurrency: 4,
};

type ImagePart = Extract<UserContentPart, { type: 'image_url' }>;

/** A remote image in a request: the part and the parameter path that names it in errors. */
export interface RemoteImage {
  part: ImagePart;
  param: string;
}

/** Every image part whose URL is not a `data:` URL (the ones a download would be needed for), in message order. */
export function* remoteImages(req: ChatCompletionRequest): Generator<RemoteImage> {
  for (const [i, message] of req.messages.entries()) {
    if (message.role !== 'user' || typeof message.content === 'string') continue;
    for (const [j, part] of message.content.entries()) {
      if (part.type === 'image_url' && !part.image_url.url.startsWith('data:')) {
        yield { part, param: `messages[${i}].content[${j}].image_url.url` };
      }
    }
  }
}

/**
 * Refuses a request with more than `imageUrlsPerRequest` remote image URLs: a 400 naming the limit. Counted for
 * every model, before routing: with `model: "auto"` the deployment that would download them is not known yet.
 */
export function assertImageUrlBound(req: ChatCompletionRequest, bounds: Pick<ImageBounds, 'imageUrlsPerRequest'>): void {
  const limit = bounds.imageUrlsPerRequest;
  let count = 0;
  for (const _image of remoteImages(req)) {
    if (++count > limit) {
      throw invalidRequest(`A request may carry at most ${limit} remote image URLs; send fewer, or send the images as data: URLs.`, 'messages');
    }
  }
}

/**
 * The bytes one request's image downloads may still add. Every download of the request charges each chunk as it
 * arrives; the charge that crosses the limit aborts `signal`, which every download of the request listens to, so
 * the others stop too.
 */
export class ImageByteBudget {
  private spent = 0;
  private readonly controller = new AbortController();

  constructor(readonly limit: number) {}

  /** Aborted once the budget is exceeded or the request's downloads are abandoned. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Why the downloads stopped (the first refusal), or undefined while they may go on. */
  get failure(): unknown {
    return this.controller.signal.aborted ? (this.controller.signal.reason as unknown) : undefined;
  }

  /** Counts `bytes` more; past the limit, stops every download of the request and throws the client's 400. */
  charge(bytes: number): void {
    this.spent += bytes;
    if (this.spent <= this.limit) return;
    const error = new GatewayError(
      400,
      'invalid_request',
      `The request's remote images add up to more than ${this.limit} bytes (the limit per request).`,
      {
        param: 'messages',
      },
    );
    this.abandon(error);
    throw error;
  }

  /** Stops every download still running: the request has already failed. */
  abandon(reason: unknown): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }
}

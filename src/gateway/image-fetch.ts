/**
 * @module Downloads a client's remote image for providers that only take inline bytes (Gemini), without becoming
 * an SSRF tool: http(s) only, every address the name resolves to (and every redirect hop) checked against a
 * block list of private, loopback, link-local, metadata and other non-public ranges (IPv6 addresses also by the
 * IPv4 address they embed), a byte limit per image and a byte budget per request enforced while reading, an
 * `image/*` content type required, and a timeout. It also carries the per-request image bounds, so the route and
 * the inlining step read them from the one place the config put them.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { GatewayError } from '../core/gateway-error.js';
import { embeddedIPv4s } from './embedded-ipv4.js';
import { DEFAULT_IMAGE_BOUNDS, type ImageBounds, type ImageByteBudget } from './image-bounds.js';

/** Per-image limits and, from the config's `requests`, the per-request bounds (defaults: the config's defaults). */
export interface ImageFetchOptions extends Partial<ImageBounds> {
  /** Largest image accepted, in bytes. */
  maxBytes?: number;
  timeoutMs?: number;
  maxRedirects?: number;
  /** Addresses that may not be contacted; defaults to {@link nonPublicAddresses}. */
  blockList?: BlockList;
}

export interface FetchedImage {
  mimeType: string;
  base64: string;
}

/**
 * Every range that is not the public internet: RFC 1918, loopback, link-local (incl. cloud metadata), CGNAT, etc.
 * IPv6 adds unique-local, link- and site-local, and both NAT64 prefixes (the local-use one places the IPv4 where
 * its operator chose, so the whole /48 is refused); other IPv4-embedding ranges are judged by the address inside,
 * see {@link isBlockedAddress}. No rule may cover `::ffff:0:0/96`: BlockList checks every IPv4 address against IPv6
 * rules in its mapped form, so such a rule blocks all of IPv4.
 */
export function nonPublicAddresses(): BlockList {
  const list = new BlockList();
  const v4: Array<[string, number]> = [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.0.2.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
    ['224.0.0.0', 4],
    ['240.0.0.0', 4],
  ];
  for (const [net, prefix] of v4) list.addSubnet(net, prefix, 'ipv4');
  const v6: Array<[string, number]> = [
    ['::', 128],
    ['::1', 128],
    ['64:ff9b::', 96],
    ['64:ff9b:1::', 48],
    ['fc00::', 7],
    ['fe80::', 10],
    ['fec0::', 10],
    ['ff00::', 8],
    ['2001:db8::', 32],
  ];
  for (const [net, prefix] of v6) list.addSubnet(net, prefix, 'ipv6');
  return list;
}

/** Whether `list` blocks `address`, or (for IPv6) any IPv4 address it embeds (`[::127.0.0.1]`, 6to4, Teredo…). */
export function isBlockedAddress(list: BlockList, address: string, family: 4 | 6): boolean {
  if (family === 4) return list.check(address, 'ipv4');
  return list.check(address, 'ipv6') || embeddedIPv4s(address).some((v4) => list.check(v4, 'ipv4'));
}

function refused(message: string, param: string): GatewayError {
  return new GatewayError(400, 'invalid_request', message, { param });
}

/** Fetches images over a private undici Agent whose DNS lookup refuses blocked addresses. */
export class ImageFetcher {
  /** How many remote images one request may carry, download in all, and download at once. */
  readonly bounds: Readonly<ImageBounds>;
  private readonly maxBytes: number;
  private readonly timeoutMs: number;
  private readonly maxRedirects: number;
  private readonly blockList: BlockList;
  private readonly agent: Agent;

  constructor(options: ImageFetchOptions = {}) {
    this.bounds = {
      imageUrlsPerRequest: options.imageUrlsPerRequest ?? DEFAULT_IMAGE_BOUNDS.imageUrlsPerRequest,
      imageBytesPerRequest: options.imageBytesPerRequest ?? DEFAULT_IMAGE_BOUNDS.imageBytesPerRequest,
      imageFetchConcurrency: options.imageFetchConcurrency ?? DEFAULT_IMAGE_BOUNDS.imageFetchConcurrency,
    };
    this.maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxRedirects = options.maxRedirects ?? 3;
    this.blockList = options.blockList ?? nonPublicAddresses();
    this.agent = new Agent({ connect: { lookup: this.safeLookup, timeout: this.timeoutMs }, keepAliveTimeout: 1000 });
  }

  /**
   * Downloads `url`; every refusal is a 400 naming `param`. With a `budget`, each chunk is charged to it as it
   * arrives (over budget: a 400 naming `messages`), and the download stops when the budget's signal aborts.
   */
  async fetch(url: string, param: string, budget?: ImageByteBudget): Promise<FetchedImage> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const deadline = budget === undefined ? timeout : AbortSignal.any([timeout, budget.signal]);
    let current = url;
    for (let hop = 0; hop <= this.maxRedirects; hop++) {
      const target = this.checkUrl(current, param);
      let response: Dispatcher.ResponseData;
      try {
        response = await this.agent.request({ origin: target.origin, path: target.pathname + target.search, method: 'GET', signal: deadline });
      } catch (error) {
        throw refused(`Could not download the image: ${blockedMessage(error) ?? 'the server is unreachable or too slow'}.`, param);
      }
      if (response.statusCode >= 300 && response.statusCode < 400) {
        discard(response.body);
        const location = response.headers.location;
        if (typeof location !== 'string') throw refused('The image URL redirected without a location.', param);
        current = new URL(location, target).toString();
        continue;
      }
      if (response.statusCode !== 200) {
        discard(response.body);
        throw refused(`Could not download the image: the server answered ${response.statusCode}.`, param);
      }
      const mimeType =
        String(response.headers['content-type'] ?? '')
          .split(';')[0]
          ?.trim()
          .toLowerCase() ?? '';
      if (!mimeType.startsWith('image/')) {
        discard(response.body);
        throw refused(`The URL is not an image (content type "${mimeType || 'none'}").`, param);
      }
      return { mimeType, base64: await this.readLimited(response.body, param, budget) };
    }
    throw refused(`The image URL redirected more than ${this.maxRedirects} times.`, param);
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private checkUrl(raw: string, param: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw refused('The image URL is not a valid URL.', param);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refused('Image URLs must use http or https.', param);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const family = isIP(host);
    if (family !== 0 && isBlockedAddress(this.blockList, host, family === 6 ? 6 : 4)) {
      throw refused('The image URL points to a private or reserved address.', param);
    }
    return url;
  }

  /** The body as base64, refused past the per-image limit or the request's budget, and when the read fails. */
  private async readLimited(body: AsyncIterable<Buffer>, param: string, budget: ImageByteBudget | undefined): Promise<string> {
    const parts: Buffer[] = [];
    let size = 0;
    try {
      for await (const part of body) {
        size += part.length;
        if (size > this.maxBytes) break;
        budget?.charge(part.length);
        parts.push(part);
      }
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      throw refused('Could not download the image: the transfer failed or was too slow.', param);
    }
    if (size > this.maxBytes) throw refused(`The image is larger than ${this.maxBytes} bytes.`, param);
    return Buffer.concat(parts).toString('base64');
  }

  /** A dns.lookup that fails when any resolved address is blocked, so a name cannot smuggle in a private IP. */
  private readonly safeLookup = (
    hostname: string,
    options: object,
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const blocked = addresses.find((a) => isBlockedAddress(this.blockList, a.address, a.family === 6 ? 6 : 4));
      if (blocked !== undefined) {
        const refusal: NodeJS.ErrnoException = new Error(`BLOCKED_ADDRESS ${hostname}`);
        refusal.code = 'EBLOCKED';
        return callback(refusal, []);
      }
      const all = (options as { all?: boolean }).all === true;
      const first = addresses[0];
      if (all || first === undefined) return callback(null, addresses);
      return callback(null, first.address, first.family);
    });
  };
}

/** Drops a response body we will not read, without an unhandled stream error. */
function discard(body: { dump(): Promise<void> }): void {
  body.dump().catch(() => undefined);
}

function blockedMessage(error: unknown): string | undefined {
  let current: unknown = error;
  while (current instanceof Error) {
    if ((current as NodeJS.ErrnoException).code === 'EBLOCKED') return 'the host resolves to a private or reserved address';
    current = current.cause;
  }
  return undefined;
}

/**
 * @module The IPv4 addresses an IPv6 address carries inside it. Several IPv6 ranges exist to reach IPv4 hosts
 * (IPv4-compatible, IPv4-mapped, SIIT-translated, NAT64, 6to4, Teredo); an IPv6 block list that does not look
 * inside them lets `http://[::127.0.0.1]/` or `http://[2002:7f00:1::]/` through to loopback (issue 14, finding 5).
 * The SSRF check tests each address found here against the IPv4 block list as well.
 * @see https://www.rfc-editor.org/rfc/rfc4291#section-2.5.5 (IPv4-compatible `::/96`, IPv4-mapped `::ffff:0:0/96`)
 * @see https://www.rfc-editor.org/rfc/rfc2765#section-2.1 (IPv4-translated `::ffff:0:0:0/96`)
 * @see https://www.rfc-editor.org/rfc/rfc6052#section-2.2 (NAT64 `64:ff9b::/96`), RFC 8215 (`64:ff9b:1::/48`)
 * @see https://www.rfc-editor.org/rfc/rfc3056#section-2 (6to4 `2002::/16`)
 * @see https://www.rfc-editor.org/rfc/rfc4380#section-4 (Teredo `2001::/32`: server, then the client XOR'd)
 */
import { isIP } from 'node:net';

/** The eight 16-bit groups of an IPv6 address (zone id ignored), or undefined when it is not one. */
export function ipv6Groups(address: string): number[] | undefined {
  let text = address.split('%')[0] ?? '';
  if (isIP(text) !== 6) return undefined;
  let dotted: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number);
    dotted = [(a << 8) | b, (c << 8) | d];
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head = '', rest] = text.split('::');
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)));
  const before = parse(head);
  const after = rest === undefined ? [] : parse(rest);
  const groups = [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after];
  if (dotted.length === 2) groups.splice(6, 2, ...dotted);
  return groups;
}

/** Dotted IPv4 from two 16-bit groups. */
function ipv4(high: number, low: number): string {
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/**
 * Every IPv4 address `address` embeds: the last 32 bits of the IPv4-compatible, -mapped, -translated and NAT64
 * forms, bits 16–48 of 6to4, the server and the (inverted) client of Teredo. Empty for any other address.
 */
export function embeddedIPv4s(address: string): string[] {
  const groups = ipv6Groups(address);
  if (groups === undefined) return [];
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const last = ipv4(g6, g7);
  const zeroUpTo64 = (g0 | g1 | g2 | g3) === 0;
  if (zeroUpTo64 && g4 === 0 && (g5 === 0 || g5 === 0xffff)) return [last]; // ::a.b.c.d, ::ffff:a.b.c.d
  if (zeroUpTo64 && g4 === 0xffff && g5 === 0) return [last]; // ::ffff:0:a.b.c.d
  if (g0 === 0x64 && g1 === 0xff9b && (g2 === 1 || (g2 | g3 | g4 | g5) === 0)) return [last]; // 64:ff9b::/96, 64:ff9b:1::/48
  if (g0 === 0x2002) return [ipv4(g1, g2)];
  if (g0 === 0x2001 && g1 === 0) return [ipv4(g2, g3), ipv4(g6 ^ 0xffff, g7 ^ 0xffff)];
  return [];
}

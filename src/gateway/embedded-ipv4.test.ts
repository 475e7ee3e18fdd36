import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { embeddedIPv4s, ipv6Groups } from './embedded-ipv4.js';

describe('ipv6Groups', () => {
  it('expands `::`, a trailing dotted quad and a zone id into eight groups', () => {
    assert.deepEqual(ipv6Groups('::127.0.0.1'), [0, 0, 0, 0, 0, 0, 0x7f00, 1]);
    assert.deepEqual(ipv6Groups('2002:7f00:1::'), [0x2002, 0x7f00, 1, 0, 0, 0, 0, 0]);
    assert.deepEqual(ipv6Groups('1:2:3:4:5:6:7:8'), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(ipv6Groups('fe80::1%eth0'), [0xfe80, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('is undefined for anything that is not an IPv6 address', () => {
    assert.equal(ipv6Groups('127.0.0.1'), undefined);
    assert.equal(ipv6Groups('example.com'), undefined);
    assert.equal(ipv6Groups('1::2::3'), undefined);
  });
});

describe('embeddedIPv4s', () => {
  for (const [form, address, expected] of [
    ['IPv4-compatible, dotted', '::127.0.0.1', ['127.0.0.1']],
    ['IPv4-compatible, hex (as URL parsing writes it)', '::7f00:1', ['127.0.0.1']],
    ['IPv4-mapped, hex', '::ffff:7f00:1', ['127.0.0.1']],
    ['IPv4-mapped, dotted', '::ffff:10.1.2.3', ['10.1.2.3']],
    ['IPv4-translated (SIIT)', '::ffff:0:a9fe:a9fe', ['169.254.169.254']],
    ['NAT64 well-known prefix', '64:ff9b::7f00:1', ['127.0.0.1']],
    ['NAT64 local-use prefix', '64:ff9b:1::a00:1', ['10.0.0.1']],
    ['6to4', '2002:7f00:1::', ['127.0.0.1']],
    ['6to4 with a host part', '2002:c0a8:101:1::5', ['192.168.1.1']],
    // Teredo: server 65.54.227.120, client 127.0.0.1 stored inverted (0x80ff 0xfffe).
    ['Teredo (server and client)', '2001:0:4136:e378:8000:63bf:80ff:fffe', ['65.54.227.120', '127.0.0.1']],
  ] as const) {
    it(`finds the IPv4 inside ${form}`, () => {
      assert.deepEqual(embeddedIPv4s(address), expected);
    });
  }

  it('finds nothing in ordinary IPv6 addresses or in IPv4', () => {
    for (const address of ['2606:4700:4700::1111', 'fec0::1', 'fe80::1', '2001:db8::1', '64:ff9b:2::1', '8.8.8.8']) {
      assert.deepEqual(embeddedIPv4s(address), [], address);
    }
  });
});

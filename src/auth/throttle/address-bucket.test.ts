import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressBucket } from './address-bucket.js';

describe('addressBucket', () => {
  it('keeps IPv4 addresses, also when mapped into IPv6', () => {
    assert.equal(addressBucket('203.0.113.7'), '203.0.113.7');
    assert.equal(addressBucket('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(addressBucket('::FFFF:127.0.0.1'), '127.0.0.1');
  });

  it('counts IPv6 addresses by their /64, however they are written', () => {
    assert.equal(addressBucket('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
    assert.equal(addressBucket('2001:0db8:0001:0002:ffff::1'), '2001:db8:1:2::/64');
    assert.equal(addressBucket('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(addressBucket('2001:db8::'), '2001:db8:0:0::/64');
    assert.equal(addressBucket('::1'), '0:0:0:0::/64');
    assert.equal(addressBucket('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.equal(addressBucket('64:ff9b::192.0.2.1'), '64:ff9b:0:0::/64');
  });

  it('leaves anything that is not an IP address as it is', () => {
    assert.equal(addressBucket('ip'), 'ip');
    assert.equal(addressBucket(''), '');
  });
});

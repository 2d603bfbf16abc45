import { describe, expect, it } from 'vitest';
import { addressBucketOf } from './client-address.js';

describe('addressBucketOf', () => {
  it('keeps IPv4 addresses whole', () => {
    expect(addressBucketOf('203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts IPv4-mapped IPv6 as the IPv4 address', () => {
    expect(addressBucketOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressBucketOf('::FFFF:127.0.0.1')).toBe('127.0.0.1');
  });

  it('buckets IPv6 by its /64, however it is written', () => {
    const bucket = addressBucketOf('2001:db8:1:2:aaaa:bbbb:cccc:dddd');
    expect(bucket).toBe('2001:db8:1:2::/64');
    expect(addressBucketOf('2001:0db8:0001:0002::1')).toBe(bucket);
    expect(addressBucketOf('2001:db8:1:2::ffff:1.2.3.4')).toBe(bucket);
    expect(addressBucketOf('2001:db8:1:2::1%eth0')).toBe(bucket);
    expect(addressBucketOf('2001:db8:1:3::1')).not.toBe(bucket);
    expect(addressBucketOf('::1')).toBe('0:0:0:0::/64');
    expect(addressBucketOf('fe80::1')).toBe('fe80:0:0:0::/64');
  });
});

import { describe, expect, it } from 'vitest';
import { createVerifiedTokens } from './verified-tokens.js';

describe('createVerifiedTokens', () => {
  it('serves a remembered token only while it is within its time', () => {
    const tokens = createVerifiedTokens();
    tokens.remember('t', { exp: 200, nbf: 100 });
    expect(tokens.get('t', 99)).toBeUndefined();
    tokens.remember('t', { exp: 200, nbf: 100 });
    expect(tokens.get('t', 150)).toEqual({ exp: 200, nbf: 100 });
    expect(tokens.get('t', 200)).toBeUndefined();
    expect(tokens.get('t', 150)).toBeUndefined();
  });

  it('serves no token without an expiry and forgets the oldest past its limit', () => {
    const tokens = createVerifiedTokens();
    tokens.remember('no-exp', {});
    expect(tokens.get('no-exp', 0)).toBeUndefined();
    for (let i = 0; i <= 1_000; i++) tokens.remember(`t${i}`, { exp: 10 });
    expect(tokens.get('t0', 1)).toBeUndefined();
    expect(tokens.get('t1', 1)).toEqual({ exp: 10 });
    expect(tokens.get('t1000', 1)).toEqual({ exp: 10 });
  });
});

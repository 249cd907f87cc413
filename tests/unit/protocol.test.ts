import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_MESSAGES, JOIN_CODE_ALPHABET, JoinCode, PresenterRedeem, RoomJoin, SlideSet, normalizeJoinCode } from '../../server/protocol';

describe('protocol schemas', () => {
  it('accepts every in-range position and refuses anything with a non-integer or out-of-range field', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.nat(10_000), fc.integer({ min: -1, max: 10_000 }), (h, v, f) => {
        expect(SlideSet.safeParse({ h, v, f }).success).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.oneof(fc.double({ noInteger: true }), fc.integer({ max: -2 }), fc.string(), fc.constant(null)), (bad) => {
        expect(SlideSet.safeParse({ h: 0, v: 0, f: bad }).success).toBe(false);
      }),
    );
  });

  it('refuses unknown fields rather than passing them through', () => {
    expect(SlideSet.safeParse({ h: 0, v: 0, f: -1, role: 'presenter' }).success).toBe(false);
    expect(RoomJoin.safeParse({ code: 'ABCDEF', role: 'presenter' }).success).toBe(false);
  });

  it('takes only join codes drawn from the look-alike-free alphabet', () => {
    expect(JOIN_CODE_ALPHABET).not.toMatch(/[01OIL]/);
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...JOIN_CODE_ALPHABET), minLength: 6, maxLength: 6 }), (code) => {
        expect(JoinCode.safeParse(code).success).toBe(true);
      }),
    );
    for (const bad of ['ABCDE', 'ABCDEFG', 'ABCDE0', 'abcdef', 'ABCDEI']) expect(JoinCode.safeParse(bad).success).toBe(false);
  });

  it('normalises what a student types into a code', () => {
    expect(normalizeJoinCode(' abc-def ')).toBe('ABCDEF');
  });

  it('bounds secrets and tokens', () => {
    expect(RoomJoin.safeParse({ code: 'ABCDEF', presenterSecret: 'short' }).success).toBe(false);
    expect(PresenterRedeem.safeParse({ code: 'ABCDEF', token: 'x'.repeat(129) }).success).toBe(false);
  });

  it('has a message for every error code', () => {
    for (const code of ERROR_CODES) expect(ERROR_MESSAGES[code]).toMatch(/\w/);
  });
});

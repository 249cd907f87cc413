import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_MESSAGES, JOIN_CODE_ALPHABET, JoinCode, PresenterRedeem, RoomJoin, SHEET_LIMITS, SheetSync, SlideSet, TeamRename, normalizeJoinCode, plainText } from '../../server/protocol';
import { decodeFirstSlide, encodeFirstSlide, markShownFragments } from '../../server/protocol/first-slide';

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
    expect(normalizeJoinCode('ab c\tde-f')).toBe('ABCDEF');
  });

  it('takes a sheet message of 1 byte to 16 KB, as bytes only', () => {
    const sync = (message: unknown) => SheetSync.safeParse({ predictionId: 'predict-0123456789', message }).success;
    expect(sync(new Uint8Array(1))).toBe(true);
    expect(sync(new Uint8Array(SHEET_LIMITS.messageBytes))).toBe(true);
    expect(sync(new Uint8Array(SHEET_LIMITS.messageBytes).buffer)).toBe(true);
    expect(sync(new Uint8Array(0))).toBe(false);
    expect(sync(new Uint8Array(SHEET_LIMITS.messageBytes + 1))).toBe(false);
    // A number would make that many zero bytes if it were taken for a length.
    for (const notBytes of [5, '12345', [1, 2, 3], { length: 3 }]) expect(sync(notBytes)).toBe(false);
  });

  it('takes a team name with up to two accents on a letter', () => {
    expect(TeamRename.safeParse({ name: 'Zoe\u0301' }).success).toBe(true);
    expect(TeamRename.safeParse({ name: 'Zoe\u0301\u0300' }).success).toBe(true);
    expect(TeamRename.safeParse({ name: 'Zoe\u0301\u0300\u0302' }).success).toBe(false);
  });

  it('collapses each run of white space a person typed into one space', () => {
    expect(plainText('a   b\t\t c')).toBe('a b c');
  });

  it('marks shown fragments past the ninth, and reads back only the first slide it wrote', () => {
    const html = '<p data-fragment-index="2">a</p><p data-fragment-index="12">b</p><p data-fragment-index="13">c</p>';
    expect(markShownFragments(html, 12)).toBe('<p data-fragment-index="2" data-shown>a</p><p data-fragment-index="12" data-shown>b</p><p data-fragment-index="13">c</p>');
    const first = { html: '<p>x</p>', h: 1, v: 0, f: 2 };
    expect(decodeFirstSlide(encodeFirstSlide(first as never))).toEqual(first);
    for (const none of [undefined, null, '', 'not json']) expect(decodeFirstSlide(none)).toBeUndefined();
  });

  it('bounds secrets and tokens', () => {
    expect(RoomJoin.safeParse({ code: 'ABCDEF', presenterSecret: 'short' }).success).toBe(false);
    expect(PresenterRedeem.safeParse({ code: 'ABCDEF', token: 'x'.repeat(129) }).success).toBe(false);
  });

  it('has a message for every error code', () => {
    for (const code of ERROR_CODES) expect(ERROR_MESSAGES[code]).toMatch(/\w/);
  });
});

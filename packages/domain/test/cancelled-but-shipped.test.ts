import { describe, expect, it } from 'vitest';
import { readAcknowledgement } from '../src/cancelled-but-shipped.ts';

describe("reading the customer's acknowledgement from a reply", () => {
  it.each([
    ['I accept', 'ACCEPTED'],
    ['  yes!  \n\nThanks, keep it coming', 'ACCEPTED'],
    ['I ACCEPT the item and the new charge.', 'ACCEPTED'],
    ['I refuse', 'REFUSED'],
    ['No.', 'REFUSED'],
    ["I don't accept this", 'REFUSED'],
    ['I do not accept', 'REFUSED'],
  ])('the first line %j decides: %s', (text, decision) => {
    expect(readAcknowledgement(text).decision).toBe(decision);
  });

  it.each([['Not sure, can you call me?'], ['Nobody told me'], [''], ['Yesterday it arrived']])(
    'anything else (%j) is undecided: support must read it',
    (text) => {
      expect(readAcknowledgement(text).decision).toBe('UNDECIDED');
    },
  );

  it("only reads the customer's own words, never the quoted email", () => {
    const reply = '\n> Reply "I accept" or "I refuse"\n\nNo thanks\n\nOn Sat, 21 Nov 2026 CancelFlow wrote:\n> I accept';
    expect(readAcknowledgement(reply)).toEqual({ decision: 'REFUSED', words: 'No thanks' });
    expect(readAcknowledgement('On Monday Ada wrote:\n> yes').decision).toBe('UNDECIDED');
  });
});

import { describe, expect, it } from 'vitest';
import { judgeReply, normaliseAddress, type ReplyEvidence } from '../src/inbound-reply.ts';

const genuine: ReplyEvidence = {
  from: ['ada@example.com'],
  repliesTo: { sentTo: 'Ada@Example.com', unguessableMessageId: true },
  authentication: { verdict: 'NONE' },
};

describe("when a reply is the customer's word", () => {
  it('counts a reply from the recipient that threads to our random Message-ID', () => {
    expect(judgeReply(genuine)).toEqual({ status: 'COUNTED' });
    expect(judgeReply({ ...genuine, authentication: { verdict: 'PASS', passed: ['dmarc=pass'] } })).toEqual({ status: 'COUNTED' });
  });

  it('another sender, even with the real Message-ID, is for support to judge', () => {
    const judged = judgeReply({ ...genuine, from: ['attacker@evil.test'] });
    expect(judged.status).toBe('UNDECIDED');
    expect(judged.status === 'UNDECIDED' && judged.reasons.join(' ')).toMatch(/comes from attacker@evil\.test, not from ada@example\.com/);
  });

  it('a reply that threads to none of our emails, or to one with a computable id, does not count', () => {
    const { repliesTo: _, ...unthreaded } = genuine;
    expect(judgeReply(unthreaded)).toMatchObject({
      status: 'UNDECIDED',
      reasons: [expect.stringMatching(/does not thread to an email CancelFlow sent/)],
    });
    expect(judgeReply({ ...genuine, repliesTo: { sentTo: 'ada@example.com', unguessableMessageId: false } })).toMatchObject({
      status: 'UNDECIDED',
      reasons: [expect.stringMatching(/anyone could have computed/)],
    });
  });

  it("the relay's failing verdict, or a missing verdict of the trusted relay, keeps it from counting", () => {
    expect(judgeReply({ ...genuine, authentication: { verdict: 'FAIL', failed: ['dmarc=fail'] } })).toMatchObject({
      status: 'UNDECIDED',
      reasons: [expect.stringMatching(/found the sender forged \(dmarc=fail\)/)],
    });
    expect(judgeReply({ ...genuine, authentication: { verdict: 'MISSING', authservId: 'mx.shop.example' } })).toMatchObject({
      status: 'UNDECIDED',
      reasons: [expect.stringMatching(/no Authentication-Results of our relay mx\.shop\.example/)],
    });
  });

  it('no sender, or several, does not count', () => {
    expect(judgeReply({ ...genuine, from: [] }).status).toBe('UNDECIDED');
    expect(judgeReply({ ...genuine, from: ['ada@example.com', 'attacker@evil.test'] })).toMatchObject({
      status: 'UNDECIDED',
      reasons: [expect.stringMatching(/2 senders/)],
    });
  });

  it('names every reason at once', () => {
    const judged = judgeReply({ from: ['x@evil.test'], authentication: { verdict: 'FAIL', failed: ['spf=fail'] } });
    expect(judged.status === 'UNDECIDED' && judged.reasons).toHaveLength(2);
  });
});

describe('addresses as compared', () => {
  it('ignores case, brackets, space and the spelling of an international domain', () => {
    expect(normaliseAddress(' <Ada.Lovelace@Example.COM> ')).toBe('ada.lovelace@example.com');
    expect(normaliseAddress('jörg@müller.example')).toBe(normaliseAddress('JÖRG@xn--mller-kva.example'));
    expect(normaliseAddress('ada@example.com.')).toBe('ada@example.com');
  });

  it('keeps what can name another mailbox: sub-addresses and dots', () => {
    expect(normaliseAddress('ada+shop@example.com')).not.toBe(normaliseAddress('ada@example.com'));
    expect(normaliseAddress('a.da@example.com')).not.toBe(normaliseAddress('ada@example.com'));
  });
});

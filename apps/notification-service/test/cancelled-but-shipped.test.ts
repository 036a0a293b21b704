import { describe, expect, it } from 'vitest';
import { ValidationError } from '@cancelflow/domain';
import { renderEmail } from '../src/templates/index.ts';

const data = {
  orderNo: 'WS-1001',
  customerName: 'Ada Lovelace',
  carrier: 'DHL Express',
  trackingNumber: 'JJD000390007',
  amount: 2500,
  currency: 'EUR',
  lines: '2 x MUG-BLUE',
};

describe('the cancelled-but-shipped emails', () => {
  it.each(['CANCELLED_BUT_SHIPPED', 'CANCELLED_BUT_SHIPPED_REMINDER'] as const)(
    '%s names carrier, tracking number and the rebill in plain text and carries no link at all',
    (template) => {
      expect(() => renderEmail(template, { ...data, trackingNumber: 'https://track.example/JJD1' })).toThrow(/no links/);
      const plain = renderEmail(template, data);
      for (const body of [plain.text, plain.html, plain.subject]) {
        expect(body).not.toMatch(/https?:\/\//i);
        expect(body).not.toMatch(/<a[\s>]/i);
      }
      expect(plain.text).toContain('Carrier: DHL Express');
      expect(plain.text).toContain('Tracking number: JJD000390007');
      expect(plain.text).toMatch(/I accept/);
      expect(plain.text).toMatch(/I refuse/);
      expect(plain.text).toMatch(/25[.,]00/);
    },
  );

  it.each(['REFUSED', 'NO_ANSWER'] as const)(
    'after %s the return email asks for the item back, says nothing is rebilled, escapes the HTML and carries no link',
    (reason) => {
      const returned = {
        orderNo: 'WS-1001',
        customerName: 'Ada <Lovelace>',
        carrier: 'DHL Express',
        trackingNumber: 'JJD000390007',
        lines: '2 x MUG-BLUE',
        reason,
      };
      expect(() => renderEmail('CANCELLED_BUT_SHIPPED_RETURN', { ...returned, trackingNumber: 'www.track.example' })).toThrow(/no links/);
      expect(() => renderEmail('CANCELLED_BUT_SHIPPED_RETURN', { ...returned, reason: 'MAYBE' })).toThrow(/reason must be REFUSED/);
      const email = renderEmail('CANCELLED_BUT_SHIPPED_RETURN', returned);
      for (const body of [email.text, email.html, email.subject]) {
        expect(body).not.toMatch(/https?:\/\//i);
        expect(body).not.toMatch(/<a[\s>]/i);
      }
      expect(email.text).toMatch(/Please return the item/);
      expect(email.text).toMatch(/nothing will be rebilled/);
      expect(email.text).toContain('2 x MUG-BLUE');
      expect(email.text).toMatch(reason === 'REFUSED' ? /Thank you for your answer/ : /did not hear from you/);
      expect(email.html).toContain('Ada &lt;Lovelace&gt;');
      expect(email.html).not.toContain('<Lovelace>');
    },
  );

  it('the return email does not ask for an item that already came back', () => {
    const email = renderEmail('CANCELLED_BUT_SHIPPED_RETURN', {
      orderNo: 'WS-1001',
      carrier: 'DHL',
      trackingNumber: 'JJD1',
      lines: '2 x MUG-BLUE',
      reason: 'NO_ANSWER',
      alreadyReturned: true,
    });
    expect(email.text).toMatch(/already come back/);
    expect(email.text).not.toMatch(/Please return the item/);
    expect(email.text).toMatch(/Nothing will be rebilled/);
  });

  it('says which data is missing', () => {
    expect(() => renderEmail('CANCELLED_BUT_SHIPPED', { ...data, trackingNumber: '' })).toThrow(ValidationError);
    expect(() => renderEmail('CANCELLED_BUT_SHIPPED', { ...data, carrier: undefined })).toThrow(/carrier is required/);
  });

  it('the forwarded thread carries every message in order', () => {
    const email = renderEmail('EMAIL_THREAD_FORWARD', {
      subject: 'Acknowledged: order WS-1001',
      note: 'The customer accepted by replying.',
      thread: '----- Message 1 of 2 -----\nours\n----- Message 2 of 2 -----\nI accept',
      messageCount: 2,
    });
    expect(email.subject).toBe('Fwd: Acknowledged: order WS-1001');
    expect(email.text).toMatch(/Message 1 of 2[\s\S]*Message 2 of 2[\s\S]*I accept/);
  });
});

import { describe, expect, it } from 'vitest';
import { ValidationError } from '@cancelflow/domain';
import { renderEmail } from '../src/templates/index.ts';
import { confirmationData } from './helpers.ts';

describe('CANCELLATION_CONFIRMED', () => {
  it('tells the customer what was cancelled and the refund, formatted, and how it comes back', () => {
    const email = renderEmail(
      'CANCELLATION_CONFIRMED',
      confirmationData({ amount: 123456, currency: 'JPY', refundMethod: 'BANK_DEPOSIT' }),
    );
    expect(email.subject).toBe('Your order WEB-10042 has been cancelled');
    expect(email.text).toContain('2 x Espresso cups (SKU CUP-2)');
    expect(email.text).toContain('We have refunded 123456 JPY.');
    expect(email.text).toContain('bank transfer');
    expect(email.html).toContain('<strong>123456 JPY</strong>');
  });

  it('says no refund was due when nothing was charged for what was cancelled', () => {
    for (const data of [confirmationData({ amount: 0 }), confirmationData({ refundMethod: 'NONE' })]) {
      const email = renderEmail('CANCELLATION_CONFIRMED', data);
      expect(email.text).toContain('No refund was due');
      expect(email.text).not.toContain('We have refunded');
    }
  });

  it('escapes the customer name and the lines in HTML, and keeps them as they are in the text', () => {
    const email = renderEmail(
      'CANCELLATION_CONFIRMED',
      confirmationData({ customerName: `O'Brien <b>&</b>`, lines: '1 x <script>alert(1)</script>' }),
    );
    expect(email.html).toContain('Dear O&#39;Brien &lt;b&gt;&amp;&lt;/b&gt;,');
    expect(email.html).toContain('1 x &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('<b>');
    expect(email.text).toContain(`Dear O'Brien <b>&</b>,`);
  });

  it('greets "Dear customer" when the name is not known', () => {
    expect(renderEmail('CANCELLATION_CONFIRMED', confirmationData({ customerName: null })).text).toMatch(/^Dear customer,/);
  });

  it('refuses data that misses the order number or carries money as a decimal, naming each field', () => {
    const error = (() => {
      try {
        renderEmail('CANCELLATION_CONFIRMED', confirmationData({ orderNo: '', amount: 45.98, refundMethod: 'CASH' }));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    const details = (error as ValidationError).details.map((d) => d.path);
    expect(details).toEqual(expect.arrayContaining(['orderNo', 'amount', 'refundMethod']));
  });
});

describe('REFUND_FAILED_SUPPORT', () => {
  it('tells support which cancellation, why the refund failed and how to retry it', () => {
    const data = confirmationData({ cancellationId: 'can-123', failureReason: 'card_declined: <expired>' });
    const email = renderEmail('REFUND_FAILED_SUPPORT', data);
    expect(email.subject).toBe('Refund failed: cancellation can-123 of order WEB-10042');
    expect(email.text).toContain('Why it failed: card_declined: <expired>');
    expect(email.text).toContain('Refund: 45.98 EUR (ORIGINAL_PAYMENT)');
    expect(email.text).toContain('Retry the refund from the console');
    expect(email.text).toContain('POST /cancellations/can-123/retry-refund');
    expect(email.html).toContain('card_declined: &lt;expired&gt;');
    expect(email.html).toContain('<code>POST /cancellations/can-123/retry-refund</code>');
  });

  it('says the provider gave no reason when there is none', () => {
    const email = renderEmail('REFUND_FAILED_SUPPORT', confirmationData({ failureReason: null }));
    expect(email.text).toContain('Why it failed: the payment provider gave no reason');
  });

  it('refuses data without the cancellation id support needs to retry', () => {
    expect(() => renderEmail('REFUND_FAILED_SUPPORT', confirmationData({ cancellationId: null }))).toThrow(/cancellationId/);
  });
});

describe('ORDER_CONFIRMATION', () => {
  const data = {
    orderNo: 'WS-1001',
    customerName: 'Ada',
    lines: '2 x MUG',
    viewOrderUrl: 'https://shop.example/self-service?token=t',
    expiresAt: '2026-12-30T00:00:00.000Z',
  };

  it('offers to cancel on the linked page where the customer may cancel there', () => {
    const email = renderEmail('ORDER_CONFIRMATION', data);
    expect(email.text).toMatch(/cancel it while that is still possible/);
  });

  it('offers no cancelling when the shop turned self-service off: the link only shows the order', () => {
    const email = renderEmail('ORDER_CONFIRMATION', { ...data, canCancel: false });
    for (const body of [email.text, email.html]) {
      expect(body).toContain('View');
      expect(body).not.toMatch(/cancel it while/);
      expect(body).toMatch(/contact the shop/);
    }
  });
});

describe('CANCELLATION_REQUEST_REJECTED', () => {
  it('tells the customer, whose goods are still in the warehouse, that the order will arrive and how to return it then', () => {
    const email = renderEmail('CANCELLATION_REQUEST_REJECTED', {
      requestId: 'a7c2e0f4-1111-4222-8333-944455556666',
      orderNo: 'WEB-10042',
      customerName: 'Ada',
      lines: '1 x Mug (SKU MUG)',
      rejectionReason: 'already packed',
    });
    expect(email.subject).toBe('Your cancellation request for order WEB-10042 could not be accepted');
    expect(email.text).toContain("The shop's reason: already packed");
    expect(email.text).toContain('Your order will be shipped and arrive as usual.');
    expect(email.text).toContain('If you no longer want 1 x Mug (SKU MUG) when they arrive, you can return them');
    expect(email.text).toContain('A return is refunded when the items are back.');
  });
});

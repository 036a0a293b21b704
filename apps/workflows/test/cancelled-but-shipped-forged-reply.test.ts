import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystem, type RunningSystem } from '@cancelflow/system';
import {
  cancelledButShipped,
  customerEmail,
  emailsOf,
  hasStep,
  orderWithCancelledLine,
  rebillsOf,
  replyByEmail,
  shipCancelledMugs,
  untilCancelledButShipped,
  type EmailBody,
} from './cancelled-but-shipped-helpers.ts';

let system: RunningSystem;

beforeAll(async () => {
  system = await startSystem({ env: { CANCELLED_BUT_SHIPPED_REMINDER_INTERVAL: '1h', CANCELLED_BUT_SHIPPED_DEADLINE: '1d' } });
});

afterAll(async () => {
  await system?.close();
});

interface ReplyBody {
  status: 'COUNTED' | 'UNDECIDED';
  reasons: string[];
  from: string;
  messageId: string;
  orderId: string | null;
}

/** Mail as an attacker sends it: straight to CancelFlow's SMTP server, any headers it likes. */
async function mail(message: {
  from: string;
  to: string;
  inReplyTo?: string;
  text: string;
  headers?: Record<string, string>;
}): Promise<string> {
  const client = nodemailer.createTransport({ host: system.smtp.host, port: system.smtp.port, ignoreTLS: true });
  try {
    const info = await client.sendMail({
      from: message.from,
      to: message.to,
      subject: 'Re: your order',
      text: message.text,
      ...(message.inReplyTo ? { inReplyTo: message.inReplyTo, references: [message.inReplyTo] } : {}),
      ...(message.headers ? { headers: message.headers } : {}),
    });
    return info.messageId;
  } finally {
    client.close();
  }
}

/** The Message-ID the cancelled-but-shipped process's email had when ids were computed from its key: what an attacker would guess. */
function computedMessageId(cancelledButShippedId: string): string {
  const key = `cancelled-but-shipped:${cancelledButShippedId}`;
  return `<${key.replace(/[^A-Za-z0-9._+=-]/g, '-')}.${createHash('sha256').update(key).digest('hex').slice(0, 12)}@cancelflow.local>`;
}

const undecidedOf = async (orderId: string) =>
  (await system.notifications.get<{ items: ReplyBody[] }>(`/replies?status=UNDECIDED&orderId=${orderId}`)).body.items;

async function awaitingAcknowledgement(): Promise<{ orderId: string; cancelledButShippedId: string; email: EmailBody }> {
  const order = await orderWithCancelledLine(system);
  const shipment = await shipCancelledMugs(system, order);
  const cancelledButShippedId = shipment.cancelledButShippedId!;
  const email = await customerEmail(system, order.id);
  await untilCancelledButShipped(
    system,
    cancelledButShippedId,
    (c) => hasStep('CUSTOMER_EMAILED')(c) && c.live?.phase === 'WAITING_FOR_ACKNOWLEDGEMENT',
    'waiting for the acknowledgement',
  );
  return { orderId: order.id, cancelledButShippedId, email };
}

describe('cancelled but shipped: a forged acknowledgement', () => {
  it("another sender, a guessed Message-ID or a failing relay verdict is never the customer's acknowledgement and nothing is rebilled; the customer's own reply still is", async () => {
    const { orderId, cancelledButShippedId, email } = await awaitingAcknowledgement();
    expect(email.replyTo).toBe('replies@cancelflow.local');
    expect(email.messageId).not.toBe(computedMessageId(cancelledButShippedId));

    const forged = [
      // Someone who saw the email (a forward, a shared mailbox) answers from their own address.
      await mail({
        from: 'attacker@evil.test',
        to: email.replyTo!,
        inReplyTo: email.messageId,
        text: 'I accept the item and the rebilling.',
      }),
      // The customer's address written in From, threaded to the id computed from the cancelled-but-shipped process id.
      await mail({
        from: email.to,
        to: email.replyTo!,
        inReplyTo: computedMessageId(cancelledButShippedId),
        text: 'I accept the item and the rebilling.',
      }),
      // Everything right but the relay found the From forged.
      await mail({
        from: email.to,
        to: email.replyTo!,
        inReplyTo: email.messageId,
        text: 'I accept the item and the rebilling.',
        headers: {
          'Authentication-Results': 'mx.cancelflow.example; spf=fail smtp.mailfrom=evil.test; dmarc=fail header.from=example.com',
        },
      }),
    ];
    // A recipient other than the reply address is refused in the SMTP conversation.
    for (const to of ['no-reply@cancelflow.local', 'seller-support@cancelflow.local']) {
      await expect(mail({ from: 'attacker@evil.test', to, inReplyTo: email.messageId, text: 'I accept.' })).rejects.toMatchObject({
        responseCode: 550,
      });
    }

    // Support sees each, under the order, with the reason it does not count.
    const undecided = await undecidedOf(orderId);
    expect(undecided.map((r) => r.messageId).sort()).toEqual([...forged].sort());
    const reasons = (messageId: string) => undecided.find((r) => r.messageId === messageId)!.reasons.join(' ');
    expect(reasons(forged[0]!)).toMatch(/comes from attacker@evil\.test/);
    expect(reasons(forged[1]!)).toMatch(/does not thread to an email CancelFlow sent/);
    expect(reasons(forged[2]!)).toMatch(/found the sender forged \(dmarc=fail\)/);

    // The cancelled-but-shipped process still waits for the customer: no acknowledgement, no rebill, no approval possible.
    const waiting = await cancelledButShipped(system, cancelledButShippedId);
    expect(waiting.status).toBe('AWAITING_ACKNOWLEDGEMENT');
    expect(waiting.acknowledgement).toBeUndefined();
    const approval = await system.orders.post(`/cancelled-but-shipped/${cancelledButShippedId}/rebill-approval`, { staffId: 'grace' });
    expect(approval.status).toBe(409);
    expect(await rebillsOf(system, cancelledButShippedId)).toEqual([]);

    // The customer's own reply, threaded to the real id, is the acknowledgement, and the first
    // the workflow took: the forged ones came earlier and were never handed to it.
    await replyByEmail(system, email, 'I accept, I will keep the mugs.');
    const acknowledged = await untilCancelledButShipped(
      system,
      cancelledButShippedId,
      (c) => c.status === 'AWAITING_REBILL_APPROVAL',
      'forwarded to seller support',
    );
    expect(acknowledged.acknowledgement).toMatchObject({
      accepted: true,
      via: 'EMAIL_REPLY',
      by: email.to,
      evidence: 'I accept, I will keep the mugs.',
    });
    expect(acknowledged.steps.filter((s) => s.step === 'REPLY_UNDECIDED')).toEqual([]);
    const counted = (await system.notifications.get<{ items: ReplyBody[] }>(`/replies?status=COUNTED&orderId=${orderId}`)).body.items;
    expect(counted.map((r) => r.from)).toEqual([email.to]);

    // Seller support gets the thread with the forged reply marked as not counted.
    const forward = (await emailsOf(system, orderId)).find((e) => e.template === 'EMAIL_THREAD_FORWARD')!;
    expect(forward.text).toMatch(/From: attacker@evil\.test[\s\S]*NOT counted as the customer's reply: it comes from attacker@evil\.test/);
  });

  it("support reads an undecided reply and records the customer's answer through the support route", async () => {
    const { orderId, cancelledButShippedId, email } = await awaitingAcknowledgement();
    // The customer answers from another address of theirs: not provably them.
    const other = `other.${email.to}`;
    await mail({ from: other, to: email.replyTo!, inReplyTo: email.messageId, text: 'I accept, this is my work address.' });
    const [reply] = await undecidedOf(orderId);
    expect(reply).toMatchObject({ from: other, status: 'UNDECIDED' });
    expect((await cancelledButShipped(system, cancelledButShippedId)).acknowledgement).toBeUndefined();

    const recorded = await system.orders.post(`/cancelled-but-shipped/${cancelledButShippedId}/acknowledgement`, {
      staffId: 'grace',
      accepted: true,
      evidence: `Email from ${other}, confirmed by phone: "I accept, this is my work address."`,
    });
    expect(recorded.status).toBe(202);
    const acknowledged = await untilCancelledButShipped(
      system,
      cancelledButShippedId,
      (c) => c.status === 'AWAITING_REBILL_APPROVAL',
      'forwarded',
    );
    expect(acknowledged.acknowledgement).toMatchObject({ accepted: true, via: 'SUPPORT_STAFF', by: 'grace' });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystem, type RunningSystem } from '@cancelflow/system';
import {
  customerEmail,
  emailsOf,
  orderWithCancelledLine,
  rebillsOf,
  shipCancelledMugs,
  stepsOf,
  untilChain,
} from './cancelled-but-shipped-helpers.ts';

let system: RunningSystem;

beforeAll(async () => {
  // Short, configured durations: a reminder every 2 s, the deadline after 5 s.
  system = await startSystem({ env: { CANCELLED_BUT_SHIPPED_REMINDER_INTERVAL: '2s', CANCELLED_BUT_SHIPPED_DEADLINE: '5s' } });
});

afterAll(async () => {
  await system?.close();
});

describe('cancelled but shipped: no answer', () => {
  it('reminds the customer while waiting, then after the deadline turns into a return and rebills nothing', async () => {
    const order = await orderWithCancelledLine(system);
    const shipment = await shipCancelledMugs(system, order);
    const chainId = shipment.cancelledButShippedId!;
    const first = await customerEmail(system, order.id);

    const returned = await untilChain(system, chainId, (c) => c.status === 'RETURN_REQUESTED', 'return requested after the deadline');
    const steps = stepsOf(returned);
    expect(steps.slice(0, 2)).toEqual(['STARTED', 'CUSTOMER_EMAILED']);
    expect(steps.slice(-2)).toEqual(['NO_ANSWER', 'RETURN_REQUESTED']);
    expect(steps.filter((s) => s === 'REMINDER_SENT').length).toBeGreaterThanOrEqual(1);
    expect(steps).not.toContain('ACKNOWLEDGED');
    expect(returned.returnId).toBeDefined();

    const reminders = (await emailsOf(system, order.id)).filter((e) => e.template === 'SHIPPED_AFTER_CANCELLATION_REMINDER');
    expect(reminders.length).toBe(steps.filter((s) => s === 'REMINDER_SENT').length);
    for (const reminder of reminders) {
      expect(reminder.text).toContain('Carrier: DHL');
      expect(`${reminder.text}${reminder.html}`).not.toMatch(/https?:\/\/|<a[\s>]/i);
    }

    // The customer is told, once, that no answer came, to return the item, and that nothing is charged.
    const returnEmails = (await emailsOf(system, order.id)).filter((e) => e.template === 'SHIPPED_AFTER_CANCELLATION_RETURN');
    expect(returnEmails).toHaveLength(1);
    expect(returnEmails[0]).toMatchObject({ to: first.to, messageKey: `cancelled-but-shipped:${chainId}:return` });
    expect(returnEmails[0]!.text).toMatch(/did not hear from you/);
    expect(returnEmails[0]!.text).toMatch(/please return the item/i);
    expect(returnEmails[0]!.text).toMatch(/nothing will be rebilled/i);
    expect(`${returnEmails[0]!.text}${returnEmails[0]!.html}`).not.toMatch(/https?:\/\/|<a[\s>]/i);

    expect(await rebillsOf(system, chainId)).toHaveLength(0);
    const late = await system.orders.post(`/cancelled-but-shipped/${chainId}/acknowledgement`, {
      staffId: 'grace',
      accepted: true,
      evidence: 'too late: "I accept"',
    });
    expect(late.status).toBe(409);
  });
});

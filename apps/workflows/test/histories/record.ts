/**
 * Records the histories that test/replay.test.ts replays: each process through its main paths
 * on a real Temporal dev server, with the activities mocked (test/time-skipping/fixtures.ts) and
 * the waits shortened to seconds. Run it after a deliberate change to a workflow's commands (one
 * that running processes could not replay: then version it with patched() first), and commit the
 * JSON files it writes:
 *
 *   node_modules/.bin/node apps/workflows/test/histories/record.ts            # all
 *   node_modules/.bin/node apps/workflows/test/histories/record.ts undo-       # names starting so
 *
 * A history is the JSON of `temporal workflow show --output json`.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ApplicationFailure, type QueryDefinition, type Workflow } from '@temporalio/common';
import { TASK_QUEUES } from '@cancelflow/domain/activities';
import { ensureTemporalCli } from '@cancelflow/infra/temporal-cli';
import { startTemporalDevServer } from '@cancelflow/infra/temporal-dev-server';
import { cancellationWorkflow } from '../../src/cancellation.ts';
import { cancelledButShippedWorkflow } from '../../src/cancelled-but-shipped.ts';
import { customerCancellationRequestWorkflow } from '../../src/customer-cancellation-request.ts';
import {
  abortForUndoUpdate,
  cancellationStateQuery,
  disputeClosedSignal,
  refundSettledSignal,
  retryRefundUpdate,
  type CancellationWorkflowInput,
} from '../../src/contracts/cancellation.ts';
import {
  acceptCancellationRequestUpdate,
  cancellationRequestStateQuery,
  shipmentRecordedSignal,
  withdrawCancellationRequestUpdate,
} from '../../src/contracts/customer-cancellation-request.ts';
import {
  approveRebillUpdate,
  cancelledButShippedStateQuery,
  emailReplyReceivedSignal,
  recordAcknowledgementUpdate,
} from '../../src/contracts/cancelled-but-shipped.ts';
import { orderConfirmationWorkflow } from '../../src/order-confirmation.ts';
import { undoCancellationWorkflow } from '../../src/undo-cancellation.ts';
import { webhookDeliveryWorkflow } from '../../src/webhook-delivery.ts';
import type { NextWebhookDelivery } from '../../src/contracts/webhook-delivery.ts';
import { paymentReceivedSignal, undoStateQuery } from '../../src/contracts/undo-cancellation.ts';
import { bulkCancellationWorkflow } from '../../src/bulk-cancellation.ts';
import {
  bulkCancellationStateQuery,
  pauseBulkCancellationUpdate,
  resumeBulkCancellationUpdate,
  stopBulkCancellationUpdate,
} from '../../src/contracts/bulk-cancellation.ts';
import { connectEnvironment, until, type TimeSkippingEnvironment } from '../time-skipping/environment.ts';
import {
  bulkJobStore,
  cancellationActivities,
  cancellationContext,
  cancelledButShippedActivities,
  cancelledButShippedContext,
  paymentRequest,
  refund,
  refundPart,
  requestActivities,
  requestContext,
  undoActivities,
  undoContext,
} from '../time-skipping/fixtures.ts';

const dir = fileURLToPath(new URL('.', import.meta.url));
const accept = { staffId: 'staff-1', refundMethod: 'ORIGINAL_PAYMENT' as const, restock: true };

type Scenario = (env: TimeSkippingEnvironment, id: string) => Promise<WorkflowHandle<Workflow>>;

const Q = { taskQueue: TASK_QUEUES.cancellations };

/** Starts a process on the cancellations task queue with its one argument. */
const start = <I>(env: TimeSkippingEnvironment, workflow: (input: I) => Promise<unknown>, workflowId: string, input: I) =>
  env.workflow.start(workflow, { ...Q, workflowId, args: [input] });

const startCancellation = (env: TimeSkippingEnvironment, id: string, input: Partial<CancellationWorkflowInput> = {}) =>
  env.workflow.start(cancellationWorkflow, { ...Q, workflowId: `cancellation-${id}`, args: [{ cancellationId: id, ...input }] });

/** Waits until the process's state query says it reached `phase`. */
const untilPhase = <S extends { phase: string }>(handle: WorkflowHandle<Workflow>, query: QueryDefinition<S>, phase: string) =>
  until(async () => ((await handle.query(query)).phase === phase ? true : undefined), `phase ${phase}`);

/** Every attempt of a bulk job's order waits until the scenario opens this. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait: () => opened, open: () => open() };
}

const SCENARIOS: Record<string, Scenario> = {
  'cancellation-refunded': async (env, id) => {
    await env.activities(cancellationActivities(cancellationContext(id)));
    return startCancellation(env, id);
  },
  'cancellation-refund-pending-rechecked': async (env, id) => {
    let reads = 0;
    await env.activities(
      cancellationActivities(cancellationContext(id, { restock: false }), {
        payments: { requestRefund: async () => refund('PENDING'), getRefund: async () => refund(++reads < 2 ? 'PENDING' : 'SUCCEEDED') },
      }),
    );
    return startCancellation(env, id, { refundRecheckInterval: '1 second' });
  },
  // Asks the provider (patched): the history above was recorded before, and is kept for processes of that shape.
  'cancellation-refund-pending-asked-provider': async (env, id) => {
    let asks = 0;
    await env.activities(
      cancellationActivities(cancellationContext(id, { restock: false }), {
        payments: {
          requestRefund: async () => refund('PENDING'),
          reconcileRefund: async () => refund(++asks < 3 ? 'PENDING' : 'SUCCEEDED'),
        },
      }),
    );
    return startCancellation(env, id, { refundRecheckFirst: '500 ms', refundRecheckInterval: '1 second' });
  },
  'cancellation-refund-failed-retried': async (env, id) => {
    let attempts = 0;
    await env.activities(
      cancellationActivities(cancellationContext(id), {
        payments: { requestRefund: async () => (++attempts === 1 ? refund('FAILED', 'card expired') : refund('SUCCEEDED')) },
      }),
    );
    const handle = await startCancellation(env, id);
    await untilPhase(handle, cancellationStateQuery, 'REFUND_FAILED');
    await handle.executeUpdate(retryRefundUpdate, { args: [{ staffId: 'staff-7' }] });
    return handle;
  },
  'cancellation-dispute-closed': async (env, id) => {
    await env.activities(
      cancellationActivities(cancellationContext(id, { channel: 'ebay' }), {
        orders: { notifyChannelOfCancellation: async () => ({ disputeId: 'dispute-1' }) },
      }),
    );
    const handle = await startCancellation(env, id);
    await untilPhase(handle, cancellationStateQuery, 'WAITING_FOR_DISPUTE');
    await handle.signal(disputeClosedSignal, { disputeId: 'dispute-1', resolution: 'MARKETPLACE_REFUNDED' });
    return handle;
  },
  'cancellation-stopped-for-undo': async (env, id) => {
    await env.activities(
      cancellationActivities(cancellationContext(id), { payments: { requestRefund: async () => refund('FAILED', 'declined') } }),
    );
    const handle = await startCancellation(env, id);
    await untilPhase(handle, cancellationStateQuery, 'REFUND_FAILED');
    await handle.executeUpdate(abortForUndoUpdate, { args: [{ undoId: 'undo-1' }] });
    return handle;
  },

  // Each activity records its own step (patched): the histories above were recorded before, and are
  // kept for processes of that shape.
  'cancellation-own-steps-refunded': async (env, id) => {
    await env.activities(cancellationActivities(cancellationContext(id)));
    return startCancellation(env, id);
  },
  'cancellation-own-steps-pending-failed-retried': async (env, id) => {
    let attempts = 0;
    let settled = false;
    await env.activities(
      cancellationActivities(cancellationContext(id, { restock: false }), {
        payments: {
          requestRefund: async () => refund(++attempts === 1 ? 'PENDING' : 'SUCCEEDED'),
          getRefund: async () => refund(settled ? 'FAILED' : 'PENDING', settled ? 'account closed' : undefined),
        },
      }),
    );
    const handle = await startCancellation(env, id, { refundRecheckFirst: '1 hour' });
    await untilPhase(handle, cancellationStateQuery, 'WAITING_FOR_REFUND');
    settled = true;
    await handle.signal(refundSettledSignal, { refundId: 'refund-1' });
    await untilPhase(handle, cancellationStateQuery, 'REFUND_FAILED');
    await handle.executeUpdate(retryRefundUpdate, { args: [{ staffId: 'staff-7' }] });
    return handle;
  },
  'cancellation-own-steps-dispute-closed': async (env, id) => {
    await env.activities(
      cancellationActivities(cancellationContext(id, { channel: 'ebay' }), {
        orders: { notifyChannelOfCancellation: async () => ({ disputeId: 'dispute-1' }) },
      }),
    );
    const handle = await startCancellation(env, id);
    await untilPhase(handle, cancellationStateQuery, 'WAITING_FOR_DISPUTE');
    await handle.signal(disputeClosedSignal, { disputeId: 'dispute-1', resolution: 'MARKETPLACE_REFUNDED' });
    return handle;
  },

  // Started with its cancellation (nothing loaded), and told by the signal that the refund
  // succeeded (nothing read again): the histories above were recorded before, with the loading
  // and the reading, and are kept for processes of that shape.
  'cancellation-started-with-it-success-signalled': async (env, id) => {
    const cancellation = cancellationContext(id, { restock: false });
    await env.activities(cancellationActivities(cancellation, { payments: { requestRefund: async () => refund('PENDING') } }));
    const handle = await startCancellation(env, id, { cancellation, refundRecheckFirst: '1 hour' });
    await untilPhase(handle, cancellationStateQuery, 'WAITING_FOR_REFUND');
    await handle.signal(refundSettledSignal, { refundId: 'refund-1', outcome: refund('SUCCEEDED') });
    return handle;
  },

  'request-auto-accepted': async (env, id) => {
    await env.activities(requestActivities(requestContext(id, { status: 'AUTO_ACCEPTED', cancellationId: 'cancellation-9' })));
    return start(env, customerCancellationRequestWorkflow, `cancellation-request-${id}`, { requestId: id });
  },
  'request-reminded-escalated-accepted': async (env, id) => {
    await env.activities(requestActivities(requestContext(id)));
    const handle = await start(env, customerCancellationRequestWorkflow, `cancellation-request-${id}`, {
      requestId: id,
      reminderInterval: '1 second',
      escalateAfter: '2 seconds',
    });
    await until(async () => ((await handle.query(cancellationRequestStateQuery)).escalated ? true : undefined), 'the escalation');
    await handle.executeUpdate(acceptCancellationRequestUpdate, { args: [accept] });
    return handle;
  },
  'request-refused-answer-then-withdrawn': async (env, id) => {
    await env.activities(
      requestActivities(requestContext(id), {
        requests: {
          acceptCancellationRequest: async () => {
            throw ApplicationFailure.create({ type: 'ConflictError', message: 'the order shipped meanwhile' });
          },
        },
      }),
    );
    const handle = await start(env, customerCancellationRequestWorkflow, `cancellation-request-${id}`, { requestId: id });
    await untilPhase(handle, cancellationRequestStateQuery, 'WAITING_FOR_MERCHANT');
    await handle.executeUpdate(acceptCancellationRequestUpdate, { args: [accept] }).catch(() => undefined);
    await handle.executeUpdate(withdrawCancellationRequestUpdate, { args: [{ comment: 'found it' }] });
    return handle;
  },
  'request-closed-by-shipment': async (env, id) => {
    await env.activities(requestActivities(requestContext(id)));
    const handle = await start(env, customerCancellationRequestWorkflow, `cancellation-request-${id}`, { requestId: id });
    await untilPhase(handle, cancellationRequestStateQuery, 'WAITING_FOR_MERCHANT');
    await handle.signal(shipmentRecordedSignal, { orderId: 'order-2', shipmentId: 'shipment-1' });
    return handle;
  },

  // Re-reads the request at each wake (patched): a reminder, then the shipment found closed without its signal.
  'request-reread-closed-by-shipment': async (env, id) => {
    let loads = 0;
    await env.activities(
      requestActivities(requestContext(id), {
        requests: { loadCancellationRequest: async () => requestContext(id, ++loads < 3 ? {} : { status: 'REJECTED' }) },
      }),
    );
    return start(env, customerCancellationRequestWorkflow, `cancellation-request-${id}`, { requestId: id, reminderInterval: '1 second' });
  },

  'cancelled-but-shipped-accepted-rebilled': async (env, id) => {
    await env.activities(cancelledButShippedActivities(cancelledButShippedContext(id)));
    const handle = await start(env, cancelledButShippedWorkflow, `cancelled-but-shipped-${id}`, { cancelledButShippedId: id });
    await untilPhase(handle, cancelledButShippedStateQuery, 'WAITING_FOR_ACKNOWLEDGEMENT');
    await handle.signal(emailReplyReceivedSignal, {
      mailboxMessageId: 'mailbox-1',
      messageId: '<reply-1@customer.example>',
      inReplyTo: null,
      from: 'ada@example.com',
      subject: 'Re: shipped',
      text: 'Yes, I accept',
      receivedAt: new Date().toISOString(),
    });
    await untilPhase(handle, cancelledButShippedStateQuery, 'WAITING_FOR_REBILL_APPROVAL');
    await handle.executeUpdate(approveRebillUpdate, { args: [{ staffId: 'staff-2' }] });
    return handle;
  },
  'cancelled-but-shipped-no-answer-return': async (env, id) => {
    await env.activities(cancelledButShippedActivities(cancelledButShippedContext(id)));
    return start(env, cancelledButShippedWorkflow, `cancelled-but-shipped-${id}`, {
      cancelledButShippedId: id,
      reminderInterval: '1 second',
      acknowledgementDeadline: '2500 ms',
    });
  },
  'cancelled-but-shipped-refused-by-support-record': async (env, id) => {
    await env.activities(cancelledButShippedActivities(cancelledButShippedContext(id)));
    const handle = await start(env, cancelledButShippedWorkflow, `cancelled-but-shipped-${id}`, { cancelledButShippedId: id });
    await untilPhase(handle, cancelledButShippedStateQuery, 'WAITING_FOR_ACKNOWLEDGEMENT');
    await handle.executeUpdate(recordAcknowledgementUpdate, {
      args: [{ staffId: 'staff-3', accepted: false, evidence: 'refused on the phone' }],
    });
    return handle;
  },

  'undo-money-collected': async (env, id) => {
    await env.activities(
      undoActivities(undoContext(id, { amount: 6000, cancellationStatus: 'IN_PROGRESS' }), [
        refundPart({ partId: 'points', channel: 'POINTS', amount: 1000 }),
        refundPart({ partId: 'pending', amount: 2000, status: 'PENDING', stoppable: true }),
        refundPart({ partId: 'settled', amount: 3000 }),
      ]),
    );
    return start(env, undoCancellationWorkflow, `undo-cancellation-${id}`, { undoId: id });
  },
  'undo-paid-again-after-reminder': async (env, id) => {
    let paid = false;
    await env.activities(
      undoActivities(undoContext(id), [refundPart({ recapturable: false })], {
        payments: { getPaymentRequest: async () => paymentRequest(paid ? 'PAID' : 'OPEN') },
      }),
    );
    const handle = await start(env, undoCancellationWorkflow, `undo-cancellation-${id}`, {
      undoId: id,
      paymentReminderInterval: '1 second',
      paymentDeadline: '1 minute',
    });
    await until(async () => ((await handle.query(undoStateQuery)).remindersSent >= 1 ? true : undefined), 'a reminder');
    paid = true;
    await handle.signal(paymentReceivedSignal, { paymentRequestId: 'payment-request-1' });
    return handle;
  },
  // Asks the provider between reminders (patched): OPEN, a reminder, then PAID found by asking.
  'undo-paid-found-by-asking': async (env, id) => {
    let asks = 0;
    await env.activities(
      undoActivities(undoContext(id), [refundPart({ recapturable: false })], {
        payments: { reconcilePaymentRequest: async () => paymentRequest(++asks < 4 ? 'OPEN' : 'PAID') },
      }),
    );
    return env.workflow.start(undoCancellationWorkflow, {
      ...Q,
      workflowId: `undo-cancellation-${id}`,
      args: [
        {
          undoId: id,
          paymentReminderInterval: '2 seconds',
          paymentDeadline: '1 minute',
          cancellationProcess: { refundRecheckFirst: '500 ms', refundRecheckInterval: '1 second' },
        },
      ],
    });
  },
  'undo-deadline-failed-cancellation-resumed': async (env, id) => {
    await env.activities(
      undoActivities(
        undoContext(id, { cancellationStatus: 'IN_PROGRESS' }),
        [refundPart({ partId: 'points', channel: 'POINTS', amount: 1000 }), refundPart({ amount: 3000, recapturable: false })],
        {
          payments: { restoreLedger: async () => ({ restored: 1000 }) },
        },
      ),
    );
    return start(env, undoCancellationWorkflow, `undo-cancellation-${id}`, {
      undoId: id,
      paymentReminderInterval: '1 second',
      paymentDeadline: '2500 ms',
    });
  },

  'order-confirmation-sent': async (env, id) => {
    await env.activities(cancellationActivities(cancellationContext(id)));
    return env.workflow.start(orderConfirmationWorkflow, {
      ...Q,
      workflowId: `order-confirmation-${id}`,
      args: [
        {
          orderId: id,
          to: 'ada@example.com',
          data: {
            orderNo: 'WEB-1005',
            customerName: 'Ada',
            viewOrderUrl: 'http://127.0.0.1:3000/self-service/x',
            expiresAt: '2027-01-01T00:00:00.000Z',
            lines: '1 x SKU-5',
          },
        },
      ],
    });
  },
  // Two orders under way, paused, resumed; one refused by its channel, one that fails for good.
  'bulk-cancellation-paused-resumed': async (env, id) => {
    const held = gate();
    const store = bulkJobStore(
      6,
      (n) =>
        n === 4
          ? { outcome: 'REFUSED', detail: 'line 1 (MUG): Walmart cancels whole lines only' }
          : n === 5
            ? ApplicationFailure.nonRetryable('no order 5 in bulk cancellation', 'NotFoundError')
            : { outcome: 'CANCELLED', cancellationId: `c-${n}` },
      held.wait,
    );
    await env.activities(store.activities);
    const handle = await env.workflow.start(bulkCancellationWorkflow, {
      ...Q,
      workflowId: `bulk-cancellation-${id}`,
      args: [{ jobId: id, concurrency: 2 }],
    });
    await until(async () => (store.inFlight() === 2 ? true : undefined), 'two orders under way');
    await handle.executeUpdate(pauseBulkCancellationUpdate, { args: [{ staffId: 'staff-1' }] });
    held.open();
    await until(async () => ((await handle.query(bulkCancellationStateQuery)).progress.processed === 2 ? true : undefined), 'two done');
    await handle.executeUpdate(resumeBulkCancellationUpdate, { args: [{ staffId: 'staff-1' }] });
    return handle;
  },
  'bulk-cancellation-stopped': async (env, id) => {
    const held = gate();
    const store = bulkJobStore(5, undefined, held.wait);
    await env.activities(store.activities);
    const handle = await env.workflow.start(bulkCancellationWorkflow, {
      ...Q,
      workflowId: `bulk-cancellation-${id}`,
      args: [{ jobId: id, concurrency: 1 }],
    });
    await until(async () => (store.inFlight() === 1 ? true : undefined), 'one order under way');
    const stopping = handle.executeUpdate(stopBulkCancellationUpdate, { args: [{ staffId: 'staff-1' }] });
    await until(async () => ((await handle.query(bulkCancellationStateQuery)).phase === 'STOPPING' ? true : undefined), 'stopping');
    held.open();
    await stopping;
    return handle;
  },
  'webhook-delivered-after-retries': async (env, id) => {
    const pending = ['d-1', 'd-2'];
    let failures = 2;
    await env.activities({
      webhooks: {
        nextWebhookDelivery: async (): Promise<NextWebhookDelivery> =>
          pending.length ? { kind: 'DELIVERY', deliveryId: pending[0]! } : { kind: 'EMPTY' },
        attemptWebhookDelivery: async () => {
          if (failures-- > 0) return { outcome: 'FAILED' as const, answer: 'HTTP 500' };
          pending.shift();
          return { outcome: 'DELIVERED' as const };
        },
        giveUpWebhookDelivery: async () => ({}),
      },
    });
    return env.workflow.start(webhookDeliveryWorkflow, {
      ...Q,
      workflowId: `webhook-delivery-${id}`,
      args: [{ subscriptionId: id, orderId: id, retry: { firstMs: 200, longestMs: 400, windowMs: 60_000 }, idleMs: 1_000 }],
    });
  },
  'webhook-gave-up-disabled': async (env, id) => {
    await env.activities({
      webhooks: {
        nextWebhookDelivery: async (): Promise<NextWebhookDelivery> => ({ kind: 'DELIVERY', deliveryId: 'd-1' }),
        attemptWebhookDelivery: async () => ({ outcome: 'FAILED' as const, answer: 'no answer within 10000 ms' }),
        giveUpWebhookDelivery: async () => ({
          notify: {
            to: 'integrations@merchant.example',
            messageKey: `webhook-subscription-disabled:${id}:d-1`,
            data: { subscriptionId: id, url: 'https://erp.example/hook', eventId: 'e-1', eventType: 'order.imported', reason: 'timeout' },
          },
        }),
      },
      notifications: { sendEmail: async () => ({ messageId: '<disabled@test>' }) },
    });
    return env.workflow.start(webhookDeliveryWorkflow, {
      ...Q,
      workflowId: `webhook-delivery-${id}`,
      args: [{ subscriptionId: id, orderId: id, retry: { firstMs: 100, longestMs: 200, windowMs: 1_000 } }],
    });
  },
  'order-confirmation-payments-recorded': async (env, id) => {
    await env.activities(cancellationActivities(cancellationContext(id)));
    return env.workflow.start(orderConfirmationWorkflow, {
      ...Q,
      workflowId: `order-confirmation-${id}`,
      args: [
        {
          orderId: id,
          to: 'ada@example.com',
          data: {
            orderNo: 'WEB-1006',
            customerName: 'Ada',
            viewOrderUrl: 'http://127.0.0.1:3000/self-service/x',
            expiresAt: '2027-01-01T00:00:00.000Z',
            lines: '1 x SKU-5',
            canCancel: true,
          },
          payments: { currency: 'EUR', payments: [{ method: 'CARD', amount: 5500, reference: 'psp-1' }] },
        },
      ],
    });
  },
};

const only = process.argv[2];
const cli = await ensureTemporalCli();
const server = await startTemporalDevServer({ uiPort: false });
const env = await connectEnvironment(server.address);
try {
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    if (only && !name.startsWith(only)) continue;
    const handle = await scenario(env, randomUUID());
    await handle.result().catch(() => undefined); // a failed or stopped process is a history too
    // The CLI's JSON: the SDK's own historyToJSON trips over two copies of protobufjs here.
    const { stdout } = await promisify(execFile)(
      cli,
      ['workflow', 'show', '--address', server.address, '--workflow-id', handle.workflowId, '--output', 'json'],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    // One event a line: small, and a re-recording diffs event by event.
    const { events } = JSON.parse(stdout) as { events: unknown[] };
    // Failures' stack traces name the recording machine's folders, and replay does not read them.
    const line = (event: unknown) => JSON.stringify(event, (key, value: unknown) => (key === 'stackTrace' ? '' : value));
    await writeFile(`${dir}${name}.json`, `{"events": [\n${events.map(line).join(',\n')}\n]}\n`);
    process.stderr.write(`recorded ${name}\n`);
  }
} finally {
  await env.stop();
  await server.stop();
}

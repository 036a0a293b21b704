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
import { ApplicationFailure, type Workflow } from '@temporalio/common';
import { TASK_QUEUES } from '@cancelflow/domain/activities';
import { ensureTemporalCli } from '@cancelflow/infra/temporal-cli';
import { startTemporalDevServer } from '@cancelflow/infra/temporal-dev-server';
import { cancellationWorkflow } from '../../src/cancellation.ts';
import { cancelledButShippedWorkflow } from '../../src/cancelled-but-shipped.ts';
import { customerCancellationRequestWorkflow } from '../../src/customer-cancellation-request.ts';
import { abortForUndoUpdate, cancellationStateQuery, disputeClosedSignal, retryRefundUpdate } from '../../src/contracts/cancellation.ts';
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
import { paymentReceivedSignal, undoStateQuery } from '../../src/contracts/undo-cancellation.ts';
import { connectEnvironment, until, type TimeSkippingEnvironment } from '../time-skipping/environment.ts';
import {
  cancellationActivities,
  cancellationContext,
  chainActivities,
  chainContext,
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

const SCENARIOS: Record<string, Scenario> = {
  'cancellation-refunded': async (env, id) => {
    await env.activities(cancellationActivities(cancellationContext(id)));
    return env.workflow.start(cancellationWorkflow, { ...Q, workflowId: `cancellation-${id}`, args: [{ cancellationId: id }] });
  },
  'cancellation-refund-pending-rechecked': async (env, id) => {
    let reads = 0;
    await env.activities(
      cancellationActivities(cancellationContext(id, { restock: false }), {
        payments: { requestRefund: async () => refund('PENDING'), getRefund: async () => refund(++reads < 2 ? 'PENDING' : 'SUCCEEDED') },
      }),
    );
    return env.workflow.start(cancellationWorkflow, {
      ...Q,
      workflowId: `cancellation-${id}`,
      args: [{ cancellationId: id, refundRecheckInterval: '1 second' }],
    });
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
    return env.workflow.start(cancellationWorkflow, {
      ...Q,
      workflowId: `cancellation-${id}`,
      args: [{ cancellationId: id, refundRecheckFirst: '500 ms', refundRecheckInterval: '1 second' }],
    });
  },
  'cancellation-refund-failed-retried': async (env, id) => {
    let attempts = 0;
    await env.activities(
      cancellationActivities(cancellationContext(id), {
        payments: { requestRefund: async () => (++attempts === 1 ? refund('FAILED', 'card expired') : refund('SUCCEEDED')) },
      }),
    );
    const handle = await env.workflow.start(cancellationWorkflow, {
      ...Q,
      workflowId: `cancellation-${id}`,
      args: [{ cancellationId: id }],
    });
    await until(
      async () => ((await handle.query(cancellationStateQuery)).phase === 'REFUND_FAILED' ? true : undefined),
      'the refund to fail',
    );
    await handle.executeUpdate(retryRefundUpdate, { args: [{ staffId: 'staff-7' }] });
    return handle;
  },
  'cancellation-dispute-closed': async (env, id) => {
    await env.activities(
      cancellationActivities(cancellationContext(id, { channel: 'ebay' }), {
        orders: { notifyChannelOfCancellation: async () => ({ disputeId: 'dispute-1' }) },
      }),
    );
    const handle = await env.workflow.start(cancellationWorkflow, {
      ...Q,
      workflowId: `cancellation-${id}`,
      args: [{ cancellationId: id }],
    });
    await until(
      async () => ((await handle.query(cancellationStateQuery)).phase === 'WAITING_FOR_DISPUTE' ? true : undefined),
      'the dispute',
    );
    await handle.signal(disputeClosedSignal, { disputeId: 'dispute-1', resolution: 'MARKETPLACE_REFUNDED' });
    return handle;
  },
  'cancellation-stopped-for-undo': async (env, id) => {
    await env.activities(
      cancellationActivities(cancellationContext(id), { payments: { requestRefund: async () => refund('FAILED', 'declined') } }),
    );
    const handle = await env.workflow.start(cancellationWorkflow, {
      ...Q,
      workflowId: `cancellation-${id}`,
      args: [{ cancellationId: id }],
    });
    await until(
      async () => ((await handle.query(cancellationStateQuery)).phase === 'REFUND_FAILED' ? true : undefined),
      'the refund to fail',
    );
    await handle.executeUpdate(abortForUndoUpdate, { args: [{ undoId: 'undo-1' }] });
    return handle;
  },

  'request-auto-accepted': async (env, id) => {
    await env.activities(requestActivities(requestContext(id, { status: 'AUTO_ACCEPTED', cancellationId: 'cancellation-9' })));
    return env.workflow.start(customerCancellationRequestWorkflow, {
      ...Q,
      workflowId: `cancellation-request-${id}`,
      args: [{ requestId: id }],
    });
  },
  'request-reminded-escalated-accepted': async (env, id) => {
    await env.activities(requestActivities(requestContext(id)));
    const handle = await env.workflow.start(customerCancellationRequestWorkflow, {
      ...Q,
      workflowId: `cancellation-request-${id}`,
      args: [{ requestId: id, reminderInterval: '1 second', escalateAfter: '2 seconds' }],
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
    const handle = await env.workflow.start(customerCancellationRequestWorkflow, {
      ...Q,
      workflowId: `cancellation-request-${id}`,
      args: [{ requestId: id }],
    });
    await until(
      async () => ((await handle.query(cancellationRequestStateQuery)).phase === 'WAITING_FOR_MERCHANT' ? true : undefined),
      'the merchant to be asked',
    );
    await handle.executeUpdate(acceptCancellationRequestUpdate, { args: [accept] }).catch(() => undefined);
    await handle.executeUpdate(withdrawCancellationRequestUpdate, { args: [{ comment: 'found it' }] });
    return handle;
  },
  'request-closed-by-shipment': async (env, id) => {
    await env.activities(requestActivities(requestContext(id)));
    const handle = await env.workflow.start(customerCancellationRequestWorkflow, {
      ...Q,
      workflowId: `cancellation-request-${id}`,
      args: [{ requestId: id }],
    });
    await until(
      async () => ((await handle.query(cancellationRequestStateQuery)).phase === 'WAITING_FOR_MERCHANT' ? true : undefined),
      'the merchant to be asked',
    );
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
    return env.workflow.start(customerCancellationRequestWorkflow, {
      ...Q,
      workflowId: `cancellation-request-${id}`,
      args: [{ requestId: id, reminderInterval: '1 second' }],
    });
  },

  'cancelled-but-shipped-accepted-rebilled': async (env, id) => {
    await env.activities(chainActivities(chainContext(id)));
    const handle = await env.workflow.start(cancelledButShippedWorkflow, {
      ...Q,
      workflowId: `cancelled-but-shipped-${id}`,
      args: [{ chainId: id }],
    });
    await until(
      async () => ((await handle.query(cancelledButShippedStateQuery)).phase === 'WAITING_FOR_ACKNOWLEDGEMENT' ? true : undefined),
      'the customer email',
    );
    await handle.signal(emailReplyReceivedSignal, {
      mailboxMessageId: 'mailbox-1',
      messageId: '<reply-1@customer.example>',
      inReplyTo: null,
      from: 'ada@example.com',
      subject: 'Re: shipped',
      text: 'Yes, I accept',
      receivedAt: new Date().toISOString(),
    });
    await until(
      async () => ((await handle.query(cancelledButShippedStateQuery)).phase === 'WAITING_FOR_REBILL_APPROVAL' ? true : undefined),
      'the forward',
    );
    await handle.executeUpdate(approveRebillUpdate, { args: [{ staffId: 'staff-2' }] });
    return handle;
  },
  'cancelled-but-shipped-no-answer-return': async (env, id) => {
    await env.activities(chainActivities(chainContext(id)));
    return env.workflow.start(cancelledButShippedWorkflow, {
      ...Q,
      workflowId: `cancelled-but-shipped-${id}`,
      args: [{ chainId: id, reminderInterval: '1 second', acknowledgementDeadline: '2500 ms' }],
    });
  },
  'cancelled-but-shipped-refused-by-support-record': async (env, id) => {
    await env.activities(chainActivities(chainContext(id)));
    const handle = await env.workflow.start(cancelledButShippedWorkflow, {
      ...Q,
      workflowId: `cancelled-but-shipped-${id}`,
      args: [{ chainId: id }],
    });
    await until(
      async () => ((await handle.query(cancelledButShippedStateQuery)).phase === 'WAITING_FOR_ACKNOWLEDGEMENT' ? true : undefined),
      'the customer email',
    );
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
    return env.workflow.start(undoCancellationWorkflow, { ...Q, workflowId: `undo-cancellation-${id}`, args: [{ undoId: id }] });
  },
  'undo-paid-again-after-reminder': async (env, id) => {
    let paid = false;
    await env.activities(
      undoActivities(undoContext(id), [refundPart({ recapturable: false })], {
        payments: { getPaymentRequest: async () => paymentRequest(paid ? 'PAID' : 'OPEN') },
      }),
    );
    const handle = await env.workflow.start(undoCancellationWorkflow, {
      ...Q,
      workflowId: `undo-cancellation-${id}`,
      args: [{ undoId: id, paymentReminderInterval: '1 second', paymentDeadline: '1 minute' }],
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
    return env.workflow.start(undoCancellationWorkflow, {
      ...Q,
      workflowId: `undo-cancellation-${id}`,
      args: [{ undoId: id, paymentReminderInterval: '1 second', paymentDeadline: '2500 ms' }],
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

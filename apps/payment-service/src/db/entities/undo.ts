import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const PAYMENT_REQUEST_STATUSES = ['OPEN', 'PAID', 'EXPIRED'] as const;

/** The customer must pay again before a cancellation is undone (the refund already reached them). */
export const PaymentRequest = defineEntity({
  name: 'PaymentRequest',
  tableName: 'payment_request',
  properties: {
    id: p.uuid().primary(),
    undoId: p.string().length(64),
    round: p.integer(),
    cancellationId: p.string().length(64),
    orderId: p.string().length(64),
    amount: p.bigint('number'),
    currency: p.string().length(3),
    status: p.enum(PAYMENT_REQUEST_STATUSES),
    dueAt: p.datetime(),
    paidAt: p.datetime().nullable(),
    providerPaymentId: p.string().length(200).nullable(),
    /** When we last asked the provider whether it was paid (no event had come). */
    providerCheckedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ['undoId', 'round'], name: 'payment_request_undo_round_unique' }],
});
export type PaymentRequest = InferEntity<typeof PaymentRequest>;

/** Money taken again on a card's still-valid authorisation, once per undo and refund part. */
export const Recapture = defineEntity({
  name: 'Recapture',
  tableName: 'recapture',
  properties: {
    id: p.uuid().primary(),
    undoId: p.string().length(64),
    refundPartId: p.uuid(),
    orderId: p.string().length(64),
    amount: p.bigint('number'),
    currency: p.string().length(3),
    paymentReference: p.string().length(200),
    providerRecaptureId: p.string().length(200),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ['undoId', 'refundPartId'], name: 'recapture_undo_part_unique' }],
});
export type Recapture = InferEntity<typeof Recapture>;

/** Points or store credit an undo took back; restoredAt when the undo failed and gave them back. */
export const LedgerReversal = defineEntity({
  name: 'LedgerReversal',
  tableName: 'ledger_reversal',
  properties: {
    id: p.uuid().primary(),
    undoId: p.string().length(64),
    refundPartId: p.uuid(),
    orderId: p.string().length(64),
    kind: p.enum(['POINTS', 'STORE_CREDIT'] as const),
    amount: p.bigint('number'),
    restoredAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ['undoId', 'refundPartId'], name: 'ledger_reversal_undo_part_unique' }],
});

/** The customer spent points or credit that were given back (sandbox control of the ledger). */
export const LedgerSpend = defineEntity({
  name: 'LedgerSpend',
  tableName: 'ledger_spend',
  properties: {
    id: p.uuid().primary(),
    orderId: p.string().length(64),
    kind: p.enum(['POINTS', 'STORE_CREDIT'] as const),
    amount: p.bigint('number'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** The sandbox provider's card authorisations that were made to lapse early (default: payment + N days). */
export const SandboxAuthorisation = defineEntity({
  name: 'SandboxAuthorisation',
  tableName: 'sandbox_authorisation',
  properties: {
    orderId: p.string().length(64).primary(),
    paymentReference: p.string().length(200).primary(),
    expiresAt: p.datetime(),
  },
});

/** The sandbox provider's recaptures, by idempotency key. */
export const SandboxRecapture = defineEntity({
  name: 'SandboxRecapture',
  tableName: 'sandbox_recapture',
  properties: {
    providerRecaptureId: p.string().length(200).primary(),
    idempotencyKey: p.string().length(200).unique(),
    orderId: p.string().length(64),
    paymentReference: p.string().length(200),
    amount: p.bigint('number'),
    currency: p.string().length(3),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export const undoEntities = [PaymentRequest, Recapture, LedgerReversal, LedgerSpend, SandboxAuthorisation, SandboxRecapture];

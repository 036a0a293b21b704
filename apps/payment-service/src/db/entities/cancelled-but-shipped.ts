import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { ACKNOWLEDGEMENT_CHANNELS } from '@cancelflow/domain';

/** The customer's acknowledgement of an item shipped after cancellation (one per cancelled-but-shipped process). */
export const CustomerAcknowledgement = defineEntity({
  name: 'CustomerAcknowledgement',
  tableName: 'customer_acknowledgement',
  properties: {
    id: p.uuid().primary(),
    cancelledButShippedId: p.string().length(64).unique(),
    orderId: p.string().length(64),
    merchantId: p.string().length(64),
    accepted: p.boolean(),
    via: p.enum(ACKNOWLEDGEMENT_CHANNELS),
    recordedBy: p.string().length(320),
    evidence: p.text(),
    messageId: p.string().length(255).nullable(),
    amount: p.bigint('number'),
    currency: p.string().length(3),
    acknowledgedAt: p.datetime(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type CustomerAcknowledgement = InferEntity<typeof CustomerAcknowledgement>;

/** The customer charged again for what shipped after cancellation (one per cancelled-but-shipped process). */
export const Rebill = defineEntity({
  name: 'Rebill',
  tableName: 'rebill',
  properties: {
    id: p.uuid().primary(),
    cancelledButShippedId: p.string().length(64).unique(),
    orderId: p.string().length(64),
    acknowledgementId: p.uuid(),
    amount: p.bigint('number'),
    currency: p.string().length(3),
    status: p.enum(['SUCCEEDED'] as const),
    providerChargeId: p.string().length(200),
    approvedBy: p.string().length(100),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type Rebill = InferEntity<typeof Rebill>;

/** What the seller is paid for items shipped after cancellation (one per cancelled-but-shipped process). */
export const CreditMemo = defineEntity({
  name: 'CreditMemo',
  tableName: 'credit_memo',
  properties: {
    id: p.uuid().primary(),
    cancelledButShippedId: p.string().length(64).unique(),
    orderId: p.string().length(64),
    merchantId: p.string().length(64),
    acknowledgementId: p.uuid(),
    amount: p.bigint('number'),
    currency: p.string().length(3),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type CreditMemo = InferEntity<typeof CreditMemo>;

/** The sandbox provider's book of charges (rebills). */
export const SandboxCharge = defineEntity({
  name: 'SandboxCharge',
  tableName: 'sandbox_charge',
  properties: {
    providerChargeId: p.string().length(200).primary(),
    idempotencyKey: p.string().length(200).unique(),
    orderId: p.string().length(64),
    amount: p.bigint('number'),
    currency: p.string().length(3),
    paymentReference: p.string().length(200).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type SandboxCharge = InferEntity<typeof SandboxCharge>;

export const cancelledButShippedEntities = [CustomerAcknowledgement, Rebill, CreditMemo, SandboxCharge];

import { PaymentEntity } from './payment.ts';
import { ProviderEventEntity } from './provider-event.ts';
import { LedgerEntryEntity, RefundEntity, RefundPartEntity } from './refund.ts';
import { SandboxFaultEntity, SandboxRefundEntity } from './sandbox.ts';
import { cancelledButShippedEntities } from './cancelled-but-shipped.ts';
import { undoEntities } from './undo.ts';

export * from './payment.ts';
export * from './refund.ts';
export * from './provider-event.ts';
export * from './sandbox.ts';
export * from './cancelled-but-shipped.ts';
export * from './undo.ts';

export const entities = [
  PaymentEntity,
  RefundEntity,
  RefundPartEntity,
  LedgerEntryEntity,
  ProviderEventEntity,
  SandboxRefundEntity,
  SandboxFaultEntity,
  ...undoEntities,
  ...cancelledButShippedEntities,
];

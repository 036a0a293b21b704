import { Payment } from './payment.ts';
import { ProviderEvent } from './provider-event.ts';
import { LedgerEntry, Refund, RefundPart } from './refund.ts';
import { SandboxFault, SandboxRefund } from './sandbox.ts';
import { cancelledButShippedEntities } from './cancelled-but-shipped.ts';
import { undoEntities } from './undo.ts';

export * from './payment.ts';
export * from './refund.ts';
export * from './provider-event.ts';
export * from './sandbox.ts';
export * from './cancelled-but-shipped.ts';
export * from './undo.ts';

export const entities = [
  Payment,
  Refund,
  RefundPart,
  LedgerEntry,
  ProviderEvent,
  SandboxRefund,
  SandboxFault,
  ...undoEntities,
  ...cancelledButShippedEntities,
];

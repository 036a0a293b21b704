/** What the payment side of an undo works with: the database, the provider, and Temporal to tell the undo. */
import type { Client } from '@temporalio/client';
import type { Database, Logger } from '@cancelflow/service-kit';
import type { UndoPaymentProvider } from '../adapters/undo-provider.ts';

export interface UndoMoneyDeps {
  orm: Database;
  provider: UndoPaymentProvider;
  /** Signals the undo workflow when its payment arrives (absent in tests of this module alone). */
  temporal?: Client;
  logger?: Logger;
}

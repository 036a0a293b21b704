import type { Channel } from '@cancelflow/domain';

/** What a marketplace is told when a cancellation is undone: these quantities are open again. */
export interface ChannelReopenNotice {
  /** The same key twice tells the marketplace once. */
  idempotencyKey: string;
  orderId: string;
  channel: Channel;
  channelOrderNo: string;
  cancellationId: string;
  undoId: string;
  lines: { lineNo: number; sku: string; quantity: number }[];
}

/** The marketplaces' side of undoing a cancellation; the sandbox records what they were told. */
export interface ChannelReopenAdapter {
  reopenLines(notice: ChannelReopenNotice): Promise<void>;
}

import type { CancellationReason, Channel } from '@cancelflow/domain';

/** What a marketplace is told when some of its order is cancelled. */
export interface ChannelCancellationNotice {
  /** The same key twice tells the marketplace once. */
  idempotencyKey: string;
  orderId: string;
  channel: Channel;
  channelOrderNo: string;
  cancellationId: string;
  reason: CancellationReason;
  lines: { lineNo: number; sku: string; quantity: number }[];
  /** The marketplace keeps its own stock: ask it to put the cancelled quantities back. */
  marketplaceRestock: boolean;
}

/** eBay: a paid, unshipped order is cancelled through a dispute the marketplace closes. */
export interface ChannelDisputeRequest {
  idempotencyKey: string;
  disputeId: string;
  orderId: string;
  channel: Channel;
  channelOrderNo: string;
  cancellationId: string;
  amount: number;
  currency: string;
}

/** The marketplaces, behind one interface; the sandbox records what they were told. */
export interface ChannelAdapter {
  notifyCancellation(notice: ChannelCancellationNotice): Promise<void>;
  openDispute(request: ChannelDisputeRequest): Promise<void>;
}

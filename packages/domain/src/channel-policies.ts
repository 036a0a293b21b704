/**
 * What each sales channel allows. The single place these rules live: the API validates with
 * them, the workflows decide with them, the console explains with them.
 */
export const CHANNELS = ['webshop', 'amazon', 'mirakl', 'walmart', 'ebay', 'rakuten'] as const;
export type Channel = (typeof CHANNELS)[number];

export type CustomerCancelWindow =
  /** The customer may ask until the order line ships. */
  | { kind: 'UNTIL_SHIPPED' }
  /** The customer may ask for a fixed time after the order was placed. */
  | { kind: 'MINUTES_AFTER_ORDER'; minutes: number };

export interface ChannelPolicy {
  channel: Channel;
  label: string;
  customerCancelWindow: CustomerCancelWindow;
  /** Merchants may cancel any unshipped quantity (true), or whole unshipped lines only (false). */
  partialQuantity: boolean;
  /** A shipment of part of a line cancels the rest of that line, never to be reopened. */
  fillOrKill: boolean;
  /** The marketplace keeps its own stock and must be told to restock cancelled quantities. */
  marketplaceRestock: boolean;
  /** Cancelling a paid, unshipped order opens a dispute that must close before it completes. */
  paidUnshippedCancelOpensDispute: boolean;
  /** The shop may turn customer self-service off (a store setting). */
  selfServiceConfigurable: boolean;
  /**
   * The shipping charge goes back with the cancellation that cancels the order's last open unit
   * (nothing shipped); otherwise shipping is never refunded by a cancellation.
   */
  refundShippingWithLastUnit: boolean;
}

export const CHANNEL_POLICIES: Readonly<Record<Channel, ChannelPolicy>> = {
  webshop: {
    channel: 'webshop',
    label: 'Web shop',
    customerCancelWindow: { kind: 'UNTIL_SHIPPED' },
    partialQuantity: true,
    fillOrKill: false,
    marketplaceRestock: false,
    paidUnshippedCancelOpensDispute: false,
    selfServiceConfigurable: true,
    refundShippingWithLastUnit: true,
  },
  amazon: {
    channel: 'amazon',
    label: 'Amazon',
    customerCancelWindow: { kind: 'MINUTES_AFTER_ORDER', minutes: 30 },
    partialQuantity: true,
    fillOrKill: false,
    marketplaceRestock: true,
    paidUnshippedCancelOpensDispute: false,
    selfServiceConfigurable: false,
    refundShippingWithLastUnit: true,
  },
  mirakl: {
    channel: 'mirakl',
    label: 'Mirakl (Blokker, Coolshop)',
    // The operator's processing period is 20 to 30 minutes; the shorter bound is the safe one.
    customerCancelWindow: { kind: 'MINUTES_AFTER_ORDER', minutes: 20 },
    partialQuantity: true,
    fillOrKill: false,
    marketplaceRestock: false,
    paidUnshippedCancelOpensDispute: false,
    selfServiceConfigurable: false,
    refundShippingWithLastUnit: true,
  },
  walmart: {
    channel: 'walmart',
    label: 'Walmart-style seller portal',
    customerCancelWindow: { kind: 'UNTIL_SHIPPED' },
    partialQuantity: false,
    fillOrKill: true,
    marketplaceRestock: false,
    paidUnshippedCancelOpensDispute: false,
    selfServiceConfigurable: false,
    refundShippingWithLastUnit: true,
  },
  ebay: {
    channel: 'ebay',
    label: 'eBay',
    customerCancelWindow: { kind: 'UNTIL_SHIPPED' },
    partialQuantity: true,
    fillOrKill: false,
    marketplaceRestock: false,
    paidUnshippedCancelOpensDispute: true,
    selfServiceConfigurable: false,
    refundShippingWithLastUnit: true,
  },
  rakuten: {
    channel: 'rakuten',
    label: 'Rakuten',
    customerCancelWindow: { kind: 'UNTIL_SHIPPED' },
    partialQuantity: true,
    fillOrKill: false,
    marketplaceRestock: true,
    paidUnshippedCancelOpensDispute: false,
    selfServiceConfigurable: false,
    refundShippingWithLastUnit: true,
  },
};

export const policyFor = (channel: Channel): ChannelPolicy => CHANNEL_POLICIES[channel];

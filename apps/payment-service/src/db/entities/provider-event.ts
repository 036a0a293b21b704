import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** Every provider event we processed: providers retry, we deduplicate on event_id. */
export const ProviderEvent = defineEntity({
  name: 'ProviderEvent',
  tableName: 'provider_event',
  properties: {
    eventId: p.string().length(200).primary(),
    type: p.string().length(50),
    payload: p.json<Record<string, unknown>>(),
    receivedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type ProviderEventRow = InferEntity<typeof ProviderEvent>;

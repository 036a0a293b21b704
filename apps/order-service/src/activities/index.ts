import type { Database } from '@cancelflow/service-kit';
import type { ChannelAdapter } from '../adapters/channel.ts';
import type { InventoryAdapter } from '../adapters/inventory.ts';
import { createSandboxChannelAdapter } from '../adapters/sandbox-channel.ts';
import { createSandboxInventoryAdapter } from '../adapters/sandbox-inventory.ts';
import { createCancellationActivities } from './cancellation-activities.ts';
import { createCancelledButShippedActivities } from './cancelled-but-shipped-activities.ts';
import type { OrderActivities } from '@cancelflow/workflows/contracts/cancellation';
import type { CancelledButShippedOrderActivities } from '@cancelflow/workflows/contracts/cancelled-but-shipped';

export interface OrderActivitiesDeps {
  db: Database;
  /** The marketplaces; the sandbox adapter (records channel_message rows) when not given. */
  channel?: ChannelAdapter;
  /** The inventory system; the sandbox adapter (records inventory_movement rows) when not given. */
  inventory?: InventoryAdapter;
}

/** Every activity of the "orders" task queue, for Worker.create({ activities }). */
export function createOrderActivities(deps: OrderActivitiesDeps): OrderActivities & CancelledButShippedOrderActivities {
  return {
    ...createCancellationActivities({
      db: deps.db,
      channel: deps.channel ?? createSandboxChannelAdapter(deps.db),
      inventory: deps.inventory ?? createSandboxInventoryAdapter(deps.db),
    }),
    ...createCancelledButShippedActivities({ db: deps.db }),
  };
}

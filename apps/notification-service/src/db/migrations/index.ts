import { Migration20261121000000_notifications } from './Migration20261121000000_notifications.ts';
import { Migration20261122000000_reply_watches } from './Migration20261122000000_reply_watches.ts';
import { Migration20261202000000_reply_verification } from './Migration20261202000000_reply_verification.ts';

/** Every migration of the notifications schema, oldest first. Never rename or reorder one. */
export const migrations = [
  { name: 'Migration20261121000000_notifications', class: Migration20261121000000_notifications },
  { name: 'Migration20261122000000_reply_watches', class: Migration20261122000000_reply_watches },
  { name: 'Migration20261202000000_reply_verification', class: Migration20261202000000_reply_verification },
];

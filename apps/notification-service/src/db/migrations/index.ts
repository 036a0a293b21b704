import { Migration0001Notifications } from './0001-notifications.ts';
import { Migration0002ReplyWatches } from './0002-reply-watches.ts';
import { Migration0003ReplyVerification } from './0003-reply-verification.ts';
import { Migration0004CancelledButShippedTemplates } from './0004-cancelled-but-shipped-templates.ts';

/**
 * Every migration of the notifications schema, oldest first: `NNNN-what-it-does.ts`, class
 * `MigrationNNNNWhatItDoes`, as in every service. `name` is what the migrations table recorded
 * when it ran (older migrations were named by timestamp then): never change one, or an existing
 * database runs it again.
 */
export const migrations = [
  { name: 'Migration20261121000000_notifications', class: Migration0001Notifications },
  { name: 'Migration20261122000000_reply_watches', class: Migration0002ReplyWatches },
  { name: 'Migration20261202000000_reply_verification', class: Migration0003ReplyVerification },
  { name: 'Migration0004CancelledButShippedTemplates', class: Migration0004CancelledButShippedTemplates },
];

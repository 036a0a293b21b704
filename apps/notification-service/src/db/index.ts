import type { DatabaseSettings } from '@cancelflow/service-kit';
import { MailboxMessage } from './entities/mailbox-message.ts';
import { OutboundEmail } from './entities/outbound-email.ts';
import { migrations } from './migrations/index.ts';

export const SCHEMA = 'notifications';

export { MailboxMessage, OutboundEmail };

export const databaseSettings = (url: string): DatabaseSettings => ({
  url,
  schema: SCHEMA,
  entities: [OutboundEmail, MailboxMessage],
  migrations,
});

import type { DatabaseSettings } from '@cancelflow/service-kit';
import { MailboxMessage } from './entities/mailbox-message.ts';
import { OutboundEmail } from './entities/outbound-email.ts';
import { ReplyDelivery, ReplyWatch } from './entities/reply-watch.ts';
import { migrations } from './migrations/index.ts';

export const SCHEMA = 'notifications';

export { MailboxMessage, OutboundEmail, ReplyDelivery, ReplyWatch };

export const databaseSettings = (url: string): DatabaseSettings => ({
  url,
  schema: SCHEMA,
  entities: [OutboundEmail, MailboxMessage, ReplyWatch, ReplyDelivery],
  migrations,
});

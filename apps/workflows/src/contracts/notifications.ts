/**
 * The notification service's activity every process asks of it (types only): one email per
 * messageKey, whatever the process.
 */
import type { EmailTemplate } from '@cancelflow/domain/activities';

export interface NotificationActivities {
  /** Sends an email once per messageKey; a repeat returns the first message's id. */
  sendEmail(input: {
    messageKey: string;
    to: string;
    template: EmailTemplate;
    data: Record<string, string | number | boolean | null>;
    orderId?: string;
  }): Promise<{ messageId: string }>;
}

/**
 * The emails a process asked for, rendered by the notification service's own templates: data a
 * template refuses (a field missing or renamed) fails the fast test, not only the whole system.
 */
import type { EmailTemplate } from '@cancelflow/domain';
import { renderEmail } from '@cancelflow/notification-service/templates/index';
import type { RecordedCalls } from './environment.ts';

export function renderedEmails(calls: RecordedCalls) {
  return calls
    .inputsOf<{ template: EmailTemplate; to: string; data: unknown }>('sendEmail')
    .map((e) => ({ template: e.template, to: e.to, ...renderEmail(e.template, e.data) }));
}

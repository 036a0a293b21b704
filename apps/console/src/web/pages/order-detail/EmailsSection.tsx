import { EmailList } from '../../components/EmailList.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { useConsole } from '../../context.tsx';
import { useReloadOn } from '../../hooks/useReloadOn.ts';
import { useResource } from '../../hooks/useResource.ts';

/** live: a cancellation is moving, so emails are polled too (they go out between steps). */
export function EmailsSection({ orderId, version, live }: { orderId: string; version: string; live: boolean }) {
  const { api } = useConsole();
  const emails = useResource(`emails:${orderId}`, () => api.notifications.emailsForOrder(orderId), { pollWhile: () => live });
  useReloadOn(version, emails.reload);
  return (
    <section aria-labelledby="emails-title">
      <h2 id="emails-title">Emails</h2>
      <ErrorMessage error={emails.error} title="Emails cannot be shown" />
      {emails.data ? (
        emails.data.items.length === 0 ? (
          <p className="hint">No emails sent for this order.</p>
        ) : (
          <EmailList emails={emails.data.items} />
        )
      ) : null}
    </section>
  );
}

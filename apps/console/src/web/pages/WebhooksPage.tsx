import { useId, useState, type FormEvent } from 'react';
import {
  WEBHOOK_EVENT_TYPES,
  type WebhookDelivery,
  type WebhookEventType,
  type WebhookSubscription,
  type WebhookSubscriptionCreated,
} from '../api/types.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { Table, type Column } from '../components/Table.tsx';
import { useConsole } from '../context.tsx';
import { formatTime, humanize } from '../format.ts';
import { useResource } from '../hooks/useResource.ts';

/**
 * The merchant's webhook subscriptions: where CancelFlow POSTs events, which ones, signed with a
 * secret shown once. A receiver that fails for 3 days of retries disables its subscription; the
 * delivery log shows each event's attempts and last answer, and sends one event or a time range again.
 */
export function WebhooksPage() {
  const { api, session } = useConsole();
  const subscriptions = useResource('webhook-subscriptions', () => api.orders.listWebhookSubscriptions());
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEventType[]>([...WEBHOOK_EVENT_TYPES]);
  const [created, setCreated] = useState<WebhookSubscriptionCreated>();
  const [shown, setShown] = useState<string>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const urlId = useId();
  const canCreate = session?.role === 'MERCHANT';

  const act = async (action: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await action();
      await subscriptions.reload();
    } catch (e) {
      setError(e as Error);
    }
  };

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    await act(async () => {
      setCreated(await api.orders.createWebhookSubscription({ url: url.trim(), events }));
      setUrl('');
    });
    setBusy(false);
  };

  const toggle = (type: WebhookEventType) =>
    setEvents((current) => (current.includes(type) ? current.filter((t) => t !== type) : [...current, type]));

  const items = subscriptions.data?.items ?? [];
  const columns: Column<WebhookSubscription>[] = [
    {
      header: 'Receiver',
      cell: (s) => (
        <>
          <code>{s.url}</code> <span className="hint">secret {s.secretPrefix}…</span>
        </>
      ),
    },
    { header: 'Events', cell: (s) => s.events.join(', ') },
    {
      header: 'Status',
      cell: (s) => (
        <>
          <StatusBadge status={s.status} />
          {s.disabledReason ? <span className="hint"> {s.disabledReason}</span> : null}
        </>
      ),
    },
    {
      header: 'Action',
      cell: (s) => (
        <>
          <button type="button" className="secondary" onClick={() => setShown(shown === s.id ? undefined : s.id)}>
            Deliveries of {s.url}
          </button>{' '}
          <button
            type="button"
            className="secondary"
            onClick={() =>
              void act(() => api.orders.updateWebhookSubscription(s.id, { status: s.status === 'ACTIVE' ? 'DISABLED' : 'ACTIVE' }))
            }
          >
            {s.status === 'ACTIVE' ? `Disable ${s.url}` : `Enable ${s.url}`}
          </button>{' '}
          <button type="button" className="secondary" onClick={() => void act(() => api.orders.deleteWebhookSubscription(s.id))}>
            Delete {s.url}
          </button>
        </>
      ),
    },
  ];
  const selected = items.find((s) => s.id === shown);
  return (
    <section aria-labelledby="webhooks-title">
      <h1 id="webhooks-title">Webhooks</h1>
      <p className="hint">
        CancelFlow POSTs each event as JSON, signed in the <code>CancelFlow-Signature</code> header (<code>t=…,v1=…</code>, HMAC-SHA256 of{' '}
        <code>t.body</code>; refuse timestamps more than 300 s away), with the event id as <code>Idempotency-Key</code>. Events of one order
        arrive in order; a receiver that does not answer 2xx is retried for 3 days.
      </p>
      {canCreate ? (
        <form onSubmit={create}>
          <div>
            <label htmlFor={urlId}>Receiver URL</label>
            <input
              id={urlId}
              type="url"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              placeholder="https://erp.example.com/cancelflow/events"
              required
            />
          </div>
          <fieldset>
            <legend>Events</legend>
            {WEBHOOK_EVENT_TYPES.map((type) => (
              <label key={type} className="checkbox">
                <input type="checkbox" checked={events.includes(type)} onChange={() => toggle(type)} /> {type}
              </label>
            ))}
          </fieldset>
          <button type="submit" disabled={busy || url.trim() === '' || events.length === 0}>
            Subscribe
          </button>
        </form>
      ) : (
        <p className="hint">Only the merchant's own staff subscribe receivers; support can see, disable and enable them.</p>
      )}
      {created ? (
        <div role="status" className="notice">
          <p>
            Subscribed <code>{created.url}</code>. Copy the signing secret now: it is shown this once and cannot be shown again.
          </p>
          <p>
            <output aria-label="The signing secret">
              <code>{created.secret}</code>
            </output>
          </p>
        </div>
      ) : null}
      <ErrorMessage error={error} title="That did not work" />
      <ErrorMessage error={subscriptions.error} title="The subscriptions cannot be shown" />
      {subscriptions.loading && !subscriptions.data ? <p role="status">Loading subscriptions…</p> : null}
      {subscriptions.data && items.length === 0 ? <p className="hint">No subscriptions yet.</p> : null}
      {items.length > 0 ? (
        <Table caption="Webhook subscriptions, the newest first" columns={columns} rows={items} rowKey={(s) => s.id} />
      ) : null}
      {selected ? <DeliveryLog subscription={selected} /> : null}
    </section>
  );
}

function DeliveryLog({ subscription }: { subscription: WebhookSubscription }) {
  const { api } = useConsole();
  const deliveries = useResource(`webhook-deliveries-${subscription.id}`, () =>
    api.orders.listWebhookDeliveries(subscription.id, { limit: 100 }),
  );
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [error, setError] = useState<Error>();
  const [queued, setQueued] = useState<number>();
  const fromId = useId();
  const toId = useId();

  const redeliver = async (body: { eventId: string } | { from: string; to: string }) => {
    setError(undefined);
    try {
      setQueued((await api.orders.redeliverWebhookEvents(subscription.id, body)).deliveries.length);
      await deliveries.reload();
    } catch (e) {
      setError(e as Error);
    }
  };

  const answerOf = (d: WebhookDelivery) =>
    d.lastAnswer ? [d.lastAnswer.status ? `HTTP ${d.lastAnswer.status}` : '', d.lastAnswer.error ?? ''].filter(Boolean).join(' ') : '';
  const columns: Column<WebhookDelivery>[] = [
    {
      header: 'Event',
      cell: (d) => (
        <>
          {d.eventType} <span className="hint">{formatTime(d.occurredAt)}</span>
          {d.redelivery ? <span className="hint"> (sent again)</span> : null}
        </>
      ),
    },
    { header: 'Status', cell: (d) => <StatusBadge status={d.status} /> },
    { header: 'Attempts', cell: (d) => String(d.attempts) },
    { header: 'Last answer', cell: (d) => answerOf(d) || humanize('none yet') },
    {
      header: 'Action',
      cell: (d) => (
        <button type="button" className="secondary" onClick={() => void redeliver({ eventId: d.eventId })}>
          Send {d.eventType} again
        </button>
      ),
    },
  ];
  const items = deliveries.data?.items ?? [];
  return (
    <section aria-labelledby="delivery-log-title">
      <h2 id="delivery-log-title">Deliveries to {subscription.url}</h2>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          void redeliver({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });
        }}
      >
        <div>
          <label htmlFor={fromId}>From</label>
          <input id={fromId} type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} required />
        </div>
        <div>
          <label htmlFor={toId}>To</label>
          <input id={toId} type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} required />
        </div>
        <button type="submit" disabled={subscription.status !== 'ACTIVE' || from === '' || to === ''}>
          Send the events of this range again
        </button>
      </form>
      {queued !== undefined ? <p role="status">{queued} events queued to be sent again.</p> : null}
      <ErrorMessage error={error} title="That did not work" />
      <ErrorMessage error={deliveries.error} title="The deliveries cannot be shown" />
      {deliveries.data && items.length === 0 ? <p className="hint">Nothing delivered yet.</p> : null}
      {items.length > 0 ? <Table caption="Deliveries, the newest first" columns={columns} rows={items} rowKey={(d) => d.id} /> : null}
    </section>
  );
}

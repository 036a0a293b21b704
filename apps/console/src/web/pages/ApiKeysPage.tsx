import { useId, useState, type FormEvent } from 'react';
import type { ApiKey, ApiKeyCreated } from '../api/index.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { Table, type Column } from '../components/Table.tsx';
import { useConsole } from '../context.tsx';
import { formatTime, humanize } from '../format.ts';
import { useResource } from '../hooks/useResource.ts';

/**
 * The merchant's keys for the Merchant API v2 (ChannelEngine-compatible): an integration written
 * for ChannelEngine sends one as `apikey` or `X-CE-KEY`. A new key is shown once, here; CancelFlow
 * keeps only a hash of it. Revoking stops a key at once.
 */
export function ApiKeysPage() {
  const { api, session } = useConsole();
  const keys = useResource('api-keys', () => api.orders.listApiKeys());
  const [name, setName] = useState('');
  const [created, setCreated] = useState<ApiKeyCreated>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const nameId = useId();
  const canCreate = session?.role === 'MERCHANT';

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setCreated(await api.orders.createApiKey({ name }));
      setName('');
      await keys.reload();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (keyId: string) => {
    setError(undefined);
    try {
      await api.orders.revokeApiKey(keyId);
      if (created?.id === keyId) setCreated(undefined);
      await keys.reload();
    } catch (e) {
      setError(e as Error);
    }
  };

  const items = keys.data?.items ?? [];
  const columns: Column<ApiKey>[] = [
    { header: 'Name', cell: (k) => k.name },
    { header: 'Key', cell: (k) => <code>{k.prefix}…</code> },
    {
      header: 'Created',
      cell: (k) => (
        <>
          {formatTime(k.createdAt)} <span className="hint">by {k.createdBy}</span>
        </>
      ),
    },
    {
      header: 'Status',
      cell: (k) => (
        <>
          <StatusBadge status={k.status} />
          {k.revokedAt ? <span className="hint"> {formatTime(k.revokedAt)}</span> : null}
        </>
      ),
    },
    {
      header: 'Action',
      cell: (k) =>
        k.status === 'ACTIVE' ? (
          <button type="button" className="secondary" onClick={() => void revoke(k.id)}>
            Revoke {k.name}
          </button>
        ) : (
          humanize(k.status)
        ),
    },
  ];
  return (
    <section aria-labelledby="api-keys-title">
      <h1 id="api-keys-title">API keys</h1>
      <p className="hint">
        Keys for the Merchant API v2 (ChannelEngine-compatible, under <code>/api/v2</code> of the order service). An integration sends one
        as the <code>apikey</code> query parameter or the <code>X-CE-KEY</code> header and sees this merchant's orders only.
      </p>
      {canCreate ? (
        <form onSubmit={create} className="filters">
          <div>
            <label htmlFor={nameId}>Name of the integration</label>
            <input id={nameId} value={name} onChange={(e) => setName(e.target.value)} placeholder="ERP" maxLength={100} required />
          </div>
          <button type="submit" disabled={busy || name.trim() === ''}>
            Create key
          </button>
        </form>
      ) : (
        <p className="hint">Only the merchant's own staff create keys; support can see and revoke them.</p>
      )}
      {created ? (
        <div role="status" className="notice">
          <p>
            Key <strong>{created.name}</strong> created. Copy it now: it is shown this once and cannot be shown again.
          </p>
          <p>
            <output aria-label="The new API key">
              <code>{created.key}</code>
            </output>
          </p>
        </div>
      ) : null}
      <ErrorMessage error={error} title="That did not work" />
      <ErrorMessage error={keys.error} title="The keys cannot be shown" />
      {keys.loading && !keys.data ? <p role="status">Loading keys…</p> : null}
      {keys.data && items.length === 0 ? <p className="hint">No keys yet.</p> : null}
      {items.length > 0 ? <Table caption="API keys, the newest first" columns={columns} rows={items} rowKey={(k) => k.id} /> : null}
    </section>
  );
}

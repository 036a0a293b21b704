import { useId, useState, type FormEvent } from 'react';
import { ApiError, type Cancellation, type Undo } from '../api/index.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { StepList } from '../components/StepList.tsx';
import { useConsole } from '../context.tsx';
import { formatMoney, formatTime, humanize } from '../format.ts';
import { useResource } from '../hooks/useResource.ts';

/**
 * Undo a cancellation: reopens what it cancelled; the money comes back first (credit taken back,
 * pending refund stopped, recapture, or a payment request), each money step shown as it happens.
 * The service decides what can be undone (fill-or-kill never) and says why not.
 */
export function UndoSection({ cancellation }: { cancellation: Cancellation }) {
  const { api, session } = useConsole();
  const undo = useResource<Undo | null>(
    `undo:${cancellation.id}`,
    async () => {
      try {
        return await api.orders.getUndoOf(cancellation.id);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
    { pollWhile: (u) => u?.status === 'IN_PROGRESS' },
  );
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [problem, setProblem] = useState<string>();
  const reasonId = useId();
  const current = undo.data;
  const canStart =
    cancellation.status === 'CANCELLED' && cancellation.reason !== 'FILL_OR_KILL' && (!current || current.status === 'FAILED');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim().length < 3) return setProblem('say why the cancellation is undone (e.g. "customer changed their mind")');
    setProblem(undefined);
    setError(undefined);
    setBusy(true);
    try {
      await api.orders.undoCancellation(cancellation.id, { staffId: session?.staffId ?? 'staff', reason: reason.trim() });
      await undo.reload();
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="undo-title">
      <h2 id="undo-title">Undo</h2>
      <ErrorMessage error={undo.error} title="The undo cannot be shown" />
      {current ? (
        <div className="card">
          <p>
            <StatusBadge status={current.status} /> asked by {current.staffId} {formatTime(current.createdAt)}: “{current.reason}” ·{' '}
            {formatMoney(current.amount, cancellation.currency)} to get back{current.whole ? '' : ' (part)'}
            {current.failureReason ? <span className="hint"> {current.failureReason}</span> : null}
          </p>
          <h3>Money steps</h3>
          {current.moneySteps.length === 0 ? (
            <p className="hint">{current.status === 'IN_PROGRESS' ? 'Getting the money back…' : 'None.'}</p>
          ) : (
            <StepList steps={current.moneySteps} />
          )}
          <details>
            <summary>All steps of the undo</summary>
            <StepList steps={current.steps} />
          </details>
        </div>
      ) : null}
      {canStart ? (
        <form onSubmit={submit} noValidate aria-busy={busy}>
          <label htmlFor={reasonId}>Why undo this cancellation?</label>
          <textarea id={reasonId} value={reason} rows={2} maxLength={1000} onChange={(e) => setReason(e.target.value)} />
          {problem ? (
            <p role="alert" className="error">
              {problem}
            </p>
          ) : null}
          <ErrorMessage error={error} title="The cancellation was not undone" />
          <div className="actions">
            <button type="submit" disabled={busy}>
              {busy ? 'Starting…' : 'Undo cancellation'}
            </button>
          </div>
        </form>
      ) : !current ? (
        <p className="hint">
          {cancellation.reason === 'FILL_OR_KILL'
            ? 'Fill-or-kill cancellations are never undone.'
            : cancellation.status === 'IN_PROGRESS'
              ? 'Can be undone once the cancellation has finished.'
              : `Cannot be undone: the cancellation is ${humanize(cancellation.status).toLowerCase()}.`}
        </p>
      ) : null}
    </section>
  );
}

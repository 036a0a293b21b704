import type { Cancellation, TimelineEvent } from '../../api/index.ts';
import { StepList } from '../../components/StepList.tsx';
import { workflowUrl } from '../../config.ts';
import { useConsole } from '../../context.tsx';
import { humanize } from '../../format.ts';

interface Entry {
  at: string;
  step: string;
  what: string;
  actor: string;
  detail?: string;
  workflowId?: string;
}

function describe(detail: Record<string, unknown>): string | undefined {
  const parts = Object.entries(detail)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  return parts.length ? parts.join(', ') : undefined;
}

/** Everything that happened to the order and its cancellations, oldest first, who and when. */
export function Timeline({ events, cancellations }: { events: TimelineEvent[]; cancellations: Cancellation[] }) {
  const { config } = useConsole();
  // The order service writes each cancellation step to the order's timeline too: show it once,
  // as the step, which names the cancellation by its merchant number.
  const stepEvents = new Set(cancellations.flatMap((c) => c.steps.map((s) => `${c.id}:CANCELLATION_${s.step}`)));
  const entries: Entry[] = [
    ...events
      .filter((e) => !stepEvents.has(`${String(e.detail?.cancellationId ?? '')}:${e.type}`))
      .map((e) => {
        const detail = describe(e.detail ?? {});
        return { at: e.at, step: e.type, what: humanize(e.type), actor: e.actor, ...(detail ? { detail } : {}) };
      }),
    ...cancellations.flatMap((c) =>
      c.steps.map((s, i) => ({
        at: s.at,
        step: s.step,
        what: `Cancellation ${c.merchantCancellationNumber}: ${humanize(s.step)}`,
        actor: s.actor,
        ...(s.detail ? { detail: s.detail } : {}),
        ...(i === 0 ? { workflowId: c.workflowId } : {}),
      })),
    ),
  ].sort((a, b) => a.at.localeCompare(b.at));

  if (entries.length === 0) return <p>Nothing has happened to this order yet.</p>;
  return (
    <StepList
      steps={entries}
      name={(e) => e.what}
      extra={(e) =>
        e.workflowId ? (
          <a href={workflowUrl(config, e.workflowId)} target="_blank" rel="noreferrer">
            Open the workflow in Temporal<span className="visually-hidden"> (opens in a new tab)</span>
          </a>
        ) : null
      }
    />
  );
}

export function TimelineSection({ events, cancellations }: { events: TimelineEvent[]; cancellations: Cancellation[] }) {
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <Timeline events={events} cancellations={cancellations} />
    </section>
  );
}

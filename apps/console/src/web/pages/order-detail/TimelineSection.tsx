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

/**
 * Everything that happened to the order and its cancellations, oldest first, who and when. The
 * order service's timeline holds each cancellation step once; a step is named by its
 * cancellation's merchant number, and the first one links to the cancellation's workflow.
 */
export function Timeline({ events, cancellations }: { events: TimelineEvent[]; cancellations: Cancellation[] }) {
  const { config } = useConsole();
  const linked = new Set<string>();
  const entries: Entry[] = events.map((e) => {
    const cancellation = e.step ? cancellations.find((c) => c.id === e.cancellationId) : undefined;
    if (cancellation && e.step) {
      const first = !linked.has(cancellation.id);
      linked.add(cancellation.id);
      const detail = typeof e.detail?.detail === 'string' ? e.detail.detail : undefined;
      return {
        at: e.at,
        step: e.step,
        what: `Cancellation ${cancellation.merchantCancellationNumber}: ${humanize(e.step)}`,
        actor: e.actor,
        ...(detail ? { detail } : {}),
        ...(first ? { workflowId: cancellation.workflowId } : {}),
      };
    }
    const detail = describe(e.detail ?? {});
    return { at: e.at, step: e.type, what: humanize(e.type), actor: e.actor, ...(detail ? { detail } : {}) };
  });

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

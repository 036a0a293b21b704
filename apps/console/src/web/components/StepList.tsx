import type { ReactNode } from 'react';
import { formatTime, humanize } from '../format.ts';

/** What every recorded step carries: a cancellation's, an undo's, a cancelled-but-shipped one's. */
export interface ListedStep {
  at: string;
  step: string;
  actor: string;
  detail?: string | undefined;
}

/**
 * Steps oldest first, each with when, what and who. `name` words the step (the step's own name by
 * default); `extra` adds what belongs under one step (a link to its workflow, for instance).
 */
export function StepList<S extends ListedStep>({
  steps,
  name = (s) => humanize(s.step),
  extra,
}: {
  steps: readonly S[];
  name?: (step: S) => string;
  extra?: (step: S, index: number) => ReactNode;
}) {
  return (
    <ol className="timeline">
      {steps.map((s, i) => (
        <li key={i}>
          <time dateTime={s.at}>{formatTime(s.at)}</time>
          <div>
            <strong>{name(s)}</strong> <span className="hint">by {s.actor}</span>
            {s.detail ? <div className="hint">{s.detail}</div> : null}
            {extra?.(s, i)}
          </div>
        </li>
      ))}
    </ol>
  );
}

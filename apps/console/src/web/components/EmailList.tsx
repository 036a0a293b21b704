import type { Email } from '../api/index.ts';
import { formatTime } from '../format.ts';
import { StatusBadge } from './StatusBadge.tsx';

/** Emails as sent, each opening to its text. */
export function EmailList({ emails }: { emails: readonly Email[] }) {
  return (
    <ul>
      {emails.map((e) => (
        <li key={e.id}>
          <details>
            <summary>
              {formatTime(e.sentAt ?? e.createdAt)} · {e.subject} → {e.to} <StatusBadge status={e.status} />
            </summary>
            <pre className="email">{e.text}</pre>
          </details>
        </li>
      ))}
    </ul>
  );
}

import { humanize } from '../format.ts';

const TONES: Record<string, string> = {
  NEW: 'info',
  IN_PROGRESS: 'busy',
  PARTIALLY_SHIPPED: 'info',
  SHIPPED: 'ok',
  CANCELLED: 'done',
  CLOSED: 'done',
  UNDONE: 'info',
  PENDING: 'busy',
  SUCCEEDED: 'ok',
  SETTLED: 'ok',
  SENT: 'ok',
  FAILED: 'bad',
  OPEN: 'busy',
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${TONES[status] ?? 'info'}`}>{humanize(status)}</span>;
}

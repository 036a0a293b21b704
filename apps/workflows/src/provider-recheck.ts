/**
 * How long a process waits for the outside world's word before asking for it: the first wait,
 * doubled each time, up to the longest. No wait depends on one event or signal arriving.
 */
import { msToNumber } from '@temporalio/common/lib/time.js';
import type { Duration } from '@temporalio/common';

export const DEFAULT_RECHECK_FIRST = '10 seconds';
export const DEFAULT_RECHECK_LONGEST = '10 minutes';

/** The n-th wait (from 0), in milliseconds. */
export function recheckAfter(settings: { refundRecheckFirst?: Duration; refundRecheckInterval?: Duration } | undefined, n: number): number {
  const first = msToNumber(settings?.refundRecheckFirst ?? DEFAULT_RECHECK_FIRST);
  const longest = Math.max(first, msToNumber(settings?.refundRecheckInterval ?? DEFAULT_RECHECK_LONGEST));
  return Math.min(longest, first * 2 ** Math.min(n, 30));
}

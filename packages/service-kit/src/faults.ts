/**
 * Named points between two writes where a crash would lose the second one unless it has a
 * durable path. Tests arm a point to prove it heals: `throw` drops the in-memory rest of the work
 * (as a process that died there would), `exit` kills the process on the spot (SIGKILL, no
 * shutdown hooks). Armed from the environment (CANCELFLOW_FAULTS=point=mode,point=mode) for a
 * child process, or with armFault in-process. Unarmed, a point costs one lookup in an empty map.
 */
export type FaultMode = 'throw' | 'exit';

/** Every point a test may arm, so a typo in a test is a type error rather than a silent no-op. */
export type FaultPoint =
  | 'sandbox.refund-settled'
  | 'sandbox.payment-received'
  | 'refund.provider-answered'
  | 'refund.event-applied'
  | 'undo.payment-recorded'
  | 'request.closed-by-shipment'
  | 'order.confirmation-owed';

export class InjectedFault extends Error {
  readonly point: FaultPoint;
  constructor(point: FaultPoint) {
    super(`injected fault at ${point}`);
    this.point = point;
  }
}

interface Armed {
  mode: FaultMode;
  times: number;
  /** Only the work on this subject (an order id, a channel order number) hits it. */
  subject?: string;
}

const armed = new Map<FaultPoint, Armed>(parseFaults(process.env.CANCELFLOW_FAULTS));

function parseFaults(spec: string | undefined): [FaultPoint, Armed][] {
  if (!spec) return [];
  return spec
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [point, mode = 'exit'] = entry.split('=');
      if (mode !== 'throw' && mode !== 'exit') throw new Error(`CANCELFLOW_FAULTS: ${entry}: the mode is throw or exit`);
      return [point as FaultPoint, { mode, times: Number.POSITIVE_INFINITY }];
    });
}

/**
 * Arms a point in this process; `times` hits, then it disarms itself. With a subject, only work
 * on it hits the point: a background sweep passing the same point for other records (other test
 * files share the database) does not use the hit up. Returns the disarm.
 */
export function armFault(point: FaultPoint, mode: FaultMode = 'throw', times = 1, subject?: string): () => void {
  armed.set(point, { mode, times, ...(subject === undefined ? {} : { subject }) });
  return () => {
    armed.delete(point);
  };
}

/** Marks a point between two writes, in the work on `subject`; does nothing unless a test armed it. */
export function faultPoint(point: FaultPoint, subject?: string): void {
  if (armed.size === 0) return;
  const fault = armed.get(point);
  if (!fault || (fault.subject !== undefined && fault.subject !== subject)) return;
  fault.times -= 1;
  if (fault.times <= 0) armed.delete(point);
  if (fault.mode === 'exit') process.kill(process.pid, 'SIGKILL');
  throw new InjectedFault(point);
}

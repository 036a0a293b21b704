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

const armed = new Map<FaultPoint, { mode: FaultMode; times: number }>(parseFaults(process.env.CANCELFLOW_FAULTS));

function parseFaults(spec: string | undefined): [FaultPoint, { mode: FaultMode; times: number }][] {
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

/** Arms a point in this process; `times` hits, then it disarms itself. Returns the disarm. */
export function armFault(point: FaultPoint, mode: FaultMode = 'throw', times = 1): () => void {
  armed.set(point, { mode, times });
  return () => {
    armed.delete(point);
  };
}

/** Marks a point between two writes; does nothing unless a test armed it. */
export function faultPoint(point: FaultPoint): void {
  if (armed.size === 0) return;
  const fault = armed.get(point);
  if (!fault) return;
  fault.times -= 1;
  if (fault.times <= 0) armed.delete(point);
  if (fault.mode === 'exit') process.kill(process.pid, 'SIGKILL');
  throw new InjectedFault(point);
}

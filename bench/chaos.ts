/**
 * `npm run chaos`: the production topology (infra/src/production.ts: the Temporal server on
 * PostgreSQL, two replicas of every service and of the workflow worker) under faults, then the
 * invariants. Cancellations, customer requests, undos and cancelled-but-shipped processes run at a
 * steady rate while replicas are SIGKILLed at random (and started again by their supervisor, as
 * compose's restart policy does), the Temporal server is SIGKILLed and started again, PostgreSQL
 * is stopped immediately (SIGQUIT: no checkpoint) and started again, the SMTP relay is
 * unreachable for a while, and the payment provider is down for a while (first answering 500 to
 * everything, then taking refunds and losing its answers). Then every process must reach its terminal state, and:
 *   - refunds per order are exactly what was cancelled (and recaptured exactly, when undone);
 *   - no order is rebilled twice (a cancelled-but-shipped process rebills exactly what shipped, once; others not at all);
 *   - one email of each kind per order (the notification service's record) and one Message-ID per
 *     email at the relay (a resend of the same message after a crash counts apart, as a duplicate delivery);
 *   - no step recorded twice.
 * Loopback only; bounded in time. Figures to bench/results/chaos-latest.json.
 *
 *   --bench: no faults; BENCH_ORDERS (default 200) cancellations started at once, as `npm run
 *   bench` does on the dev server, on this topology (bench/results/production-bench-latest.json).
 *
 *   --soak: no faults, one steady rate for CHAOS_SOAK_MINUTES (default 60), RSS of every process
 *   sampled; the slope of each (MiB per hour, after the first fifth) is the result
 *   (bench/results/soak-latest.json).
 *
 *   CHAOS_CANCELLATIONS=40  plain cancellations (and a quarter as many requests, undos, cancelled-but-shipped processes each)
 *   CHAOS_SECONDS=240       how long the load and the faults last (the SMTP relay and the payment provider are each down for a quarter of it, at most 60 s)
 *   CHAOS_SETTLE_SECONDS=300  how long everything may take to finish after the faults
 *   CHAOS_SEED              the random seed (printed; the same seed kills in the same order)
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProduction, type Production } from '@cancelflow/infra/production';
import { stopAll } from '@cancelflow/infra/shutdown';
import { orderInput, unique } from '@cancelflow/testing';
import { summarize } from './src/stats.ts';
import { authSettingsFromEnv, mintAccessToken } from '@cancelflow/service-kit/auth';
import { Connection } from '@temporalio/client';

const soak = process.argv.includes('--soak');
const benchmark = process.argv.includes('--bench');
const CANCELLATIONS = positiveInt('CHAOS_CANCELLATIONS', soak ? 1 : 40);
const OTHERS = Math.max(1, Math.round(CANCELLATIONS / 4));
const LOAD_SECONDS = soak ? positiveInt('CHAOS_SOAK_MINUTES', 60) * 60 : positiveInt('CHAOS_SECONDS', 240);
const SETTLE_SECONDS = positiveInt('CHAOS_SETTLE_SECONDS', 300);
const SOAK_PER_MINUTE = positiveInt('CHAOS_SOAK_PER_MINUTE', 30);
const SEED = Number(process.env.CHAOS_SEED || Math.floor(Math.random() * 2 ** 31));
const RESTART_AFTER_MS = 1_500;
/** Short waits so that a run ends in minutes (reported with the results), and the provider's outage switch. */
const RUN_ENV = { REFUND_RECHECK_FIRST: '1s', REFUND_RECHECK_INTERVAL: '3s', SANDBOX_CARD_SETTLE_MS: '300', SANDBOX_OUTAGES: 'true' };
const ORDER_TOTAL = 5500; // the fixture's order: 2 × 12.50 + 30.00, paid by card

const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });
const mode = soak ? 'soak' : benchmark ? 'production-bench' : 'chaos';
const logFile = join(resultsDir, `${mode}-processes.log`);
writeFileSync(logFile, '');
const say = (message: string) => process.stderr.write(`[chaos ${clock()}] ${message}\n`);
const t0 = Date.now();
const clock = () => `${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s`;
const random = mulberry32(SEED);

// ---------------------------------------------------------------------------------------------
// The topology
// ---------------------------------------------------------------------------------------------

// Always the embedded PostgreSQL: the run stops and starts it.
delete process.env.DATABASE_URL;
const dataDir = mkdtempSync(join(tmpdir(), 'cancelflow-chaos-'));
say(`seed ${SEED}; data in ${dataDir}; process logs in ${logFile}`);
const topology: Production = await startProduction({
  dataDir,
  ports: { 'order-service': 0, 'payment-service': 0, 'notification-service': 0, console: 0, smtp: 0, temporal: 0 },
  console: false,
  temporaryPostgres: true,
  restartAfterMs: RESTART_AFTER_MS,
  extraEnv: { LOG_LEVEL: 'warn', ...RUN_ENV },
  log: (name) => (line) => appendFileSync(logFile, `${new Date().toISOString()} [${name}] ${line}\n`),
});
const auth = authSettingsFromEnv({ AUTH_TOKEN_SECRET: topology.composeInput.AUTH_TOKEN_SECRET, NODE_ENV: 'production' });
const [serviceToken, supportToken] = await Promise.all([
  mintAccessToken(auth, { role: 'SERVICE', subject: 'chaos-importer', expiresIn: '8h' }),
  mintAccessToken(auth, { role: 'SUPPORT', subject: 'chaos-support', expiresIn: '8h' }),
]);

// ---------------------------------------------------------------------------------------------
// HTTP with retries: every call rides out a fault (refused, 5xx, timeouts) until its deadline
// ---------------------------------------------------------------------------------------------

interface Answer<T> {
  status: number;
  body: T;
}
let retriedCalls = 0;
/** Request POSTs answered 200: an earlier attempt got through, its answer was lost, the key found it. */
let repeatedRequests = 0;

async function call<T>(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  options: { token?: string; accept?: (status: number) => boolean; deadlineMs?: number; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const accept = options.accept ?? ((s: number) => s < 500 && s !== 429);
  const deadline = Date.now() + (options.deadlineMs ?? (LOAD_SECONDS + SETTLE_SECONDS) * 1000);
  let last = '';
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${options.token ?? supportToken}`,
          ...options.headers,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await response.text();
      const parsed = text && response.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as T) : (text as T);
      if (accept(response.status)) return { status: response.status, body: parsed };
      last = `${response.status} ${text.slice(0, 200)}`;
    } catch (error) {
      last = String(error);
    }
    if (Date.now() > deadline) throw new Error(`${method} ${path}: gave up after ${attempt + 1} attempts: ${last}`);
    retriedCalls += 1;
    await sleep(Math.min(5_000, 250 * 2 ** Math.min(attempt, 5)));
  }
}
const orders = (method: 'GET' | 'POST', path: string, body?: unknown, options: Parameters<typeof call>[4] = {}) =>
  call<Record<string, unknown>>(topology.urls['order-service'], method, path, body, options);
const payments = (path: string) => call<Record<string, unknown>>(topology.urls['payment-service'], 'GET', path);
const notifications = (path: string) => call<Record<string, unknown>>(topology.urls['notification-service'], 'GET', path);

/** Polls a GET until `done` holds, riding out faults. */
async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = (LOAD_SECONDS + SETTLE_SECONDS) * 1000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what}: not reached in ${Math.round(timeoutMs / 1000)}s (last: ${JSON.stringify(value).slice(0, 300)})`);
    await sleep(1_000);
  }
}

// ---------------------------------------------------------------------------------------------
// The processes driven through the APIs, as a channel integration and support staff would
// ---------------------------------------------------------------------------------------------

type Kind = 'cancellation' | 'request' | 'undo' | 'cancelled-but-shipped';
interface Scenario {
  kind: Kind;
  orderId: string;
  lines: { id: string; quantity: number }[];
  startedAt?: number;
  finishedAt?: number;
  cancellationId?: string;
  undoId?: string;
  requestId?: string;
  cancelledButShippedId?: string;
  error?: string;
}

async function importAnOrder(kind: Kind): Promise<Scenario> {
  // An order the shop has not retrieved: a customer's request for all of it is accepted at once.
  const input = orderInput({ channelOrderNo: unique('CHAOS') });
  const answer = await orders('POST', '/orders', input, { token: serviceToken });
  if (answer.status !== 201 && answer.status !== 200) throw new Error(`import answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  const body = answer.body as { id: string; lines: { id: string; quantity: number }[] };
  return { kind, orderId: body.id, lines: body.lines.map((l) => ({ id: l.id, quantity: l.quantity })) };
}

const cancellationOf = async (id: string) =>
  (await orders('GET', `/cancellations/${id}`)).body as { status: string; steps: { step: string }[] };

async function cancel(s: Scenario): Promise<void> {
  const number = unique('CHAOS-C');
  // An identical repeat (a retry after a lost answer) is the same cancellation: 200.
  const answer = await orders('POST', `/orders/${s.orderId}/cancellations`, {
    lines: s.lines.map((l) => ({ lineId: l.id, quantity: l.quantity })),
    reason: 'OUT_OF_STOCK',
    merchantCancellationNumber: number,
  });
  if (answer.status !== 202 && answer.status !== 200) throw new Error(`cancel answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  s.cancellationId = (answer.body as { cancellationId: string }).cancellationId;
  await until(
    () => cancellationOf(s.cancellationId!),
    (c) => c.status === 'CANCELLED',
    `cancellation ${s.cancellationId}`,
  );
}

async function drive(s: Scenario): Promise<void> {
  s.startedAt = Date.now();
  try {
    if (s.kind === 'request') {
      // One key for every attempt: a retry after a lost answer gets the request it created (200).
      const answer = await orders(
        'POST',
        `/orders/${s.orderId}/cancellation-requests`,
        {
          source: 'CUSTOMER_CONTACT',
          lines: s.lines.map((l) => ({ lineId: l.id, quantity: l.quantity })),
          reason: 'CUSTOMER_REQUEST',
          comment: 'ordered twice by mistake',
        },
        { headers: { 'Idempotency-Key': `chaos-request-${s.orderId}` } },
      );
      if (answer.status === 200) repeatedRequests += 1;
      else if (answer.status !== 201) throw new Error(`request answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      s.requestId = (answer.body as { requestId: string }).requestId;
      const request = await until(
        async () => (await orders('GET', `/cancellation-requests/${s.requestId}`)).body as { status: string; cancellationId?: string },
        (r) => r.cancellationId !== undefined,
        `request ${s.requestId}`,
      );
      s.cancellationId = request.cancellationId;
      await until(
        () => cancellationOf(s.cancellationId!),
        (c) => c.status === 'CANCELLED',
        `cancellation ${s.cancellationId}`,
      );
    } else {
      await cancel(s);
    }

    if (s.kind === 'undo') {
      const answer = await orders('POST', `/cancellations/${s.cancellationId}/undo`, {
        reason: 'customer changed their mind',
        staffId: 'chaos',
      });
      if (answer.status === 409) {
        // A retry of an undo that started (its answer was lost): read the cancellation's undo.
        s.undoId = ((await orders('GET', `/cancellations/${s.cancellationId}/undo`)).body as { id?: string; undoId?: string }).id;
      } else if (answer.status !== 202 && answer.status !== 200)
        throw new Error(`undo answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      else s.undoId = (answer.body as { undoId: string }).undoId;
      if (!s.undoId) throw new Error(`undo of ${s.cancellationId}: no undo id (${answer.status} ${JSON.stringify(answer.body)})`);
      await until(
        async () => (await orders('GET', `/undos/${s.undoId}`)).body as { status: string; steps: { step: string }[] },
        (u) => u.status === 'UNDONE' && u.steps.some((x) => x.step === 'CUSTOMER_NOTIFIED'),
        `undo ${s.undoId}`,
      );
    }

    if (s.kind === 'cancelled-but-shipped') {
      const shipment = await orders(
        'POST',
        `/orders/${s.orderId}/shipments`,
        {
          shipmentNumber: `SHIP-${s.orderId.slice(0, 8)}`,
          lines: s.lines.map((l) => ({ lineId: l.id, quantity: l.quantity })),
          carrier: 'DHL',
          trackingNumber: unique('TRK'),
        },
        { token: serviceToken },
      );
      if (shipment.status !== 201 && shipment.status !== 200)
        throw new Error(`shipment answered ${shipment.status}: ${JSON.stringify(shipment.body)}`);
      s.cancelledButShippedId = (shipment.body as { cancelledButShippedId?: string }).cancelledButShippedId;
      if (!s.cancelledButShippedId)
        throw new Error(`the shipment started no cancelled-but-shipped process: ${JSON.stringify(shipment.body)}`);
      const cancelledButShipped = () =>
        orders('GET', `/cancelled-but-shipped/${s.cancelledButShippedId}`).then(
          (a) => a.body as { status: string; steps: { step: string }[] },
        );
      await until(
        cancelledButShipped,
        (c) => c.steps.some((x) => x.step === 'CUSTOMER_EMAILED'),
        `cancelled-but-shipped process ${s.cancelledButShippedId} to email the customer`,
      );
      // Support answers for the customer, then approves the rebill. A 409 means the cancelled-but-shipped process is not
      // there yet (or is past it, after a lost answer): look again until the cancelled-but-shipped process has moved on.
      await until(
        async () => {
          const c = await cancelledButShipped();
          if (c.status === 'AWAITING_ACKNOWLEDGEMENT') {
            await orders('POST', `/cancelled-but-shipped/${s.cancelledButShippedId}/acknowledgement`, {
              staffId: 'chaos',
              accepted: true,
              evidence: 'customer keeps the parcel (phone note)',
            });
          }
          return c.status;
        },
        (status) => status !== 'AWAITING_ACKNOWLEDGEMENT',
        `cancelled-but-shipped process ${s.cancelledButShippedId} acknowledgement`,
      );
      await until(
        async () => {
          const c = await cancelledButShipped();
          if (c.status === 'AWAITING_REBILL_APPROVAL') {
            await orders('POST', `/cancelled-but-shipped/${s.cancelledButShippedId}/rebill-approval`, { staffId: 'chaos' });
          }
          return c.status;
        },
        (status) => status === 'REBILLING' || status === 'AWAITING_CREDIT_MEMO' || status === 'COMPLETED' || status === 'RETURN_REQUESTED',
        `cancelled-but-shipped process ${s.cancelledButShippedId} rebill approval`,
      );
      await until(
        cancelledButShipped,
        (c) => c.status === 'COMPLETED',
        `cancelled-but-shipped process ${s.cancelledButShippedId} to complete`,
      );
    }
    s.finishedAt = Date.now();
  } catch (error) {
    s.error = error instanceof Error ? error.message : String(error);
  }
}

// ---------------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------------

interface Fault {
  kind: 'replica-sigkill' | 'temporal-sigkill' | 'postgres-immediate-stop' | 'smtp-unreachable' | 'payment-provider-down';
  target: string;
  at: number;
  /** When it was brought back (or came back by itself); undefined while down. */
  restoredAt?: number;
  /** The first process step completed after restoredAt: the system works again. */
  recoveredAt?: number;
}
const faults: Fault[] = [];

async function faultSchedule(loadEndsAt: number): Promise<void> {
  const span = loadEndsAt - Date.now();
  // The big ones at fixed fractions of the window, replica kills at random in between.
  const plan: [number, () => Promise<void>][] = [
    [0.2, temporalCrash],
    [0.3, providerOutage],
    [0.45, postgresCrash],
    [0.65, smtpOutage],
  ];
  const started = Date.now();
  const pending = plan.map(async ([fraction, fault]) => {
    await sleep(Math.max(0, started + fraction * span - Date.now()));
    await fault();
  });
  const kills = (async () => {
    while (Date.now() < loadEndsAt) {
      await sleep(3_000 + random() * 7_000);
      if (Date.now() >= loadEndsAt) break;
      const alive = topology.replicas.filter((r) => r.process.alive());
      const victim = alive[Math.floor(random() * alive.length)];
      if (!victim) continue;
      const fault: Fault = { kind: 'replica-sigkill', target: victim.process.name, at: Date.now() };
      faults.push(fault);
      say(`SIGKILL ${victim.process.name} (pid ${victim.process.pid()})`);
      victim.process.kill('SIGKILL');
      void backAgain(victim).then(() => (fault.restoredAt = Date.now()));
    }
  })();
  await Promise.all([...pending, kills]);
}

/** Down, started again by its supervisor, and (a service) answering /readyz on its own port. */
async function backAgain(replica: Production['replicas'][number]): Promise<void> {
  await replica.process.exited();
  while (!replica.process.alive()) await sleep(200);
  if (!replica.env.PORT) return;
  await call(`http://127.0.0.1:${replica.env.PORT}`, 'GET', '/readyz', undefined, { accept: (s) => s === 200 }).catch(() => undefined);
}

/** The Temporal server answers again (started again by its supervisor). */
async function temporalServing(): Promise<void> {
  for (;;) {
    const connection = await Connection.connect({ address: topology.temporal.address, connectTimeout: '2s' }).catch(() => undefined);
    const ok = await connection?.workflowService.describeNamespace({ namespace: topology.namespace }).then(
      () => true,
      () => false,
    );
    await connection?.close().catch(() => undefined);
    if (ok) return;
    await sleep(500);
  }
}

async function temporalCrash(): Promise<void> {
  const fault: Fault = { kind: 'temporal-sigkill', target: `temporal-server (pid ${topology.temporal.pid()})`, at: Date.now() };
  faults.push(fault);
  say('SIGKILL the Temporal server (its supervisor starts it again)');
  await topology.temporal.kill('SIGKILL');
  await temporalServing();
  say('the Temporal server serves again');
  fault.restoredAt = Date.now();
}

async function postgresCrash(): Promise<void> {
  const fault: Fault = { kind: 'postgres-immediate-stop', target: 'postgresql', at: Date.now() };
  faults.push(fault);
  say('PostgreSQL: immediate stop (SIGQUIT)');
  await topology.postgres.crash();
  await sleep(5_000);
  say('starting PostgreSQL again (crash recovery)');
  await retry(() => topology.postgres.restart(), 'starting PostgreSQL');
  fault.restoredAt = Date.now();
}

async function smtpOutage(): Promise<void> {
  const fault: Fault = { kind: 'smtp-unreachable', target: 'smtp relay', at: Date.now() };
  faults.push(fault);
  const seconds = Math.min(60, Math.round(LOAD_SECONDS / 4));
  say(`SMTP relay unreachable for ${seconds}s`);
  await topology.relay.closePort();
  await sleep(seconds * 1000);
  await topology.relay.reopen();
  say('SMTP relay back');
  fault.restoredAt = Date.now();
}

/** The sandbox provider down for every order: half the time answering 500, half taking refunds and losing the answers. */
async function providerOutage(): Promise<void> {
  const fault: Fault = { kind: 'payment-provider-down', target: 'payment provider (sandbox)', at: Date.now() };
  faults.push(fault);
  const half = Math.max(1, Math.round(Math.min(60, LOAD_SECONDS / 4) / 2));
  for (const mode of ['UNAVAILABLE', 'ANSWER_LOST'] as const) {
    say(`payment provider down for ${half}s (${mode})`);
    // A new outage replaces the one before; each ends by itself.
    await call(topology.urls['payment-service'], 'POST', '/sandbox/outage', { seconds: half, mode }, { accept: (s) => s === 201 });
    await sleep(half * 1000);
  }
  say('payment provider back');
  fault.restoredAt = Date.now();
}

async function retry(task: () => Promise<void>, what: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await task();
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
      say(`${what} failed (attempt ${attempt}): ${String(error).slice(0, 200)}`);
      await sleep(2_000);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Memory
// ---------------------------------------------------------------------------------------------

interface RssSample {
  atS: number;
  mib: Record<string, number>;
}
const rss: RssSample[] = [];

async function sampleRss(): Promise<void> {
  const mib: Record<string, number> = {};
  const read = async (name: string, pid: number | undefined) => {
    if (!pid) return;
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const kib = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1]);
    if (kib) mib[name] = Math.round((kib / 1024) * 10) / 10;
  };
  for (const r of topology.replicas) await read(r.process.name, r.process.pid());
  await read('temporal-server', topology.temporal.pid());
  await read('chaos (this process)', process.pid);
  rss.push({ atS: Math.round((Date.now() - t0) / 1000), mib });
}

function slopes(samples: RssSample[]): Record<string, { mibPerHour: number; firstMiB: number; lastMiB: number; samples: number }> {
  const names = new Set(samples.flatMap((s) => Object.keys(s.mib)));
  const out: Record<string, { mibPerHour: number; firstMiB: number; lastMiB: number; samples: number }> = {};
  // The first fifth is warm-up (JIT, pools, caches filling).
  const steady = samples.slice(Math.floor(samples.length / 5));
  for (const name of names) {
    const points = steady.filter((s) => s.mib[name] !== undefined).map((s) => [s.atS / 3600, s.mib[name]!] as const);
    if (points.length < 3) continue;
    const mx = points.reduce((a, [x]) => a + x, 0) / points.length;
    const my = points.reduce((a, [, y]) => a + y, 0) / points.length;
    const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
    const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
    out[name] = {
      mibPerHour: round(sxx === 0 ? 0 : sxy / sxx),
      firstMiB: points[0]![1],
      lastMiB: points.at(-1)![1],
      samples: points.length,
    };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Runs
// ---------------------------------------------------------------------------------------------

async function waitUntilReady(): Promise<void> {
  const started = Date.now();
  for (const url of Object.values(topology.urls))
    await call(url, 'GET', '/readyz', undefined, { accept: (s) => s === 200, deadlineMs: 180_000 });
  // The workflow workers poll their task queue.
  const connection = await Connection.connect({ address: topology.temporal.address });
  try {
    await until(
      async () =>
        (
          await connection.workflowService.describeTaskQueue({
            namespace: topology.namespace,
            taskQueue: { name: 'cancellations' },
            taskQueueType: 1,
          })
        ).pollers?.length ?? 0,
      (n) => n >= 1,
      'a worker polling the cancellations task queue',
      180_000,
    );
  } finally {
    await connection.close();
  }
  say(`the topology is ready in ${Math.round((Date.now() - started) / 1000)}s after start: ${topology.replicas.length} replicas`);
}

async function runChaos() {
  const kinds: Kind[] = [
    ...Array<Kind>(CANCELLATIONS).fill('cancellation'),
    ...Array<Kind>(OTHERS).fill('request'),
    ...Array<Kind>(OTHERS).fill('undo'),
    ...Array<Kind>(OTHERS).fill('cancelled-but-shipped'),
  ];
  say(`importing ${kinds.length} orders`);
  const scenarios = await inBatches(kinds.length, 8, (i) => importAnOrder(kinds[i]!));
  shuffle(scenarios);

  const loadStartedAt = Date.now();
  const loadEndsAt = loadStartedAt + LOAD_SECONDS * 1000;
  const sampler = setInterval(() => void sampleRss(), 5_000);
  say(`load for ${LOAD_SECONDS}s: ${scenarios.length} processes at a steady rate, faults meanwhile`);
  const faulting = faultSchedule(loadEndsAt);
  // Started over the first 70% of the window, so the last ones still meet faults.
  const spacing = (LOAD_SECONDS * 1000 * 0.7) / scenarios.length;
  const driving = scenarios.map(async (s, i) => {
    await sleep(i * spacing);
    await drive(s);
  });
  await faulting;
  const faultsEndedAt = Date.now();
  say('faults over; waiting for every process to finish');
  await Promise.all(driving);
  const allDoneAt = Date.now();
  clearInterval(sampler);
  await sampleRss();

  say('checking the invariants');
  const invariants = await checkInvariants(scenarios);
  for (const fault of faults) {
    const after = fault.restoredAt ?? fault.at;
    const next = scenarios
      .map((s) => s.finishedAt)
      .filter((t): t is number => t !== undefined && t >= after)
      .sort((a, b) => a - b)[0];
    if (next) fault.recoveredAt = next;
  }
  const completions = scenarios.map((s) => s.finishedAt).filter((t): t is number => t !== undefined);
  const underFault = (t: number) => faults.some((f) => f.kind !== 'replica-sigkill' && t >= f.at && t <= (f.restoredAt ?? f.at) + 10_000);
  const faultWindowMs = faults
    .filter((f) => f.kind !== 'replica-sigkill')
    .reduce((a, f) => a + ((f.restoredAt ?? f.at) + 10_000 - f.at), 0);
  const loadMs = faultsEndedAt - loadStartedAt;

  const failed = scenarios.filter((s) => s.error);
  return {
    at: new Date().toISOString(),
    passed: failed.length === 0 && invariants.violations.length === 0,
    machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    settings: {
      seed: SEED,
      loadSeconds: LOAD_SECONDS,
      processes: countBy(scenarios.map((s) => s.kind)),
      replicas: topology.replicas.length,
      restartAfterMs: RESTART_AFTER_MS,
      env: RUN_ENV,
    },
    topology:
      'the Temporal server v1.30.4 (built from source) on the embedded PostgreSQL; 2 replicas each of order-service, payment-service, notification-service (each with its worker) and workflows; loopback balancers; an SMTP relay',
    faults: {
      count: countBy(faults.map((f) => f.kind)),
      replicaRestarts: Object.fromEntries(topology.replicas.map((r) => [r.process.name, r.process.restarts()])),
      temporalServerRestarts: topology.temporal.restarts(),
      list: faults.map((f) => ({
        kind: f.kind,
        target: f.target,
        atS: seconds(f.at - t0),
        downS: f.restoredAt ? seconds(f.restoredAt - f.at) : null,
        firstProcessDoneAfterRestoreS: f.recoveredAt && f.restoredAt ? seconds(f.recoveredAt - f.restoredAt) : null,
      })),
    },
    throughput: {
      completedPerMinuteOverall: round((completions.length / ((allDoneAt - loadStartedAt) / 1000)) * 60),
      completedPerMinuteDuringInfrastructureFaults: round((completions.filter(underFault).length / Math.max(1, faultWindowMs / 1000)) * 60),
      completedPerMinuteOtherwise: round(
        (completions.filter((t) => !underFault(t)).length / Math.max(1, (allDoneAt - loadStartedAt - faultWindowMs) / 1000)) * 60,
      ),
      retriedHttpCalls: retriedCalls,
      requestPostsAnsweredByTheirKeyAfterALostAnswer: repeatedRequests,
      balancerConnectionsWithNoReplica: Object.fromEntries(
        topology.balancers.map((b, i) => [['order-service', 'payment-service', 'notification-service'][i], b.refused()]),
      ),
    },
    recovery: {
      /** From the end of the faults until the last process reached its terminal state. */
      lastProcessDoneAfterFaultsS: seconds(allDoneAt - faultsEndedAt),
      loadSeconds: seconds(loadMs),
    },
    invariants,
    failedProcesses: failed.map((s) => ({ kind: s.kind, orderId: s.orderId, error: s.error })),
    memory: { lastSampleMiB: rss.at(-1)?.mib ?? {}, samples: rss.length },
  };
}

async function runSoak() {
  const loadEndsAt = Date.now() + LOAD_SECONDS * 1000;
  const sampler = setInterval(() => void sampleRss(), 10_000);
  await sampleRss();
  const scenarios: Scenario[] = [];
  const driving: Promise<void>[] = [];
  say(`soak: ${SOAK_PER_MINUTE} cancellations a minute for ${LOAD_SECONDS / 60} minutes, no faults`);
  while (Date.now() < loadEndsAt) {
    const s = await importAnOrder('cancellation');
    scenarios.push(s);
    driving.push(drive(s));
    await sleep(60_000 / SOAK_PER_MINUTE);
  }
  await Promise.all(driving);
  clearInterval(sampler);
  await sampleRss();
  const invariants = await checkInvariants(scenarios);
  const slope = slopes(rss);
  // Flat memory: no CancelFlow process grows by more than this per hour once warm.
  const LIMIT_MIB_PER_HOUR = 50;
  const growing = Object.entries(slope).filter(([, s]) => s.mibPerHour > LIMIT_MIB_PER_HOUR);
  const failed = scenarios.filter((s) => s.error);
  // Over minutes the garbage collector's sawtooth is the slope: only half an hour or more says whether memory is flat.
  const memoryFlat = LOAD_SECONDS >= 30 * 60 ? growing.length === 0 : null;
  return {
    at: new Date().toISOString(),
    passed: failed.length === 0 && invariants.violations.length === 0 && memoryFlat !== false,
    memoryFlat,
    growingProcesses: growing.map(([name]) => name),
    note:
      LOAD_SECONDS < 3600
        ? `a SHORT soak (${LOAD_SECONDS / 60} min): a slope over minutes says little about an hour; CHAOS_SOAK_MINUTES=60 for the real one`
        : 'one hour',
    settings: { minutes: LOAD_SECONDS / 60, perMinute: SOAK_PER_MINUTE, limitMiBPerHour: LIMIT_MIB_PER_HOUR },
    completed: scenarios.filter((s) => s.finishedAt).length,
    rssSlope: slope,
    invariants,
    failedProcesses: failed.map((s) => ({ orderId: s.orderId, error: s.error })),
    rssSamples: rss,
  };
}

async function runBench() {
  const n = positiveInt('BENCH_ORDERS', 200);
  say(`importing ${n} orders`);
  const scenarios = await inBatches(n, 8, () => importAnOrder('cancellation'));
  const before = await sampleRss().then(() => rss.at(-1)!);
  say(`starting ${n} cancellations at once`);
  const started = Date.now();
  await Promise.all(scenarios.map((s) => drive(s)));
  const wallMs = Date.now() - started;
  await sampleRss();
  const done = scenarios.filter((s) => s.finishedAt !== undefined);
  const invariants = await checkInvariants(scenarios);
  return {
    at: new Date().toISOString(),
    passed: done.length === n && invariants.violations.length === 0,
    machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    note: 'the production topology (Temporal server on PostgreSQL, 2 replicas of everything, balancers); latency from the first POST attempt until the client saw CANCELLED (polled every second)',
    settings: { orders: n, sandboxCardSettleMs: 300 },
    cancellations: {
      throughputPerSecond: round(done.length / (wallMs / 1000)),
      wallMs,
      latencyPostToCancelled: summarize(done.map((s) => s.finishedAt! - s.startedAt!)),
    },
    memory: { beforeMiB: before.mib, afterMiB: rss.at(-1)!.mib },
    invariants,
    failedProcesses: scenarios.filter((s) => s.error).map((s) => ({ orderId: s.orderId, error: s.error })),
  };
}

// ---------------------------------------------------------------------------------------------
// Invariants
// ---------------------------------------------------------------------------------------------

async function checkInvariants(scenarios: Scenario[]) {
  const violations: string[] = [];
  let duplicateDeliveries = 0;
  const relayed = topology.relay.messages();
  const idsByKey = new Map<string, Set<string>>();
  for (const m of relayed) {
    if (!m.messageKey) continue;
    const ids = idsByKey.get(m.messageKey) ?? new Set<string>();
    ids.add(m.messageId ?? '(none)');
    idsByKey.set(m.messageKey, ids);
  }
  const deliveriesByKey = countBy(relayed.map((m) => m.messageKey ?? '(none)'));
  for (const [key, n] of Object.entries(deliveriesByKey)) if (n > 1) duplicateDeliveries += n - 1;
  for (const [key, ids] of idsByKey) if (ids.size > 1) violations.push(`email ${key} went out under ${ids.size} Message-IDs`);

  for (const s of scenarios) {
    if (s.error) continue;
    const where = `${s.kind} of order ${s.orderId}`;
    const cancellation = await cancellationOf(s.cancellationId!);
    const expectedStatus = s.kind === 'undo' ? 'UNDONE' : 'CANCELLED';
    if (cancellation.status !== expectedStatus) violations.push(`${where}: cancellation is ${cancellation.status}, not ${expectedStatus}`);
    const twice = repeated(cancellation.steps.map((x) => x.step));
    if (twice.length > 0) violations.push(`${where}: cancellation steps recorded twice: ${twice.join(', ')}`);

    const totals = ((await payments(`/orders/${s.orderId}/payments`)).body as { totals: Record<string, number> }).totals;
    if (totals.refunded !== ORDER_TOTAL) violations.push(`${where}: refunded ${totals.refunded}, cancelled ${ORDER_TOTAL}`);
    const rebilled = s.kind === 'cancelled-but-shipped' ? ORDER_TOTAL : 0;
    if (totals.rebilled !== rebilled) violations.push(`${where}: rebilled ${totals.rebilled}, expected ${rebilled}`);
    const recaptured = s.kind === 'undo' ? ORDER_TOTAL : 0;
    if ((totals.recaptured ?? 0) + (totals.paidAgain ?? 0) !== recaptured) {
      violations.push(`${where}: recaptured ${totals.recaptured} and paid again ${totals.paidAgain}, expected ${recaptured} in all`);
    }

    if (s.undoId) {
      const undo = (await orders('GET', `/undos/${s.undoId}`)).body as { status: string; steps: { step: string }[] };
      if (undo.status !== 'UNDONE') violations.push(`${where}: undo is ${undo.status}`);
      const again = repeated(undo.steps.map((x) => x.step));
      if (again.length > 0) violations.push(`${where}: undo steps recorded twice: ${again.join(', ')}`);
    }
    if (s.cancelledButShippedId) {
      const cancelledButShipped = (await orders('GET', `/cancelled-but-shipped/${s.cancelledButShippedId}`)).body as {
        status: string;
        steps: { step: string }[];
      };
      if (cancelledButShipped.status !== 'COMPLETED')
        violations.push(`${where}: cancelled-but-shipped process is ${cancelledButShipped.status}`);
      const again = repeated(cancelledButShipped.steps.map((x) => x.step));
      if (again.length > 0) violations.push(`${where}: cancelled-but-shipped process steps recorded twice: ${again.join(', ')}`);
    }
    const emails = ((await notifications(`/emails?orderId=${s.orderId}&limit=100`)).body as { items: { template: string }[] }).items;
    const sameKind = repeated(emails.map((e) => e.template));
    if (sameKind.length > 0) violations.push(`${where}: more than one email of a kind: ${sameKind.join(', ')}`);
    if (!emails.some((e) => e.template === 'CANCELLATION_CONFIRMED')) violations.push(`${where}: no CANCELLATION_CONFIRMED email`);
  }
  return {
    checkedProcesses: scenarios.filter((s) => !s.error).length,
    emailsAtTheRelay: relayed.length,
    /** The same email (one Message-ID) handed to the relay again after a crash between sending and recording it. */
    duplicateDeliveriesSameMessageId: duplicateDeliveries,
    violations,
  };
}

// ---------------------------------------------------------------------------------------------

function repeated(values: string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const v of values) (seen.has(v) ? twice : seen).add(v);
  return [...twice];
}

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

async function inBatches<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

/** A small seeded generator, so a run's kills can be replayed with CHAOS_SEED. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1, got "${raw}"`);
  return value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}

// Last: the declarations above are initialised by now.
try {
  await waitUntilReady();
  const results = soak ? await runSoak() : benchmark ? await runBench() : await runChaos();
  const file = join(resultsDir, `${mode}-latest.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  say(`written to ${file}`);
  process.exitCode = results.passed ? 0 : 1;
} finally {
  await stopAll(say);
  rmSync(dataDir, { recursive: true, force: true });
}

/**
 * `npm run bench`: the system started as `npm start` starts it (each app its own process), on a
 * fresh PostgreSQL and Temporal dev server, then, in this order:
 *   one at a time  cancellations on a quiet system, each waiting for the one before (p50)
 *   open loop      arrivals at fixed rates, p50/p95/p99 POST -> CANCELLED and the backlog
 *   burst          N cancellations at once, until all are CANCELLED
 *   floor          N bare workflows with as many no-op activities on the same server
 *   reads          GET /orders/:id, /cancellations/:id, /orders/:id/cancellation-eligibility
 *                  at a constant rate with Vegeta (built once with go install)
 * with every process's RSS and CPU per phase. Results: bench/results/latest.json, the chart
 * bench/results/latency-by-rate.svg, and the figures in bench/README.md.
 *
 *   BENCH_QUICK=true        shorter everything (about 3 minutes instead of 10)
 *   BENCH_SYSTEM            processes (default) | in-process | script:<start script> (systems.ts)
 *   BENCH_ORDERS            cancellations of the burst and workflows of the floor (500; quick 100)
 *   BENCH_CONCURRENCY       POSTs in flight at once in the burst (default: all of them)
 *   BENCH_SINGLE            cancellations one at a time (20; quick 10)
 *   BENCH_RATES             arrival rates per second (2,4,8,12)
 *   BENCH_RATE_SECONDS      how long each rate lasts (60; quick 10)
 *   BENCH_READ_RATE         requests per second of each read (200)
 *   BENCH_READ_SECONDS      how long each read lasts (20; quick 5)
 *   BENCH_ONLY              some of single,rates,reads (the burst and the floor always run)
 *   BENCH_LABEL             also writes bench/results/<label>.json (for comparing settings)
 *   SANDBOX_CARD_SETTLE_MS  how long the sandbox card refund takes to settle (default 0 here)
 * Any other variable (TEMPORAL_MAX_CACHED_WORKFLOWS, DATABASE_POOL_MAX ...) reaches the apps.
 */
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { startPostgres } from '@cancelflow/infra/postgres';
import { startTemporalDevServer } from '@cancelflow/infra/temporal-dev-server';
import { chartSvg } from './src/chart.ts';
import { migrateAll } from './src/migrate.ts';
import { ProcessSampler } from './src/processes.ts';
import {
  activitiesOfOneCancellation,
  atRate,
  burst,
  floor,
  importOrders,
  oneAtATime,
  reads,
  sleep,
  type RateFigures,
} from './src/scenarios.ts';
import { startBenchSystem } from './src/systems.ts';
import { ensureVegeta } from './src/vegeta.ts';
import { readmeFigures } from './src/readme.ts';
import type { LatencySummary } from './src/stats.ts';

const QUICK = process.env.BENCH_QUICK === 'true' || process.argv.includes('--quick');
const N = positiveInt('BENCH_ORDERS', QUICK ? 100 : 500);
const CONCURRENCY = positiveInt('BENCH_CONCURRENCY', N);
// The burst and the floor always run: the reads use the burst's cancellations.
const SCENARIOS = ['single', 'rates', 'reads'] as const;
const ONLY = new Set((process.env.BENCH_ONLY || SCENARIOS.join(',')).split(',').map((s) => s.trim()));
for (const name of ONLY) {
  if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`BENCH_ONLY names ${SCENARIOS.join(', ')}; not "${name}"`);
}
const ALL = SCENARIOS.every((name) => ONLY.has(name));
const SINGLE = ONLY.has('single') ? positiveInt('BENCH_SINGLE', QUICK ? 10 : 20) : 0;
const RATES = (ONLY.has('rates') ? process.env.BENCH_RATES || '2,4,8,12' : '')
  .split(',')
  .filter(Boolean)
  .map((r) => {
    const rate = Number(r.trim());
    if (!(rate > 0)) throw new Error(`BENCH_RATES must be rates per second separated by commas, got "${process.env.BENCH_RATES}"`);
    return rate;
  });
const RATE_SECONDS = positiveInt('BENCH_RATE_SECONDS', QUICK ? 10 : 60);
const READ_RATE = positiveInt('BENCH_READ_RATE', 200);
const READ_SECONDS = positiveInt('BENCH_READ_SECONDS', QUICK ? 5 : 20);
const SYSTEM = process.env.BENCH_SYSTEM || 'processes';
const LABEL = process.env.BENCH_LABEL;
const TARGET_P99_MS = 2000;
const say = (message: string) => process.stderr.write(`[bench] ${new Date().toISOString().slice(11, 19)} ${message}\n`);

// The floor's worker runs here: its state changes are not the bench's output.
Runtime.install({ logger: new DefaultLogger('WARN') });
const temporal = await startTemporalDevServer({ uiPort: false, log: () => undefined });
const postgres = await startPostgres({ log: () => undefined, ignoreDatabaseUrl: true });
await migrateAll(postgres.url);
const appEnv = { SANDBOX_CARD_SETTLE_MS: process.env.SANDBOX_CARD_SETTLE_MS ?? '0' };
say(`starting the system (${SYSTEM})`);
const system = await startBenchSystem(SYSTEM, { databaseUrl: postgres.url, temporalAddress: temporal.address, env: appEnv, log: say });
const sampler = new ProcessSampler();

try {
  sampler.phase('idle');
  await sleep(3000);
  const perRate = RATES.map((rate) => Math.round(rate * RATE_SECONDS));
  const total = SINGLE + perRate.reduce((a, b) => a + b, 0) + N;
  sampler.phase('import');
  say(`importing ${total} orders`);
  const orders = await importOrders(system, total, 10);
  await quiet(sampler);
  let next = 0;
  const take = (count: number) => orders.slice(next, (next += count));

  let single: LatencySummary | null = null;
  if (SINGLE > 0) {
    sampler.phase('one at a time');
    say(`${SINGLE} cancellations one at a time`);
    single = await oneAtATime(system, take(SINGLE));
    say(`  p50 ${single.p50Ms} ms`);
  }

  const rates: RateFigures[] = [];
  for (const [i, rate] of RATES.entries()) {
    await quiet(sampler);
    sampler.phase(`open loop ${rate}/s`);
    say(`open loop: ${rate}/s for ${RATE_SECONDS} s`);
    const figures = await atRate(system, take(perRate[i]!), rate, RATE_SECONDS);
    rates.push(figures);
    say(
      `  p50 ${figures.latencyPostToCancelled.p50Ms} p99 ${figures.latencyPostToCancelled.p99Ms} ms, backlog peak ${figures.backlogPeak}`,
    );
  }

  await quiet(sampler);
  sampler.phase('burst');
  say(`burst: ${N} cancellations at once (${CONCURRENCY} in flight)`);
  const burstFigures = await burst(system, take(N), CONCURRENCY);
  const activities = await activitiesOfOneCancellation(system.temporal, burstFigures.workflowIds[0]!);
  say(`  ${burstFigures.throughputPerSecond}/s, p99 ${burstFigures.latencyPostToCancelled.p99Ms} ms`);

  await quiet(sampler);
  sampler.phase('floor');
  say(`floor: ${N} bare workflows with ${activities} no-op activities each`);
  const floorFigures = await floor(system.temporal, temporal.address, N, activities, CONCURRENCY);
  say(`  ${floorFigures.throughputPerSecond}/s`);

  await quiet(sampler);
  const someOrders = orders.slice(0, Math.min(orders.length, 200));
  const readPaths = [
    { label: 'GET /orders/:id', paths: someOrders.map((o) => `/orders/${o.id}`) },
    { label: 'GET /cancellations/:id', paths: burstFigures.cancellationIds.slice(0, 200).map((id) => `/cancellations/${id}`) },
    {
      label: 'GET /orders/:id/cancellation-eligibility',
      paths: someOrders.map((o) => `/orders/${o.id}/cancellation-eligibility`),
    },
  ];
  const readFigures = [];
  const vegeta = ONLY.has('reads') ? await ensureVegeta(say) : '';
  for (const read of ONLY.has('reads') ? readPaths : []) {
    sampler.phase(read.label);
    say(`reads: ${read.label} at ${READ_RATE}/s for ${READ_SECONDS} s`);
    const figures = await reads(vegeta, system.ordersUrl, read.label, read.paths, READ_RATE, READ_SECONDS);
    readFigures.push(figures);
    say(`  p99 ${figures.latencyMs.p99} ms (${figures.non2xx} not 2xx)`);
  }
  sampler.phase('after');
  await sleep(2000);
  sampler.stop();

  const sustained = rates.filter((r) => r.latencyPostToCancelled.p99Ms < TARGET_P99_MS).map((r) => r.ratePerSecond);
  const afterPhase = sampler.phases.after!;
  const results = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    system: system.shape,
    settings: {
      quick: QUICK,
      orders: N,
      concurrency: CONCURRENCY,
      single: SINGLE,
      rates: RATES,
      rateSeconds: RATE_SECONDS,
      readRate: READ_RATE,
      readSeconds: READ_SECONDS,
      sandboxCardSettleMs: Number(appEnv.SANDBOX_CARD_SETTLE_MS),
      ...(LABEL ? { label: LABEL } : {}),
      tuning: Object.fromEntries(
        Object.entries(process.env).filter(([name]) => /^(TEMPORAL_MAX_|TEMPORAL_\w+_POLLERS|DATABASE_POOL_MAX|LOG_LEVEL)/.test(name)),
      ),
    },
    note: 'Temporal is the CLI dev server (SQLite in memory), PostgreSQL is embedded; both, the apps and the bench share the machine',
    oneAtATime: { latencyPostToCancelled: single },
    openLoop: {
      targetP99Ms: TARGET_P99_MS,
      highestRateUnderTarget: sustained.length > 0 ? Math.max(...sustained) : null,
      rates,
    },
    burst: {
      count: burstFigures.count,
      throughputPerSecond: burstFigures.throughputPerSecond,
      wallMs: burstFigures.wallMs,
      latencyPostToCancelled: burstFigures.latencyPostToCancelled,
      activitiesPerCancellation: activities,
    },
    floor: floorFigures,
    burstToFloor: Math.round((burstFigures.throughputPerSecond / floorFigures.throughputPerSecond) * 100) / 100,
    reads: readFigures,
    processes: {
      rssMiBAfter: afterPhase.rssMiB,
      peakRssMiB: peakOverPhases(sampler.phases),
      phases: sampler.phases,
    },
    ...(system.logLines ? { logLines: system.logLines() } : {}),
  };

  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(dir, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  await writeFile(`${dir}latest.json`, json);
  if (LABEL) await writeFile(`${dir}${LABEL.replace(/[^\w.-]/g, '-')}.json`, json);
  await writeFile(
    `${dir}latency-by-rate.svg`,
    chartSvg({
      title: `CancelFlow, ${results.at.slice(0, 10)}: ${SYSTEM}${QUICK ? ' (quick)' : ''}, ${results.machine.cpus} cores`,
      rates: rates.map((r) => ({ ratePerSecond: r.ratePerSecond, ...r.latencyPostToCancelled })),
      targetMs: TARGET_P99_MS,
      burstPerSecond: burstFigures.throughputPerSecond,
      floorPerSecond: floorFigures.throughputPerSecond,
      activitiesPerCancellation: activities,
    }),
  );
  // The README shows whole runs only.
  if (ALL && single) {
    const readmeFile = fileURLToPath(new URL('./README.md', import.meta.url));
    const whole = { ...results, oneAtATime: { latencyPostToCancelled: single } };
    await writeFile(readmeFile, readmeFigures(await readFile(readmeFile, 'utf8'), whole));
  }
  process.stdout.write(json);
  say('written to bench/results/latest.json, bench/results/latency-by-rate.svg and bench/README.md');
} finally {
  sampler.stop();
  await system.close();
  await temporal.stop();
  await postgres.stop();
}

/** Waits (up to a minute) until the system's processes use less than a tenth of a core, so one phase does not pay for the last. */
async function quiet(s: ProcessSampler): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if ((await s.busyCores(1000)) < 0.1) return;
  }
  say('the system did not become quiet within a minute; going on');
}

function peakOverPhases(phases: ProcessSampler['phases']): Record<string, number> {
  const peak: Record<string, number> = {};
  for (const figures of Object.values(phases)) {
    for (const [name, rss] of Object.entries(figures.peakRssMiB)) peak[name] = Math.max(peak[name] ?? 0, rss);
  }
  return peak;
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1, got "${raw}"`);
  return value;
}

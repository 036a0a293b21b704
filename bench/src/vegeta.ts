// Reads at a constant rate with Vegeta (github.com/tsenart/vegeta), built once with `go install`
// into the cache beside the Temporal CLI. Vegeta sends each request at its moment whatever the
// answers' pace (an open loop), which is what "200 requests/s" means. autocannon's rate was
// measured here to send each connection's share of a second back to back and then wait for the
// next second: ten requests at once at every second's start, so its latencies were those of a
// burst's queue rather than of a request.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { answers, cancelflowCacheDir, goInstallIntoCache } from '@cancelflow/infra/go-install';

const execFileAsync = promisify(execFile);

const VEGETA_MODULE = 'github.com/tsenart/vegeta/v12';
const VEGETA_VERSION = 'v12.13.0';

export async function ensureVegeta(log: (message: string) => void): Promise<string> {
  const cacheDir = cancelflowCacheDir(`vegeta-${VEGETA_VERSION}`);
  const isWorking = (dir: string) => answers(join(dir, 'vegeta'), ['-version'], 'Version');
  if (!(await isWorking(cacheDir))) {
    await goInstallIntoCache({
      label: `Vegeta ${VEGETA_VERSION}`,
      cacheDir,
      packages: [`${VEGETA_MODULE}@${VEGETA_VERSION}`],
      isComplete: isWorking,
      withoutGo: `the bench's reads need Vegeta, built with Go: install Go (https://go.dev/dl/) or put vegeta ${VEGETA_VERSION} on the PATH`,
      log,
    });
  }
  return join(cacheDir, 'vegeta');
}

export interface Attack {
  urls: string[];
  headers: Record<string, string>;
  ratePerSecond: number;
  seconds: number;
}

const NS_PER_MS = 1e6;
const reportSchema = z.object({
  latencies: z.object({
    mean: z.number(),
    '50th': z.number(),
    '90th': z.number(),
    '95th': z.number(),
    '99th': z.number(),
    max: z.number(),
  }),
  requests: z.number(),
  rate: z.number(),
  status_codes: z.record(z.string(), z.number()),
  errors: z.array(z.string()).nullable(),
});

export interface AttackFigures {
  requests: number;
  /** The rate Vegeta reached in sending, per second. */
  sentPerSecond: number;
  non2xx: number;
  errors: string[];
  latencyMs: { p50: number; p90: number; p95: number; p99: number; max: number; mean: number };
}

/** GETs of `urls` in turn at a constant rate; latencies from Vegeta's own report. */
export async function attack(vegeta: string, { urls, headers, ratePerSecond, seconds }: Attack): Promise<AttackFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'cancelflow-vegeta-'));
  try {
    const header = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]]));
    const targets = join(dir, 'targets.jsonl');
    const results = join(dir, 'results.bin');
    await writeFile(targets, urls.map((url) => JSON.stringify({ method: 'GET', url, header })).join('\n'));
    await execFileAsync(vegeta, [
      'attack',
      '-format=json',
      `-targets=${targets}`,
      `-rate=${ratePerSecond}/1s`,
      `-duration=${seconds}s`,
      `-output=${results}`,
    ]);
    const { stdout } = await execFileAsync(vegeta, ['report', '-type=json', results]);
    const report = reportSchema.parse(JSON.parse(stdout));
    const ms = (ns: number) => Math.round((ns / NS_PER_MS) * 100) / 100;
    return {
      requests: report.requests,
      sentPerSecond: Math.round(report.rate * 10) / 10,
      non2xx: Object.entries(report.status_codes)
        .filter(([code]) => !code.startsWith('2'))
        .reduce((n, [, count]) => n + count, 0),
      errors: [...new Set(report.errors ?? [])].slice(0, 5),
      latencyMs: {
        p50: ms(report.latencies['50th']),
        p90: ms(report.latencies['90th']),
        p95: ms(report.latencies['95th']),
        p99: ms(report.latencies['99th']),
        max: ms(report.latencies.max),
        mean: ms(report.latencies.mean),
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

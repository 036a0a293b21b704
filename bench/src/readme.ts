// The figures of the last run, written into bench/README.md between its two markers, so the
// README never shows other figures than those of bench/results/latest.json.

import type { RateFigures, ReadFigures } from './scenarios.ts';
import type { LatencySummary } from './stats.ts';

export const START = '<!-- figures of the last run: written by bench/run.ts -->';
export const END = '<!-- end of the figures of the last run -->';

export interface ReadmeResults {
  at: string;
  system: string;
  settings: { quick: boolean; orders: number; rateSeconds: number; readRate: number; readSeconds: number };
  oneAtATime: { latencyPostToCancelled: LatencySummary };
  openLoop: { targetP99Ms: number; highestRateUnderTarget: number | null; rates: RateFigures[] };
  burst: { count: number; throughputPerSecond: number; latencyPostToCancelled: LatencySummary; activitiesPerCancellation: number };
  floor: { throughputPerSecond: number };
  burstToFloor: number;
  reads: ReadFigures[];
  processes: { rssMiBAfter: Record<string, number>; peakRssMiB: Record<string, number> };
}

const s = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const APPS = ['order-service', 'payment-service', 'notification-service', 'workflows', 'console'];

export function figuresMarkdown(r: ReadmeResults): string {
  const lines: string[] = [];
  lines.push(
    `Last run: **${r.at.slice(0, 16).replace('T', ' ')} UTC**, ${r.system}${r.settings.quick ? ', quick mode' : ''} (bench/results/latest.json).`,
    '',
    '![POST to CANCELLED by arrival rate, and the burst against the floor](results/latency-by-rate.svg)',
    '',
    '| | figure | target |',
    '|---|---|---|',
    `| burst of ${r.burst.count}: throughput | ${r.burst.throughputPerSecond}/s against the floor's ${r.floor.throughputPerSecond}/s = **${r.burstToFloor}x** | at least 0.8x |`,
    `| burst: POST → CANCELLED p50 / p99 | ${s(r.burst.latencyPostToCancelled.p50Ms)} / ${s(r.burst.latencyPostToCancelled.p99Ms)} | |`,
    `| activities per cancellation | ${r.burst.activitiesPerCancellation} | at most 6 |`,
    `| one cancellation alone: POST → CANCELLED p50 | **${s(r.oneAtATime.latencyPostToCancelled.p50Ms)}** | under 0.5 s |`,
    `| highest arrival rate with p99 under ${s(r.openLoop.targetP99Ms)} | **${r.openLoop.highestRateUnderTarget === null ? 'none' : `${r.openLoop.highestRateUnderTarget}/s`}** | |`,
    ...r.reads.map(
      (read) =>
        `| ${read.path} at ${read.ratePerSecond}/s: p50 / p99 | ${read.latencyMs.p50} ms / **${read.latencyMs.p99} ms**${read.non2xx ? ` (${read.non2xx} not 2xx)` : ''} | p99 under 10 ms |`,
    ),
    '',
    `Open loop, ${r.settings.rateSeconds} s per rate:`,
    '',
    '| arrivals/s | sent/s | p50 | p95 | p99 | backlog at end | backlog peak | drained after |',
    '|---|---|---|---|---|---|---|---|',
    ...r.openLoop.rates.map((rate) => {
      const l = rate.latencyPostToCancelled;
      return `| ${rate.ratePerSecond} | ${rate.sentPerSecond} | ${s(l.p50Ms)} | ${s(l.p95Ms)} | ${s(l.p99Ms)} | ${rate.backlogAtEnd} | ${rate.backlogPeak} | ${s(rate.drainMs)} |`;
    }),
    '',
    'Memory (RSS, MiB) of each process after the run, and the highest seen during it (target: every app under 150 MB):',
    '',
    '| process | after | peak |',
    '|---|---|---|',
    ...Object.keys(r.processes.rssMiBAfter)
      .sort((a, b) => rank(a) - rank(b))
      .map((name) => `| ${name} | ${r.processes.rssMiBAfter[name]} | ${r.processes.peakRssMiB[name] ?? ''} |`),
  );
  return lines.join('\n');
}

const rank = (name: string) => (APPS.includes(name) ? APPS.indexOf(name) : APPS.length);

/** The README with the text between the markers replaced (the markers appended when missing). */
export function readmeFigures(readme: string, results: ReadmeResults): string {
  const block = `${START}\n${figuresMarkdown(results)}\n${END}`;
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from === -1 || to === -1) return `${readme.trimEnd()}\n\n${block}\n`;
  return `${readme.slice(0, from)}${block}${readme.slice(to + END.length)}`;
}

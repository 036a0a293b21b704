// Memory and CPU of the system's processes, read from /proc: every descendant of this process,
// grouped by what it is (an app by its src/main.ts, Temporal, PostgreSQL's many backends).

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Linux reports CPU time in clock ticks, 100 a second on every usual kernel. */
const TICKS_PER_SECOND = 100;

export interface ProcessFigures {
  /** How many processes the name covers (PostgreSQL: one per connection). */
  processes: number;
  rssMiB: number;
  /** User + system CPU seconds since the process started (summed over the group). */
  cpuSeconds: number;
}

export type Snapshot = Map<string, ProcessFigures>;

interface ProcInfo {
  pid: number;
  ppid: number;
  name: string;
  rssKiB: number;
  cpuTicks: number;
}

function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: the fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    const cpuTicks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKiB = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return { pid, ppid, name: nameOf(pid, cmdline, stat), rssKiB, cpuTicks };
  } catch {
    return undefined; // gone between the listing and the reading
  }
}

function nameOf(pid: number, cmdline: string[], stat: string): string {
  if (pid === process.pid) return 'bench';
  const joined = cmdline.join(' ');
  const app = /apps\/([\w-]+)\/src\/main\.ts/.exec(joined)?.[1];
  if (app) return app;
  // scripts/start.ts runs each app as `node [flags] src/main.ts` in the app's folder.
  if (cmdline.includes('src/main.ts')) {
    try {
      const cwd = readlinkCwd(pid);
      const fromCwd = /apps\/([\w-]+)$/.exec(cwd)?.[1];
      if (fromCwd) return fromCwd;
    } catch {
      // unreadable cwd: fall through to the command name
    }
  }
  const script = /(scripts\/[\w-]+\.ts)/.exec(joined)?.[1];
  if (script) return script;
  const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  if (command.startsWith('postgres') || /\/postgres\b/.test(cmdline[0] ?? '')) return 'postgres';
  if (command.startsWith('temporal')) return 'temporal';
  return command;
}

const readlinkCwd = (pid: number): string => readlinkSync(`/proc/${pid}/cwd`);

/** Every process below `root` (not the root itself unless it is this process, which then counts). */
export function snapshot(root: number = process.pid): Snapshot {
  const all: ProcInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readProc(Number(entry));
    if (info) all.push(info);
  }
  const children = new Map<number, ProcInfo[]>();
  for (const info of all) children.set(info.ppid, [...(children.get(info.ppid) ?? []), info]);
  const found: ProcInfo[] = [];
  const rootInfo = all.find((p) => p.pid === root);
  if (rootInfo) found.push(rootInfo);
  const visit = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      visit(child.pid);
    }
  };
  visit(root);
  const groups: Snapshot = new Map();
  for (const p of found) {
    const group = groups.get(p.name) ?? { processes: 0, rssMiB: 0, cpuSeconds: 0 };
    group.processes += 1;
    group.rssMiB += p.rssKiB / 1024;
    group.cpuSeconds += p.cpuTicks / TICKS_PER_SECOND;
    groups.set(p.name, group);
  }
  for (const group of groups.values()) {
    group.rssMiB = Math.round(group.rssMiB);
    group.cpuSeconds = Math.round(group.cpuSeconds * 100) / 100;
  }
  return groups;
}

export interface PhaseFigures {
  /** CPU seconds each group used during the phase. */
  cpuSeconds: Record<string, number>;
  /** CPU used during the phase as a share of one core (1 = one core busy all the time). */
  cores: Record<string, number>;
  /** The highest RSS seen during the phase (sampled every second). */
  peakRssMiB: Record<string, number>;
  /** RSS at the end of the phase. */
  rssMiB: Record<string, number>;
}

/** Samples every second; `phase(name)` closes the previous phase and opens the next. */
export class ProcessSampler {
  private readonly timer: NodeJS.Timeout;
  private start: Snapshot;
  private startedAt = performance.now();
  private peak = new Map<string, number>();
  readonly phases: Record<string, PhaseFigures> = {};
  private current: string | undefined;

  constructor() {
    this.start = snapshot();
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  private sample(): Snapshot {
    const now = snapshot();
    for (const [name, figures] of now) this.peak.set(name, Math.max(this.peak.get(name) ?? 0, figures.rssMiB));
    return now;
  }

  /** Ends the running phase (if any) and starts `name`. */
  phase(name: string | undefined): void {
    const now = this.sample();
    const seconds = (performance.now() - this.startedAt) / 1000;
    if (this.current !== undefined) {
      const figures: PhaseFigures = { cpuSeconds: {}, cores: {}, peakRssMiB: {}, rssMiB: {} };
      for (const [group, end] of now) {
        const used = Math.max(0, end.cpuSeconds - (this.start.get(group)?.cpuSeconds ?? 0));
        figures.cpuSeconds[group] = Math.round(used * 100) / 100;
        figures.cores[group] = Math.round((used / seconds) * 100) / 100;
        figures.peakRssMiB[group] = this.peak.get(group) ?? end.rssMiB;
        figures.rssMiB[group] = end.rssMiB;
      }
      this.phases[this.current] = figures;
    }
    this.current = name;
    this.start = now;
    this.startedAt = performance.now();
    this.peak = new Map([...now].map(([group, f]) => [group, f.rssMiB]));
  }

  /** CPU used by all groups but the bench itself over the last `ms`, as a share of one core. */
  async busyCores(ms: number): Promise<number> {
    const total = (s: Snapshot) => [...s].filter(([name]) => name !== 'bench').reduce((sum, [, f]) => sum + f.cpuSeconds, 0);
    const before = total(snapshot());
    await new Promise((resolve) => setTimeout(resolve, ms));
    return (total(snapshot()) - before) / (ms / 1000);
  }

  stop(): void {
    this.phase(undefined);
    clearInterval(this.timer);
  }
}

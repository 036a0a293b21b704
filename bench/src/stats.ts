export interface LatencySummary {
  count: number;
  minMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

/** Nearest-rank percentiles of latencies in milliseconds. */
export function summarize(latencies: readonly number[]): LatencySummary {
  if (latencies.length === 0) throw new Error('no latencies to summarize');
  const sorted = [...latencies].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    count: sorted.length,
    minMs: round(sorted[0]!),
    p50Ms: round(rank(50)),
    p95Ms: round(rank(95)),
    p99Ms: round(rank(99)),
    maxMs: round(sorted[sorted.length - 1]!),
    meanMs: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  };
}

// The results as one SVG: POST -> CANCELLED percentiles by arrival rate (log scale, the 2 s
// target drawn), and beside it the burst's throughput against the floor of bare workflows.

export interface ChartInput {
  title: string;
  rates: { ratePerSecond: number; p50Ms: number; p95Ms: number; p99Ms: number }[];
  targetMs: number;
  burstPerSecond: number;
  floorPerSecond: number;
  activitiesPerCancellation: number;
}

const W = 900;
const H = 420;
const FONT = 'font-family="system-ui, sans-serif" font-size="12"';
const SERIES = [
  { key: 'p50Ms', label: 'p50', colour: '#2b8a3e' },
  { key: 'p95Ms', label: 'p95', colour: '#e67700' },
  { key: 'p99Ms', label: 'p99', colour: '#c92a2a' },
] as const;

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmtMs = (ms: number) => (ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms)} ms`);

export function chartSvg(input: ChartInput): string {
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`);
  parts.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  parts.push(`<text x="20" y="26" ${FONT} font-size="15" font-weight="bold">${esc(input.title)}</text>`);
  parts.push(latencyPanel(input, { x: 70, y: 60, w: 520, h: 290 }));
  parts.push(throughputPanel(input, { x: 690, y: 60, w: 180, h: 290 }));
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

function latencyPanel(input: ChartInput, box: Box): string {
  const out: string[] = [];
  const rates = input.rates;
  if (rates.length === 0) return `<text x="${box.x}" y="${box.y + 20}" ${FONT}>no open-loop runs</text>`;
  const values = rates.flatMap((r) => [r.p50Ms, r.p95Ms, r.p99Ms, input.targetMs]).filter((v) => v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  const y = (ms: number) => box.y + box.h - ((Math.log10(Math.max(ms, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * box.h;
  const maxRate = Math.max(...rates.map((r) => r.ratePerSecond));
  const x = (rate: number) => box.x + (rate / maxRate) * box.w;
  out.push(`<text x="${box.x}" y="${box.y - 12}" ${FONT} font-weight="bold">POST → CANCELLED by arrival rate (open loop)</text>`);
  for (let decade = lo; decade <= hi; decade *= 10) {
    out.push(`<line x1="${box.x}" x2="${box.x + box.w}" y1="${y(decade)}" y2="${y(decade)}" stroke="#e9ecef"/>`);
    out.push(`<text x="${box.x - 8}" y="${y(decade) + 4}" ${FONT} text-anchor="end">${fmtMs(decade)}</text>`);
  }
  out.push(`<line x1="${box.x}" x2="${box.x}" y1="${box.y}" y2="${box.y + box.h}" stroke="#495057"/>`);
  out.push(`<line x1="${box.x}" x2="${box.x + box.w}" y1="${box.y + box.h}" y2="${box.y + box.h}" stroke="#495057"/>`);
  for (const r of rates) {
    out.push(`<text x="${x(r.ratePerSecond)}" y="${box.y + box.h + 18}" ${FONT} text-anchor="middle">${r.ratePerSecond}/s</text>`);
  }
  out.push(
    `<text x="${box.x + box.w / 2}" y="${box.y + box.h + 36}" ${FONT} text-anchor="middle">cancellations arriving per second</text>`,
  );
  const ty = y(input.targetMs);
  out.push(`<line x1="${box.x}" x2="${box.x + box.w}" y1="${ty}" y2="${ty}" stroke="#1c7ed6" stroke-dasharray="6 4"/>`);
  out.push(
    `<text x="${box.x + box.w - 4}" y="${ty - 5}" ${FONT} fill="#1c7ed6" text-anchor="end">target p99 ${fmtMs(input.targetMs)}</text>`,
  );
  SERIES.forEach((series, i) => {
    const points = rates.map((r) => `${x(r.ratePerSecond)},${y(r[series.key])}`).join(' ');
    out.push(`<polyline points="${points}" fill="none" stroke="${series.colour}" stroke-width="2"/>`);
    for (const r of rates) out.push(`<circle cx="${x(r.ratePerSecond)}" cy="${y(r[series.key])}" r="3.5" fill="${series.colour}"/>`);
    out.push(`<rect x="${box.x + 12 + i * 70}" y="${box.y + 6}" width="12" height="12" fill="${series.colour}"/>`);
    out.push(`<text x="${box.x + 30 + i * 70}" y="${box.y + 16}" ${FONT}>${series.label}</text>`);
  });
  return out.join('\n');
}

function throughputPanel(input: ChartInput, box: Box): string {
  const out: string[] = [];
  const max = Math.max(input.burstPerSecond, input.floorPerSecond, 1);
  const bars = [
    { label: 'cancellations', value: input.burstPerSecond, colour: '#5f3dc4' },
    { label: 'floor', value: input.floorPerSecond, colour: '#adb5bd' },
  ];
  const barW = box.w / 2 - 16;
  out.push(`<text x="${box.x - 20}" y="${box.y - 12}" ${FONT} font-weight="bold">Burst vs floor (per second)</text>`);
  out.push(`<line x1="${box.x}" x2="${box.x + box.w}" y1="${box.y + box.h}" y2="${box.y + box.h}" stroke="#495057"/>`);
  bars.forEach((bar, i) => {
    const h = (bar.value / max) * (box.h - 30);
    const bx = box.x + 8 + i * (barW + 16);
    out.push(`<rect x="${bx}" y="${box.y + box.h - h}" width="${barW}" height="${h}" fill="${bar.colour}"/>`);
    out.push(`<text x="${bx + barW / 2}" y="${box.y + box.h - h - 6}" ${FONT} text-anchor="middle">${bar.value}</text>`);
    out.push(`<text x="${bx + barW / 2}" y="${box.y + box.h + 18}" ${FONT} text-anchor="middle">${bar.label}</text>`);
  });
  const ratio = input.floorPerSecond > 0 ? Math.round((input.burstPerSecond / input.floorPerSecond) * 100) / 100 : 0;
  out.push(
    `<text x="${box.x + box.w / 2}" y="${box.y + box.h + 36}" ${FONT} text-anchor="middle">${ratio}x the floor · ${input.activitiesPerCancellation} activities each</text>`,
  );
  return out.join('\n');
}

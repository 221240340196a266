/**
 * The scale chart: lookup throughput and p99 latency against tenant size (log scale), one line per
 * filter and engine, drawn as hand-written SVG and turned into a PNG by Debian's chromium through
 * playwright-core (no charting dependency).
 *
 * The bench calls writeScalePlot after a run with scale scenarios. Standalone, it redraws the
 * chart from a results file:
 *   node --import tsx bench/plot.ts [bench/results/latest.json] [--update-docs]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Engine } from './report.js';
import type { ScaleReport } from './scale/scale-report.js';

export interface PlotPoint {
  readonly tenantSize: number;
  readonly perSecond: number;
  readonly p99Ms: number;
}

export interface PlotSeries {
  readonly engine: Engine;
  readonly kind: string;
  readonly points: readonly PlotPoint[];
}

/** The lookup series of the scale reports: per engine and filter, rate and p99 by tenant size. */
export function lookupSeries(reports: readonly Pick<ScaleReport, 'engine' | 'lookups'>[]): PlotSeries[] {
  const series: PlotSeries[] = [];
  for (const r of reports) {
    const kinds = [...new Set(r.lookups.flatMap((o) => Object.keys(o.result.kinds)))];
    for (const kind of kinds) {
      const points = r.lookups.flatMap((o) => {
        const k = o.result.kinds[kind];
        return k ? [{ tenantSize: o.result.tenantSize, perSecond: k.okPerSecond, p99Ms: k.latencyMs.p99 }] : [];
      });
      if (points.length > 0) series.push({ engine: r.engine, kind, points });
    }
  }
  return series;
}

// ---------------------------------------------------------------------------------------------
// SVG

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf'];
const ENGINE_STYLE: Record<Engine, { readonly dash: string; readonly label: string }> = {
  sqlite: { dash: '', label: 'SQLite' },
  postgres: { dash: '7 4', label: 'PostgreSQL' },
};

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function compact(n: number): string {
  if (n >= 1e6) return `${Number((n / 1e6).toPrecision(3))}M`;
  if (n >= 1e3) return `${Number((n / 1e3).toPrecision(3))}k`;
  return Number(n.toPrecision(3)).toString();
}

interface Axis {
  readonly toPixel: (value: number) => number;
  readonly ticks: readonly { readonly value: number; readonly label: string }[];
}

/** A log axis over whole decades, ticked at each power of ten. */
function logAxis(min: number, max: number, from: number, to: number, label: (v: number) => string): Axis {
  const lo = Math.floor(Math.log10(min));
  const hi = Math.max(Math.ceil(Math.log10(max)), lo + 1);
  const toPixel = (v: number) => from + ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * (to - from);
  const ticks = Array.from({ length: hi - lo + 1 }, (_, i) => ({ value: 10 ** (lo + i), label: label(10 ** (lo + i)) }));
  return { toPixel, ticks };
}

/** A log axis a little wider than the values, ticked at the values themselves (the tenant sizes measured). */
function logAxisAt(values: readonly number[], from: number, to: number): Axis {
  const lo = Math.log10(Math.min(...values)) - 0.15;
  const hi = Math.log10(Math.max(...values)) + 0.15;
  const toPixel = (v: number) => from + ((Math.log10(v) - lo) / Math.max(hi - lo, 1e-9)) * (to - from);
  return { toPixel, ticks: [...new Set(values)].sort((a, b) => a - b).map((value) => ({ value, label: compact(value) })) };
}

interface Panel {
  readonly x: number;
  readonly title: string;
  readonly value: (p: PlotPoint) => number;
  readonly yAxis: (values: readonly number[], top: number, bottom: number) => Axis;
  readonly target?: { readonly value: number; readonly label: string };
}

export function scalePlotSvg(series: readonly PlotSeries[], subtitle: string, targetP99Ms: number): string {
  const width = 1200;
  const height = 600;
  const panelWidth = 480;
  const top = 92;
  const bottom = 420;
  const kinds = [...new Set(series.map((s) => s.kind))];
  const colour = (kind: string) => COLOURS[kinds.indexOf(kind) % COLOURS.length] ?? '#000';
  const sizes = series.flatMap((s) => s.points.map((p) => p.tenantSize));
  const panels: Panel[] = [
    // Log scale: the rates span from under one to thousands per second (a scan against an index lookup).
    {
      x: 80,
      title: 'Lookups per second, 8 clients (log scale, higher is better)',
      value: (p) => p.perSecond,
      yAxis: (v, t, b) => logAxis(Math.min(...v) * 0.8, Math.max(...v) * 1.2, b, t, (n) => compact(n)),
    },
    {
      x: 80 + panelWidth + 130,
      title: 'p99 latency, ms (log scale, lower is better)',
      value: (p) => p.p99Ms,
      yAxis: (v, t, b) => logAxis(Math.min(...v, targetP99Ms) * 0.8, Math.max(...v, targetP99Ms) * 1.2, b, t, (n) => compact(n)),
      target: { value: targetP99Ms, label: `target p99 ≤ ${targetP99Ms} ms` },
    },
  ];
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="28" text-anchor="middle" font-size="18" font-weight="bold">Roster: filtered lookups against tenant size</text>`,
    `<text x="${width / 2}" y="50" text-anchor="middle" fill="#555">${escape(subtitle)}</text>`,
  ];
  for (const panel of panels) {
    const left = panel.x;
    const right = panel.x + panelWidth;
    const values = series.flatMap((s) => s.points.map(panel.value)).filter((v) => Number.isFinite(v) && v > 0);
    if (values.length === 0) continue;
    const x = logAxisAt(sizes, left, right);
    const y = panel.yAxis(values, top, bottom);
    parts.push(`<text x="${(left + right) / 2}" y="${top - 12}" text-anchor="middle" font-weight="bold">${escape(panel.title)}</text>`);
    for (const t of y.ticks) {
      const py = y.toPixel(t.value);
      parts.push(
        `<line x1="${left}" x2="${right}" y1="${py}" y2="${py}" stroke="#e3e3e3"/>`,
        `<text x="${left - 8}" y="${py + 4}" text-anchor="end" fill="#333">${t.label}</text>`,
      );
    }
    for (const t of x.ticks) {
      const px = x.toPixel(t.value);
      parts.push(
        `<line x1="${px}" x2="${px}" y1="${top}" y2="${bottom}" stroke="#e3e3e3"/>`,
        `<text x="${px}" y="${bottom + 18}" text-anchor="middle" fill="#333">${t.label}</text>`,
      );
    }
    parts.push(`<rect x="${left}" y="${top}" width="${panelWidth}" height="${bottom - top}" fill="none" stroke="#888"/>`);
    parts.push(`<text x="${(left + right) / 2}" y="${bottom + 38}" text-anchor="middle">people in the tenant (log scale)</text>`);
    if (panel.target) {
      const py = y.toPixel(panel.target.value);
      parts.push(
        `<line x1="${left}" x2="${right}" y1="${py}" y2="${py}" stroke="#000" stroke-width="1.5" stroke-dasharray="2 3"/>`,
        `<text x="${right - 6}" y="${py - 6}" text-anchor="end" fill="#000">${escape(panel.target.label)}</text>`,
      );
    }
    for (const s of series) {
      const points = s.points
        .filter((p) => Number.isFinite(panel.value(p)) && panel.value(p) > 0)
        .map((p) => [x.toPixel(p.tenantSize), y.toPixel(panel.value(p))] as const);
      const style = ENGINE_STYLE[s.engine];
      parts.push(
        `<polyline fill="none" stroke="${colour(s.kind)}" stroke-width="2.2" ${style.dash ? `stroke-dasharray="${style.dash}"` : ''} points="${points.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}"/>`,
      );
      for (const [a, b] of points) {
        parts.push(
          s.engine === 'sqlite'
            ? `<circle cx="${a.toFixed(1)}" cy="${b.toFixed(1)}" r="4" fill="${colour(s.kind)}"/>`
            : `<rect x="${(a - 4).toFixed(1)}" y="${(b - 4).toFixed(1)}" width="8" height="8" fill="#fff" stroke="${colour(s.kind)}" stroke-width="2"/>`,
        );
      }
    }
  }
  // Legend: filters by colour (three to a row), engines by line style.
  const ly = 490;
  kinds.forEach((kind, i) => {
    const lx = 80 + (i % 3) * 370;
    const y = ly + Math.floor(i / 3) * 24;
    parts.push(`<rect x="${lx}" y="${y - 11}" width="14" height="14" fill="${colour(kind)}"/>`, `<text x="${lx + 22}" y="${y + 1}">${escape(kind)}</text>`);
  });
  const ey = ly + Math.ceil(kinds.length / 3) * 24 + 12;
  let ex = 80;
  for (const engine of [...new Set(series.map((s) => s.engine))]) {
    const style = ENGINE_STYLE[engine];
    parts.push(
      `<line x1="${ex}" x2="${ex + 40}" y1="${ey}" y2="${ey}" stroke="#333" stroke-width="2.2" ${style.dash ? `stroke-dasharray="${style.dash}"` : ''}/>`,
      engine === 'sqlite'
        ? `<circle cx="${ex + 20}" cy="${ey}" r="4" fill="#333"/>`
        : `<rect x="${ex + 16}" y="${ey - 4}" width="8" height="8" fill="#fff" stroke="#333" stroke-width="2"/>`,
      `<text x="${ex + 48}" y="${ey + 4}">${style.label}</text>`,
    );
    ex += 170;
  }
  parts.push('</svg>');
  return parts.join('\n');
}

// ---------------------------------------------------------------------------------------------
// PNG

function chromiumPath(): string | undefined {
  try {
    const path = execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
    return path === '' ? undefined : path;
  } catch {
    return undefined;
  }
}

/** Renders the SVG to a PNG with chromium; answers why not when it cannot. */
export async function svgToPng(svg: string, pngPaths: readonly string[]): Promise<string | undefined> {
  const executablePath = chromiumPath();
  if (!executablePath) return 'chromium not found (`which chromium`): PNG not written, SVG only';
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'], timeout: 30_000 });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 600 }, deviceScaleFactor: 1.5 });
    await page.setContent(`<!doctype html><html><body style="margin:0;background:#fff">${svg}</body></html>`);
    const png = await page.locator('svg').screenshot({ timeout: 30_000 });
    for (const path of pngPaths) writeFileSync(path, png);
    return undefined;
  } finally {
    await browser.close();
  }
}

export interface ChartFiles {
  readonly files: string[];
  readonly note?: string;
}

/** Writes scale-plot.svg and scale-plot.png into `resultsDir`, and the PNG to `docsPath` too when given. */
export async function writeScalePlot(
  reports: readonly Pick<ScaleReport, 'engine' | 'lookups'>[],
  where: { resultsDir: string; docsPath?: string | undefined; subtitle?: string },
): Promise<ChartFiles> {
  const series = lookupSeries(reports);
  if (series.length === 0) return { files: [], note: 'no lookup measurements to plot' };
  const sizes = [...new Set(series.flatMap((s) => s.points.map((p) => p.tenantSize)))].sort((a, b) => a - b);
  const subtitle =
    where.subtitle ??
    `${reports.map((r) => ENGINE_STYLE[r.engine].label).join(' and ')}; tenant sizes ${sizes.map(compact).join(', ')}; ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const svg = scalePlotSvg(series, subtitle, 5);
  const svgPath = join(where.resultsDir, 'scale-plot.svg');
  writeFileSync(svgPath, svg);
  const pngs = [join(where.resultsDir, 'scale-plot.png'), ...(where.docsPath ? [where.docsPath] : [])];
  try {
    const skipped = await svgToPng(svg, pngs);
    return skipped ? { files: [svgPath], note: skipped } : { files: [svgPath, ...pngs] };
  } catch (error) {
    return { files: [svgPath], note: `PNG failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Standalone: redraw from a results file

async function redraw(argv: readonly string[]): Promise<void> {
  const bench = dirname(fileURLToPath(import.meta.url));
  const file = argv.find((a) => !a.startsWith('--')) ?? join(bench, 'results', 'latest.json');
  const results = JSON.parse(readFileSync(file, 'utf8')) as {
    scale?: Record<string, Pick<ScaleReport, 'engine' | 'lookups'>>;
    startedAt?: string;
    scaleSettings?: { mode?: string };
  };
  const reports = Object.values(results.scale ?? {});
  const chart = await writeScalePlot(reports, {
    resultsDir: join(bench, 'results'),
    docsPath: argv.includes('--update-docs') ? join(dirname(bench), 'docs', 'performance-scale.png') : undefined,
    subtitle: `${reports.map((r) => ENGINE_STYLE[r.engine].label).join(' and ')}; ${results.scaleSettings?.mode ?? ''} run of ${results.startedAt?.slice(0, 16).replace('T', ' ') ?? '?'} UTC`,
  });
  process.stdout.write(`${chart.files.join('\n')}${chart.note ? `\n${chart.note}` : ''}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  redraw(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`plot failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}

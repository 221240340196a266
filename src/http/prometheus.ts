/**
 * A small Prometheus registry and the text exposition format (version 0.0.4): counters, gauges and
 * histograms with labels. Written here rather than taken from a library (docs/decisions/0008).
 */

export type Labels = Readonly<Record<string, string>>;

/** `\`, `"` and newlines escaped, as the format requires inside label values. */
function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A sample value as the format writes it (`+Inf`, `NaN`, integers without a decimal point). */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function labelText(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  if (extra) pairs.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

abstract class Metric {
  abstract readonly type: 'counter' | 'gauge' | 'histogram';
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {
    if (!NAME.test(name)) throw new Error(`invalid metric name ${name}`);
    for (const l of labelNames) if (!LABEL.test(l) || l.startsWith('__')) throw new Error(`invalid label name ${l}`);
  }

  protected key(labels: Labels): string {
    // Twice per request: a plain loop, no intermediate arrays.
    let given = 0;
    for (const _ in labels) given++;
    const wrong = () => new Error(`${this.name} takes labels ${this.labelNames.join(', ')}`);
    if (given !== this.labelNames.length) throw wrong();
    let key = '[';
    for (let i = 0; i < this.labelNames.length; i++) {
      const value = labels[this.labelNames[i] as string];
      if (value === undefined) throw wrong();
      key += (i === 0 ? '' : ',') + JSON.stringify(value);
    }
    return `${key}]`;
  }

  protected labelsOf(key: string): Labels {
    const values = JSON.parse(key) as string[];
    return Object.fromEntries(this.labelNames.map((l, i) => [l, values[i] ?? '']));
  }

  header(): string[] {
    return [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`];
  }

  abstract samples(): string[];
}

/** A value that only goes up (requests served, failures seen). */
export class Counter extends Metric {
  readonly type = 'counter';
  private readonly values = new Map<string, number>();

  inc(labels: Labels = {}, by = 1): void {
    if (by < 0) throw new Error('a counter never goes down');
    const key = this.key(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  samples(): string[] {
    return [...this.values].map(([key, value]) => `${this.name}${labelText(this.labelsOf(key))} ${formatValue(value)}`);
  }
}

/** A value read at scrape time (backlog, pool connections): set, or replaced wholesale by `reset`. */
export class Gauge extends Metric {
  readonly type = 'gauge';
  private readonly values = new Map<string, number>();

  set(labels: Labels, value: number): void {
    this.values.set(this.key(labels), value);
  }

  /** Forgets every series (label sets that disappeared, e.g. the pool on SQLite). */
  reset(): void {
    this.values.clear();
  }

  samples(): string[] {
    return [...this.values].map(([key, value]) => `${this.name}${labelText(this.labelsOf(key))} ${formatValue(value)}`);
  }
}

/** Observations counted into cumulative buckets, with their sum and count. */
export class Histogram extends Metric {
  readonly type = 'histogram';
  private readonly series = new Map<string, { buckets: number[]; sum: number; count: number }>();

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    readonly bounds: readonly number[],
  ) {
    super(name, help, labelNames);
    if (labelNames.includes('le')) throw new Error('le is reserved for histogram buckets');
    for (let i = 1; i < bounds.length; i++) if (bounds[i]! <= bounds[i - 1]!) throw new Error('histogram bounds must increase');
  }

  observe(labels: Labels, value: number): void {
    const key = this.key(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { buckets: this.bounds.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.bounds.length; i++) if (value <= this.bounds[i]!) s.buckets[i]! += 1;
    s.sum += value;
    s.count += 1;
  }

  samples(): string[] {
    const lines: string[] = [];
    for (const [key, s] of this.series) {
      const labels = this.labelsOf(key);
      for (const [i, bound] of this.bounds.entries()) lines.push(`${this.name}_bucket${labelText(labels, ['le', formatValue(bound)])} ${s.buckets[i]}`);
      lines.push(`${this.name}_bucket${labelText(labels, ['le', '+Inf'])} ${s.count}`);
      lines.push(`${this.name}_sum${labelText(labels)} ${formatValue(s.sum)}`);
      lines.push(`${this.name}_count${labelText(labels)} ${s.count}`);
    }
    return lines;
  }
}

/** The metrics of one process, rendered in registration order. */
export class Registry {
  private readonly metrics = new Map<string, Metric>();

  register<M extends Metric>(metric: M): M {
    if (this.metrics.has(metric.name)) throw new Error(`metric ${metric.name} registered twice`);
    this.metrics.set(metric.name, metric);
    return metric;
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.register(new Counter(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.register(new Gauge(name, help, labelNames));
  }

  histogram(name: string, help: string, labelNames: readonly string[], bounds: readonly number[]): Histogram {
    return this.register(new Histogram(name, help, labelNames, bounds));
  }

  /** The exposition text; a metric with no series yet still has its HELP and TYPE lines. */
  render(): string {
    const lines: string[] = [];
    for (const metric of this.metrics.values()) lines.push(...metric.header(), ...metric.samples());
    return `${lines.join('\n')}\n`;
  }
}

/** The content type Prometheus expects for the text format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Where a progress bar draws: a terminal redraws one line; anything else gets a few plain lines. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

const PHASE_NAMES: Record<string, string> = {
  person: 'people',
  group: 'groups',
  folder: 'folders',
  pending: 'pending references',
  credential: 'credentials',
};

/**
 * A progress bar on stderr for long exports and imports. On a terminal it redraws one line at
 * most ten times a second; when stderr is a file or a pipe it writes a line at each quarter, so
 * logs stay readable. Nothing is drawn for jobs under `minTotal` records.
 */
export class ProgressBar {
  private lastDraw = 0;
  private lastQuarter = -1;
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly label: string,
    private readonly options: { minTotal?: number; now?: () => number } = {},
  ) {}

  update(progress: { phase: string; done: number; total: number }): void {
    const { done, total } = progress;
    if (total < (this.options.minTotal ?? 1000)) return;
    const now = (this.options.now ?? Date.now)();
    const fraction = total === 0 ? 1 : Math.min(1, done / total);
    const phase = PHASE_NAMES[progress.phase] ?? progress.phase;
    if (this.stream.isTTY) {
      if (done < total && now - this.lastDraw < 100) return;
      this.lastDraw = now;
      const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - 50));
      const filled = Math.round(fraction * width);
      const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
      this.stream.write(
        `\r${this.label} [${bar}] ${String(Math.floor(fraction * 100)).padStart(3)}% ${done.toLocaleString('en')}/${total.toLocaleString('en')} ${phase}\x1b[K`,
      );
      this.drawn = true;
      return;
    }
    const quarter = Math.floor(fraction * 4);
    if (quarter > this.lastQuarter) {
      this.lastQuarter = quarter;
      this.stream.write(`${this.label}: ${quarter * 25}% (${done}/${total}, ${phase})\n`);
    }
  }

  /** Ends the redrawn line so what follows starts on a line of its own. */
  finish(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}

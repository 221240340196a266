/**
 * Long batches of work (a /Bulk request's operations, a tenant's purge) give the event loop back
 * between their steps: on SQLite every statement runs on the loop, and a step whose promises are
 * already settled continues in microtasks, which let no other request, timer or socket in. Each
 * batch asks `turn()` between steps; it yields (setImmediate, after pending I/O) once `sliceMs`
 * have passed since the last yield, or after `maxSteps` steps, whichever comes first, so a
 * thousand-step batch neither holds the loop nor pays a yield per step.
 */
export class LoopTurns {
  private lastYield = performance.now();
  private steps = 0;

  constructor(
    private readonly sliceMs = 5,
    private readonly maxSteps = 50,
  ) {}

  /** Call between steps; resolves at once or after other ready work has run. */
  async turn(): Promise<void> {
    this.steps++;
    if (this.steps < this.maxSteps && performance.now() - this.lastYield < this.sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.steps = 0;
    this.lastYield = performance.now();
  }
}

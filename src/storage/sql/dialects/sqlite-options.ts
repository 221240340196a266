/**
 * The SQLite settings and handles other modules name in their types, kept apart from the modules
 * that import better-sqlite3: the published declarations (`createServer`, `openStore`) reach these,
 * and must not need better-sqlite3's own type package to compile in an adopter's project.
 */

export interface SqliteOptions {
  /** Checkpoint the WAL in a worker thread instead of in the committing one (the server does; the CLI does not). */
  readonly checkpointInBackground?: boolean;
  /** Told when the checkpoint worker fails (the connection then checkpoints by itself again). */
  readonly onCheckpointError?: (error: unknown) => void;
  /**
   * Worker threads that run long reads (list pages over filters, counts) on connections of their
   * own, off the serving thread (the server uses them; the CLI and in-memory databases do not).
   */
  readonly readWorkers?: number;
  /** How long such a read may take before it is abandoned and its worker replaced. */
  readonly readDeadlineMs?: number;
}

export interface BackgroundCheckpoints {
  /**
   * Passes the worker has made and WAL frames it has copied; after its last pass, the frames in the
   * WAL and how many of them are in the database file (equal: it had caught up). For tests and diagnostics.
   */
  readonly stats: { passes: number; copiedFrames: number; lastWalFrames: number; lastBackfilled: number };
  /** Whether the worker runs; when it has stopped or failed, the connection checkpoints by itself again. */
  readonly running: boolean;
  stop(): Promise<void>;
}

import type { FastifyBaseLogger } from 'fastify';

/**
 * What Roster needs of a host's logger: pino's interface (pino, Fastify's `app.log`, and most
 * structured loggers have it). `fatal` and `trace` are optional: without them those lines go to
 * `error` and `debug`.
 */
export interface HostLogger {
  info(objOrMessage: unknown, ...rest: unknown[]): void;
  warn(objOrMessage: unknown, ...rest: unknown[]): void;
  error(objOrMessage: unknown, ...rest: unknown[]): void;
  debug(objOrMessage: unknown, ...rest: unknown[]): void;
  fatal?(objOrMessage: unknown, ...rest: unknown[]): void;
  trace?(objOrMessage: unknown, ...rest: unknown[]): void;
  child(bindings: Record<string, unknown>): HostLogger;
  /** pino's level name; without one Roster assumes 'info' (and so logs one line per request). */
  readonly level?: string;
}

type LogMethod = FastifyBaseLogger['info'];

/**
 * The host's logger as Fastify wants it (every level, and children of the same shape), with a
 * `component: "roster"` binding so the host can tell Roster's lines from its own.
 */
export function fastifyLoggerFor(host: HostLogger): FastifyBaseLogger {
  const wrap = (logger: HostLogger): FastifyBaseLogger => {
    const method = (fn: (objOrMessage: unknown, ...rest: unknown[]) => void): LogMethod => fn.bind(logger) as LogMethod;
    return {
      level: logger.level ?? 'info',
      info: method(logger.info),
      warn: method(logger.warn),
      error: method(logger.error),
      debug: method(logger.debug),
      fatal: method(logger.fatal ?? logger.error),
      trace: method(logger.trace ?? logger.debug),
      silent: () => {},
      child: (bindings) => wrap(logger.child(bindings)),
    };
  };
  return wrap(host.child({ component: 'roster' }));
}

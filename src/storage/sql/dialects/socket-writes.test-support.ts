import type pg from 'pg';

/**
 * Calls `onWrite` for every write a pg client's socket makes, however many protocol messages it
 * carries: what tests of pipelining and corking count.
 */
export function onSocketWrite(client: pg.Client | pg.PoolClient, onWrite: () => void): void {
  const stream = (client as unknown as { connection: { stream: { _write: (...a: unknown[]) => void; _writev?: (...a: unknown[]) => void } } }).connection.stream;
  const write = stream._write.bind(stream);
  stream._write = (...args: unknown[]) => {
    onWrite();
    write(...args);
  };
  const writev = stream._writev?.bind(stream);
  if (writev)
    stream._writev = (...args: unknown[]) => {
      onWrite();
      writev(...args);
    };
}

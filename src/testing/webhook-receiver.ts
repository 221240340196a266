import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the receiver acknowledged with 2xx. */
export interface ReceivedWebhook {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Arrival time (epoch ms). */
  readonly at: number;
}

/**
 * A real HTTP receiver on 127.0.0.1 for webhook tests. `up` answers 204 and records the request;
 * `down` answers 503; `hang` never answers (until it is switched back or closed).
 */
export interface TestReceiver {
  readonly url: string;
  mode: 'up' | 'down' | 'hang';
  /** Acknowledged requests, in arrival order. */
  readonly received: ReceivedWebhook[];
  /** Every request that arrived, whatever the answer. */
  attempts: number;
  close(): Promise<void>;
}

export async function startReceiver(mode: TestReceiver['mode'] = 'up'): Promise<TestReceiver> {
  const hanging = new Set<ServerResponse>();
  const state = { mode, received: [] as ReceivedWebhook[], attempts: 0 };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      state.attempts += 1;
      if (state.mode === 'hang') {
        hanging.add(response);
        return;
      }
      if (state.mode === 'down') {
        response.writeHead(503).end('down for maintenance');
        return;
      }
      state.received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/hooks/roster`,
    async close() {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  }) as TestReceiver;
}

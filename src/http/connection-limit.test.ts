import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { limitConnectionsPerAddress } from './connection-limit.js';
import { trustedProxyMatcher } from './trusted-proxies.js';
import { waitUntil } from '../testing/wait-until.js';

describe('the per-address connection cap behind a trusted proxy', () => {
  let server: Server;
  let port: number;
  let counts: { open: (address: string) => number };
  const sockets: Socket[] = [];
  let accepted = 0;

  before(async () => {
    server = createServer((_req, res) => res.end('ok'));
    server.on('connection', () => accepted++);
    counts = limitConnectionsPerAddress(server, 1, trustedProxyMatcher(['127.0.0.1']));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    server.closeAllConnections();
    server.close();
  });

  /** Opens a connection from `from` and collects whatever the server writes on it. */
  const open = async (from: string) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress: from });
    sockets.push(socket);
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('error', () => {});
    await once(socket, 'connect');
    return { socket, text: () => Buffer.concat(received).toString() };
  };

  it('does not count the proxy’s connections as one client’s', async () => {
    const before = accepted;
    const proxied = await Promise.all([open('127.0.0.1'), open('127.0.0.1'), open('127.0.0.1')]);
    await waitUntil(() => accepted === before + 3, 'the server to see the three connections');
    assert.equal(counts.open('127.0.0.1'), 0, 'not counted');
    assert.ok(
      proxied.every((c) => c.text() === '' && !c.socket.destroyed),
      'all three stay open, none refused',
    );
  });

  it('still caps any other address', async () => {
    const first = await open('127.0.0.2');
    await waitUntil(() => counts.open('127.0.0.2') === 1, 'the first connection to be counted');
    const second = await open('127.0.0.2');
    await waitUntil(() => second.text().includes('503'), 'the connection over the cap to be refused');
    assert.match(second.text(), /^HTTP\/1\.1 503/);
    assert.equal(first.text(), '');
  });
});

import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';

/**
 * What a client over the limit is told before its connection is closed. Written on the raw socket
 * (no request has been read yet), so it is a whole HTTP/1.1 answer with its own length.
 */
function refusal(limit: number): string {
  const body = JSON.stringify({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
    status: '503',
    detail: `this address already holds ${limit} open connections to Roster (MAX_CONNECTIONS_PER_ADDRESS); reuse them or close some, then retry`,
  });
  return (
    'HTTP/1.1 503 Service Unavailable\r\n' +
    'Content-Type: application/scim+json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Retry-After: 1\r\n' +
    'Connection: close\r\n\r\n' +
    body
  );
}

/**
 * Caps the connections one client address holds open at once. A connection costs memory and a
 * place in Node's timeout checks even while idle, so without a cap one address could open
 * thousands and hold them until the keep-alive or request timeouts end each one.
 *
 * The cap counts sockets, and a socket's peer is known before any request (so before any
 * X-Forwarded-For). Behind a reverse proxy every connection is the proxy's, carrying many
 * clients: counted as one address, the proxy would be refused as soon as it had `limit` clients
 * at once. So connections from TRUSTED_PROXIES are not counted; the proxy limits its own clients
 * (nginx's limit_conn, Caddy's), and the per-address rate limits still apply to each client.
 */
export function limitConnectionsPerAddress(
  server: Server,
  limit: number,
  exempt: (address: string) => boolean = () => false,
): { readonly open: (address: string) => number } {
  const open = new Map<string, number>();
  if (limit > 0) {
    // Over TLS the refusal must be spoken inside the TLS session, so the socket is counted once its
    // handshake is done.
    const event = server instanceof TlsServer ? 'secureConnection' : 'connection';
    server.on(event, (socket: Socket) => {
      const address = socket.remoteAddress ?? '';
      if (exempt(address)) return;
      const count = (open.get(address) ?? 0) + 1;
      if (count > limit) {
        // Answered and closed without ever being counted: it holds nothing once the bytes are out.
        socket.end(refusal(limit));
        socket.on('error', () => socket.destroy());
        return;
      }
      open.set(address, count);
      socket.once('close', () => {
        const left = (open.get(address) ?? 1) - 1;
        if (left <= 0) open.delete(address);
        else open.set(address, left);
      });
    });
  }
  return { open: (address) => open.get(address) ?? 0 };
}

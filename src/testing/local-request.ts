import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';

export interface LocalResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
  /** Over TLS: the server certificate's SHA-256 fingerprint. */
  readonly fingerprint?: string;
}

/**
 * One request on a fresh connection, optionally from a chosen loopback address (127.0.0.2 …: on
 * Linux all of 127/8 is the loopback interface), so tests can be several clients. Over https the
 * certificate is accepted whatever it is: the tests look at which one was served.
 */
export function localRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: unknown; from?: string } = {}): Promise<LocalResponse> {
  const target = new URL(url);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: options.method ?? 'GET',
        agent: false,
        rejectUnauthorized: false,
        ...(options.from ? { localAddress: options.from } : {}),
        headers: {
          ...(payload === undefined ? {} : { 'content-type': 'application/scim+json', 'content-length': String(Buffer.byteLength(payload)) }),
          ...options.headers,
        },
      },
      (res) => {
        const socket = res.socket as TLSSocket;
        const fingerprint = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate().fingerprint256 : undefined;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: Record<string, unknown> = {};
          try {
            body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
          } catch {
            body = { text };
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ...(fingerprint ? { fingerprint } : {}) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

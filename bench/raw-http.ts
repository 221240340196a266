import net from 'node:net';

/**
 * A lean HTTP/1.1 keep-alive connection for the load generator. Node's `http` client spends about
 * 0.1 ms of CPU per request (agents, header objects, streams); on a 2-core machine where the load
 * generator shares the cores with the server, that alone would cap a run near 9,000 requests/s.
 * This one writes each request as one prebuilt string and parses only what a bench needs (status,
 * headers, a Content-Length or chunked body), so the generator measures the server, not itself.
 * One request at a time per connection; no pipelining.
 */

export interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface RawAnswer {
  readonly status: number;
  /** Header names in lower case; repeated headers joined with ", ". */
  readonly headers: Record<string, string>;
  readonly body: string;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** The bytes of one request. */
export function serialiseRequest(port: number, request: RawRequest): string {
  let head = `${request.method} ${request.path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n`;
  for (const [name, value] of Object.entries(request.headers ?? {})) head += `${name}: ${value}\r\n`;
  if (request.body !== undefined) head += `content-length: ${Buffer.byteLength(request.body)}\r\n`;
  return `${head}\r\n${request.body ?? ''}`;
}

interface Pending {
  readonly resolve: (answer: RawAnswer) => void;
  readonly reject: (error: Error) => void;
}

/** What is known of the response being read. */
interface ResponseHead {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly bodyStart: number;
  /** Body length, or -1 for chunked. */
  readonly length: number;
}

export class RawHttpConnection {
  private readonly socket: net.Socket;
  private buffered: Buffer = Buffer.alloc(0);
  private head: ResponseHead | undefined;
  private pending: Pending | undefined;
  private closed = false;
  private readonly ready: Promise<void>;

  constructor(private readonly port: number) {
    this.socket = net.connect({ host: '127.0.0.1', port });
    this.socket.setNoDelay(true);
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(Object.assign(new Error('connection closed by the server'), { code: 'ECONNRESET' })));
  }

  get usable(): boolean {
    return !this.closed;
  }

  async send(request: RawRequest | string): Promise<RawAnswer> {
    await this.ready;
    if (this.closed) throw Object.assign(new Error('connection closed'), { code: 'ECONNRESET' });
    if (this.pending) throw new Error('one request at a time per connection');
    const text = typeof request === 'string' ? request : serialiseRequest(this.port, request);
    return new Promise<RawAnswer>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(text);
    });
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private fail(error: Error): void {
    this.closed = true;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    if (!this.head) {
      const end = this.buffered.indexOf(HEADER_END);
      if (end < 0) return;
      this.head = parseHead(this.buffered.toString('latin1', 0, end), end + 4);
    }
    const head = this.head;
    let body: Buffer | undefined;
    let consumed = 0;
    if (head.length >= 0) {
      if (this.buffered.length < head.bodyStart + head.length) return;
      body = this.buffered.subarray(head.bodyStart, head.bodyStart + head.length);
      consumed = head.bodyStart + head.length;
    } else {
      const decoded = decodeChunked(this.buffered, head.bodyStart);
      if (!decoded) return;
      body = decoded.body;
      consumed = decoded.end;
    }
    this.buffered = this.buffered.subarray(consumed);
    this.head = undefined;
    const pending = this.pending;
    this.pending = undefined;
    if (head.headers['connection']?.toLowerCase() === 'close') this.close();
    pending?.resolve({ status: head.status, headers: head.headers, body: body.toString('utf8') });
  }
}

function parseHead(text: string, bodyStart: number): ResponseHead {
  const lines = text.split('\r\n');
  const status = Number((lines[0] ?? '').slice(9, 12));
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const chunked = headers['transfer-encoding']?.toLowerCase().includes('chunked') ?? false;
  const length = chunked ? -1 : Number(headers['content-length'] ?? '0');
  // 204 and 304 have no body whatever the headers say.
  return { status, headers, bodyStart, length: status === 204 || status === 304 ? 0 : length };
}

/** The body of a complete chunked message starting at `from`, or undefined when more bytes are needed. */
function decodeChunked(buffer: Buffer, from: number): { body: Buffer; end: number } | undefined {
  const parts: Buffer[] = [];
  let at = from;
  for (;;) {
    const lineEnd = buffer.indexOf('\r\n', at, 'latin1');
    if (lineEnd < 0) return undefined;
    const size = parseInt(buffer.toString('latin1', at, lineEnd).split(';')[0] ?? '', 16);
    if (!Number.isFinite(size)) throw new Error('malformed chunked response');
    const dataStart = lineEnd + 2;
    if (size === 0) {
      // No trailers from this server: the terminating chunk is followed by one empty line.
      if (buffer.length < dataStart + 2) return undefined;
      return { body: Buffer.concat(parts), end: dataStart + 2 };
    }
    if (buffer.length < dataStart + size + 2) return undefined;
    parts.push(buffer.subarray(dataStart, dataStart + size));
    at = dataStart + size + 2;
  }
}

/** Up to `size` keep-alive connections; a request waits for a free one. */
export class RawHttpPool {
  private readonly idle: RawHttpConnection[] = [];
  private readonly waiting: ((connection: RawHttpConnection) => void)[] = [];
  private readonly all = new Set<RawHttpConnection>();

  constructor(
    readonly port: number,
    private readonly size: number,
  ) {}

  async send(request: RawRequest | string): Promise<RawAnswer> {
    const connection = await this.acquire();
    try {
      return await connection.send(request);
    } finally {
      this.release(connection);
    }
  }

  close(): void {
    for (const connection of this.all) connection.close();
    this.all.clear();
    this.idle.length = 0;
  }

  private acquire(): Promise<RawHttpConnection> {
    for (let c = this.idle.pop(); c; c = this.idle.pop()) {
      if (c.usable) return Promise.resolve(c);
      this.all.delete(c);
    }
    if (this.all.size < this.size) {
      const fresh = new RawHttpConnection(this.port);
      this.all.add(fresh);
      return Promise.resolve(fresh);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(connection: RawHttpConnection): void {
    if (!connection.usable) {
      this.all.delete(connection);
      const next = this.waiting.shift();
      if (next) void this.acquire().then(next);
      return;
    }
    const next = this.waiting.shift();
    if (next) next(connection);
    else this.idle.push(connection);
  }
}

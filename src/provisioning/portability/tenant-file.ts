import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { DomainError } from '../errors.js';
import { parseHeader, parseRecord, RECORD_ORDER, type ExportHeader, type ExportRecord } from './export-format.js';

export type ExportFileFormat = 'json' | 'ndjson';

/** Where an export goes: the header once, then every record in order, then `end`. */
export interface ExportSink {
  header(header: ExportHeader): Promise<void>;
  record(record: ExportRecord): Promise<void>;
  end(): Promise<void>;
}

/** An export read back: its header and its records, validated one by one as they are read. */
export interface ExportSource {
  readonly format: ExportFileFormat;
  readonly header: ExportHeader;
  readonly records: AsyncIterable<ExportRecord>;
}

/** Writes to a stream, waiting for it to drain when its buffer is full (big tenants stay in constant memory). */
export function streamWriter(stream: Writable): (chunk: string) => Promise<void> {
  return (chunk) =>
    new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      stream.once('error', onError);
      const done = () => {
        stream.off('error', onError);
        resolve();
      };
      if (stream.write(chunk)) done();
      else stream.once('drain', done);
    });
}

/** One JSON object per line: `{"type":"header",…}`, then one line per record. */
export function ndjsonSink(write: (chunk: string) => Promise<void>): ExportSink {
  return {
    header: (header) => write(`${JSON.stringify({ type: 'header', ...header })}\n`),
    record: (record) => write(`${JSON.stringify(record)}\n`),
    end: async () => {},
  };
}

/** The array each record kind goes in, in a JSON export. */
const SECTION: Record<ExportRecord['type'], string> = {
  person: 'people',
  group: 'groups',
  folder: 'folders',
  pending: 'pendingReferences',
  credential: 'credentials',
};

/**
 * One JSON document: the header's fields, then an array per record kind. Written as records
 * arrive (never held in memory); a section with no records is still written, empty.
 */
export function jsonSink(write: (chunk: string) => Promise<void>): ExportSink {
  let section = -1;
  let first = true;
  const openUpTo = async (index: number) => {
    while (section < index) {
      if (section >= 0) await write('\n]');
      section += 1;
      await write(`,\n${JSON.stringify(SECTION[RECORD_ORDER[section]!])}:[`);
      first = true;
    }
  };
  return {
    header: async (header) => {
      const text = JSON.stringify(header);
      await write(text.slice(0, -1));
    },
    record: async (record) => {
      const index = RECORD_ORDER.indexOf(record.type);
      if (index < section) throw new Error(`records out of order: ${record.type} after ${RECORD_ORDER[section]}`);
      await openUpTo(index);
      const { type: _type, ...rest } = record;
      await write(`${first ? '' : ','}\n${JSON.stringify(rest)}`);
      first = false;
    },
    end: async () => {
      await openUpTo(RECORD_ORDER.length - 1);
      await write('\n]}\n');
    },
  };
}

async function firstLine(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    const buffer = Buffer.alloc(64 * 1024);
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      const slice = buffer.subarray(0, bytesRead);
      const newline = slice.indexOf(0x0a);
      if (newline >= 0) {
        chunks.push(Buffer.from(slice.subarray(0, newline)));
        break;
      }
      chunks.push(Buffer.from(slice));
      position += bytesRead;
      if (position > 64 * 1024 * 1024) break;
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    await handle.close();
  }
}

async function* ndjsonRecords(path: string): AsyncIterable<ExportRecord> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let number = 0;
  for await (const line of lines) {
    number += 1;
    if (number === 1 || line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new DomainError('invalidValue', `${path} line ${number}: not JSON (a truncated or edited file?)`);
    }
    yield parseRecord(value, `${path} line ${number}`);
  }
}

async function* jsonRecords(document: Record<string, unknown>, path: string): AsyncIterable<ExportRecord> {
  for (const type of RECORD_ORDER) {
    const list = document[SECTION[type]];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new DomainError('invalidValue', `${path}: "${SECTION[type]}" must be an array`);
    let index = 0;
    for (const item of list) {
      yield parseRecord({ ...(item as object), type }, `${path} ${SECTION[type]}[${index}]`);
      index += 1;
    }
  }
}

/**
 * Opens an export for reading. NDJSON (first line is the header) is streamed line by line; a JSON
 * export is read whole (prefer NDJSON for tenants with hundreds of thousands of people).
 */
export async function readExportFile(path: string): Promise<ExportSource> {
  const line = await firstLine(path);
  let head: unknown;
  try {
    head = JSON.parse(line);
  } catch {
    head = undefined;
  }
  if (typeof head === 'object' && head !== null && (head as { type?: unknown }).type === 'header') {
    const { type: _type, ...header } = head as Record<string, unknown>;
    return { format: 'ndjson', header: parseHeader(header), records: ndjsonRecords(path) };
  }
  let document: unknown;
  try {
    document = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new DomainError('invalidValue', `${path} is neither NDJSON nor a JSON document: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw new DomainError('invalidValue', `${path}: a JSON export is one object`);
  const record = document as Record<string, unknown>;
  const header = parseHeader(Object.fromEntries(Object.entries(record).filter(([k]) => !Object.values(SECTION).includes(k))));
  return { format: 'json', header, records: jsonRecords(record, path) };
}

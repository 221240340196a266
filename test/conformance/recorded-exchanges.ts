/**
 * The IdP exchanges the replay suites send, read from the recorded JSON files beside the
 * normalisers' fixtures (src/scim/quirks/fixtures/replays/, described in
 * docs/idp-behaviors.md#fixtures-and-replays).
 *
 * A file holds one client's requests in the order the client sends them, each with the answer
 * Roster must give. What the client learnt from an earlier answer (an id) is written `{{name}}` and
 * filled in when the request is made: inside the path the value is percent-encoded, as the client
 * would put it on the wire; a body string that is exactly `{{name}}` becomes the value.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isJsonObject, type JsonObject, type JsonValue } from '../../src/json/json-value.js';
import type { TestResponse, TestServer } from '../../src/testing/test-server.js';
import { said } from './replay-helpers.js';

const jsonValue: z.ZodType<JsonValue> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]));

const exchangeSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]+$/),
  /** Where the request and its shape are documented (docs/idp-behaviors.md#…). */
  evidence: z.string().min(1),
  request: z.strictObject({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
    path: z.string().startsWith('/'),
    headers: z.record(z.string(), z.string()).optional(),
    body: jsonValue.optional(),
  }),
  /** Roster's answer: one status, or the statuses the client accepts alike. */
  response: z.strictObject({ status: z.union([z.number().int(), z.array(z.number().int()).min(2)]) }),
});

const recordingSchema = z.strictObject({
  client: z.string(),
  description: z.string(),
  /** Headers the client sends with every request. */
  headers: z.record(z.string(), z.string()),
  exchanges: z.array(exchangeSchema).min(1),
});

export type Exchange = z.infer<typeof exchangeSchema>;
export type Variables = Readonly<Record<string, string>>;

const PLACEHOLDER = /\{\{([A-Za-z][A-Za-z0-9]*)\}\}/g;

function fill(text: string, variables: Variables, encode: boolean, where: string): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const value = variables[name];
    assert.ok(value !== undefined, `${where}: no value for {{${name}}}`);
    return encode ? encodeURIComponent(value) : value;
  });
}

function fillBody(value: JsonValue, variables: Variables, where: string): JsonValue {
  if (typeof value === 'string') return fill(value, variables, false, where);
  if (Array.isArray(value)) return value.map((v) => fillBody(v, variables, where));
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const [key, v] of Object.entries(value)) out[key] = fillBody(v, variables, where);
    return out;
  }
  return value;
}

/** One client's recorded exchanges, sent against a test server. */
export class Recording {
  readonly client: string;
  readonly #headers: Record<string, string>;
  readonly #exchanges: Map<string, Exchange>;
  readonly #sent = new Set<string>();

  constructor(file: string) {
    const url = new URL(`../../src/scim/quirks/fixtures/replays/${file}`, import.meta.url);
    const recording = recordingSchema.parse(JSON.parse(readFileSync(url, 'utf8')));
    this.client = recording.client;
    this.#headers = recording.headers;
    this.#exchanges = new Map();
    for (const exchange of recording.exchanges) {
      assert.ok(!this.#exchanges.has(exchange.name), `${file}: two exchanges named ${exchange.name}`);
      this.#exchanges.set(exchange.name, exchange);
    }
  }

  /** The headers the client sends with every request. */
  get headers(): Record<string, string> {
    return { ...this.#headers };
  }

  #exchange(name: string): Exchange {
    const exchange = this.#exchanges.get(name);
    assert.ok(exchange, `${this.client}: no recorded exchange "${name}"`);
    return exchange;
  }

  /** The request body of an exchange, its placeholders filled in. */
  body(name: string, variables: Variables = {}): JsonObject {
    const body = this.#exchange(name).request.body;
    assert.ok(isJsonObject(body), `${this.client} ${name}: the request has no JSON object body`);
    const filled = fillBody(body, variables, `${this.client} ${name}`);
    assert.ok(isJsonObject(filled));
    return filled;
  }

  /** An exchange's request, its placeholders filled in, for a caller that sends it and judges the answer itself. */
  request(name: string, variables: Variables = {}): { method: string; path: string; headers: Record<string, string>; body?: JsonValue } {
    const { request } = this.#exchange(name);
    const where = `${this.client} ${name}`;
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...this.#headers, ...request.headers })) headers[key] = fill(value, variables, false, where);
    const path = fill(request.path, variables, true, where);
    this.#sent.add(name);
    return request.body === undefined
      ? { method: request.method, path, headers }
      : { method: request.method, path, headers, body: fillBody(request.body, variables, where) };
  }

  /**
   * Sends an exchange's request as recorded and checks Roster answers with the recorded status.
   * `replace` stands in for parts of the request when a test builds a variant of a recorded one
   * (the same create for another person, the same check with another tenant's credential).
   */
  async send(t: TestServer, name: string, variables: Variables = {}, replace: { body?: JsonObject; headers?: Record<string, string> } = {}): Promise<TestResponse> {
    const request = this.request(name, variables);
    const response = await t.scim(request.method, request.path, replace.body ?? request.body, { ...request.headers, ...replace.headers });
    const expected = this.#exchange(name).response.status;
    const statuses = typeof expected === 'number' ? [expected] : expected;
    assert.ok(statuses.includes(response.status), said(`${this.client} ${name}: ${request.method} ${request.path} (recorded answer ${statuses.join(' or ')})`, response));
    return response;
  }

  /** Recorded exchanges no test has sent: each recorded request must be replayed. */
  unsent(): string[] {
    return [...this.#exchanges.keys()].filter((name) => !this.#sent.has(name));
  }
}

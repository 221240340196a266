import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { z } from 'zod';
import type { JsonObject } from '../json/json-value.js';
import { openApiDocument } from './openapi-document.js';
import { addRoute, declareRoute, type ApiSurface } from './route-contract.js';

const item = z.strictObject({ id: z.string(), count: z.number().int() }).meta({ id: 'test.Item', description: 'An item.' });
const getItem = declareRoute({
  method: 'GET',
  path: '/items/:id',
  operationId: 'getItem',
  summary: 'One item',
  params: z.object({ id: z.string().regex(/^\d+$/).describe('The item id.') }),
  query: z.object({ wrong: z.enum(['field', 'status', 'no']).default('no') }).strict(),
  response: item,
  errors: [400, 404],
});
const makeItem = declareRoute({
  method: 'POST',
  path: '/items',
  operationId: 'makeItem',
  summary: 'Make an item',
  body: z.strictObject({ count: z.number().int().min(0) }),
  response: item,
  statuses: [201],
  errors: [400],
});
const dropItem = declareRoute({
  method: 'DELETE',
  path: '/items/:id',
  operationId: 'dropItem',
  summary: 'Drop an item',
  params: z.object({ id: z.string() }),
  response: null,
  errors: [],
});

/** A small API with the three routes; `logs` collects what it logs. */
async function api(checkResponses: boolean) {
  const logs: string[] = [];
  const stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      logs.push(chunk.toString());
      done();
    },
  });
  const app = Fastify({ logger: { level: 'info', stream } });
  const surface: ApiSurface = {
    checkResponses,
    invalidInput: (where, issues) => Object.assign(new Error(`${where}: ${issues.map((i) => i.message).join('; ')}`), { statusCode: 400 }),
  };
  addRoute(app, surface, getItem, async ({ params, query, reply }) => {
    if (query.wrong === 'status') reply.code(202);
    // A view that drifted from its declaration: a renamed field, or one more than declared.
    if (query.wrong === 'field') return { id: params.id, count: 1, secretHash: 'x' } as unknown as { id: string; count: number };
    return { id: params.id, count: Number(params.id) };
  });
  addRoute(app, surface, makeItem, async ({ body }) => ({ id: '7', count: body.count }));
  addRoute(app, surface, dropItem, async () => undefined);
  await app.ready();
  return { app, logs };
}

describe('declared routes', () => {
  it('parse their input with the declaration, and answer the declared status', async () => {
    const { app } = await api(true);
    assert.deepEqual((await app.inject({ method: 'GET', url: '/items/12' })).json(), { id: '12', count: 12 });
    assert.equal((await app.inject({ method: 'GET', url: '/items/abc' })).statusCode, 400, 'path parsed');
    assert.equal((await app.inject({ method: 'GET', url: '/items/1?other=1' })).statusCode, 400, 'strict query parsed');
    const made = await app.inject({ method: 'POST', url: '/items', payload: { count: 3 } });
    assert.equal(made.statusCode, 201);
    assert.deepEqual(made.json(), { id: '7', count: 3 });
    assert.equal((await app.inject({ method: 'POST', url: '/items', payload: { count: -1 } })).statusCode, 400, 'body parsed');
    const dropped = await app.inject({ method: 'DELETE', url: '/items/1' });
    assert.equal(dropped.statusCode, 204);
    assert.equal(dropped.body, '');
    await app.close();
  });

  it('refuse, when checking, an answer that does not match its schema: a 500 and the reason in the log', async () => {
    const { app, logs } = await api(true);
    const drifted = await app.inject({ method: 'GET', url: '/items/1?wrong=field' });
    assert.equal(drifted.statusCode, 500);
    assert.match(logs.join(''), /getItem.*does not match its declared schema.*secretHash/);
    const undeclaredStatus = await app.inject({ method: 'GET', url: '/items/1?wrong=status' });
    assert.equal(undeclaredStatus.statusCode, 500);
    assert.match(logs.join(''), /status 202 is not declared/);
    await app.close();
  });

  it('send the answer unchecked when not checking (production)', async () => {
    const { app } = await api(false);
    const drifted = await app.inject({ method: 'GET', url: '/items/1?wrong=field' });
    assert.equal(drifted.statusCode, 200);
    await app.close();
  });

  it('make an OpenAPI 3.1 document: operationIds, parameters, bodies, answers, errors and named schemas', () => {
    const doc = openApiDocument(
      {
        info: { title: 'Test', version: '1' },
        serverUrl: '/api',
        security: [{ key: [] }],
        securitySchemes: { key: { type: 'http', scheme: 'bearer' } },
        errorSchema: z.strictObject({ message: z.string() }).meta({ id: 'test.Error' }),
        errorDescriptions: { 400: 'Bad input.' },
      },
      [getItem, makeItem, dropItem],
    );
    const paths = doc['paths'] as Record<string, Record<string, JsonObject>>;
    assert.deepEqual(Object.keys(paths), ['/items/{id}', '/items']);
    const get = paths['/items/{id}']!['get']!;
    assert.equal(get['operationId'], 'getItem');
    assert.deepEqual(get['parameters'], [
      { name: 'id', in: 'path', required: true, description: 'The item id.', schema: { type: 'string', pattern: '^\\d+$' } },
      { name: 'wrong', in: 'query', required: false, schema: { default: 'no', type: 'string', enum: ['field', 'status', 'no'] } },
    ]);
    const responses = get['responses'] as Record<string, JsonObject>;
    assert.deepEqual(responses['200'], { description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } });
    assert.deepEqual(responses['400'], { description: 'Bad input.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
    const post = paths['/items']!['post']!;
    assert.deepEqual(post['requestBody'], {
      required: true,
      content: {
        'application/json': { schema: { type: 'object', properties: { count: { type: 'integer', minimum: 0 } }, required: ['count'], additionalProperties: false } },
      },
    });
    assert.deepEqual(Object.keys(post['responses'] as JsonObject), ['201', '400']);
    assert.deepEqual(paths['/items/{id}']!['delete']!['responses'], { '204': { description: 'No content' } });
    const schemas = (doc['components'] as JsonObject)['schemas'] as JsonObject;
    assert.deepEqual(schemas['Item'], {
      description: 'An item.',
      type: 'object',
      properties: { id: { type: 'string' }, count: { type: 'integer' } },
      required: ['id', 'count'],
      additionalProperties: false,
    });
  });
});

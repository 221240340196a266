import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import type { z } from 'zod';

/**
 * A route declared once: method, path, operationId, its input schemas and the schema of its answer.
 * Registration parses the input with it and (in tests) checks the answer against it, and the
 * OpenAPI document is generated from it, so the three cannot drift apart.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Schema = z.ZodType;

export interface RouteContract<
  P extends Schema | undefined = Schema | undefined,
  Q extends Schema | undefined = Schema | undefined,
  B extends Schema | undefined = Schema | undefined,
  R extends Schema | null = Schema | null,
> {
  readonly method: HttpMethod;
  /** Fastify's form, under the API's prefix: `/tenants/:slug`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** The body of a successful answer; null when there is none (204). */
  readonly response: R;
  /** The answer's media type when it is not JSON (a streamed export); its `response` is then the text's schema. */
  readonly mediaType?: string;
  /** Successful statuses, the first being the default (200, or 204 without a body); a handler picks another with `reply.code()`. */
  readonly statuses?: readonly number[];
  /** Error statuses the route may answer, each with its API's one error body. */
  readonly errors: readonly number[];
  /** Fastify route config (the admin guard reads `public` and `setup` from it). */
  readonly config?: Readonly<Record<string, unknown>>;
  /** OpenAPI security requirements, when not the API's default. */
  readonly security?: readonly Readonly<Record<string, readonly string[]>>[];
}

/** Any declared route, for the document and the checks that list them. */
export type AnyRouteContract = RouteContract<Schema | undefined, Schema | undefined, Schema | undefined, Schema | null>;

type Parsed<S> = S extends Schema ? z.output<S> : undefined;
/** What a handler may return: the declared body, read-only parts welcome (views keep records' readonly arrays). */
type DeepReadonly<T> = T extends readonly (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;
// biome-ignore lint/suspicious/noConfusingVoidType: a handler of a route without a body returns nothing (an async function's Promise<void>), which `undefined` would refuse.
type Answer<R> = R extends Schema ? DeepReadonly<z.input<R>> : void;

export interface RouteInput<P, Q, B> {
  readonly params: Parsed<P>;
  readonly query: Parsed<Q>;
  readonly body: Parsed<B>;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

/** How one API (admin, host) reports bad input, and whether it checks its answers. */
export interface ApiSurface {
  invalidInput(where: 'path' | 'query' | 'body', issues: readonly z.core.$ZodIssue[]): Error;
  /** Tests and development: every answer is parsed with its declared schema; a mismatch is a 500. */
  readonly checkResponses: boolean;
  /** Runs before the input is parsed (e.g. whether the session may see the tenant in the path). */
  authorize?(request: FastifyRequest): Promise<void>;
}

/** Declares a route (an identity function that keeps the schemas' types). */
export function declareRoute<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
  R extends Schema | null = null,
>(contract: RouteContract<P, Q, B, R>): RouteContract<P, Q, B, R> {
  return contract;
}

/** The route's successful statuses, default first. */
export function successStatuses(contract: AnyRouteContract): readonly number[] {
  return contract.statuses ?? [contract.response === null ? 204 : 200];
}

/** The declaration a registered route was made from (undefined: registered without one). */
export function contractOf(config: unknown): AnyRouteContract | undefined {
  const found = typeof config === 'object' && config !== null ? (config as { contract?: AnyRouteContract }).contract : undefined;
  return found;
}

function parse<S extends Schema | undefined>(schema: S | undefined, value: unknown, where: 'path' | 'query' | 'body', surface: ApiSurface): Parsed<S> {
  if (schema === undefined) return undefined as Parsed<S>;
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw surface.invalidInput(where, result.error.issues);
  return result.data as Parsed<S>;
}

/** Why an answer does not match its declaration, or undefined when it does. */
function mismatch(contract: AnyRouteContract, status: number, answer: unknown): string | undefined {
  if (!successStatuses(contract).includes(status)) return `status ${status} is not declared (${successStatuses(contract).join(', ')})`;
  if (contract.response === null) return answer === undefined ? undefined : 'a body was returned where none is declared';
  const result = contract.response.safeParse(answer);
  if (result.success) return undefined;
  return result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}

/**
 * Registers a declared route whose answer is streamed text (an export), not a JSON document: its
 * input is parsed by the declaration as for any route; the handler sets the headers it needs and
 * answers the stream, which is sent with the declared media type.
 */
export function addStreamRoute<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined>(
  app: FastifyInstance,
  surface: ApiSurface,
  contract: RouteContract<P, Q, B, z.ZodString>,
  handler: (input: RouteInput<P, Q, B>) => Promise<Readable>,
): void {
  app.route({
    method: contract.method,
    url: contract.path,
    config: { ...contract.config, contract },
    handler: async (request, reply) => {
      await surface.authorize?.(request);
      const params = parse(contract.params, request.params, 'path', surface);
      const query = parse(contract.query, request.query, 'query', surface);
      const body = parse(contract.body, request.body, 'body', surface);
      const stream = await handler({ params, query, body, request, reply });
      return reply
        .code(200)
        .type(contract.mediaType ?? 'text/plain; charset=utf-8')
        .send(stream);
    },
  });
}

/**
 * Registers a declared route: its input is parsed by the declaration before the handler runs, and
 * the handler's answer is typed by it (and checked against it when the surface says so).
 */
export function addRoute<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined, R extends Schema | null>(
  app: FastifyInstance,
  surface: ApiSurface,
  contract: RouteContract<P, Q, B, R>,
  handler: (input: RouteInput<P, Q, B>) => Promise<Answer<R>>,
): void {
  const [defaultStatus = 200] = successStatuses(contract);
  app.route({
    method: contract.method,
    url: contract.path,
    config: { ...contract.config, contract },
    handler: async (request, reply) => {
      await surface.authorize?.(request);
      const params = parse(contract.params, request.params, 'path', surface);
      const query = parse(contract.query, request.query, 'query', surface);
      const body = parse(contract.body, request.body, 'body', surface);
      const answer: unknown = await handler({ params, query, body, request, reply });
      // A handler that chose no status answers the declared default.
      const status = reply.statusCode === 200 ? defaultStatus : reply.statusCode;
      if (surface.checkResponses) {
        const problem = mismatch(contract, status, answer);
        if (problem !== undefined) {
          request.log.error({ operationId: contract.operationId, status, problem }, 'answer does not match its declared schema');
          throw new Error(`${contract.operationId}: the answer does not match its declared schema: ${problem}`);
        }
      }
      return contract.response === null ? reply.code(status).send() : reply.code(status).send(answer);
    },
  });
}

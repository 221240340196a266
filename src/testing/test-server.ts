import type { LightMyRequestResponse } from 'fastify';
import { createServer, type RosterServer } from '../app/create-server.js';
import { loadConfig } from '../config/config.js';
import type { JsonObject, JsonValue } from '../json/json-value.js';
import { issueCredential } from '../provisioning/credentials/manage-credentials.js';
import { createTenant } from '../provisioning/tenants/manage-tenants.js';
import type { TenantRecord } from '../storage/store.js';
import { createTestDatabase, type EngineName } from './databases.js';

/** A real Roster on a real database, driven in-process by request injection. */
export interface TestServer {
  readonly server: RosterServer;
  readonly tenant: TenantRecord;
  /** The database the server was opened on (a test may name its own with DATABASE_URL). */
  readonly databaseUrl: string;
  readonly token: string;
  /** A SCIM request as the tenant's client: path relative to /scim/v2. */
  scim(method: string, path: string, body?: JsonValue, headers?: Record<string, string>): Promise<TestResponse>;
  /** Another tenant with its own token, for isolation checks. */
  addTenant(slug: string): Promise<{ tenant: TenantRecord; token: string }>;
  close(): Promise<void>;
}

export interface TestResponse {
  readonly status: number;
  readonly headers: LightMyRequestResponse['headers'];
  readonly body: JsonObject;
  readonly raw: string;
}

export async function createTestServer(engine: EngineName, env: Record<string, string> = {}): Promise<TestServer> {
  const database = await createTestDatabase(engine);
  const config = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: database.url, DB_POOL_SIZE: '8', PUBLIC_URL: 'http://roster.test', ...env });
  // Every admin and host answer is checked against its declared schema.
  const server = await createServer(config, { checkResponses: true });
  const addTenant = async (slug: string) => {
    const tenant = await createTenant(server.rt, { slug });
    const issued = await issueCredential(server.rt, tenant.id, 'bearer', 'test');
    return { tenant, token: issued.secret };
  };
  const first = await addTenant('acme');
  const request = async (method: string, url: string, body: JsonValue | undefined, headers: Record<string, string>): Promise<TestResponse> => {
    const response = await server.app.inject({
      method: method as 'GET',
      url,
      headers: { 'content-type': 'application/scim+json', ...headers },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    let parsed: JsonObject = {};
    if (response.body.length > 0) {
      try {
        parsed = JSON.parse(response.body) as JsonObject;
      } catch {
        parsed = {};
      }
    }
    return { status: response.statusCode, headers: response.headers, body: parsed, raw: response.body };
  };
  return {
    server,
    databaseUrl: config.databaseUrl,
    tenant: first.tenant,
    token: first.token,
    scim: (method, path, body, headers = {}) => request(method, `/scim/v2${path}`, body, { authorization: `Bearer ${first.token}`, ...headers }),
    addTenant,
    async close() {
      await server.close();
      await database.dispose();
    },
  };
}

/** Shorthand to reach into a JSON body in assertions. */
export function field(body: JsonValue | undefined, ...path: (string | number)[]): JsonValue | undefined {
  let current: JsonValue | undefined = body;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = Array.isArray(current) ? current[key as number] : (current as JsonObject)[key as string];
  }
  return current;
}

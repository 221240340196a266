import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { explainOutcome, type ConnectionOutcome } from '../guides/connection-outcomes.js';
import { GUIDES } from '../guides/guides.js';
import { recogniseIdp } from '../guides/recognise-idp.js';
import { resolveGuide } from '../guides/resolve-guide.js';
import { isJsonObject } from '../json/json-value.js';
import { listRequestLog } from '../provisioning/directory/read-directory.js';
import { isSetupIdp, SETUP_IDPS, type SetupIdp } from '../provisioning/setup/setup-idps.js';
import type { RequestLogEntry } from '../storage/store.js';
import { addRoute, declareRoute } from '../http/route-contract.js';
import { adminSurface, READ_ERRORS, tenantPath } from './admin-contract.js';
import { requestedSetupTenant, SETUP_ROUTE } from './admin-guard.js';
import { connectionAttemptSchema, guideSchema } from './view-schemas.js';
import type { AdminApiOptions } from './admin-options.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const getGuideRoute = declareRoute({
  method: 'GET',
  path: '/setup/guides/:idp',
  operationId: 'getSetupGuide',
  summary: 'The guided setup for an IdP: numbered steps, the attribute mapping from the schema registry, troubleshooting',
  ...SETUP_ROUTE,
  params: z.object({ idp: z.enum(SETUP_IDPS) }),
  response: guideSchema,
  errors: [400, 401, 403],
});
export const connectionCheckRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/setup/connection',
  operationId: 'checkConnection',
  summary: 'The live connection check: SCIM requests (and refused attempts) for the tenant after a cursor, oldest first, each explained',
  ...SETUP_ROUTE,
  params: tenantPath,
  query: z.strictObject({
    after: z.string().regex(UUID, 'a cursor from the previous answer').optional().describe('The cursor of the previous answer; without it, the last ten minutes.'),
    idp: z.enum(SETUP_IDPS).optional().describe("The IdP of the guide on screen, for the explanations' wording."),
  }),
  response: z.strictObject({ attempts: z.array(connectionAttemptSchema), cursor: z.string() }),
  errors: READ_ERRORS,
});

/**
 * Entries reach the log in batches (each process flushes about once a second), so an entry can be
 * written after one with a later id. The check reads from this far before its cursor and the page
 * drops what it has shown already.
 */
const LOOK_BACK_MS = 5_000;
/** The first answer shows the requests of the last ten minutes: a test run before the page opened counts. */
const FIRST_LOOK_MS = 10 * 60_000;
const MAX_ATTEMPTS = 100;

/** The smallest uuidv7 of a millisecond: ids are time-ordered, so `id > floor` means "from then on". */
function idFloor(ms: number): string {
  const hex = Math.max(0, ms).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}
const msOf = (id: string) => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

function outcomeOf(entry: RequestLogEntry): ConnectionOutcome {
  const refused = entry.notes['refused'];
  if (typeof refused === 'string') return refused as ConnectionOutcome;
  return entry.status < 400 ? 'ok' : 'scim-error';
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** One request as the "Test connection" step shows it. */
function attemptView(entry: RequestLogEntry, guideIdp: SetupIdp): z.infer<typeof connectionAttemptSchema> {
  const normalisers = strings(isJsonObject(entry.notes) ? entry.notes['normalisers'] : undefined);
  const idp = recogniseIdp({ client: entry.client, path: entry.path, normalisers });
  const outcome = outcomeOf(entry);
  return {
    id: entry.id,
    at: new Date(entry.atMs).toISOString(),
    method: entry.method,
    path: entry.path,
    status: entry.status,
    idp,
    client: entry.client,
    ok: outcome === 'ok',
    outcome,
    explanation: explainOutcome(outcome, idp ?? guideIdp, { status: entry.status, error: entry.error }),
  };
}

/** The guided setup's guide and live connection check (also for a setup-link session). */
export function registerConnectionCheckRoutes(app: FastifyInstance, options: AdminApiOptions): void {
  const { rt } = options;
  const surface = adminSurface(options);

  addRoute(app, surface, getGuideRoute, async ({ params: { idp } }) => resolveGuide(GUIDES[idp]));

  addRoute(app, surface, connectionCheckRoute, async ({ request, query: q }) => {
    const { tenant } = await requestedSetupTenant(rt, request);
    // The request just sent may still wait in memory: write it first (as the log page does).
    await options.requestLog.flush().catch(() => {});
    const from = q.after ? idFloor(msOf(q.after) - LOOK_BACK_MS) : idFloor(rt.now() - FIRST_LOOK_MS);
    const rows = await listRequestLog(rt, { tenantId: tenant.id }, { after: from, limit: MAX_ATTEMPTS });
    const guideIdp = q.idp && isSetupIdp(q.idp) ? q.idp : 'generic-scim';
    const last = rows[rows.length - 1];
    return {
      attempts: rows.map((e) => attemptView(e, guideIdp)),
      cursor: last ? last.id : (q.after ?? idFloor(rt.now())),
    };
  });
}

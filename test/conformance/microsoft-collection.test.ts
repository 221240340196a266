/**
 * Microsoft's "SCIM Tests" Postman collection (vendored in ./microsoft/, see its README), run with newman against a
 * real, listening Roster on each database engine, with exactly the README's folders and variables, and
 * the collection file exactly as published (no value in it corrected).
 * Every assertion must pass except the named collection defects of microsoft-known-defects.ts — and each
 * of those must still fail, with the symptom given there.
 *
 * The collection runs against a fresh tenant on DEFAULT settings: nothing is changed first, because
 * defaults are what customers run. Its people carry placeholder values — preferredLanguage "xh"
 * (not in the default language list), country names ("Bermuda", "Germany", "bahams") where RFC 7643
 * §4.1.2 wants an ISO 3166-1 alpha-2 code, and the work email "emailName357", which is no address.
 * The default value rules ('report') keep such values exactly as sent and flag them on the person;
 * the last tests below show both sides: a default tenant keeping, flagging and reading back those very
 * values, and a tenant that chose 'enforce' refusing them precisely.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createServer, type RosterServer } from '../../src/app/create-server.js';
import { loadConfig } from '../../src/config/config.js';
import { issueCredential } from '../../src/provisioning/credentials/manage-credentials.js';
import { createTenant, updateTenantSettings } from '../../src/provisioning/tenants/manage-tenants.js';
import { DEFAULT_SETTINGS, tenantSettings } from '../../src/provisioning/tenants/tenant-settings.js';
import { createTestDatabase, testEngines, type TestDatabase } from '../../src/testing/databases.js';
import { valueFlags } from '../../src/provisioning/users/validate-person.js';
import { defectKey, microsoftKnownDefects, type KnownDefect } from './microsoft-known-defects.js';
import { loadCollection, runCollection, type AssertionOutcome, type CollectionRun, type RawCollection } from './newman-runner.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const collectionUrl = new URL('./microsoft/microsoft-scim-tests.postman_collection.json', import.meta.url);
const collectionPath = fileURLToPath(collectionUrl);

/** Every folder of the collection but "Get Token" (a route of Microsoft's sample server only); see microsoft/README.md. */
const FOLDERS = [
  'Endpoint tests',
  'User tests',
  'Group tests',
  'ComplexAttribute tests',
  'User tests with garbage',
  'Group tests with garbage',
  'Teardown garbage',
  'Get all users',
  'Get all groups',
] as const;

/** 79 requests and 108 assertions in the file, less the "Get Token" folder (1 request, 1 assertion). */
const EXPECTED_REQUESTS = 78;
const EXPECTED_ASSERTIONS = 107;

function requireCollection(): RawCollection {
  if (!existsSync(collectionPath)) {
    assert.fail(
      `Microsoft SCIM collection not found at ${collectionPath}: it is part of the repository ` +
        '(test/conformance/microsoft/, see the README there); restore it from version control.',
    );
  }
  return loadCollection(collectionPath);
}

interface Verdict {
  readonly passed: AssertionOutcome[];
  readonly knownDefects: AssertionOutcome[];
  readonly unexpectedFailures: AssertionOutcome[];
  /** Listed defects that failed, but not the way the list says (a new problem behind an old name). */
  readonly otherSymptom: AssertionOutcome[];
  /** Listed defects that passed at least once (the list is out of date). */
  readonly staleDefects: string[];
  /** Listed defects the run never reached (renamed or removed from the collection, or the run broke off). */
  readonly unseenDefects: string[];
}

function judge(run: CollectionRun, defects: readonly KnownDefect[]): Verdict {
  const listed = new Map(defects.map((d) => [defectKey(d), d]));
  const seen = new Set<string>();
  const stale = new Set<string>();
  const verdict: Verdict = { passed: [], knownDefects: [], unexpectedFailures: [], otherSymptom: [], staleDefects: [], unseenDefects: [] };
  for (const outcome of run.assertions) {
    const key = defectKey(outcome);
    const defect = listed.get(key);
    if (defect) seen.add(key);
    if (outcome.passed) {
      verdict.passed.push(outcome);
      if (defect) stale.add(key);
    } else if (!defect) {
      verdict.unexpectedFailures.push(outcome);
    } else if (defect.symptom.test(`${outcome.message}\n${outcome.exchange}`)) {
      verdict.knownDefects.push(outcome);
    } else {
      verdict.otherSymptom.push(outcome);
    }
  }
  verdict.staleDefects.push(...stale);
  verdict.unseenDefects.push(...[...listed.keys()].filter((key) => !seen.has(key)));
  return verdict;
}

function show(outcome: AssertionOutcome): string {
  return `  ✗ ${defectKey(outcome)}: ${outcome.message}\n      ${outcome.exchange}`;
}

/** Everything wrong with a run, as lines; empty when the run is as expected. */
function problemsOf(run: CollectionRun, verdict: Verdict, defects: readonly KnownDefect[]): string[] {
  const problems: string[] = [];
  if (verdict.unexpectedFailures.length > 0) {
    problems.push(`${verdict.unexpectedFailures.length} assertion(s) failed that are not known collection defects:`);
    problems.push(...verdict.unexpectedFailures.map(show));
  }
  if (verdict.otherSymptom.length > 0) {
    const symptoms = new Map(defects.map((d) => [defectKey(d), d.symptom]));
    problems.push('listed defects that failed for ANOTHER reason than the listed symptom:');
    problems.push(...verdict.otherSymptom.map((o) => `${show(o)}\n      (listed symptom: ${String(symptoms.get(defectKey(o)))})`));
  }
  if (verdict.staleDefects.length > 0) {
    problems.push('listed known defects that PASSED (take them off microsoft-known-defects.ts):');
    problems.push(...verdict.staleDefects.map((key) => `  ✓ ${key}`));
  }
  if (verdict.unseenDefects.length > 0) {
    problems.push('listed known defects the run never reached (renamed in the collection, or the run broke off):');
    problems.push(...verdict.unseenDefects.map((key) => `  ? ${key}`));
  }
  if (run.exceptions.length > 0) {
    problems.push('collection scripts threw (later requests then run with missing ids):');
    problems.push(...run.exceptions.map((e) => `  ! ${e.folder} › ${e.request}: ${e.message}\n      ${e.exchange}`));
  }
  if (run.requests !== EXPECTED_REQUESTS) problems.push(`ran ${run.requests} requests, expected the README folders' ${EXPECTED_REQUESTS}`);
  if (run.assertions.length !== EXPECTED_ASSERTIONS) {
    problems.push(`saw ${run.assertions.length} assertions, expected the README folders' ${EXPECTED_ASSERTIONS}`);
  }
  return problems;
}

it('finds the Microsoft collection beside the repository', () => {
  requireCollection();
});

it('keeps the known-defect list well-formed (unique entries, each with a one-line reason)', () => {
  const keys = microsoftKnownDefects.map(defectKey);
  assert.equal(new Set(keys).size, keys.length, 'duplicate known-defect entries');
  for (const defect of microsoftKnownDefects) {
    assert.ok(defect.reason.length > 0 && !defect.reason.includes('\n'), `reason of ${defectKey(defect)} must be one line`);
  }
});

it('judges a run: unlisted failures, other symptoms, listed defects that pass and listed defects never reached are all reported', () => {
  const outcome = (request: string, occurrence: number, passed: boolean, message = 'failed'): AssertionOutcome => ({
    folder: 'F',
    request,
    occurrence,
    assertion: 'A',
    passed,
    message: passed ? '' : message,
    exchange: '',
  });
  const listed = (request: string, occurrence: number): KnownDefect => ({
    folder: 'F',
    request,
    occurrence,
    assertion: 'A',
    kind: 'user-patch-status',
    reason: 'r',
    symptom: /^failed$/m,
  });
  const run: CollectionRun = {
    requests: 6,
    exceptions: [],
    assertions: [
      outcome('listed-and-failing', 1, false),
      outcome('listed-but-passing', 1, true),
      outcome('unlisted-failing', 1, false),
      outcome('repeated', 1, false),
      outcome('repeated', 2, true),
      outcome('listed-other-symptom', 1, false, 'got 500'),
    ],
  };
  const verdict = judge(run, [
    listed('listed-and-failing', 1),
    listed('listed-but-passing', 1),
    listed('repeated', 1),
    listed('listed-other-symptom', 1),
    listed('gone', 1),
  ]);
  assert.deepEqual(verdict.knownDefects.map(defectKey), ['F › listed-and-failing › A', 'F › repeated › A']);
  assert.deepEqual(verdict.unexpectedFailures.map(defectKey), ['F › unlisted-failing › A']);
  assert.deepEqual(verdict.otherSymptom.map(defectKey), ['F › listed-other-symptom › A']);
  assert.deepEqual(verdict.staleDefects, ['F › listed-but-passing › A']);
  assert.deepEqual(verdict.unseenDefects, ['F › gone › A']);
  assert.equal(verdict.passed.length, 2, 'the second "repeated" request is a different occurrence and simply passes');
});

for (const { engine, skip } of testEngines()) {
  describe(`Microsoft SCIM collection (newman) on ${engine}`, { skip }, () => {
    let database: TestDatabase | undefined;
    let server: RosterServer | undefined;
    let port = '';

    before(async () => {
      database = await createTestDatabase(engine);
      server = await createServer(loadConfig({ LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: database.url }));
      port = new URL(await server.listen()).port;
    });

    after(async () => {
      await server?.close();
      await database?.dispose();
    });

    /**
     * A fresh, empty tenant and its token: the collection counts users and expects to start from none.
     * Its settings are left exactly as a new tenant gets them, unless `valueRules` asks for 'enforce'.
     */
    const freshTenant = async (slug: string, valueRules: 'default' | 'enforce'): Promise<string> => {
      if (!server) throw new Error('server not started');
      const tenant = await createTenant(server.rt, { slug });
      if (valueRules === 'enforce') {
        assert.equal((await updateTenantSettings(server.rt, tenant.slug, { valueRules })).valueRules, 'enforce');
      } else {
        assert.deepEqual(tenant.settings, {}, 'a new tenant has no settings of its own');
        assert.deepEqual(tenantSettings(tenant), DEFAULT_SETTINGS);
      }
      return (await issueCredential(server.rt, tenant.id, 'bearer', 'newman')).secret;
    };

    /** A SCIM call on this server with a tenant's token. */
    const caller = (authToken: string) => async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`http://127.0.0.1:${port}/scim/v2${path}`, {
        method,
        headers: { authorization: `Bearer ${authToken}`, 'content-type': 'application/scim+json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, text, json: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown> };
    };

    // The collection as published, on a fresh tenant with default settings.
    it('as published, on a fresh tenant with default settings: every assertion passes except the named collection defects, and each of those fails as described', async () => {
      const collection = requireCollection();
      const tenantToken = await freshTenant('microsoft-collection', 'default');
      const run = await runCollection({
        collection,
        folders: FOLDERS,
        envVars: { Protocol: 'http', Server: '127.0.0.1', Port: `:${port}`, Api: 'scim/v2', token: tenantToken },
        timeoutMs: 15_000,
      });
      const defects = microsoftKnownDefects;
      const verdict = judge(run, defects);
      const failed = verdict.unexpectedFailures.length + verdict.otherSymptom.length;
      const summary =
        `Microsoft SCIM collection (as published, default tenant settings) on ${engine}: ` +
        `${run.requests} requests, ${run.assertions.length} assertions — ` +
        `${verdict.passed.length} passed, ${verdict.knownDefects.length} known-defect, ${failed} failed`;
      const kindOf = new Map(defects.map((d) => [defectKey(d), d.kind]));
      console.log([summary, ...verdict.knownDefects.map((o) => `  known defect [${kindOf.get(defectKey(o)) ?? '?'}]: ${defectKey(o)}`)].join('\n'));
      const problems = problemsOf(run, verdict, defects);
      assert.equal(problems.length, 0, `\n${summary}\n${problems.join('\n')}`);
    });

    // Each known defect blames the collection; this shows the server side of the claim on the same server.
    it('answers the standard form of the known-defect requests: 200 with the resource from a User PATCH', async () => {
      const call = caller(await freshTenant('microsoft-collection-patch', 'default'));
      const user = await call('POST', '/Users', { schemas: [USER], userName: 'known-defect-probe@example.com' });
      assert.equal(user.status, 201, user.text);
      const userId = String(user.json['id']);
      // user-patch-status: 200 with the changed resource (RFC 7644 §3.5.2), not 204.
      const patched = await call('PATCH', `/Users/${userId}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: false }] });
      assert.equal(patched.status, 200, patched.text);
      assert.equal(patched.json['active'], false);
      assert.equal((await call('DELETE', `/Users/${userId}`)).status, 204);
    });

    it('serves /serviceConfiguration, in any case, as /ServiceProviderConfig on both base URLs', async () => {
      const token = await freshTenant('microsoft-collection-config', 'default');
      const call = caller(token);
      const standard = await call('GET', '/ServiceProviderConfig');
      assert.equal(standard.status, 200, standard.text);
      for (const path of ['/serviceConfiguration', '/ServiceConfiguration', '/SERVICECONFIGURATION']) {
        const alias = await call('GET', path);
        assert.equal(alias.status, 200, `${path}: ${alias.text}`);
        assert.deepEqual(alias.json, standard.json, `${path} answers what /ServiceProviderConfig answers`);
      }
      const inPath = await fetch(`http://127.0.0.1:${port}/t/microsoft-collection-config/scim/v2/serviceConfiguration`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(inPath.status, 200);
      assert.equal(((await inPath.json()) as { patch?: { supported?: boolean } }).patch?.supported, true);
    });

    // The collection's placeholder values, one person carrying all of them.
    const placeholders = (userName: string) => ({
      schemas: [USER],
      userName,
      preferredLanguage: 'xh',
      addresses: [{ type: 'work', country: 'Bermuda' }],
      emails: [{ type: 'work', value: 'emailName357', primary: true }],
    });

    it('a default tenant keeps the placeholder values exactly as sent, reads them back unchanged and flags each one', async () => {
      if (!server) throw new Error('server not started');
      const call = caller(await freshTenant('microsoft-collection-lenient', 'default'));
      const created = await call('POST', '/Users', placeholders('placeholder-probe'));
      assert.equal(created.status, 201, created.text);
      const id = String(created.json['id']);
      const read = await call('GET', `/Users/${id}`);
      assert.equal(read.json['preferredLanguage'], 'xh');
      assert.deepEqual(read.json['addresses'], [{ type: 'work', country: 'Bermuda' }]);
      assert.deepEqual(read.json['emails'], [{ type: 'work', value: 'emailName357', primary: true }]);
      const tenant = await server.rt.store.tenants.findBySlug('microsoft-collection-lenient');
      assert.ok(tenant);
      const stored = await server.rt.store.read({ tenantId: tenant.id }, (repos) => repos.users.findById(id));
      assert.ok(stored);
      assert.deepEqual(
        valueFlags(stored.document, tenantSettings(tenant)).map((f) => [f.path, f.value, f.rule]),
        [
          ['preferredLanguage', 'xh', 'tenant-language'],
          ['addresses[type eq "work"].country', 'Bermuda', 'iso-country'],
          ['emails[type eq "work"].value', 'emailName357', 'email-address'],
        ],
      );
      assert.equal((await call('DELETE', `/Users/${id}`)).status, 204);
    });

    it("a tenant that chose 'enforce' refuses each placeholder value precisely and writes nothing", async () => {
      const call = caller(await freshTenant('microsoft-collection-strict', 'enforce'));
      for (const [body, pattern] of [
        [{ ...placeholders('language-probe'), addresses: [], emails: [] }, /preferredLanguage[\s\S]*"xh"[\s\S]*tenant's languages/],
        [{ schemas: [USER], userName: 'country-probe', addresses: [{ type: 'work', country: 'Bermuda' }] }, /country[\s\S]*Bermuda[\s\S]*alpha-2/],
        [{ schemas: [USER], userName: 'email-probe', emails: [{ type: 'work', value: 'emailName357' }] }, /emails[\s\S]*emailName357[\s\S]*email address/],
      ] as const) {
        const refused = await call('POST', '/Users', body);
        assert.equal(refused.status, 400, refused.text);
        assert.equal(refused.json['scimType'], 'invalidValue');
        assert.match(String(refused.json['detail']), pattern);
        const lookup = await call('GET', `/Users?filter=${encodeURIComponent(`userName eq "${body.userName}"`)}`);
        assert.equal(lookup.json['totalResults'], 0, 'a refused create writes nothing');
      }
    });
  });
}

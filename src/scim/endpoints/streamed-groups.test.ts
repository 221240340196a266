import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonObject } from '../../json/json-value.js';
import { getGroup, listGroups, type GroupView } from '../../provisioning/groups/read-groups.js';
import { DEFAULT_SETTINGS } from '../../provisioning/tenants/tenant-settings.js';
import { testEngines } from '../../testing/databases.js';
import { createTestServer, type TestServer } from '../../testing/test-server.js';
import { parseListParams } from '../messages/list-params.js';
import { enterpriseUserSchema } from '../schemas/enterprise-user.js';
import { groupResourceSchema, userResourceSchema } from '../schemas/registry.js';
import { newNotes, type ProjectionParams, type ScimContext } from './context.js';
import { renderGroupView } from './groups.js';
import { listResponse } from './list-response.js';
import { applyProjection, parseProjection } from './projection.js';
import { groupListText, groupText } from './streamed-groups.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** Every `attributes` / `excludedAttributes` shape that changes what `members` looks like. */
const PROJECTIONS: ProjectionParams[] = [
  {},
  { attributes: 'members' },
  { attributes: 'members.value' },
  { attributes: 'displayName,members.display' },
  { attributes: 'members.primary' },
  { excludedAttributes: 'members.display' },
  { excludedAttributes: 'meta,externalId' },
  { attributes: 'members', excludedAttributes: 'members.$ref' },
];

async function text(pieces: AsyncIterable<string>): Promise<{ text: string; pieces: number }> {
  let all = '';
  let count = 0;
  for await (const piece of pieces) {
    all += piece;
    count += 1;
  }
  return { text: all, pieces: count };
}

for (const { engine, skip } of testEngines()) {
  describe(`groups written a page of members at a time on ${engine}`, { skip }, () => {
    let t: TestServer;
    let ctx: ScimContext;
    let bigId: string;
    let emptyId: string;

    before(async () => {
      t = await createTestServer(engine);
      ctx = {
        rt: t.server.rt,
        scope: { tenantId: t.tenant.id },
        baseUrl: 'http://roster.test/scim/v2',
        settings: DEFAULT_SETTINGS,
        userSchema: userResourceSchema([enterpriseUserSchema]),
        groupSchema: groupResourceSchema,
        limits: { defaultPageSize: 100, maxResults: 1000, maxBulkOperations: 100, maxMembersPerPatch: 10000 },
        notes: newNotes(),
      };
      const members: JsonObject[] = [];
      for (let i = 0; i < 7; i++) {
        const created = await t.scim('POST', '/Users', { schemas: [USER], userName: `member${i}@example.com` });
        assert.equal(created.status, 201, created.raw);
        // Some with the label an IdP sent, some labelled by their userName.
        members.push(i % 2 === 0 ? { value: String(created.body['id']), display: `Member ${i}` } : { value: String(created.body['id']) });
      }
      const nested = await t.scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Nested' });
      members.push({ value: String(nested.body['id']), type: 'Group' });
      const big = await t.scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Big', externalId: 'ext-big', members });
      assert.equal(big.status, 201, big.raw);
      bigId = String(big.body['id']);
      emptyId = String((await t.scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Empty' })).body['id']);
    });
    after(async () => t?.close());

    it('writes a group read in pages byte for byte as the whole document, under every projection', async () => {
      const whole = await getGroup(ctx.rt, ctx.scope, bigId, { withMembers: true });
      const paged = await getGroup(ctx.rt, ctx.scope, bigId, { withMembers: true, pageSize: 3 });
      assert.equal(whole.members?.length, 8);
      assert.equal(paged.members?.length, 3, 'the first page only');
      assert.ok(paged.moreMembers, 'the rest comes in pages');
      for (const params of PROJECTIONS) {
        const projection = parseProjection(groupResourceSchema, params, newNotes());
        const expected = JSON.stringify(applyProjection(groupResourceSchema, renderGroupView(ctx, whole), projection));
        const streamed = await text(groupText(ctx, paged, applyProjection(groupResourceSchema, renderGroupView(ctx, { group: paged.group }), projection), projection));
        assert.equal(streamed.text, expected, JSON.stringify(params));
      }
    });

    it('writes an empty group and a page of groups the same way too', async () => {
      const empty = await getGroup(ctx.rt, ctx.scope, emptyId, { withMembers: true });
      const emptyPaged: GroupView = { group: empty.group, members: [], moreMembers: async function* () {} };
      for (const params of PROJECTIONS) {
        const projection = parseProjection(groupResourceSchema, params, newNotes());
        const expected = JSON.stringify(applyProjection(groupResourceSchema, renderGroupView(ctx, empty), projection));
        const streamed = await text(
          groupText(ctx, emptyPaged, applyProjection(groupResourceSchema, renderGroupView(ctx, { group: empty.group }), projection), projection),
        );
        assert.equal(streamed.text, expected, `empty group, ${JSON.stringify(params)}`);
      }

      for (const count of ['10', '2']) {
        const request = parseListParams(groupResourceSchema, { count, sortBy: 'displayName' }, ctx.limits);
        const whole = await listGroups(ctx.rt, ctx.scope, request.query, { withMembers: true });
        // Three groups with 8 members in all: more than a page of 3, so each is read in pages.
        const paged = await listGroups(ctx.rt, ctx.scope, request.query, { withMembers: true, pageSize: 3 });
        assert.ok(paged.rows.every((view) => view.moreMembers));
        for (const params of PROJECTIONS) {
          const projection = parseProjection(groupResourceSchema, params, newNotes());
          const rows = whole.rows.map((view) => applyProjection(groupResourceSchema, renderGroupView(ctx, view), projection));
          const expected = JSON.stringify(listResponse(request, rows, whole.total, whole.next));
          const streamed = await text(
            groupListText(request, paged.rows, paged.total, paged.next, (view) =>
              groupText(ctx, view, applyProjection(groupResourceSchema, renderGroupView(ctx, { group: view.group }), projection), projection),
            ),
          );
          assert.equal(streamed.text, expected, `count=${count}, ${JSON.stringify(params)}`);
        }
      }
    });

    it('reads a page of groups whose members fit in one page in one go, as before', async () => {
      const request = parseListParams(groupResourceSchema, { count: '10' }, ctx.limits);
      const page = await listGroups(ctx.rt, ctx.scope, request.query, { withMembers: true, pageSize: 100 });
      assert.ok(page.rows.every((view) => view.moreMembers === undefined));
      assert.deepEqual(page.rows.map((view) => view.members?.length).sort(), [0, 0, 8]);
    });
  });
}

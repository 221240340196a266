import type { GuideDefinition } from '../guide-types.js';

/** The guided setup for any SCIM client: the console shows it, scripts/generate-idp-guides.ts writes docs/idp/generic-scim.md. */
export const genericScimGuide: GuideDefinition = {
  idp: 'generic-scim',
  name: 'any SCIM client',
  title: 'Set up user provisioning from any SCIM 2.0 client',
  intro: `For identity providers without a guide of their own, HR systems, and scripts: what a SCIM 2.0
client needs to know to provision people and groups into a Roster tenant, how to try it with
\`curl\`, and how to check the result.`,
  sections: [
    {
      id: 'before-you-start',
      title: 'Before you start',
      kind: 'before',
      blocks: [
        {
          type: 'md',
          text: `You need:

- an admin of your Roster tenant (console **User provisioning**, or the \`roster\` command);
- a client that speaks SCIM 2.0 (RFC 7643 and RFC 7644) over HTTPS, with bearer-token or HTTP
  Basic authentication;
- the address where the client reaches Roster, for example \`https://roster.example.com\`;
- 20 to 30 minutes.`,
        },
      ],
    },
    {
      id: 'core-concepts',
      title: 'Core concepts',
      kind: 'concepts',
      blocks: [
        {
          type: 'md',
          text: `- **Base URL**: \`https://roster.example.com/scim/v2/\` (the tenant is the one the credential belongs
  to), or \`https://roster.example.com/t/<tenant-slug>/scim/v2/\` (the tenant is in the URL; a
  credential of another tenant gets \`401\`). Every path works with or without a trailing slash.
- **Credentials**: a bearer token (\`Authorization: Bearer rst_…\`), or a key and secret for HTTP
  Basic (\`rsk_…\` as the username). Any number per tenant, each with a label; revoking one takes
  effect on the next request.
- **Resources**: \`/Users\` and \`/Groups\` — create (\`POST\`), read (\`GET\`), replace (\`PUT\`), modify
  (\`PATCH\`), delete (\`DELETE\`), list and search (\`GET\` with \`filter\`, or \`POST /.search\`) — plus
  \`/Bulk\`, \`/ServiceProviderConfig\`, \`/ResourceTypes\` and \`/Schemas\`, which tell the truth about
  what is supported.
- **Schemas**: the core User, the enterprise extension and Roster's extension
  (\`urn:ietf:params:scim:schemas:extension:roster:2.0:User\`, or the URN the tenant publishes).
  \`GET /Schemas\` lists every attribute.
- **Media types**: requests may use \`application/scim+json\` or \`application/json\`; responses are
  \`application/scim+json\`.
- **Folders**: Roster keeps one folder per distinct \`department\`, \`division\` and \`organization\`
  value, and moves people when the value changes. Folders are not written through \`/Groups\`.`,
        },
      ],
    },
    {
      id: 'step-1-get-the-base-url-and-a-credential',
      title: 'Step 1: Get the base URL and a credential',
      kind: 'credentials',
      blocks: [
        { type: 'scim-url' },
        { type: 'token' },
        {
          type: 'md',
          text: `1. In the Roster console, open **User provisioning**.
2. Copy the **SCIM base URL** (or the **Tenant-specific SCIM URL**) under **SCIM endpoint**.
3. Under **Tokens and keys**, enter a **Label** naming the client and click **Generate token**.
   Choose **Key and secret** instead if the client only does HTTP Basic.
4. Copy the secret — shown once — and click **I have copied it**.

From the server:

\`\`\`sh
roster token create <tenant-slug> --label "HR sync"    # bearer token
roster basic create <tenant-slug> --label "HR sync"    # key and secret for HTTP Basic
\`\`\``,
        },
      ],
    },
    {
      id: 'step-2-check-the-connection',
      title: 'Step 2: Check the connection',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `\`\`\`sh
BASE=https://roster.example.com/scim/v2
TOKEN=rst_…
curl -s -H "Authorization: Bearer $TOKEN" "$BASE/ServiceProviderConfig"
curl -s -H "Authorization: Bearer $TOKEN" \\
  "$BASE/Users?filter=userName%20eq%20%22nobody%40example.com%22&startIndex=1&count=100"
\`\`\`

The second call answers \`200\` with \`"totalResults": 0\`. A \`401\` with a SCIM error means the
credential is wrong or revoked; \`403\` that the tenant's provisioning is switched off in Roster;
\`429\` that the client is over the rate limit (retry after the \`Retry-After\` seconds).`,
        },
        { type: 'live-check' },
        { type: 'if-it-fails' },
      ],
    },
    {
      id: 'step-3-create-update-and-deactivate-a-pe',
      title: 'Step 3: Create, update and deactivate a person',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `Create:

\`\`\`sh
curl -s -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/scim+json' "$BASE/Users" -d '{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
              "urn:ietf:params:scim:schemas:extension:roster:2.0:User"],
  "userName": "grace@example.com",
  "externalId": "hr-000117",
  "name": { "givenName": "Grace", "familyName": "Hopper" },
  "emails": [{ "value": "grace@example.com", "type": "work", "primary": true }],
  "addresses": [{ "type": "work", "country": "US", "locality": "Arlington" }],
  "preferredLanguage": "en-us",
  "timezone": "America/New_York",
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
    "department": "Research", "employeeNumber": "117", "manager": { "value": "ada@example.com" }
  },
  "urn:ietf:params:scim:schemas:extension:roster:2.0:User": { "hireDate": "1943-12-01", "grade": "O-5" }
}'
\`\`\`

Roster answers \`201\` with the person, their \`id\`, and \`meta.version\` (also the \`ETag\` header).
Keep the \`id\`: every later request names the person by it.

Update one attribute, then deactivate:

\`\`\`sh
ID=…   # the id from the create
curl -s -X PATCH -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/scim+json' "$BASE/Users/$ID" -d '{
  "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{ "op": "replace", "path": "title", "value": "Rear Admiral" }]
}'
curl -s -X PATCH -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/scim+json' "$BASE/Users/$ID" -d '{
  "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{ "op": "replace", "path": "active", "value": false }]
}'
\`\`\`

A full \`PUT\` with the whole person works as well. \`DELETE /Users/{id}\` removes the person from
SCIM and from the host product; Roster keeps an audit entry.`,
        },
      ],
    },
    {
      id: 'step-4-groups',
      title: 'Step 4: Groups',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `\`\`\`sh
curl -s -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/scim+json' "$BASE/Groups" \\
  -d '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Research","members":[{"value":"'$ID'"}]}'
curl -s -X PATCH -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/scim+json' "$BASE/Groups/$GID" -d '{
  "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{ "op": "add", "path": "members", "value": [{ "value": "<another id>" }] },
                 { "op": "remove", "path": "members[value eq \\"<a member id>\\"]" }]
}'
\`\`\`

Group names are unique in a tenant (a second \`POST\` with the same name gets \`409\`; look it up with
\`filter=displayName eq "…"\` to link to it). A member that is not there yet is held and added the
moment that person arrives. Group \`PATCH\` answers \`204\` unless you ask for attributes.`,
        },
      ],
    },
    {
      id: 'what-roster-accepts-and-how-it-answers',
      title: 'What Roster accepts and how it answers',
      kind: 'reference',
      blocks: [
        {
          type: 'md',
          text: `| | |
|---|---|
| Attributes | the table in \`docs/attributes.md\`: core, enterprise and Roster extension; namespaces and formats there |
| Uniqueness | \`userName\` per tenant, case-insensitively (\`409\` with \`scimType: uniqueness\`); group \`displayName\` per tenant; \`externalId\` is not unique |
| Validation | \`hireDate\` \`yyyy-MM-dd\`, \`timezone\` an IANA zone, \`preferredLanguage\` one of the tenant's languages (\`_\` and \`-\` alike, any case), \`addresses[].country\` two letters, emails look like emails. By default a value breaking a rule is kept exactly as sent and flagged on the person (\`valueFlags\`); with \`--value-rules enforce\` it gets \`400 invalidValue\` naming the attribute, and nothing is written |
| Unknown attributes | not stored, never an error: the provisioning log lists each, with the attribute probably meant |
| \`password\` | accepted and dropped, never stored; the provisioning log says so |
| Manager | \`manager.value\` may be the manager's SCIM id, userName, work email, externalId or employeeNumber; linked when that person exists, otherwise held and linked when they arrive |
| Existing people | a create for someone who exists under the tenant's **Matching field** (userName, work email or externalId) adopts that profile instead of duplicating it |
| Filters | the whole RFC 7644 grammar, run in the database; paging by \`startIndex\`/\`count\` or by cursor (RFC 9865) |
| PATCH | \`add\`, \`remove\`, \`replace\`, with and without \`path\`, value-filtered paths; all operations or none |
| Versions | \`If-Match\` (\`412\` when stale) and \`If-None-Match\` (\`304\`) |
| Limits | request body size (\`413\`), members per PATCH, operations per \`/Bulk\`; per-credential and per-address rate limits (\`429\` with \`Retry-After\`) |`,
        },
      ],
    },
    {
      id: 'test-and-monitor',
      title: 'Test and monitor',
      kind: 'test',
      blocks: [
        {
          type: 'md',
          text: `In the Roster console:

- **People overview**: each person, their **Status**, **Source** and whether their profile is
  *Incomplete* (and what it lacks);
- **Group management**: your groups under **Pushed groups**, and Roster's folders;
- **User provisioning**: **Last SCIM request** and **Last SCIM change** ("never" until the first);
- **Provisioning log**: every request with time, client, method, path, result, duration, what
  changed, and what was ignored and why. Filter it by result to find failures.

On the server, \`roster tenant list\` shows the same two times for all tenants, and \`roster doctor\`
flags tenants that have a credential but no traffic, tenants gone quiet for longer than
\`SYNC_STALE_AFTER_MINUTES\`, and tenants whose recent requests all fail.`,
        },
      ],
    },
    {
      id: 'recommendations',
      title: 'Recommendations',
      kind: 'recommendations',
      blocks: [
        {
          type: 'md',
          text: `- **Look up before you create.** Search \`userName eq "…"\` (or the tenant's matching field) and
  \`PATCH\`/\`PUT\` the result; treat \`409\` on create as "already there".
- **Keep the ids Roster gives you** and address people and groups by them.
- **Send \`active: false\` rather than \`DELETE\`** for leavers, unless the person must disappear: a
  deactivated person keeps their data and can come back.
- **Send only what changed** with \`PATCH\`; a membership change names only the members changed.
- **Honour \`Retry-After\`** on \`429\` and \`503\`.
- **Keep SCIM the source of truth**: leave **SSO logins may update details** off.`,
        },
      ],
    },
    {
      id: 'faq',
      title: 'FAQ',
      kind: 'faq',
      blocks: [
        {
          type: 'md',
          text: `**Do I need to set up SSO separately?**
Yes. SCIM provisioning and sign-in are separate; match them through the **Matching field**.

**The manager link is missing.**
Roster links a manager when the named person exists, in any order; until then the person's page
shows the reference as pending and **Pending references** lists it. A reference that stays names
nobody in the tenant.

**What happens on \`active: false\`?**
The person is deactivated with everything kept; \`active: true\` restores them.

**Attributes I send are not stored.**
Read **Ignored** in the **Provisioning log**: each ignored attribute is listed, with the name
probably meant when it is a known attribute under the wrong namespace or spelling. Extension
attributes need their schema URN (RFC 7644 §3.10): a top-level \`department\` is *not a core User
attribute* and is not stored, in POST, PUT or PATCH. A block under an unknown schema URN whose
attributes are this tenant's is noted with the tenant's extension URN; a PATCH naming an unknown
schema is refused with \`400 invalidPath\` and a detail that names it.

**I created someone twice.**
The second create found nobody under the tenant's **Matching field**. Set the field to what your
client knows (userName, work email or externalId) and look up before creating; **Possible
duplicates** lists people sharing an email or a full name.

**Are passwords stored?**
Never. A \`password\` is dropped and the log says so.`,
        },
      ],
    },
  ],
};

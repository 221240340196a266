import type { GuideDefinition } from '../guide-types.js';

/** The guided setup for Microsoft Entra ID: the console shows it, scripts/generate-idp-guides.ts writes docs/idp/entra-id.md. */
export const entraIdGuide: GuideDefinition = {
  idp: 'entra-id',
  name: 'Microsoft Entra ID',
  title: 'Set up user provisioning from Microsoft Entra ID',
  intro: `Connect Microsoft Entra ID (formerly Azure AD) to Roster so that Entra's provisioning service
creates, updates, deactivates and removes people — and groups with their members — in your Roster
tenant over SCIM 2.0. You will make a token in Roster, add a non-gallery enterprise application,
give it Roster's URL and token, map the attributes, choose who is in scope, and start provisioning.`,
  sections: [
    {
      id: 'before-you-start',
      title: 'Before you start',
      kind: 'before',
      blocks: [
        {
          type: 'md',
          text: `You need:

- an admin of your Roster tenant (who can open **User provisioning** in the Roster console, or run
  the \`roster\` command on the server);
- an Entra account with at least the **Application Administrator** (or Cloud Application
  Administrator) role, in a tenant whose licence includes automatic provisioning (Entra ID P1 or P2);
- the HTTPS address where Microsoft's cloud can reach Roster, for example
  \`https://roster.example.com\` — Entra calls from the internet, not from your network;
- 20 to 30 minutes, plus the time of the first sync cycle.

If the product you connect has its own app in the Entra gallery, you can add that instead; the
provisioning settings below are the same.`,
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
          text: `- **Provisioning service**: the part of Entra that pushes users and groups to apps. It runs an
  **initial cycle** over everyone in scope, then **incremental cycles** about every 40 minutes that
  send only what changed.
- **Tenant URL**: Entra's name for the SCIM base URL. Roster accepts
  \`https://roster.example.com/scim/v2/\` (the tenant comes from the token) or
  \`https://roster.example.com/t/<tenant-slug>/scim/v2/\` (the tenant is named in the URL).
- **Secret Token**: Entra's name for the bearer token Roster generates (it starts with \`rst_\`).
- **Attribute mappings**: which Entra user property fills which SCIM attribute. Each mapping has a
  source (an Entra property, a constant or an expression) and a **target attribute**: the SCIM
  attribute's name, with the full schema URN in front for extension attributes.
- **Matching attribute**: the attribute Entra uses to look for a person before creating them
  (\`userName\` by default).
- **Scope**: who is provisioned — only the users and groups assigned to the app, or everyone.
- **Folders**: Roster keeps a folder for each distinct \`department\`, \`division\` and
  \`organization\` value. They follow the attributes; you do not provision them.`,
        },
      ],
    },
    {
      id: 'step-1-get-the-tenant-url-and-a-token-fr',
      title: 'Step 1: Get the Tenant URL and a token from Roster',
      kind: 'credentials',
      blocks: [
        { type: 'scim-url' },
        { type: 'token' },
        {
          type: 'md',
          text: `1. In the Roster console, open **User provisioning**.
2. Under **SCIM endpoint**, copy the **SCIM base URL** (or the **Tenant-specific SCIM URL**).
3. Under **Tokens and keys**, enter a **Label** such as \`Entra ID\` and click **Generate token**.
4. Copy the token now: Roster shows it once. Click **I have copied it**.

From the server instead: \`roster token create <tenant-slug> --label "Entra ID"\`.`,
        },
      ],
    },
    {
      id: 'step-2-add-a-non-gallery-enterprise-appl',
      title: 'Step 2: Add a non-gallery enterprise application',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `1. Sign in to the Microsoft Entra admin center.
2. Go to **Identity > Applications > Enterprise applications** and click **+ New application**.
3. Click **+ Create your own application**.
4. Enter a name, choose **Integrate any other application you don't find in the gallery
   (Non-gallery)**, and click **Create**.`,
        },
      ],
    },
    {
      id: 'step-3-connect-entra-to-roster',
      title: 'Step 3: Connect Entra to Roster',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `1. In the new application, open **Provisioning** and click **Get started** (newer portals show
   **Connect your application**).
2. Set **Provisioning Mode** to **Automatic**.
3. Under **Admin Credentials**:
   - **Tenant URL**: the SCIM base URL from step 1. To get standards-conformant requests, add the
     \`aadOptscim062020\` flag: \`https://roster.example.com/scim/v2/?aadOptscim062020\` (see below).
   - **Secret Token**: the token from step 1.
4. Click **Test Connection**. Entra looks up a user who cannot exist (a random GUID as the
   matching attribute); Roster answers \`200\` with an empty list, and Entra reports that the
   credentials are authorised. A wrong or revoked token gets a SCIM \`401\`; a \`403\` means the
   tenant's provisioning is switched off in Roster.
5. Click **Save**. Entra then reads Roster's \`/Schemas\`, which lists every attribute Roster accepts.

### The \`aadOptscim062020\` flag

Without the flag, Entra's provisioning service sends a few things the SCIM standard does not
allow. With \`?aadOptscim062020\` at the end of the Tenant URL, it sends the standard forms:

| | without the flag | with the flag |
|---|---|---|
| deactivating a user | \`"op": "Replace"\`, \`"value": "False"\` (a string) | \`"op": "replace"\`, \`"value": false\` (a boolean) |
| operation names | \`Add\`, \`Replace\`, \`Remove\` | \`add\`, \`replace\`, \`remove\` |
| changing several attributes | one operation per attribute, each with a \`path\` | one \`replace\` without a path whose value has keys such as \`name.givenName\` or \`urn:…:enterprise:2.0:User:employeeNumber\` |
| removing a group member | \`Remove\` on \`members\` with the member in \`value\` | \`remove\` with the path \`members[value eq "<id>"]\` |

Roster understands both, so the flag is optional. The **Provisioning log** records, per request,
which of Roster's IdP normalisers turned a non-standard form into a standard one (for example
\`entra-capitalised-op\`, \`entra-string-boolean\`, \`entra-member-remove-by-value\`). The flag does not
apply to **Provision on demand**, which always sends the unflagged forms.`,
        },
        { type: 'live-check' },
        { type: 'if-it-fails' },
      ],
    },
    {
      id: 'step-4-map-the-attributes',
      title: 'Step 4: Map the attributes',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `1. Under **Mappings**, click **Provision Microsoft Entra ID Users**.
2. Check **Target Object Actions**: **Create**, **Update** and **Delete** ticked.
3. In **Attribute Mappings**, edit or add a mapping for each row of the table. To add one, click
   **Add New Mapping**, choose the **Mapping type** (*Direct*, *Constant* or *Expression*), the
   **Source attribute**, the **Target attribute**, and **Apply this mapping** (*Always*).
4. If a target attribute is not in the drop-down, tick **Show advanced options**, click
   **Edit attribute list for customappsso**, add the name exactly as in the table (type \`String\`),
   and save. (After **Save** in step 3 most of them are already listed, because Entra read them
   from Roster's \`/Schemas\`.)
5. Remove mappings to targets Roster does not accept, or leave them: Roster ignores unknown
   attributes and lists them in the **Provisioning log**.
6. Click **Save**.

The matching attribute is \`userName\`, sourced from \`userPrincipalName\`, with
**Match objects using this attribute** *Yes* and **Matching precedence** *1*. Keep it unless your
userPrincipalName differs from the address people sign in with; then see "I see two profiles for
one person" below.`,
        },
        {
          type: 'mapping',
          style: 'entra',
          sources: {
            userName: '`userPrincipalName`',
            active: '`Switch([IsSoftDeleted], , "False", "True", "True", "False")` (the default expression)',
            'Work email': '`mail`',
            'First name': '`givenName`',
            Surname: '`surname`',
            preferredLanguage: '`preferredLanguage`',
            timezone: 'a constant, or an extension attribute holding an IANA zone',
            Country: '`country` (must hold a two-letter code such as `GB`)',
            'Street address': '`streetAddress`',
            City: '`city`',
            State: '`state`',
            'Job title': '`jobTitle`',
            'Phone numbers': '`mobile`',
            locale: '`usageLocation`',
            department: '`department`',
            organization: '`companyName`',
            division: 'an extension attribute',
            manager: '`manager`',
            employeeNumber: '`employeeId`',
            costCenter: 'an extension attribute',
            businessUnit: 'an extension attribute',
            employeeType: '`employeeType`',
            employeeLevel: 'an extension attribute',
            grade: 'an extension attribute',
            office: '`physicalDeliveryOfficeName`',
            hireDate: '`employeeHireDate`, formatted as `yyyy-MM-dd`',
            externalId: 'an HR identifier',
          },
        },
        {
          type: 'md',
          text: `Notes:

- If your Roster tenant publishes its extension under its own URN, **User provisioning** shows it
  as **Extension URN**; put that URN in front of the Roster attribute names instead of
  \`urn:ietf:params:scim:schemas:extension:roster:2.0:User\`.
- Entra's default mappings also send the core \`externalId\` (from \`mailNickname\`) and
  \`displayName\`. Keep them: the core \`externalId\` is Entra's own key for the person and is not the
  Roster \`externalId\` above.
- \`manager\`: Entra sends the manager's SCIM id once the manager exists in Roster. Roster also
  accepts an email, userName, externalId or employeeNumber.
- \`hireDate\` must be \`yyyy-MM-dd\`. \`employeeHireDate\` is a date and time: use an *Expression*
  mapping with Entra's \`FormatDateTime\` function to write the date alone, then check one person
  with **Provision on demand**.
- Values are checked; a wrong one gets a \`400\` naming the attribute and the accepted form (see the
  FAQ).

### Groups

1. Back under **Mappings**, click **Provision Microsoft Entra ID Groups**.
2. Set **Enabled** to *Yes* if you want Entra groups in Roster (*No* provisions users only).
3. Keep \`displayName\` → \`displayName\` (matching attribute), \`objectId\` → \`externalId\` and
   \`members\` → \`members\`. Save.

Group names are unique in a Roster tenant, as Entra requires. Entra provisions only the first
level of nested groups.`,
        },
      ],
    },
    {
      id: 'step-5-choose-the-scope-and-start',
      title: 'Step 5: Choose the scope and start',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `1. Under **Settings**:
   - **Scope**: *Sync only assigned users and groups* (recommended) or *Sync all users and groups*.
   - Tick **Send an email notification when a failure occurs** and give an address.
   - Consider **Prevent accidental deletion** with a threshold.
2. If the scope is *assigned*, open **Users and groups** on the application, click
   **+ Add user/group**, and assign the groups whose members belong in Roster.
3. For finer rules (for example only one department), edit the user mapping and add a
   **Source Object Scope** (a scoping filter).
4. Set **Provisioning Status** to **On** and click **Save**.

The initial cycle starts within minutes and may take a while for large directories; then
incremental cycles run about every 40 minutes.`,
        },
      ],
    },
    {
      id: 'step-6-provision-one-person-on-demand',
      title: 'Step 6: Provision one person on demand',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `Before waiting for a cycle, try one person:

1. On the application's **Provisioning** page, click **Provision on demand**.
2. Search for a test user (or a group and some of its members) and click **Provision**.
3. Entra shows each step — importing the user, checking scope, matching, and the action — and the
   attributes it sent. Roster's answer appears in the last step.

Provision on demand always uses the unflagged request forms; Roster accepts them.`,
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

- **People overview**: people arrive with **Status** *Active*; the **Profile** filter shows the
  *Incomplete* ones and what they lack.
- **Group management**: **Pushed groups** from Entra, and folders from department, division and
  organization.
- **User provisioning**: **Last SCIM request** and **Last SCIM change**. With Entra, the last
  request is never much older than one cycle (about 40 minutes); "never" means Entra has not
  reached Roster yet.
- **Provisioning log**: each request with its result, duration, what changed, what was ignored and
  why, and which normalisers fired. Open a person in **People overview** for their manager,
  groups, folders, **SCIM history** and any **Values to check** (values kept as Entra sent them that
  break a rule, such as a country written out instead of a two-letter code).

Microsoft's SCIM validator collection (the "SCIM Tests" Postman collection of its reference code)
runs against a fresh tenant on default settings. It reads the configuration from
\`/serviceConfiguration\`, the path of Microsoft's reference sample; Roster answers there as at
\`/ServiceProviderConfig\` (RFC 7644 §4). Its two assertions that want \`204\` from a User \`PATCH\` fail:
Roster answers \`200\` with the resource, which RFC 7644 §3.5.2 equally allows.

In Entra: the application's **Provisioning** overview (cycle status, statistics) and
**Provisioning logs** (one entry per action, with Roster's response when one failed).

On the server: \`roster tenant list\` shows each tenant's last SCIM request and change, and
\`roster doctor\` flags a tenant whose last request is older than \`SYNC_STALE_AFTER_MINUTES\`
(120 by default). Because Entra syncs on a schedule, two hours of silence from an Entra tenant
means its provisioning job has stopped or been quarantined; doctor reports it as a problem.`,
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
          text: `- **Start with a test group.** Assign a group of five to ten people, use **Provision on demand**,
  check them in Roster, then widen the scope.
- **Use the flag.** \`?aadOptscim062020\` makes Entra's requests standard; it costs nothing.
- **Keep SCIM the source of truth.** If people also sign in with SSO, leave
  **SSO logins may update details** off in **User provisioning**.
- **Map department, division and organization** even before you need them; their folders will be
  ready.
- **Match on what SSO uses.** If userPrincipalName and the sign-in email differ, set Roster's
  **Matching field** to work email (and map \`mail\` to \`emails[type eq "work"].value\`).
- **Values to check.** By default Roster keeps a value that breaks a rule (a country written out,
  a language the tenant does not list) exactly as Entra sent it and lists it under **Values to
  check** on the person. To have Entra's provisioning log show such people as errors instead, set
  \`roster tenant settings <slug> --value-rules enforce\`.`,
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
Yes. Provisioning sends people's data; SSO signs them in. Configure SSO on the same enterprise
application or another one, as the product requires.

**Why is a manager not set?**
Entra sets a manager once both people are in Roster, and Roster itself links a manager the moment
they arrive, in whatever order people come — no second cycle needed. Until then the person's page
in **People overview** shows the reference as pending, and **Pending references** lists it with
since when. If it stays pending, the manager is probably out of scope (not assigned to the app).

**What happens when a user is disabled, unassigned or deleted in Entra?**
Disabled, unassigned or soft-deleted users get \`active: false\`: Roster deactivates them and keeps
their profile, groups and history, and \`active: true\` brings them back. When Entra deletes a user
for good (30 days after a soft delete, or on a permanent delete), it sends \`DELETE\`: the person
leaves Roster and the host product, and Roster keeps an audit trail.

**Can I sync attributes that are not in the table?**
No. Roster ignores other attributes and lists each in the **Provisioning log**.

**The cycle ran, but some attributes never arrive.**
Most often the target attribute has the wrong URN in front — for example
\`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:businessUnit\`. Open the
**Provisioning log**, find a request for an affected person, and read **Ignored**: Roster names the
attribute it did not store and, when it is a known attribute under the wrong namespace or spelling,
the one that was probably meant (\`…:roster:2.0:User:businessUnit\`). A target attribute without
its URN, such as \`department\`, is noted as *not a core User attribute* and the person's department
and folder stay as they were; only \`manager\` is accepted unqualified, as Entra sends it, and the log
names the normaliser that qualified it. Correct the target attribute and save; the next cycle
sends it.

**I see two profiles for one person.**
Entra matched on \`userName\` and found nobody, while the person already existed in Roster under
another value (from an SSO login or an import). **Possible duplicates** lists people sharing a work
email or a full name. Set the **Matching field** in **User provisioning** to the field both sides
share (often work email) so the next create adopts the existing profile, then remove the extra one.

**Entra shows errors for some users with status 400.**
With the tenant's value rules set to *enforce*, Roster refuses a value and the error names the
attribute and the accepted form — a \`hireDate\` that is not \`yyyy-MM-dd\`, a timezone that is not an
IANA zone, a \`preferredLanguage\` the tenant does not list, a country that is not two letters, or an
email that is not an email. The same error is in Roster's **Provisioning log**. Fix the source
value, or switch back to the default, *report*, which keeps such values and flags them on the person.

**Are passwords synced?**
No. Entra does not send passwords to SCIM apps by default; if any client sends one, Roster drops it
and notes it in the **Provisioning log**.

**Test Connection fails.**
Check the Tenant URL (including \`/scim/v2/\`) and that the Secret Token was pasted whole and not
revoked. Entra must reach Roster over HTTPS from the internet. A \`403\` means the tenant's
provisioning is switched off in Roster.

**How long does the first cycle take?**
It depends on how many users and groups are in scope; Entra paces its requests, and Roster
answers each in milliseconds. Afterwards, changes arrive within one incremental cycle (about 40
minutes). Use **Provision on demand** for an urgent single change.

**Entra put the application in quarantine.**
Entra quarantines a job after repeated failures (for example a revoked token or an unreachable
URL). Fix the cause, then restart provisioning from the application's **Provisioning** page.
\`roster doctor\` and the Last SCIM request in Roster show when requests stopped arriving.`,
        },
      ],
    },
  ],
};

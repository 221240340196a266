import type { GuideDefinition } from '../guide-types.js';

/** The guided setup for JumpCloud: the console shows it, scripts/generate-idp-guides.ts writes docs/idp/jumpcloud.md. */
export const jumpcloudGuide: GuideDefinition = {
  idp: 'jumpcloud',
  name: 'JumpCloud',
  title: 'Set up user provisioning from JumpCloud',
  intro: `Connect JumpCloud to Roster with JumpCloud's custom SCIM integration, so that JumpCloud creates,
updates and deactivates people — and manages groups and their members — in your Roster tenant.`,
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
- a JumpCloud administrator who can add SSO applications;
- the HTTPS address where JumpCloud can reach Roster, for example \`https://roster.example.com\`;
- the email address of one JumpCloud user to use for the connection test;
- 20 to 30 minutes.

JumpCloud configures SCIM inside an application: either the product's own app from JumpCloud's
catalogue, or a custom SAML application. Identity management is a tab of that application.`,
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
          text: `- **Identity Management**: the tab of a JumpCloud application where SCIM provisioning lives.
- **Base URL**: where JumpCloud sends SCIM requests — \`https://roster.example.com/scim/v2/\` or
  \`https://roster.example.com/t/<tenant-slug>/scim/v2/\`.
- **Token Key**: the bearer token Roster generates (it starts with \`rst_\`).
- **Test User Email**: a real JumpCloud user's email that JumpCloud uses to test the connection.
- **User groups**: JumpCloud groups bound to the application. Their members are provisioned; with
  group management switched on, the groups themselves become groups in Roster.
- **What gets sent**: the custom integration sends a fixed set of standard SCIM attributes from
  the JumpCloud user record (names, email, title, and the enterprise fields JumpCloud holds, such
  as department, cost centre, employee number and manager). It has no attribute-mapping screen,
  so Roster's own extension attributes (hire date, business unit, grade…) cannot be sent from it.
- **Folders**: Roster keeps one per distinct \`department\`, \`division\` and \`organization\` value.`,
        },
      ],
    },
    {
      id: 'step-1-get-the-base-url-and-a-token-from',
      title: 'Step 1: Get the base URL and a token from Roster',
      kind: 'credentials',
      blocks: [
        { type: 'scim-url' },
        { type: 'token' },
        {
          type: 'md',
          text: `1. In the Roster console, open **User provisioning**.
2. Copy the **SCIM base URL** (or the **Tenant-specific SCIM URL**) under **SCIM endpoint**.
3. Under **Tokens and keys**, enter a **Label** such as \`JumpCloud\` and click **Generate token**.
4. Copy the token — it is shown once — and click **I have copied it**.

From the server: \`roster token create <tenant-slug> --label JumpCloud\`.`,
        },
      ],
    },
    {
      id: 'step-2-open-or-add-the-application-in-ju',
      title: 'Step 2: Open or add the application in JumpCloud',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `1. In the JumpCloud Admin Portal, go to **SSO Applications**.
2. Open the product's application if you already have one. Otherwise click **+ Add New
   Application**, choose the product from the catalogue or **Custom Application**, and select
   **Export users to this app (Identity Management)** (add SSO too if you want it). Name it and
   save it.`,
        },
      ],
    },
    {
      id: 'step-3-connect-jumpcloud-to-roster',
      title: 'Step 3: Connect JumpCloud to Roster',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `1. In the application, open the **Identity Management** tab.
2. Choose **SCIM API** as the API type and **SCIM 2.0** as the version (if asked).
3. **Base URL**: the URL from step 1.
4. **Token Key**: the token from step 1.
5. **Test User Email**: the email of a JumpCloud user.
6. To send groups as well, select **Enable management of User Groups and Group Membership in this
   application**.
7. Click **Test Connection**. JumpCloud creates a test user and a test group in Roster, then
   deletes them; Roster supports both, so the test passes.
8. Click **Activate**, then **Save**.

The test is real traffic: the **Provisioning log** shows the test user's create and delete, and
the host product receives the matching events (\`user.created\`, then \`user.deleted\`).`,
        },
        { type: 'live-check' },
        { type: 'if-it-fails' },
      ],
    },
    {
      id: 'step-4-bind-user-groups',
      title: 'Step 4: Bind user groups',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `1. Open the application's **User Groups** tab.
2. Tick the groups whose members should be in Roster.
3. Click **Save**.

JumpCloud provisions the members at once and then syncs on every change to a user, a group or a
membership. With group management on:

- a bound group becomes a group in Roster with the same name; if Roster already has a group with
  that name, JumpCloud takes it over (group names are unique in a tenant);
- JumpCloud does not create empty groups;
- renaming the group in JumpCloud renames it in Roster;
- unbinding a group deactivates its members in Roster, unless another bound group still has them.`,
        },
      ],
    },
    {
      id: 'step-5-check-which-attributes-arrive',
      title: 'Step 5: Check which attributes arrive',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `JumpCloud's custom integration decides the attributes itself. After the first people arrive,
open one in **People overview** and compare with the table in \`docs/attributes.md\`:

| Roster attribute | Comes from JumpCloud when set on the user |
|---|---|
| userName, Work email, First name, Surname, active | yes |
| Job title, Phone numbers, work address (street, city, state, country) | when filled in JumpCloud |
| department, costCenter, employeeNumber, manager | when filled in JumpCloud (enterprise extension) |
| division, organization | when JumpCloud sends them (check the log) |
| preferredLanguage, timezone, locale | when JumpCloud sends them (check the log) |
| businessUnit, employeeType, employeeLevel, grade, office, hireDate, Roster externalId | no: the custom integration has no mapping for Roster's extension |

The **Provisioning log** is the reference: each request shows what changed, and **Ignored** lists
anything JumpCloud sent that Roster does not keep. Work country should be a two-letter code (\`GB\`);
a country name is kept as sent and listed under **Values to check** on the person (a \`400\` naming
the attribute if the tenant's value rules are set to *enforce*).`,
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

- **People overview**: people with **Status**, and the *Incomplete* ones (lacking work email,
  names, work country or preferred language) under **Profile**;
- **Group management**: JumpCloud's groups under **Pushed groups**, and folders from department;
- **User provisioning**: **Last SCIM request** and **Last SCIM change** ("never" until the first);
- **Provisioning log**: every request, its result, what changed and what was ignored.

In JumpCloud, Directory Insights records each provisioning action (for example
\`user_create_provision\`, \`user_update_provision\`, \`user_deprovision\`, \`group_create_provision\`).

On the server, \`roster tenant list\` shows each tenant's last request and change. JumpCloud calls
only when something changes, so \`roster doctor\` reports a long silence as a warning, not a
failure.`,
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
          text: `- **Bind a small test group first**, check the people in Roster, then bind the rest.
- **Turn group management on** if the product uses groups for access; memberships then follow
  JumpCloud without anyone editing them in Roster.
- **Fill department in JumpCloud**: it creates folders in Roster for filtering.
- **Keep SCIM the source of truth**: leave **SSO logins may update details** off in
  **User provisioning**.
- **Match on the field SSO uses**: if people sign in with an email that differs from their
  JumpCloud username, set Roster's **Matching field** to work email.`,
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
SSO is configured on the same JumpCloud application's SSO tab and on the product's side; it is
independent of provisioning.

**Why is the manager missing?**
Roster links a manager the moment the person named exists; no second sync is needed. Until then,
the person's page shows the reference as pending and **Pending references** lists it. If one
stays, the manager is not among the users JumpCloud provisions (not in a bound group).

**What happens when a user is removed or suspended in JumpCloud?**
JumpCloud deactivates them in Roster (\`active: false\`): the profile, groups and history stay, and
reactivation restores them. A user deleted in JumpCloud may be deleted in Roster too; Roster then
removes the person and keeps an audit trail.

**Can I send more attributes?**
Not through the custom integration, which has no attribute mapping. Roster stores what it receives
from its attribute table and lists anything else in the **Provisioning log**.

**Attributes I filled in JumpCloud do not show in Roster.**
Read **Ignored** in the **Provisioning log** for that person's requests: Roster names every
attribute it did not store and, for a known attribute under the wrong namespace or spelling, the
one that was probably meant; a top-level \`department\` is listed as *not a core User attribute*
and the person's folder does not change. If the attribute is absent from the request altogether, JumpCloud did
not send it.

**I see two profiles for one person.**
Set Roster's **Matching field** to what both sides share (work email is common) so a create adopts
the existing profile; **Possible duplicates** lists people sharing an email or a name.

**Test Connection fails.**
Check the Base URL (with \`/scim/v2/\`) and the Token Key (whole, not revoked). A \`403\` means the
tenant's provisioning is switched off in Roster. The test needs a real JumpCloud user's email.

**Are passwords synced?**
No. If a password is ever sent, Roster drops it and notes it in the log.`,
        },
      ],
    },
  ],
};

import type { GuideDefinition } from '../guide-types.js';

/** The guided setup for Google Workspace: the console shows it, scripts/generate-idp-guides.ts writes docs/idp/google-workspace.md. */
export const googleWorkspaceGuide: GuideDefinition = {
  idp: 'google-workspace',
  name: 'Google Workspace',
  title: 'Set up user provisioning from Google Workspace',
  intro: `Connect Google Workspace to Roster with Google's automated user provisioning, so that changes to
users in the Google Admin console reach your Roster tenant: new users are created, changes are
updated, and suspended or removed users are deactivated or deleted.`,
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
- a Google Workspace **super administrator**;
- a Google Workspace edition with automated provisioning (Business Starter allows up to three
  provisioned apps; higher editions allow more);
- the SAML app for the product already set up in **Apps > Web and mobile apps** — Google attaches
  provisioning to a SAML app, there is no separate SCIM-only app;
- the HTTPS address where Google can reach Roster, for example \`https://roster.example.com\`;
- 20 to 30 minutes, plus the wait for the first sync.

Automated provisioning is offered for the apps in Google's catalogue that support it. Open your
SAML app in the Admin console: if it shows an **Auto-provisioning** section, you can follow this
guide; if it does not, this app cannot be provisioned from Google, and a directory sync through
another IdP (or an import) is the way to go.`,
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
          text: `- **Auto-provisioning**: the section of a SAML app where Google's SCIM connection is configured.
- **Endpoint URL**: where Google sends SCIM requests — \`https://roster.example.com/scim/v2/\` or
  \`https://roster.example.com/t/<tenant-slug>/scim/v2/\`.
- **Access token**: the bearer token Roster generates (it starts with \`rst_\`).
- **Attribute mapping**: which Google Directory field fills which app attribute.
- **Provisioning scope**: the groups whose members are provisioned (everyone with the app when you
  set none).
- **Deprovisioning**: what Google does, and after how long, when the app is turned off for a user,
  a user is suspended, or a user is deleted.
- **Sync rhythm**: Google syncs every few hours. Archived users are not provisioned; active,
  suspended and deleted users are.
- **Folders**: Roster keeps one per distinct \`department\`, \`division\` and \`organization\` value.`,
        },
      ],
    },
    {
      id: 'step-1-get-the-endpoint-url-and-a-token-',
      title: 'Step 1: Get the endpoint URL and a token from Roster',
      kind: 'credentials',
      blocks: [
        { type: 'scim-url' },
        { type: 'token' },
        {
          type: 'md',
          text: `1. In the Roster console, open **User provisioning**.
2. Copy the **SCIM base URL** (or the **Tenant-specific SCIM URL**) under **SCIM endpoint**.
3. Under **Tokens and keys**, enter a **Label** such as \`Google Workspace\` and click
   **Generate token**.
4. Copy the token — it is shown once — and click **I have copied it**.

From the server: \`roster token create <tenant-slug> --label "Google Workspace"\`.`,
        },
      ],
    },
    {
      id: 'step-2-configure-auto-provisioning',
      title: 'Step 2: Configure auto-provisioning',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `1. In the Google Admin console, go to **Apps > Web and mobile apps** and open the product's SAML
   app.
2. In the **Auto-provisioning** section, click **Configure auto-provisioning** (or turn it on).
3. **Access token**: the token from step 1. Click **Continue**.
4. **Endpoint URL**: the URL from step 1, if the app asks for it. Click **Continue**. Google checks
   that it can reach Roster with the token.
5. **Attribute mapping**: map the Google Directory fields to the app attributes (step 3 below),
   making sure every attribute marked with an asterisk is mapped. Click **Continue**.
6. **Provisioning scope** (optional): pick the groups whose members should be provisioned.
   Click **Continue**.
7. **Deprovisioning**: choose what happens, and after how long, when the app is turned off for a
   user, a user is suspended, or a user is deleted (see Recommendations). Click **Finish**.
8. Turn **Auto-provisioning** on for the app.`,
        },
        { type: 'live-check' },
        { type: 'if-it-fails' },
      ],
    },
    {
      id: 'step-3-map-the-attributes',
      title: 'Step 3: Map the attributes',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `The app attributes Google offers are those the app's catalogue entry defines. Map what matches
Roster's attributes:`,
        },
        {
          type: 'mapping',
          style: 'urn',
          sources: {
            userName: 'Primary email',
            'Work email': 'Primary email',
            'First name': 'First name',
            Surname: 'Last name',
            active: "(set by Google from the user's state)",
            'Job title': 'Employee details \u203a Job title',
            department: 'Employee details \u203a Department',
            costCenter: 'Employee details \u203a Cost center',
            employeeNumber: 'Employee details \u203a Employee ID',
            manager: "Employee details \u203a Manager's email",
            Country: 'Address \u203a Country (as a two-letter code)',
            'Phone numbers': 'Phone \u203a Mobile',
          },
        },
        {
          type: 'md',
          text: `The full list of what Roster accepts, with namespaces and formats, is in \`docs/attributes.md\`.
Attributes the app's entry does not offer cannot be sent from Google; Roster's own extension
attributes (hire date, business unit, grade…) are usually among them.`,
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
          text: `1. Put a couple of test users in a group, set that group as the provisioning scope, and wait for
   the sync (a few hours at most; Google's sync is not immediate).
2. In the Roster console:
   - **People overview**: the people, their **Status** and the *Incomplete* ones;
   - **Group management**: folders made from department;
   - **User provisioning**: **Last SCIM request** and **Last SCIM change** ("never" until the
     first);
   - **Provisioning log**: every request, its result, what changed and what was ignored.
3. In the Google Admin console, the app's auto-provisioning status and the admin audit log show
   provisioning activity and errors.

On the server, \`roster tenant list\` shows each tenant's last request and change. Google syncs
every few hours, so set \`SYNC_STALE_AFTER_MINUTES\` above that interval (for example 480) if
\`roster doctor\` watches Google tenants; with the default of 120 minutes it reports a quiet Google
tenant as a warning.`,
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
          text: `- **Start with a small scope group**, then widen it.
- **Prefer deactivation to deletion.** Roster keeps a deactivated person's data and restores it
  on reactivation; a deletion removes the person from Roster and from the host product (an audit
  entry remains). Choose Google's deprovisioning options with that in mind, and delay deletions.
- **Keep SCIM the source of truth**: leave **SSO logins may update details** off in
  **User provisioning**.
- **Fill department** in Google: folders in Roster follow it.
- **Match on the primary email**: Google's SSO identifies people by it, so a \`userName\` mapped from
  the primary email keeps SSO and provisioning on the same person.`,
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
Google provisions only through a SAML app, so SSO is configured first; the two remain separate
settings.

**Why is the manager missing?**
Roster links a manager the moment the person named (here, by email) exists — no second sync. Until
then the person's page shows the reference as pending and **Pending references** lists it. If it
stays, the manager is outside the provisioning scope.

**What happens when I suspend or delete a user in Google?**
That depends on the deprovisioning options you chose: a deactivation keeps the person and their
data in Roster (inactive); a deletion removes them (with an audit trail). Archived users are not
provisioned at all.

**Can I send attributes that are not in the mapping screen?**
No. Google sends only the attributes the app's entry defines; Roster stores only its own
attributes and lists anything else in the **Provisioning log**.

**Some mapped attributes do not arrive.**
Open the **Provisioning log** for an affected person and read **Ignored**: Roster names what it
did not store and, when it looks like a known attribute under the wrong namespace or spelling,
what was probably meant (an extension attribute sent without its URN, such as a top-level
\`department\`, is listed as *not a core User attribute* and leaves the person's folder as it was).
A country sent as a name instead of a two-letter code is kept as sent and listed under **Values to
check** on the person (a \`400\` naming the attribute if the tenant's value rules are set to *enforce*).

**I see two profiles for one person.**
Set Roster's **Matching field** to work email (what Google's SSO uses) so creates adopt existing
profiles; **Possible duplicates** lists people sharing an email or a name.

**Why did nothing happen for an hour?**
Google syncs every few hours, not on each change. The Last SCIM request in **User provisioning**
shows when it last called.

**Are passwords synced?**
No. If a password is ever sent, Roster drops it and notes it in the log.`,
        },
      ],
    },
  ],
};

import type { GuideDefinition } from '../guide-types.js';

/** The guided setup for PingOne: the console shows it, scripts/generate-idp-guides.ts writes docs/idp/pingone.md. */
export const pingoneGuide: GuideDefinition = {
  idp: 'pingone',
  name: 'PingOne',
  title: 'Set up user provisioning from PingOne',
  intro: `Connect PingOne to Roster with PingOne's SCIM outbound provisioning, so that PingOne creates,
updates and disables people — and provisions groups — in your Roster tenant as soon as they change.
In PingOne this takes two parts: a **connection** (where and how to reach Roster) and a **rule**
(who is provisioned, with which attributes).`,
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
- a PingOne administrator of the environment that holds your users;
- the HTTPS address where PingOne can reach Roster, for example \`https://roster.example.com\`;
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
          text: `- **Provisioning connection**: PingOne's link to a target identity store. Roster is a **SCIM**
  target (outbound).
- **SCIM Base URL**: \`https://roster.example.com/scim/v2\` or
  \`https://roster.example.com/t/<tenant-slug>/scim/v2\`.
- **Users Resource** / **Groups Resource**: the paths under the base URL: \`/Users\` and \`/Groups\`.
- **Authentication Method**: use **OAuth 2 Bearer Token** with the token Roster generates (it
  starts with \`rst_\`). Basic authentication also works, with a key and secret from
  \`roster basic create <tenant-slug>\`.
- **User Identifier** and **User Filter Expression**: how PingOne looks a user up in Roster before
  creating them. \`%s\` in the expression stands for the user identifier's value, e.g.
  \`userName eq "%s"\`.
- **Provisioning rule**: which PingOne users (a population, a group, or an attribute filter) go to
  which connection, with the attribute mapping and the groups to provision.
- **Sync rhythm**: outbound provisioning is real time — a change in PingOne is sent at once.
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
3. Under **Tokens and keys**, enter a **Label** such as \`PingOne\` and click **Generate token**.
4. Copy the token — it is shown once — and click **I have copied it**.

From the server: \`roster token create <tenant-slug> --label PingOne\`.`,
        },
      ],
    },
    {
      id: 'step-2-create-the-connection',
      title: 'Step 2: Create the connection',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `1. In the PingOne admin console, open the environment and go to **Integrations > Provisioning**.
2. Click **+** and choose **New Connection**.
3. For the connection type, choose **Identity Store**, find the **SCIM Outbound** tile and click
   **Select**.
4. Enter a **Name** (for example \`Roster\`) and a **Description**, and click **Next**.
5. On the authentication step:
   - **SCIM Base URL**: the URL from step 1, without the trailing slash;
   - **Users Resource**: \`/Users\`;
   - **Groups Resource**: \`/Groups\`;
   - **SCIM Version**: \`2.0\`;
   - **Authentication Method**: **OAuth 2 Bearer Token**, and paste the token as the access token;
   - **Auth Type Header**: **Bearer**.
6. Click **Test Connection**. PingOne reports a successful connection when Roster accepts the
   token; a SCIM \`401\` means the token is wrong or revoked, a \`403\` that the tenant's provisioning is
   switched off in Roster. Click **Next**.
7. On the preferences step:
   - **User Identifier**: \`userName\` (or \`workEmail\` if you match people by email — then set
     Roster's **Matching field** to work email too);
   - **User Filter Expression**: \`userName eq "%s"\` (or \`emails[type eq "work"].value eq "%s"\`);
   - allow users to be created, updated and disabled;
   - set the remove action to **Disable**, so that someone leaving the rule is deactivated in Roster
     and keeps their data (**Delete** removes them, with an audit entry in Roster).
8. Click **Save**, then turn the connection on with its toggle.`,
        },
        { type: 'live-check' },
        { type: 'if-it-fails' },
      ],
    },
    {
      id: 'step-3-create-the-rule',
      title: 'Step 3: Create the rule',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `1. In **Integrations > Provisioning**, click **+** and choose **New Rule**.
2. Name it (for example \`Employees to Roster\`) and choose the connection from step 2 as the target.
3. **User filter**: the population, group or attribute condition of the people to provision.
4. **Attribute mapping**: map PingOne attributes to SCIM attributes (step 4).
5. **Group provisioning** (optional): add the PingOne groups to create in Roster with their
   members.
6. Save the rule and turn it on with its toggle. PingOne starts provisioning the matching users.`,
        },
      ],
    },
    {
      id: 'step-4-map-the-attributes',
      title: 'Step 4: Map the attributes',
      kind: 'step',
      blocks: [
        { type: 'md', text: `PingOne offers the SCIM core and enterprise attributes as targets:` },
        {
          type: 'mapping',
          style: 'pingone',
          sources: {
            userName: 'Username',
            active: 'Enabled',
            'Work email': 'Email Address',
            'First name': 'Given Name',
            Surname: 'Family Name',
            preferredLanguage: 'Preferred Language',
            timezone: 'Time Zone',
            Country: 'Country Code',
            'Street address': 'Street Address',
            City: 'Locality',
            State: 'Region',
            'Job title': 'Title',
            'Phone numbers': 'Mobile Phone',
            locale: 'Locale',
            department: 'a custom attribute',
            organization: 'a custom attribute',
            division: 'a custom attribute',
            manager: "the manager's email or username",
            employeeNumber: 'a custom attribute',
            costCenter: 'a custom attribute',
          },
        },
        {
          type: 'md',
          text: `Roster's own extension attributes (\`businessUnit\`, \`employeeType\`, \`employeeLevel\`, \`grade\`,
\`office\`, \`hireDate\`, and its \`externalId\`) live under
\`urn:ietf:params:scim:schemas:extension:roster:2.0:User\` (or the URN **User provisioning** shows
as **Extension URN**). If the mapping screen lets you name a target attribute freely, use
\`urn:ietf:params:scim:schemas:extension:roster:2.0:User:hireDate\` and so on; if it offers only core
and enterprise attributes, those stay empty. Formats are in \`docs/attributes.md\`: \`hireDate\`
\`yyyy-MM-dd\`, \`timezone\` an IANA zone, country a two-letter code, language one of the tenant's.`,
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
          text: `1. Make the rule's user filter match a few test users first.
2. In PingOne, the **Provisioning** page shows the sync status of the connection and rule (users
   synced, failed) with the error for each failure, and the audit log records every action.
3. In the Roster console:
   - **People overview**: the people, their **Status**, and the *Incomplete* ones under
     **Profile**;
   - **Group management**: provisioned groups under **Pushed groups**, and folders;
   - **User provisioning**: **Last SCIM request** and **Last SCIM change** ("never" until the first);
   - **Provisioning log**: every request with its result, what changed and what was ignored.

On the server, \`roster tenant list\` shows each tenant's last request and change. PingOne sends
changes as they happen and is quiet otherwise; \`roster doctor\` reports a long silence as a warning.`,
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
          text: `- **Start with a narrow rule** (a test group), then widen the user filter.
- **Disable, don't delete**, as the remove action: deactivated people keep their data in Roster.
- **Keep SCIM the source of truth**: leave **SSO logins may update details** off in
  **User provisioning**.
- **Map department, division and organization**: Roster's folders follow them.
- **Use one identifier**: the User Identifier, Roster's **Matching field** and your SSO should all
  point at the same attribute.`,
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
Yes; provisioning and SSO are separate configurations in PingOne and in the product.

**Why is the manager missing?**
Roster links a manager as soon as the person named exists, in any order — no second sync. Until
then, the person's page shows the reference as pending and **Pending references** lists it. If it
stays, the manager is outside the rule's user filter or the value names nobody (use an email,
username, employee number or externalId).

**What happens when someone is disabled in PingOne or leaves the rule?**
With **Disable** as the remove action, Roster receives \`active: false\`, deactivates them and keeps
their data; enabling them again restores them.

**Can I sync attributes that are not in the table?**
No. Roster stores its attribute table only; everything else is ignored and listed in the
**Provisioning log**.

**Mapped attributes do not arrive.**
Read **Ignored** in the **Provisioning log** for an affected person: Roster names each attribute it
did not store and, for a known one under the wrong namespace or spelling, the one probably meant
(for example \`businessUnit\` under the enterprise URN belongs under the Roster URN). An attribute
mapped without its URN, such as \`department\`, is listed as *not a core User attribute* and is not
stored, so the person's folder stays as it was.

**I see two profiles for one person.**
Set Roster's **Matching field** and PingOne's **User Identifier** to the same attribute; **Possible
duplicates** lists people sharing an email or a full name.

**PingOne reports a failure with status 400.**
If the tenant's value rules are set to *enforce*, Roster refuses a value that breaks a rule; the
error names the attribute and the accepted form. Fix the source value, or return to the default,
*report*, which keeps such values and flags them on the person.

**Are passwords synced?**
No. If a password is sent, Roster drops it and notes it in the log.`,
        },
      ],
    },
  ],
};

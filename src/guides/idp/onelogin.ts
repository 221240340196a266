import type { GuideDefinition } from '../guide-types.js';

/** The guided setup for OneLogin: the console shows it, scripts/generate-idp-guides.ts writes docs/idp/onelogin.md. */
export const oneloginGuide: GuideDefinition = {
  idp: 'onelogin',
  name: 'OneLogin',
  title: 'Set up user provisioning from OneLogin',
  intro: `Connect OneLogin to Roster with OneLogin's SCIM provisioner app, so that OneLogin creates,
updates and suspends people — and, if you want, groups — in your Roster tenant over SCIM 2.0.
OneLogin builds each user it sends from a JSON template you control; this guide gives you one
that fills every attribute Roster accepts.`,
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
- a OneLogin account with permission to add and configure apps;
- the HTTPS address where OneLogin can reach Roster, for example \`https://roster.example.com\`;
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
          text: `- **SCIM Provisioner with SAML (SCIM v2 Enterprise)**: OneLogin's app template for SCIM 2.0
  targets that accept the enterprise extension. Use it rather than the *Core Schema* variant,
  which leaves out department, manager and the other enterprise attributes.
- **SCIM Base URL**: where OneLogin sends requests — \`https://roster.example.com/scim/v2/\`, or
  \`https://roster.example.com/t/<tenant-slug>/scim/v2/\` to name the tenant in the URL.
- **SCIM Bearer Token**: the token Roster generates (it starts with \`rst_\`).
- **SCIM JSON Template**: the body OneLogin sends when it creates or updates a user, with
  placeholders such as \`{$user.firstname}\` (a OneLogin user field) and \`{$parameters.department}\`
  (a parameter of the app). What the template does not contain, Roster never receives.
- **Parameters**: the app's fields, each filled from a OneLogin user attribute. A parameter used
  in the template must exist and be included in provisioning.
- **Folders**: Roster keeps one for each \`department\`, \`division\` and \`organization\` value.`,
        },
      ],
    },
    {
      id: 'step-1-get-the-scim-base-url-and-a-token',
      title: 'Step 1: Get the SCIM base URL and a token from Roster',
      kind: 'credentials',
      blocks: [
        { type: 'scim-url' },
        { type: 'token' },
        {
          type: 'md',
          text: `1. In the Roster console, open **User provisioning**.
2. Copy the **SCIM base URL** (or the **Tenant-specific SCIM URL**) under **SCIM endpoint**.
3. Under **Tokens and keys**, enter a **Label** such as \`OneLogin\` and click **Generate token**.
4. Copy the token now — it is shown once — and click **I have copied it**.

From the server: \`roster token create <tenant-slug> --label OneLogin\`.`,
        },
      ],
    },
    {
      id: 'step-2-add-the-scim-app-in-onelogin',
      title: 'Step 2: Add the SCIM app in OneLogin',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `1. In the OneLogin admin portal, go to **Applications > Applications** and click **Add App**.
2. Search for \`SCIM Provisioner with SAML (SCIM v2 Enterprise)\` and select it.
3. Give it a **Display Name** your admins will recognise and click **Save**.`,
        },
      ],
    },
    {
      id: 'step-3-connect-onelogin-to-roster',
      title: 'Step 3: Connect OneLogin to Roster',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `1. Open the app's **Configuration** tab.
2. **SCIM Base URL**: the URL from step 1.
3. **SCIM Bearer Token**: the token from step 1.
4. **SCIM JSON Template**: replace the content with the template below.
5. Under **API Connection**, click **Enable**. OneLogin calls Roster once with the token; the
   status turns to *Enabled*. If it fails, see the FAQ.
6. Click **Save**.

The template sends every attribute Roster accepts. Keep the lines your directory can fill and
delete the others: OneLogin sends an empty string for an empty parameter. Roster reads an empty
\`hireDate\`, \`timezone\`, \`preferredLanguage\` or \`country\` as no value; a value in the wrong form is
kept as sent and listed under **Values to check** on the person (a \`400\` naming the attribute if the
tenant's value rules are set to *enforce*).

\`\`\`json
{
  "schemas": [
    "urn:ietf:params:scim:schemas:core:2.0:User",
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
    "urn:ietf:params:scim:schemas:extension:roster:2.0:User"
  ],
  "userName": "{$parameters.scimusername}",
  "name": { "givenName": "{$user.firstname}", "familyName": "{$user.lastname}" },
  "emails": [{ "value": "{$user.email}", "type": "work", "primary": true }],
  "title": "{$parameters.title}",
  "preferredLanguage": "{$parameters.preferredLanguage}",
  "timezone": "{$parameters.timezone}",
  "locale": "{$parameters.locale}",
  "phoneNumbers": [{ "value": "{$parameters.mobile}", "type": "mobile" }],
  "addresses": [{
    "type": "work",
    "streetAddress": "{$parameters.streetAddress}",
    "locality": "{$parameters.city}",
    "region": "{$parameters.state}",
    "country": "{$parameters.country}"
  }],
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
    "department": "{$parameters.department}",
    "division": "{$parameters.division}",
    "organization": "{$parameters.organization}",
    "employeeNumber": "{$parameters.employeeNumber}",
    "costCenter": "{$parameters.costCenter}",
    "manager": { "value": "{$parameters.managerEmail}" }
  },
  "urn:ietf:params:scim:schemas:extension:roster:2.0:User": {
    "businessUnit": "{$parameters.businessUnit}",
    "employeeType": "{$parameters.employeeType}",
    "employeeLevel": "{$parameters.employeeLevel}",
    "grade": "{$parameters.grade}",
    "office": "{$parameters.office}",
    "hireDate": "{$parameters.hireDate}",
    "externalId": "{$parameters.hrId}"
  }
}
\`\`\`

Template notes:

- The schema URNs must be written exactly as above. Some published OneLogin templates still carry
  the SCIM 1.1 URN \`urn:scim:schemas:core:1.0\`; Roster ignores an unknown URN in \`schemas\`, but
  attributes nested under an unknown URN are ignored too and listed in the provisioning log, with
  the known extension URN whose attributes they match.
- If your tenant publishes Roster's extension under its own URN (**User provisioning** shows it
  as **Extension URN**), use that URN both in \`schemas\` and as the key of the last block.
- \`manager.value\` may be the manager's email, userName, employeeNumber or externalId; Roster finds
  the person by any of them.
- \`hireDate\` must be \`yyyy-MM-dd\`; \`timezone\` an IANA zone such as \`Europe/London\`; \`country\` a
  two-letter code such as \`GB\`; \`preferredLanguage\` one of the tenant's supported languages.`,
        },
        { type: 'live-check' },
        { type: 'if-it-fails' },
      ],
    },
    {
      id: 'step-4-define-the-parameters',
      title: 'Step 4: Define the parameters',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `1. Open the **Parameters** tab.
2. Click **SCIM Username** (\`scimusername\`) and set its value to **Email** (or to the attribute
   your people sign in with). Save.
3. For every \`{$parameters.…}\` name in the template, click **+** (add parameter), enter the name
   exactly as in the template (for example \`department\`), tick **Include in User Provisioning**,
   save, then pick the OneLogin user attribute that fills it (for example *Department*). For the
   manager, choose the manager's email attribute if your directory has one.
4. Save the app.`,
        },
      ],
    },
    {
      id: 'step-5-switch-provisioning-on',
      title: 'Step 5: Switch provisioning on',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `1. Open the **Provisioning** tab and tick **Enable provisioning**.
2. Under **Require admin approval before this action is performed**, untick **Create user**,
   **Delete user** and **Update user** once you are happy with a test run (leave them ticked while
   testing if you want to approve each action in **Users > Provisioning**).
3. **When users are deleted in OneLogin, or the user's app access is removed, perform the below
   action**: choose **Suspend** — Roster deactivates the person and keeps their data. **Delete**
   removes them from Roster (an audit entry remains).
4. **When user accounts are suspended in OneLogin, perform the following action on the app
   account**: choose **Suspend**.
5. Click **Save**.`,
        },
      ],
    },
    {
      id: 'step-6-give-people-access',
      title: 'Step 6: Give people access',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `OneLogin provisions the users who have the app: assign it through a **Role** (on the app's
**Access** tab, tick the roles that should have it) or to individual users (a user's
**Applications** tab). Each new assignment creates the person in Roster.

To send groups, use the app's group parameter and **Rules** so that OneLogin maps roles or
attributes to groups; OneLogin then creates the groups in Roster and keeps their members. Group
names are unique in a Roster tenant; an existing group with the same name is reused.`,
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
          text: `1. Assign the app to a test role with a few people.
2. In OneLogin, **Users > Provisioning** shows each provisioning task (pending, succeeded, failed,
   with Roster's error text).
3. In the Roster console:
   - **People overview**: the people, their **Status**, and the *Incomplete* ones under
     **Profile**;
   - **Group management**: groups and the folders made from department, division and organization;
   - **User provisioning**: **Last SCIM request** and **Last SCIM change** ("never" until the first);
   - **Provisioning log**: every request with its result, what changed and what was ignored.

On the server, \`roster tenant list\` shows the same two times for every tenant, and \`roster doctor\`
checks that tenants with a token are being called. OneLogin calls when people or their access
change, so quiet periods are normal; doctor reports a long one as a warning.`,
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
          text: `- **Start with a test role** and admin approval on; look at the first people in Roster, then turn
  approvals off.
- **Suspend rather than delete** on removal: a person who comes back keeps their history.
- **Keep SCIM the source of truth**: leave **SSO logins may update details** off in
  **User provisioning**.
- **Send department, division and organization** even if unused today: the folders are free.
- **Use one identifier everywhere.** The \`scimusername\` you choose should be what SSO identifies
  people by; otherwise set Roster's **Matching field** to work email.`,
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
The SAML part of this app can also sign people in, but that is a separate configuration on the
product's side. Provisioning works without it.

**Why is the manager missing?**
Roster links a manager as soon as the person named exists — no second sync needed. The person's
page in **People overview** shows a reference that is still waiting, and **Pending references**
lists them all. If one stays, the manager value names nobody in the tenant: is the manager given
the app, and does the \`managerEmail\` parameter hold their email?

**What happens when someone is suspended or loses the app?**
With **Suspend** chosen, Roster receives \`active: false\`, marks the person inactive and keeps
everything; giving the app back reactivates them.

**Can I send attributes that are not in the template above?**
Roster stores only its attributes (the template has all of them). Anything else is ignored and
listed in the **Provisioning log**.

**Attributes are in the template but do not arrive.**
Look at the **Provisioning log** for one of the people, under **Ignored**. Typical causes: the
attribute sits under the wrong URN block (Roster names the namespace it probably belongs to; for a
block under another product's URN it names the extension URN whose attributes the block holds), an
extension attribute at the top level of the template (listed as *not a core User attribute*), a
misspelt key (Roster suggests the right spelling), or a parameter that is not included in user
provisioning, which OneLogin then sends empty.

**I see two profiles for one person.**
The person existed in Roster under another identifier (from SSO or an import). Set Roster's
**Matching field** (userName, work email or externalId) to what both sides share; **Possible
duplicates** lists people with the same email or name.

**OneLogin shows a 400 error for a user.**
With the tenant's value rules set to *enforce*, Roster refuses a value and says which: a \`hireDate\`
not \`yyyy-MM-dd\`, an unknown timezone or language, a country that is not two letters. Fix the source
attribute, or return to the default (\`roster tenant settings <slug> --value-rules report\`), which
keeps such values and flags them on the person.

**Are passwords sent?**
Not by this template. If a password is ever sent, Roster drops it and notes it in the log.

**Enabling the API connection fails.**
Check the SCIM Base URL (with \`/scim/v2/\`), and that the token was pasted whole and not revoked
in **User provisioning**. A \`403\` means provisioning is switched off for the tenant in Roster.`,
        },
      ],
    },
  ],
};

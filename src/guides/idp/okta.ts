import type { GuideDefinition } from '../guide-types.js';

/** The guided setup for Okta: the console shows it, scripts/generate-idp-guides.ts writes docs/idp/okta.md. */
export const oktaGuide: GuideDefinition = {
  idp: 'okta',
  name: 'Okta',
  title: 'Set up user provisioning from Okta',
  intro: `Connect an Okta org to Roster so that Okta creates, updates and deactivates people — and pushes
groups — in your Roster tenant over SCIM 2.0. You will make a token in Roster, connect the Okta
app to it, switch on the provisioning features, map the attributes Roster accepts, assign people
and push groups, then check the result.`,
  sections: [
    {
      id: 'before-you-start',
      title: 'Before you start',
      kind: 'before',
      blocks: [
        {
          type: 'md',
          text: `You need:

- an admin of your Roster tenant (someone who can open **User provisioning** in the Roster
  console, or run the \`roster\` command on the server);
- an Okta admin who may add applications and configure provisioning;
- the address where Okta can reach Roster over HTTPS, for example \`https://roster.example.com\`;
- 20 to 30 minutes.

Two ways to add the app in Okta, and this guide covers both:

- **A catalogue app.** If the product you are connecting publishes its own app in the Okta
  Integration Network (OIN), add that app: it already knows SCIM, and you only give it the token.
- **Your own app integration.** Otherwise you create an app integration in Okta and switch SCIM
  provisioning on for it.

Provisioning is not sign-in. The app you set up here sends people's data; single sign-on (SAML or
OIDC) is a separate connection, even when both live in the same Okta app.`,
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
          text: `- **SCIM**: the protocol Okta uses to send people and groups to Roster. Roster speaks SCIM 2.0.
- **SCIM base URL**: where Okta sends requests. Roster accepts two forms:
  \`https://roster.example.com/scim/v2/\` (the tenant is the one the token belongs to) and
  \`https://roster.example.com/t/<tenant-slug>/scim/v2/\` (the tenant is named in the URL; a token of
  another tenant is refused). Keep the trailing slash.
- **Token**: a bearer token Roster generates for one tenant. Roster shows it once and keeps only a
  hash of it. It starts with \`rst_\`.
- **To App**: Okta's switches for what it may do in Roster — create people, update them,
  deactivate them.
- **External name / External namespace**: two fields of an attribute in Okta's Profile Editor.
  Together they say where the value goes in the SCIM request: the attribute's name and the schema
  URN it belongs to. Most mapping problems come from a wrong namespace.
- **Push Groups**: Okta groups whose membership Okta copies into Roster as groups.
- **Folders**: Roster makes a folder for each distinct \`department\`, \`division\` and
  \`organization\` value and keeps people in the right one. You do not push folders; they follow
  the attributes.`,
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
          text: `1. In the Roster console, open **User provisioning** (under *Identity management*).
2. Under **SCIM endpoint**, copy the **SCIM base URL** (or the **Tenant-specific SCIM URL** if you
   prefer the tenant named in the URL).
3. Under **Tokens and keys**, type a **Label** such as \`Okta production\` and click
   **Generate token**.
4. Copy the token now and keep it somewhere safe: Roster shows it only once. Click
   **I have copied it**.

Without the console, the server's operator can do the same from the command line:

\`\`\`sh
roster token create <tenant-slug> --label "Okta production"   # prints the token once
\`\`\``,
        },
      ],
    },
    {
      id: 'step-2-add-the-app-in-okta',
      title: 'Step 2: Add the app in Okta',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `**Catalogue app**

1. In the Okta Admin Console, go to **Applications > Applications** and click
   **Browse App Catalog**.
2. Search for the product's app and click **Add Integration**.
3. Fill in the general settings and sign-on options you need, then click **Done**.

**Your own app integration**

1. Go to **Applications > Applications** and click **Create App Integration**.
2. Choose a sign-in method (SAML 2.0 is the usual one when you also want SSO) and complete the
   wizard.
3. On the app's **General** tab, click **Edit** in **App Settings**, tick
   **Enable SCIM provisioning** (its **Provisioning** option set to **SCIM**), and click **Save**.
   A **Provisioning** tab appears.

If the SCIM option does not appear for your own app, see the FAQ.`,
        },
      ],
    },
    {
      id: 'step-3-connect-okta-to-roster',
      title: 'Step 3: Connect Okta to Roster',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `**Catalogue app**

1. Open the app, go to the **Provisioning** tab and choose **Integration**.
2. Click **Configure API Integration** and tick **Enable API integration**.
3. If the app asks for a base URL, paste the SCIM base URL from step 1.
4. Paste the token into **API Token**. Check there is no space before or after it.
5. Click **Test API Credentials**. Okta reports that the app was verified successfully.
6. Click **Save**.

**Your own app integration**

1. Open the app, go to the **Provisioning** tab and choose **Integration**, then click **Edit**.
2. **SCIM connector base URL**: the SCIM base URL from step 1.
3. **Unique identifier field for users**: \`userName\`.
4. **Supported provisioning actions**: tick **Push New Users**, **Push Profile Updates** and
   **Push Groups** (add **Import New Users and Profile Updates** only if you want Okta to read
   people back from Roster).
5. **Authentication Mode**: **HTTP Header**, and paste the token as the **Bearer** value.
   (If your policy requires Basic authentication, run \`roster basic create <tenant-slug>\` and
   choose **Basic Auth** with the key as username and the secret as password.)
6. Click **Test Connector Configuration**. Okta lists what it could do; close the dialog and click
   **Save**.

What Roster sees: a \`GET /Users?filter=userName eq "…"&startIndex=1&count=100\` with your token. A
valid token gets \`200\` with an empty list; a wrong, incomplete or revoked token gets a SCIM \`401\`
and Okta says the test failed. A \`403\` means provisioning is switched off for the tenant in Roster
(**User provisioning > Provisioning**).`,
        },
        { type: 'live-check' },
        { type: 'if-it-fails' },
      ],
    },
    {
      id: 'step-4-switch-on-the-provisioning-featur',
      title: 'Step 4: Switch on the provisioning features',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `1. On the **Provisioning** tab, choose **To App** and click **Edit**.
2. Tick **Enable** for:
   - **Create Users**
   - **Update User Attributes**
   - **Deactivate Users**
3. Leave **Sync Password** off. Roster never stores passwords; if one is sent, it is dropped and
   the provisioning log says so.
4. Click **Save**.`,
        },
      ],
    },
    {
      id: 'step-5-map-the-attributes',
      title: 'Step 5: Map the attributes',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `Okta sends the attributes of the app's profile that have an **External name** and an
**External namespace**. The defaults cover the basics (\`userName\`, name, email, \`active\`). To send
more — department, manager, cost centre, hire date — add each as an attribute of the app profile.

1. In the app, go to **Provisioning > To App**, scroll down and click **Go to Profile Editor**
   (or go to **Directory > Profile Editor** and pick the app's profile).
2. Click **+ Add Attribute**.
3. Fill in:
   - **Data type**: \`string\` (\`boolean\` for \`active\`);
   - **Display name**: what Okta admins see, for example \`Cost centre\`;
   - **Variable name**: Okta's own key, for example \`costCenter\` (unique within the profile);
   - **External name**: from the table below;
   - **External namespace**: from the table below.
4. Click **Save** (or **Save and Add Another**).
5. Back in **Provisioning > To App**, find the attribute under the attribute mappings, click the
   pencil, and choose the Okta profile attribute or expression that feeds it. Choose when to apply
   it (**Create and update** is the usual choice).

Add attributes after provisioning is enabled: an attribute created before has no namespace and is
left out of requests until you edit it.

### Every attribute Roster accepts

M is mandatory, R recommended, O optional. Namespaces:

- core — \`urn:ietf:params:scim:schemas:core:2.0:User\`
- enterprise — \`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\`
- Roster — \`urn:ietf:params:scim:schemas:extension:roster:2.0:User\`. If your tenant publishes the
  extension under its own URN, **User provisioning** shows it as **Extension URN** (also labelled
  **External namespace**); use that value instead.`,
        },
        {
          type: 'mapping',
          style: 'okta',
          sources: {
            userName: '`user.login` or `user.email`',
            active: '(set by Okta)',
            'Work email': '`user.email`',
            'First name': '`user.firstName`',
            Surname: '`user.lastName`',
            preferredLanguage: '`user.preferredLanguage`',
            timezone: '`user.timezone`',
            Country: '`user.countryCode`',
            'Street address': '`user.streetAddress`',
            City: '`user.city`',
            State: '`user.state`',
            'Job title': '`user.title`',
            'Phone numbers': '`user.mobilePhone`',
            locale: '`user.locale`',
            department: '`user.department`',
            organization: '`user.organization`',
            division: '`user.division`',
            manager: '`user.managerId`',
            employeeNumber: '`user.employeeNumber`',
            costCenter: '`user.costCenter`',
            businessUnit: 'a custom Okta attribute',
            employeeType: '`user.userType`',
            employeeLevel: 'a custom Okta attribute',
            grade: 'a custom Okta attribute',
            office: 'a custom Okta attribute',
            hireDate: 'a custom Okta attribute',
            externalId: 'a custom Okta attribute',
          },
        },
        {
          type: 'md',
          text: `Notes:

- For addresses, use the filtered form shown (\`addresses[type eq "work"].locality\`); it is the one
  that lands reliably in the work address.
- \`manager\`: Okta's \`managerId\` is the manager's Okta user id. Okta sends every person's Okta id
  as the core \`externalId\` when it creates them, so Roster finds the manager by it. An email or a
  login works as well. A bare \`manager\` External name (without \`.value\`) also works.
- The Roster \`externalId\` is not the core \`externalId\`: the core one is Okta's own id and Okta
  fills it by itself.
- Values are checked: a \`hireDate\` that is not \`yyyy-MM-dd\`, a timezone that is not an IANA zone,
  a language the tenant does not support or a country that is not a two-letter code is kept as
  Okta sent it and listed under **Values to check** on the person. A tenant that wants Okta to
  show such values as errors sets its value rules to *enforce*: they then get a \`400\` naming the
  attribute, and the person is not written (see Recommendations).
- Anything else is not stored. It is not dropped silently: the **Provisioning log** lists it.`,
        },
      ],
    },
    {
      id: 'step-6-assign-people-and-push-groups',
      title: 'Step 6: Assign people and push groups',
      kind: 'step',
      blocks: [
        {
          type: 'md',
          text: `1. Open the app's **Assignments** tab, click **Assign > Assign to Groups**, pick the Okta groups
   whose members should be in Roster, and click **Assign**, then **Done**. (You can also assign
   people one by one with **Assign to People**.)
2. To copy groups as groups, open the **Push Groups** tab and click **+ Push Groups**, then
   **Find groups by name** (or **Find groups by rule**).
3. Pick a group. Okta offers to **Create Group** in Roster or to **Link Group** to one that already
   exists there with the same name; Roster answers Okta's lookup by \`displayName\`, and group names
   are unique in a tenant.
4. Click **Save**. The push status turns from *Pushing* to *Active*.

Okta pushes only groups whose members are assigned to the app. Assigning the *Everyone* group alone
leaves nothing to push.

When someone is assigned, Okta creates them in Roster. When they are unassigned or deactivated in
Okta, Okta sends \`active: false\`: Roster deactivates them and keeps their profile.`,
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
          text: `1. Start with a handful of test people (see Recommendations) and assign them.
2. In the Roster console, check:
   - **People overview**: the people appear, with **Status** *Active*. The **Profile** filter
     shows who is *Incomplete* and what they lack (work email, names, work country, preferred
     language).
   - **Group management**: pushed groups under **Pushed groups**; folders for each department,
     division and organization you mapped.
   - **User provisioning**: **Last SCIM request** and **Last SCIM change** show recent times. Both
     read "never" until Okta's first request.
   - **Provisioning log**: every request Okta made, with its result, what changed, and what was
     ignored and why. Open a person in **People overview** to see their manager, groups, folders
     and **SCIM history**.
3. Spot-check a few people: manager, department, title.

From the server, \`roster tenant list\` shows **LAST SCIM REQUEST** and **LAST SCIM CHANGE** for
every tenant, and \`roster doctor\` checks each tenant's traffic. Okta sends changes as they happen
and is silent otherwise, so a quiet Okta tenant is normal; doctor reports it as a warning, not a
failure.

If the Last SCIM fields still say "never" after you assigned people, Okta is not reaching Roster:
look at the app's provisioning errors in Okta (**Dashboard > Tasks**, and the System Log) first.`,
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
          text: `- **Start small.** Assign five to ten test people first. Check their attributes in Roster before
  you assign everyone.
- **Let joiner-mover-leaver drive the groups.** When HR changes put people in and out of Okta
  groups, Roster follows without anyone touching it.
- **Make SCIM the source of truth.** If people also sign in to the product with SSO, keep
  **SSO logins may update details** off in **User provisioning**, so a login does not overwrite
  what Okta sent.
- **Map department, division and organization** even if you do not need them yet: the folders
  they create are there when you want to filter by them.
- **Match on the field your SSO uses.** Roster recognises a person who already exists (made by an
  SSO login, an admin or an import) by the **Matching field** in **User provisioning**: userName
  (default), work email or externalId. If Okta's \`userName\` is the login but SSO identifies people
  by email, set it to work email — or you get two profiles for one person.
- **Onboarding a messy directory?** By default Roster stores values that break a rule (a malformed
  hire date, an unknown language) exactly as sent and lists them under **Values to check** on the
  person, instead of refusing the person. Once the directory is clean, \`roster tenant settings
  <slug> --value-rules enforce\` makes Okta show such values as errors.`,
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
Yes. This app sends people's data to Roster; sign-in to the product is its own SAML or OIDC
connection. You can run one without the other; most organisations run both, and then the matching
field (above) should use the attribute SSO uses.

**Why is my manager not showing up?**
Roster links a manager as soon as that person exists, whatever order Okta sends people in — no
second sync needed. Until then, the person's page in **People overview** shows the manager
reference as pending, and **Pending references** lists every reference still waiting, with since
when. A reference that stays there names nobody Roster knows: check that the manager is assigned
to the app, and that the value is their Okta id, userName, work email, externalId or
employeeNumber.

**What happens when I deactivate someone in Okta, or unassign them?**
Okta sends \`active: false\`. Roster marks them inactive and keeps their profile, groups and history;
reactivating or reassigning them in Okta sends \`active: true\` and brings them back as they were.
Okta never deletes people in Roster.

**Can I sync attributes that are not in the table?**
No. Roster stores the attributes above. Anything else is ignored, and the **Provisioning log**
lists each ignored attribute against the request that sent it.

**The sync ran, but some attributes do not come through. Why?**
Almost always a wrong **External name** or **External namespace**. Open the **Provisioning log**,
find a request for an affected person and look at **Ignored**: Roster names each attribute it
did not store and, when it looks like a known attribute under the wrong namespace or spelling, the
one that was probably meant — for example \`businessUnit\` sent under the enterprise namespace, which
belongs under \`urn:ietf:params:scim:schemas:extension:roster:2.0:User\`. An attribute with an
empty **External namespace** arrives at the top level, where only core attributes belong:
\`department\` there is noted as *not a core User attribute* with the enterprise name meant, and the
person stays in their folder. A namespace copied from another product's guide is noted as an
unknown schema, with the Roster URN whose attributes it carries. Fix the namespace in the
Profile Editor; the next update sends it right.

**I see two profiles for one person.**
Roster matched the Okta create against the **Matching field** and found nobody, so it made a
second profile next to one made by SSO or an admin. **Possible duplicates** lists people who share
a work email or a full name. Set the **Matching field** in **User provisioning** to the attribute
both sides agree on (often work email), then remove the extra profile.

**Okta says the password could not be pushed.**
Leave **Sync Password** off. Roster does not take passwords; any password Okta sends is dropped and
noted in the **Provisioning log**.

**Can I sync Okta groups into Roster groups?**
Yes, with **Push Groups** (step 6). Memberships follow as people join and leave the Okta group.
Folders (department, division, organization) are Roster's own and do not need pushing.

**The SCIM provisioning option does not appear in my app.**
For an app integration you created, the **Enable SCIM provisioning** option is in the app's
**General** tab (step 2). If it is missing, your Okta org may need Okta support to switch
provisioning on for custom apps.

**Test API Credentials fails.**
Make sure the token was copied whole, with no space around it, and that it was not revoked in
**User provisioning > Tokens and keys**. A \`403\` with "provisioning is switched off" means the
tenant's provisioning is off in Roster. You can always generate a fresh token; the old one keeps
working until you revoke it.

**How long does the first sync take?**
For a few hundred people, minutes. Okta sends requests at its own pace and Roster answers each in
milliseconds, so thousands take longer mostly because of Okta's pacing. After that, Okta sends each
change within moments of it happening. If Roster ever answers \`429\` (too many requests), Okta waits
and retries by itself.`,
        },
      ],
    },
  ],
};

// A host product built on Fastify, with Roster mounted under /scim-service. Roster shares the
// product's PostgreSQL (in a schema of its own, "roster") and its logger, and stops with it.
import Fastify from 'fastify';
import { rosterPlugin } from 'roster-scim';

const app = Fastify({ logger: true });

await app.register(rosterPlugin, {
  prefix: '/scim-service',
  database: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/app',
  // Roster's settings by name (see its README); PUBLIC_URL is this product's external origin.
  settings: { PUBLIC_URL: process.env.PUBLIC_URL ?? '' },
});

// The product's own page where a customer turns provisioning on: it makes the customer's Roster
// tenant and shows what to paste into their identity provider. Put it behind your own sign-in.
app.post<{ Params: { customer: string } }>('/customers/:customer/provisioning', async (request, reply) => {
  const slug = request.params.customer;
  await app.roster.createTenant({ slug });
  const origin = process.env.PUBLIC_URL || `${request.protocol}://${request.host}`;
  return reply.code(201).send({
    scimBaseUrl: `${origin}/scim-service/scim/v2/`,
    scimToken: await app.roster.issueScimToken(slug),
    // For the product's own back end, to read the directory at /scim-service/host/v1.
    hostKey: await app.roster.issueHostKey({ tenantSlug: slug }),
  });
});

// Closing the app stops Roster's webhook delivery and background work, then its connections.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void app.close());

await app.listen({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '127.0.0.1' });

# syntax=docker/dockerfile:1
#
# Roster in a container: a stage that installs the production dependencies (compiling the SQLite
# driver), a stage that builds the server and the console, and a small runtime stage with only
# what `roster serve` needs, running as the unprivileged `node` user.
#
#   docker build -t roster:0.1.0 .
#   docker run -p 8080:8080 -v roster-data:/data roster:0.1.0            # SQLite in the volume
#   docker run -p 8080:8080 -e DATABASE_URL=postgres://… roster:0.1.0     # PostgreSQL
#
# See docs/operations.md. test/package/dockerfile.test.ts checks this file's structure (no
# container engine runs in the test suite).

# One exact Node release, the same in every stage: a rebuild months later gets the same runtime.
ARG NODE_IMAGE=node:20.19.5-bookworm-slim

# ---- deps: production dependencies only, the SQLite driver compiled for this image ------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# better-sqlite3 is compiled from source when no prebuilt binary fits: python3, make and g++.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY packages/webhook-verifier/package.json ./packages/webhook-verifier/package.json
# Scripts are skipped (`prepare` builds the sources, which are not here); the driver is compiled explicitly.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3

# ---- build: the webhook verifier, the server and the console ---------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/webhook-verifier/package.json ./packages/webhook-verifier/package.json
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY packages/webhook-verifier ./packages/webhook-verifier
COPY bin ./bin
COPY src ./src
COPY admin-ui ./admin-ui
RUN npm run build

# ---- runtime: what `roster serve` needs, nothing else ----------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATABASE_URL=/data/roster.db
WORKDIR /app
COPY --from=deps /app/package.json ./package.json
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/packages/webhook-verifier/package.json ./packages/webhook-verifier/package.json
COPY --from=build /app/packages/webhook-verifier/dist ./packages/webhook-verifier/dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/admin-ui/dist ./admin-ui/dist
COPY LICENSE ./LICENSE
# The SQLite file (and its -wal/-shm companions) live in /data, owned by the runtime user.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# Liveness: /healthz answers without touching the database (readiness is /readyz).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM: stop accepting, finish in-flight requests (SHUTDOWN_GRACE_MS), flush, close the database.
STOPSIGNAL SIGTERM
# A young generation of at most 3 x 4 MB (V8 reads this only as the process starts, so it is here
# and in `npm start`): with V8's 3 x 16 MB, serving a 100,000-member group peaked above 200 MB.
ENTRYPOINT ["node", "--max-semi-space-size=4", "bin/roster.js"]
CMD ["serve"]

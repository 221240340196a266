# syntax=docker/dockerfile:1
#
# Roster in a container: a build stage with the whole toolchain, and a small runtime stage with
# production dependencies only, running as the unprivileged `node` user.
#
#   docker build -t roster:0.1.0 .
#   docker run -p 8080:8080 -v roster-data:/data roster:0.1.0            # SQLite in the volume
#   docker run -p 8080:8080 -e DATABASE_URL=postgres://… roster:0.1.0     # PostgreSQL
#
# See docs/operations.md. (These commands were written without a container engine to run them.)

ARG NODE_VERSION=20.19

# ---- build: compile the SQLite driver, the server and the console ----------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 is compiled from source when no prebuilt binary fits: python3, make and g++.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Dependencies first (cached while only sources change). Scripts are skipped here because
# `prepare` builds the sources, which are not copied yet; the driver is compiled explicitly.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY admin-ui ./admin-ui
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: what `roster serve` needs, nothing else ----------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATABASE_URL=/data/roster.db
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/admin-ui/dist ./admin-ui/dist
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
ENTRYPOINT ["node", "bin/roster.js"]
CMD ["serve"]

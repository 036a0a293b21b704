# syntax=docker/dockerfile:1
#
# One image for every CancelFlow process. The code runs as TypeScript on Node 24's native type
# stripping: there is no build step, the image carries the sources and production dependencies.
# Choose the process with the command (docker-compose.yml does it per service):
#
#   docker build -t cancelflow/app:dev .
#   docker run --env-file … cancelflow/app:dev node apps/payment-service/src/main.ts
#
# Node comes from the base image, pinned to the version of .nvmrc. The root package.json's
# devDependency `node` (the same Node 24 binary, from npm) exists so that `npm run` on a
# developer machine whose system Node is older still runs on Node 24; in the image it would be
# a second copy of the binary we already have, so it is left out with the other dev-only
# packages (`--omit=dev`: also turbo, typescript, vitest, @types/*).

ARG NODE_VERSION=24.21.0

FROM node:${NODE_VERSION}-bookworm-slim AS base
WORKDIR /app
ENV npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false

# Only the package manifests, in their folders: the dependency layer below is rebuilt when a
# manifest or the lock file changes, not when a source file does.
FROM base AS manifests
COPY . /src
RUN cd /src \
 && find . -type f ! -name package.json ! -name package-lock.json -delete \
 && find . -type d -empty -delete

# Production dependencies of the runtime workspaces only. The infra workspace (embedded
# PostgreSQL and Temporal CLI for development and tests) is not installed: in a deployment
# PostgreSQL and Temporal are real servers reached through DATABASE_URL and TEMPORAL_ADDRESS.
# When a workspace is added (apps/console), add its -w here.
FROM base AS deps
COPY --from=manifests /src/ ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev \
      -w @cancelflow/domain \
      -w @cancelflow/service-kit \
      -w @cancelflow/order-service \
      -w @cancelflow/payment-service \
      -w @cancelflow/notification-service \
      -w @cancelflow/workflows

FROM base AS runtime
# The services listen on 127.0.0.1 by default (safe on a laptop); in a container they must
# listen on every interface to be reachable from the other containers and the host.
ENV NODE_ENV=production \
    HOST=0.0.0.0
# Sources are owned by root and only readable by the process, which runs as the image's
# unprivileged `node` user (uid 1000). It writes only to /tmp (the workflow bundle cache).
COPY tsconfig.base.json package.json ./
COPY packages ./packages
COPY apps ./apps
COPY infra/compose ./infra/compose
# node_modules (root and any per-workspace ones) and the workspace links to packages/ and apps/.
COPY --from=deps /app ./
USER node
STOPSIGNAL SIGTERM
# No HEALTHCHECK here: each process has its own port (or none, for the workflows worker), so
# docker-compose.yml declares the check per service.
CMD ["node", "apps/order-service/src/main.ts"]

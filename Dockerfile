# airlock container image.
#   build:  docker build -t airlock .
#   run:    docker run -p 8080:8080 -v airlock-data:/data -v "$PWD/rules:/rules:ro" airlock
# Stages: `build` compiles TypeScript to dist/; `deps` installs production dependencies only
# (better-sqlite3 compiles natively when no prebuilt binary fits, hence the toolchain there);
# `runtime` is node:24-slim with neither compiler nor dev dependencies, running as `node`.

# Node.js 24 LTS, pinned by digest (the multi-arch index) so a rebuild gets the same base; refresh
# it deliberately: docker buildx imagetools inspect node:24-slim
FROM node:24-slim@sha256:a9f5f7c91a432850b2a8a7797adf5eadb6c733ceed61167806cee7ea7fbc29df AS toolchain
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./

FROM toolchain AS build
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.strict.json tsconfig.build.json openapi.yaml redocly.yaml ./
COPY src ./src
COPY ui ./ui
COPY scripts ./scripts
RUN npm run build && npm run build:ui

FROM toolchain AS deps
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-slim@sha256:a9f5f7c91a432850b2a8a7797adf5eadb6c733ceed61167806cee7ea7fbc29df AS runtime
# The commit `/healthz` reports (there is no .git in the image): docker build --build-arg AIRLOCK_COMMIT=$(git rev-parse HEAD) .
ARG AIRLOCK_COMMIT=
ENV AIRLOCK_COMMIT=$AIRLOCK_COMMIT \
    NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0 \
    AIRLOCK_DATA_DIR=/data \
    AIRLOCK_RULES_DIR=/rules
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/ui/dist ./ui/dist
COPY package.json openapi.yaml ./
COPY bin ./bin
COPY rules /rules
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data", "/rules"]
EXPOSE 8080
# No curl in the slim image: Node's own fetch asks /healthz.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains in-flight requests within AIRLOCK_SHUTDOWN_GRACE_MS (default 25 s): give the
# orchestrator's stop timeout more than that (docker stop -t 30; Kubernetes' default is 30 s).
STOPSIGNAL SIGTERM
CMD ["node", "dist/cli/main.js", "serve"]

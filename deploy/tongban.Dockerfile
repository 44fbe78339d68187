# The tongban server image: build from the repository root,
#   docker build -f deploy/tongban.Dockerfile -t tongban .
# (compose.yaml does this). Node 20 on Debian bookworm, as the machines the project is developed on.
FROM node:20-bookworm-slim
WORKDIR /app
RUN corepack enable
COPY . .
RUN pnpm install --frozen-lockfile && pnpm --filter @tongban/dashboard build
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
# What `pnpm start` (scripts/start.ts) gives the server: a V8 heap sized to the backlog it may hold,
# serverHeapMiB() in ingest-server/src/config.ts = (300 MiB + MAX_PENDING_ROWS × 1 KiB) × 1.25 = 986 MiB at the
# default MAX_PENDING_ROWS=500000 (raise it with MAX_PENDING_ROWS: e.g. 2000000 → 2817; the server warns at start
# when its limit is below), and chDB's jemalloc returning freed pages after 1 s instead of 5 (docs/notes/soak-rss.md).
# Both are read at launch only; override them in the container's environment. deploy-launch.test.ts checks them.
ENV NODE_OPTIONS=--max-old-space-size=986 JE_MALLOC_CONF=dirty_decay_ms:1000,muzzy_decay_ms:0
EXPOSE 3000
VOLUME ["/data"]
CMD ["node", "--import", "tsx", "ingest-server/src/server.ts"]

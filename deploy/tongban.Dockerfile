# The tongban server image: build from the repository root,
#   docker build -f deploy/tongban.Dockerfile -t tongban .
# (compose.yaml does this). Node 20 on Debian bookworm, as the machines the project is developed on.
FROM node:20-bookworm-slim
WORKDIR /app
RUN corepack enable
COPY . .
RUN pnpm install --frozen-lockfile && pnpm --filter @tongban/dashboard build
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
EXPOSE 3000
VOLUME ["/data"]
CMD ["node", "--import", "tsx", "ingest-server/src/server.ts"]

# Emporium API + AdminJS panel. Classic (non-BuildKit) multi-stage build:
#   build   – full dev install, tsoa + tsc into dist/, AdminJS bundle into .adminjs/
#   deps    – production node_modules only, from the same lockfile
#   runtime – slim image, non-root, runs scripts/entrypoint.sh
# npm 11 honours package.json "allowScripts", so only esbuild's install
# script runs (bcrypt ships prebuilt binaries).

FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    ADMIN_JS_SKIP_BUNDLE=true
WORKDIR /app
# SECRETS_DIR used by docker-compose.yml (a named volume is mounted here and
# inherits this ownership on first use).
RUN mkdir -p /var/lib/emporium && chown node:node /var/lib/emporium && chmod 700 /var/lib/emporium
# Application files stay root-owned (read-only for the node user).
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/.adminjs ./.adminjs
COPY package.json .sequelizerc .env.example ./
COPY db ./db
COPY migrations ./migrations
COPY seeders ./seeders
COPY scripts/entrypoint.sh scripts/secrets.sh scripts/serve.sh ./scripts/
USER node
EXPOSE 8000
# Liveness only (no dependency checks); no curl in the slim image, so use node.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "require('http').get('http://127.0.0.1:'+(process.env.PORT||8000)+'/health',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"
# entrypoint.sh: secrets (when SECRETS_DIR is set), migrate + seed, then
# scripts/serve.sh (`exec node --max-old-space-size=… dist/server.js`), which
# handles SIGTERM with a graceful shutdown.
CMD ["sh", "scripts/entrypoint.sh"]

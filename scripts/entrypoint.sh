#!/bin/sh
# The one way Emporium starts, with or without Docker (`npm start` runs it
# after building; the Docker image runs it as its command):
#   1. with SECRETS_DIR set, create any missing secret once and keep it there;
#   2. wait for PostgreSQL, migrate and seed (under an advisory lock, on DATABASE_DIRECT_URL
#      when set: a pooler in transaction mode cannot hold that lock);
#   3. exec the server (scripts/serve.sh), so it receives SIGTERM directly.
set -eu
cd "$(dirname "$0")/.."

if [ -n "${SECRETS_DIR:-}" ]; then
  # shellcheck source=scripts/secrets.sh
  . scripts/secrets.sh
fi

node db/migrate-and-seed.cjs
exec sh scripts/serve.sh

#!/bin/sh
# Runs the built server in the foreground (exec: it receives SIGTERM itself).
# The V8 old-space limit keeps the heap compact: without it, V8 lets the heap
# grow to several hundred MB under load before collecting, although the live
# set stays well under 100 MB. NODE_MAX_OLD_SPACE_MB overrides it.
set -eu
cd "$(dirname "$0")/.."
exec node --max-old-space-size="${NODE_MAX_OLD_SPACE_MB:-192}" dist/server.js

#!/usr/bin/env bash
# End-to-end smoke test of the Docker image and docker-compose.yml:
# builds and starts the stack, checks the public surface (probes, docs,
# seeded catalog, admin login, shopper login, non-root container), then always tears the
# stack down with its volumes. Last line: SMOKE: OK or SMOKE: FAIL.
#
#   bash scripts/compose-smoke.sh            (from anywhere in the repo)
#   READY_TIMEOUT=300 bash scripts/compose-smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."

BASE=${BASE_URL:-http://127.0.0.1:8000}
READY_TIMEOUT=${READY_TIMEOUT:-180}
ADMIN_EMAIL=${ADMIN_EMAIL:-admin@emporium.local}
TMP=$(mktemp -d)
STATUS=FAIL

finish() {
  local rc=$?
  if [ "$STATUS" != OK ]; then
    [ "$rc" -ne 0 ] || rc=1
    echo
    echo "---- docker compose ps ----"
    docker compose ps || true
    echo "---- docker compose logs api (tail) ----"
    docker compose logs --no-color --tail=80 api || true
  fi
  echo
  echo "---- teardown: docker compose down -v ----"
  docker compose down -v --remove-orphans || true
  rm -rf "$TMP"
  echo
  if [ "$STATUS" = OK ]; then
    echo "SMOKE: OK"
    exit 0
  fi
  echo "SMOKE: FAIL"
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
ok() { echo "ok   $*"; }

# fetch PATH → sets CODE and writes the body to $TMP/body
fetch() {
  CODE=$(curl -sS -o "$TMP/body" -w '%{http_code}' --max-time 15 "$BASE$1") || CODE=000
}

echo "==== docker compose up --build -d ===="
started=$(date +%s)
docker compose up --build -d
up_done=$(date +%s)
echo "compose up --build -d returned after $((up_done - started))s"

echo
echo "==== waiting for $BASE/ready (timeout ${READY_TIMEOUT}s) ===="
deadline=$((up_done + READY_TIMEOUT))
while :; do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$BASE/ready" || true)
  [ "$code" = 200 ] && break
  if [ "$(date +%s)" -ge "$deadline" ]; then
    fail "/ready did not answer 200 within ${READY_TIMEOUT}s (last status: ${code:-none})"
  fi
  sleep 2
done
now=$(date +%s)
ready_after=$((now - started))
echo "ready $((now - up_done))s after the containers started (${ready_after}s after 'compose up --build' started)"

echo
echo "==== checks ===="

fetch /ready
[ "$CODE" = 200 ] || fail "GET /ready → $CODE"
ok "GET /ready → 200 $(cat "$TMP/body")"

fetch /health
[ "$CODE" = 200 ] || fail "GET /health → $CODE"
ok "GET /health → 200 $(cat "$TMP/body")"

fetch /docs/
[ "$CODE" = 200 ] || fail "GET /docs/ → $CODE"
grep -qi 'swagger-ui' "$TMP/body" || fail "GET /docs/ does not contain swagger-ui"
ok "GET /docs/ → 200, contains swagger-ui ($(wc -c < "$TMP/body") bytes)"

fetch /redoc
[ "$CODE" = 200 ] || fail "GET /redoc → $CODE"
ok "GET /redoc → 200 ($(wc -c < "$TMP/body") bytes)"

fetch /openapi.json
[ "$CODE" = 200 ] || fail "GET /openapi.json → $CODE"
spec=$(node -e '
  const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`openapi ${s.openapi}, "${s.info.title}" ${s.info.version}, ${Object.keys(s.paths).length} paths`);
' "$TMP/body") || fail "GET /openapi.json is not valid JSON"
ok "GET /openapi.json → 200 ($spec)"

fetch /api/v1/categories
[ "$CODE" = 200 ] || fail "GET /api/v1/categories → $CODE"
count=$(node -e '
  const list = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  if (!Array.isArray(list)) { console.error("not an array"); process.exit(1); }
  for (const c of list) console.error(`       - ${c.name} (${c.product_count} products)`);
  console.log(list.length);
' "$TMP/body" 2>"$TMP/categories") || fail "GET /api/v1/categories: unexpected body: $(head -c 300 "$TMP/body")"
[ "$count" = 8 ] || { cat "$TMP/categories"; fail "expected 8 seeded categories, got $count"; }
ok "GET /api/v1/categories → 200, $count categories:"
cat "$TMP/categories"

fetch /admin/login
[ "$CODE" = 200 ] || fail "GET /admin/login → $CODE"
grep -q 'AdminJS.LoginApplication' "$TMP/body" || fail "GET /admin/login does not contain AdminJS.LoginApplication"
ok "GET /admin/login → 200 HTML with AdminJS.LoginApplication"

admin_password=$(docker compose exec -T api cat /var/lib/emporium/admin_password) \
  || fail "cannot read /var/lib/emporium/admin_password in the api container"
[ -n "$admin_password" ] || fail "/var/lib/emporium/admin_password is empty"
ok "generated admin password read from the api_secrets volume (${#admin_password} characters)"

login=$(curl -sS -o /dev/null --max-time 15 -w '%{http_code} %{redirect_url}' -c "$TMP/cookies" \
  --data-urlencode "email=$ADMIN_EMAIL" --data-urlencode "password=$admin_password" \
  "$BASE/admin/login") || fail "POST /admin/login: request failed"
read -r login_code login_location <<<"$login"
[ "$login_code" = 302 ] || fail "POST /admin/login → $login_code (expected 302)"
case "$login_location" in
  */admin | */admin/) ;;
  *) fail "POST /admin/login redirected to '$login_location' (expected /admin)" ;;
esac
ok "POST /admin/login ($ADMIN_EMAIL) → 302 Location $login_location"

dashboard=$(curl -sS --max-time 15 -b "$TMP/cookies" "$BASE/admin/api/dashboard") || fail "GET /admin/api/dashboard failed"
node -e 'const d = JSON.parse(process.argv[1]); if (d.days.length !== 30) process.exit(1)' "$dashboard" \
  || fail "GET /admin/api/dashboard: unexpected body: $(echo "$dashboard" | head -c 300)"
ok "GET /admin/api/dashboard (staff session) → 30 days of figures"
curl -sS --max-time 15 "$BASE/admin/frontend/assets/components.bundle.js" | grep -q 'orders-revenue-chart' \
  || fail "the prebuilt admin bundle does not contain the dashboard component"
ok "GET /admin/frontend/assets/components.bundle.js → the bundle built at image build time (dashboard inside)"

bad=$(curl -sS -o /dev/null --max-time 15 -w '%{http_code}' \
  --data-urlencode "email=$ADMIN_EMAIL" --data-urlencode "password=wrong-password" \
  "$BASE/admin/login") || true
[ "$bad" != 302 ] || fail "POST /admin/login with a wrong password also redirected"
ok "POST /admin/login with a wrong password → $bad (no redirect)"

demo_password=$(docker compose exec -T api cat /var/lib/emporium/demo_password) \
  || fail "cannot read /var/lib/emporium/demo_password in the api container"
tokens=$(curl -sS --max-time 15 -H 'Content-Type: application/json' \
  -d "$(node -e 'console.log(JSON.stringify({ username: "demo", password: process.argv[1] }))' "$demo_password")" \
  "$BASE/api/v1/auth/login") || fail "POST /api/v1/auth/login: request failed"
access=$(node -e 'const t = JSON.parse(process.argv[1]); if (!t.access_token) process.exit(1); console.log(t.access_token)' "$tokens") \
  || fail "POST /api/v1/auth/login (demo) did not return tokens: $tokens"
me=$(curl -sS --max-time 15 -H "Authorization: Bearer $access" "$BASE/api/v1/users/me")
node -e 'const u = JSON.parse(process.argv[1]); if (u.username !== "demo") process.exit(1)' "$me" \
  || fail "GET /api/v1/users/me with the demo token: $me"
ok "POST /api/v1/auth/login (demo shopper) → tokens; GET /api/v1/users/me → demo"

api_id=$(docker compose ps -q api)
health_deadline=$(($(date +%s) + 60))
while :; do
  health=$(docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$api_id")
  [ "$health" = healthy ] && break
  [ "$(date +%s)" -lt "$health_deadline" ] || fail "api container health is '$health' (expected healthy)"
  sleep 2
done
ok "api container healthcheck (GET /ready via node) → $health"

uid=$(docker compose exec -T api id -u | tr -d '\r')
user=$(docker compose exec -T api id -un | tr -d '\r')
[ -n "$uid" ] && [ "$uid" != 0 ] || fail "api container runs as uid '$uid'"
ok "api container runs as non-root: uid $uid ($user)"

echo
echo "==== docker compose ps ===="
docker compose ps

echo
echo "compose up --build → /ready 200 took ${ready_after}s"
STATUS=OK

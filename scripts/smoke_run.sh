#!/usr/bin/env bash
# Start `make run` exactly as a newcomer would (fresh data directory), then check that the API
# serves docs, refuses anonymous calls with a 401 in the error shape, and answers a
# token-authenticated GET /api/strategies/. With CONTRACT=1 it then runs, against the same live
# server and worker, the Postman collection with newman and schemathesis on /api/schema/.
# Stops the server afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${SMOKE_PORT:-$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/algoagent-smoke.XXXXXX")"
LOG="$DATA_DIR/run.log"
BASE="http://127.0.0.1:$PORT"
PASSWORD="smoke-$(date +%s)-pass"

ALGOAGENT_DATA_DIR="$DATA_DIR" ALGOAGENT_DEMO_PASSWORD="$PASSWORD" \
  setsid make run PORT="$PORT" >"$LOG" 2>&1 &
RUN_PID=$!
cleanup() {
  kill -TERM -- "-$RUN_PID" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$RUN_PID" 2>/dev/null || break; sleep 0.2; done
  kill -KILL -- "-$RUN_PID" 2>/dev/null || true
  rm -rf "$DATA_DIR"
}
trap cleanup EXIT

fail() { echo "SMOKE FAILED: $*"; echo "--- make run output ---"; cat "$LOG"; exit 1; }

# Healthy means the database answers, the task worker is alive and the sandbox layers are there.
for _ in $(seq 1 120); do
  curl -fsS "$BASE/api/health/" 2>/dev/null | grep -q '"status":"ok"' && break
  kill -0 "$RUN_PID" 2>/dev/null || fail "make run exited early"
  sleep 0.5
done
curl -fsS "$BASE/api/health/" | grep -q '"status":"ok"' ||
  fail "health is not ok: $(curl -sS "$BASE/api/health/")"
grep -q '"alive":[1-9]' <<<"$(curl -fsS "$BASE/api/health/")" || fail "no live task worker"

code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/docs/")
[ "$code" = 200 ] || fail "/api/docs/ answered $code"
code=$(curl -s -o /dev/null -w '%{http_code}' \
  "$BASE/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
[ "$code" = 200 ] || fail "Swagger UI assets are not served locally ($code)"

body=$(curl -s -w '\n%{http_code}' "$BASE/api/strategies/")
[ "$(tail -n1 <<<"$body")" = 401 ] || fail "anonymous /api/strategies/ was not 401"
grep -q '"error":{"code":"not_authenticated"' <<<"$body" || fail "401 not in the error shape: $body"

token=$(curl -fsS -H 'Content-Type: application/json' \
  -d "{\"username\": \"demo\", \"password\": \"$PASSWORD\"}" "$BASE/api/auth/login/" |
  .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["token"])') ||
  fail "demo login failed"
body=$(curl -s -w '\n%{http_code}' -H "Authorization: Token $token" "$BASE/api/strategies/")
[ "$(tail -n1 <<<"$body")" = 200 ] || fail "token GET /api/strategies/ failed: $body"
grep -q '"count":0' <<<"$body" || fail "unexpected strategy list: $body"

echo "make run smoke test passed on port $PORT (docs, 401 error shape, token auth)"

echo "--- the README walkthrough (scripts/walkthrough.sh) ---"
BASE="$BASE" PYTHON=.venv/bin/python bash scripts/walkthrough.sh >"$DATA_DIR/walkthrough.log" 2>&1 ||
  { cat "$DATA_DIR/walkthrough.log"; fail "the README walkthrough failed against the live server"; }
tail -n 1 "$DATA_DIR/walkthrough.log"

if [ "${CONTRACT:-0}" = 1 ]; then
  echo "--- Postman collection (newman) ---"
  make newman >/dev/null
  .cache/newman/node_modules/.bin/newman run postman/AlgoAgent.postman_collection.json \
    -e postman/AlgoAgent.postman_environment.json --env-var "baseUrl=$BASE" \
    --timeout-request 90000 --reporters cli --color off ||
    fail "the Postman collection failed against the live server"

  echo "--- schemathesis (property-based contract tests, bounded) ---"
  # Logout is excluded: it would revoke the token the rest of the run uses.
  .venv/bin/schemathesis run "$BASE/api/schema/" \
    -H "Authorization: Token $token" \
    --checks not_a_server_error,response_schema_conformance \
    --exclude-path /api/auth/logout/ \
    --phases examples,coverage,fuzzing -n "${SCHEMATHESIS_EXAMPLES:-15}" --seed 20261122 \
    -w 2 --request-timeout 90 --no-color ||
    fail "schemathesis found server errors or responses that do not match the schema"
fi

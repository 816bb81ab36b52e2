#!/usr/bin/env bash
# The README's API walkthrough, as a script CI runs against a live `make run` server, so the
# README can never drift from the API. Every step checks its HTTP status and the fields it
# relies on; ids come from the answers, never hard-coded.
#
#   BASE=http://127.0.0.1:8000 scripts/walkthrough.sh
set -euo pipefail
BASE="${BASE:-http://127.0.0.1:8000}"
USERNAME="walker$(date +%s)$$"
PASSWORD="Tr4ding-Ideas-2026!"
PY="${PYTHON:-python3}"
SMA_CODE='from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class SmaCross(Strategy):
    n1 = 10
    n2 = 20

    def init(self):
        self.a = self.I(SMA, self.data.Close, self.n1)
        self.b = self.I(SMA, self.data.Close, self.n2)

    def next(self):
        if crossover(self.a, self.b):
            self.buy()
        elif crossover(self.b, self.a):
            self.position.close()
'

step() { printf '\n== %s\n' "$*"; }
fail() { echo "WALKTHROUGH FAILED: $*"; exit 1; }
# json FIELD_EXPRESSION: read $BODY and print a value, e.g. json '["token"]'
json() { "$PY" -c "import json,sys; v=json.loads(sys.argv[1])$1; print(v if not isinstance(v,(dict,list)) else json.dumps(v))" "$BODY"; }
json_body() { "$PY" -c 'import json,sys; print(json.dumps(json.loads(sys.argv[1])))' "$1"; }
# call EXPECTED METHOD PATH [JSON] [extra curl args...]: the answer's body lands in $BODY.
call() {
  local expected=$1 method=$2 path=$3 data=${4:-}
  shift 4 2>/dev/null || shift $#
  local args=(-s -o /tmp/walkthrough.$$ -w '%{http_code}' -X "$method" "$BASE$path")
  [ -n "${TOKEN:-}" ] && args+=(-H "Authorization: Token $TOKEN")
  [ -n "$data" ] && args+=(-H 'Content-Type: application/json' -d "$data")
  local code
  code=$(curl "${args[@]}" "$@")
  BODY=$(cat /tmp/walkthrough.$$)
  rm -f /tmp/walkthrough.$$
  [ "$code" = "$expected" ] || fail "$method $path answered $code, expected $expected: ${BODY:0:400}"
  echo "$method $path -> $code"
}

step "Register (returns a token) and log in"
call 201 POST /api/auth/register/ \
  "{\"username\": \"$USERNAME\", \"email\": \"$USERNAME@example.com\", \"password\": \"$PASSWORD\"}"
call 200 POST /api/auth/login/ "{\"username\": \"$USERNAME\", \"password\": \"$PASSWORD\"}"
TOKEN=$(json '["token"]')
call 200 GET /api/auth/me/

step "A typo is refused, naming the field (nothing runs with commission 0)"
call 400 POST /api/strategies/ '{"name": "x", "comission": 0.01}'
[ "$(json '["error"]["details"]["unknown_fields"][0]')" = comission ] || fail "typo not named"

step "Create a strategy: its code is version 1"
call 201 POST /api/strategies/ "$(json_body "{\"name\": \"SMA cross\", \"code\": $("$PY" -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$SMA_CODE")}")"
STRATEGY_ID=$(json '["id"]')
call 200 GET "/api/strategies/?search=sma&ordering=-created_at&page_size=10"

step "Change the code: version 2"
NEW_CODE=${SMA_CODE/n2 = 20/n2 = 30}
call 200 PATCH "/api/strategies/$STRATEGY_ID/" "{\"code\": $("$PY" -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$NEW_CODE")}"
[ "$(json '["current_version"]')" = 2 ] || fail "no version 2"
call 200 GET "/api/strategies/$STRATEGY_ID/versions/"

step "Generate from a description (offline without Gemini keys) and backtest it; wait up to 60 s"
call 201 POST /api/strategies/generate_with_ai/ \
  '{"description": "Buy when RSI(14) drops below 30, sell when it rises above 70. 5% stop loss.", "execute_after_generation": true, "symbol": "GOOG"}' \
  -H 'Prefer: wait=60'
GENERATED_ID=$(json '["strategy_id"]')
echo "understood as: $(json '["understood_as"]')"
[ "$(json '["execution_result"]["success"]')" = True ] || fail "generated strategy did not run"

step "A description that cannot be understood: 422 naming the phrase, no strategy created"
call 422 POST /api/strategies/generate_with_ai/ '{"description": "buy when the moon is full"}'
echo "not understood: $(json '["error"]["details"]["unrecognised"][0]["text"]')"

step "Execute with costs; the result has metrics, warnings and a benchmark"
call 200 POST "/api/strategies/$STRATEGY_ID/execute/" \
  '{"symbol": "GOOG", "cash": 10000, "commission": 0.002}' -H 'Prefer: wait=60'
EXECUTION_ID=$(json '["execution_id"]')
echo "return $(json '["metrics"]["return_pct"]') % vs buy & hold $(json '["benchmark"]["return_pct"]') %"

step "Without Prefer: a job to follow (status, events)"
call 202 POST "/api/strategies/$STRATEGY_ID/execute/" '{}'
JOB_URL=$(json '["job_url"]')
for _ in $(seq 1 120); do
  call 200 GET "$JOB_URL" >/dev/null
  case "$(json '["status"]')" in succeeded|failed|cancelled) break ;; esac
  sleep 0.5
done
[ "$(json '["status"]')" = succeeded ] || fail "job did not succeed: ${BODY:0:400}"
call 200 GET "${JOB_URL}events/"

step "Repair a failing strategy: rules first, every fix verified by a re-run"
BROKEN_CODE=${SMA_CODE/self.data.Close, self.n1/self.data.close, self.n1}
call 201 POST /api/strategies/ "{\"name\": \"Broken\", \"code\": $("$PY" -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$BROKEN_CODE")}"
BROKEN_ID=$(json '["id"]')
call 200 POST "/api/strategies/$BROKEN_ID/fix_errors/" '{"max_attempts": 3}' -H 'Prefer: wait=60'
[ "$(json '["success"]')" = True ] || fail "fix did not succeed: ${BODY:0:400}"
call 200 GET "/api/strategies/$BROKEN_ID/fix_history/"

step "History and indicators"
call 200 GET "/api/strategies/$STRATEGY_ID/execution_history/?limit=20"
call 200 GET "/api/strategies/$STRATEGY_ID/executions/$EXECUTION_ID/"
call 200 GET "/api/executions/?symbol=GOOG&ordering=-return_pct"
call 200 GET "/api/strategies/available_indicators/?featured=true"
call 200 GET /api/strategies/capabilities/

step "Backtests: a saved config, a run, compare by a named metric, export"
call 201 POST /api/backtests/configs/ \
  "{\"name\": \"GOOG 2010-12 $USERNAME\", \"symbol\": \"GOOG\", \"start\": \"2010-01-01\", \"end\": \"2012-12-31\", \"commission\": 0.002}"
CONFIG_ID=$(json '["id"]')
call 200 POST /api/backtests/run/ "{\"strategy\": $STRATEGY_ID, \"version\": 2, \"config\": $CONFIG_ID, \"cash\": 50000}" \
  -H 'Prefer: wait=60'
RUN_ID=$(json '["id"]')
call 200 POST /api/backtests/quick_run/ \
  "{\"code\": $("$PY" -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$SMA_CODE"), \"symbol\": \"GOOG\", \"start\": \"2011-01-01\"}"
RUN2_ID=$(json '["id"]')
call 200 GET "/api/backtests/compare/?ids=$RUN_ID,$RUN2_ID&rank_by=sharpe_ratio"
call 200 GET "/api/backtests/$RUN_ID/export/?format=csv"

step "Market data and a pre-flight sandbox test"
call 200 GET /api/data/symbols/
call 200 GET "/api/data/GOOG/ohlcv/?start=2010-01-01&end=2010-12-31&page_size=1000"
call 200 POST /api/production/strategies/sandbox-test/ \
  "{\"code\": $("$PY" -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$SMA_CODE"), \"symbol\": \"GOOG\", \"bars\": 250}" \
  -H 'Prefer: wait=60'

step "Templates and chat"
call 200 GET "/api/templates/?search=RSI"
TEMPLATE_ID=$(json '["results"][0]["id"]')
call 201 POST "/api/templates/$TEMPLATE_ID/instantiate/" '{"name": "RSI from a template"}'
call 200 POST "/api/strategies/$GENERATED_ID/chat/" '{"message": "change the RSI period to 21"}' \
  -H 'Prefer: wait=60'

step "Delete, then revoke the token"
call 204 DELETE "/api/strategies/$BROKEN_ID/"
call 204 POST /api/auth/logout/
call 401 GET /api/auth/me/
echo
echo "walkthrough passed against $BASE"

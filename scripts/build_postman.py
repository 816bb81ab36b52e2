"""Build postman/AlgoAgent.postman_collection.json (and its environment) from this walkthrough.

The collection is ordered as a walkthrough — register -> login -> generate -> execute -> fix ->
history -> indicators -> backtests -> data -> templates -> production -> chat -> jobs -> logout —
and every request carries tests on its status code and key fields. Variables captured on the way
(token, strategy_id, execution_id, job_id, ...) feed the later requests.

    python scripts/build_postman.py          # write the files
    python scripts/build_postman.py --check  # exit 1 if the committed files are out of date

tests/test_postman.py fails when an endpoint of the OpenAPI schema is missing from the collection.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "postman"
COLLECTION = OUT / "AlgoAgent.postman_collection.json"
ENVIRONMENT = OUT / "AlgoAgent.postman_environment.json"
SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"

WAIT = {"Prefer": "wait=60"}

# A strategy with two classic LLM mistakes (lowercase column, missing import) for fix_errors.
BROKEN_CODE = """from backtesting import Strategy
from backtesting.test import SMA


class Broken(Strategy):
    def init(self):
        self.fast = self.I(SMA, self.data.close, 10)
        self.slow = self.I(SMA, self.data.Close, 30)

    def next(self):
        if crossover(self.fast, self.slow):
            self.position.close()
            self.buy()
        elif crossover(self.slow, self.fast):
            self.position.close()
"""

SMA_CODE = """from backtesting import Strategy
from backtesting.lib import crossover
from backtesting.test import SMA


class SmaCross(Strategy):
    n1 = 10
    n2 = 20

    def init(self):
        self.sma1 = self.I(SMA, self.data.Close, self.n1)
        self.sma2 = self.I(SMA, self.data.Close, self.n2)

    def next(self):
        if crossover(self.sma1, self.sma2):
            self.position.close()
            self.buy()
        elif crossover(self.sma2, self.sma1):
            self.position.close()
            self.sell()
"""

RSI_SPEC = {
    "version": "1.0",
    "name": "RSI reversion",
    "indicators": [{"id": "rsi", "indicator": "RSI", "params": {"timeperiod": 14}}],
    "rules": {
        "entry": {"logic": "all", "conditions": [{"left": "rsi", "op": "<", "right": 30}]},
        "exit": {"logic": "all", "conditions": [{"left": "rsi", "op": ">", "right": 70}]},
    },
}


def status(*codes: int) -> list[str]:
    if len(codes) == 1:
        return [
            f'pm.test("status is {codes[0]}", function () {{',
            f"    pm.response.to.have.status({codes[0]});",
            "});",
        ]
    listed = ", ".join(str(c) for c in codes)
    return [
        f'pm.test("status is one of {listed}", function () {{',
        f"    pm.expect([{listed}]).to.include(pm.response.code);",
        "});",
    ]


def has(*fields: str) -> list[str]:
    checks = [f'    pm.expect(body).to.have.property("{f}");' for f in fields]
    return [
        f'pm.test("body has {", ".join(fields)}", function () {{',
        "    const body = pm.response.json();",
        *checks,
        "});",
    ]


def expect(name: str, expression: str) -> list[str]:
    return [
        f"pm.test({json.dumps(name)}, function () {{",
        "    const body = pm.response.json();",
        f"    pm.expect({expression}).to.be.true;",
        "});",
    ]


# The plot is drawn after the run is answered: a 404 is fine only while it is being drawn.
PLOT_READY_OR_DRAWN = status(200, 404) + [
    'pm.test("200, or 404 plot_not_ready with Retry-After: 2 while it is drawn", function () {',
    "    if (pm.response.code === 200) { return; }",
    '    pm.expect(pm.response.json().error.code).to.eql("plot_not_ready");',
    '    pm.expect(pm.response.headers.get("Retry-After")).to.eql("2");',
    "});",
]


def save(variable: str, expression: str) -> list[str]:
    return [f'pm.collectionVariables.set("{variable}", {expression});']


# Poll the generate job (every 250 ms, up to 30 s) until it has finished; newman sends the
# request once the script's pending requests and timers are done.
WAIT_FOR_GENERATE_JOB = [
    'const jobUrl = pm.variables.get("baseUrl") + "/api/jobs/" +',
    '    pm.variables.get("generate_job_id") + "/";',
    "function poll(left) {",
    "    pm.sendRequest(",
    '        { url: jobUrl, header: { Authorization: "Token " + pm.variables.get("token") } },',
    "        function (err, res) {",
    '            const status = err ? "" : res.json().status;',
    '            const done = ["succeeded", "failed", "cancelled"].includes(status);',
    "            if (!done && left > 0) setTimeout(function () { poll(left - 1); }, 250);",
    "        }",
    "    );",
    "}",
    "poll(120);",
]


ERROR_SHAPE = expect(
    "error shape",
    'typeof body.error === "object" && typeof body.error.code === "string" '
    '&& typeof body.error.message === "string"',
)


def request(
    name: str,
    method: str,
    path: str,
    *,
    body: Any = None,
    form: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    auth: bool = True,
    tests: list[str] | None = None,
    prerequest: list[str] | None = None,
    query: dict[str, str] | None = None,
    description: str = "",
) -> dict[str, Any]:
    header = [{"key": k, "value": v} for k, v in (headers or {}).items()]
    if auth:
        header.append({"key": "Authorization", "value": "Token {{token}}"})
    raw_query = "&".join(f"{k}={v}" for k, v in (query or {}).items())
    url: dict[str, Any] = {
        "raw": "{{baseUrl}}" + path + (f"?{raw_query}" if raw_query else ""),
        "host": ["{{baseUrl}}"],
        "path": [*path.strip("/").split("/"), ""],
    }
    if query:
        url["query"] = [{"key": k, "value": v} for k, v in query.items()]
    req: dict[str, Any] = {"method": method, "header": header, "url": url}
    if body is not None:
        header.append({"key": "Content-Type", "value": "application/json"})
        req["body"] = {
            "mode": "raw",
            "raw": json.dumps(body, indent=2),
            "options": {"raw": {"language": "json"}},
        }
    if form is not None:
        req["body"] = {"mode": "formdata", "formdata": form}
    if description:
        req["description"] = description
    item: dict[str, Any] = {"name": name, "request": req, "event": []}
    if prerequest:
        item["event"].append(
            {"listen": "prerequest", "script": {"type": "text/javascript", "exec": prerequest}}
        )
    if tests:
        item["event"].append(
            {"listen": "test", "script": {"type": "text/javascript", "exec": tests}}
        )
    return item


def folder(name: str, description: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": name, "description": description, "item": items}


def walkthrough() -> list[dict[str, Any]]:
    return [
        folder(
            "0. Service",
            "Open endpoints: health, schema, docs.",
            [
                request(
                    "Health",
                    "GET",
                    "/api/health/",
                    auth=False,
                    tests=status(200) + has("status", "database", "workers", "sandbox"),
                ),
                request("OpenAPI schema", "GET", "/api/schema/", auth=False, tests=status(200)),
                request("Swagger UI", "GET", "/api/docs/", auth=False, tests=status(200)),
            ],
        ),
        folder(
            "1. Auth",
            "Register a fresh user, log in, and keep the token for every later request.",
            [
                request(
                    "Register",
                    "POST",
                    "/api/auth/register/",
                    auth=False,
                    prerequest=[
                        'pm.collectionVariables.set("username", "trader" + Date.now());',
                        'pm.collectionVariables.set("password", "Kx-" + Math.random().toString(36)'
                        '.slice(2) + "-Backtest!");',
                    ],
                    body={"username": "{{username}}", "email": "", "password": "{{password}}"},
                    tests=status(201) + has("token", "user"),
                ),
                request(
                    "Register: weak password is a field error",
                    "POST",
                    "/api/auth/register/",
                    auth=False,
                    body={"username": "weak{{$timestamp}}", "password": "123"},
                    tests=status(400)
                    + ERROR_SHAPE
                    + expect("names the field", "!!body.error.details.fields.password"),
                ),
                request(
                    "Login",
                    "POST",
                    "/api/auth/login/",
                    auth=False,
                    body={"username": "{{username}}", "password": "{{password}}"},
                    tests=status(200) + has("token") + save("token", "pm.response.json().token"),
                ),
                request(
                    "Me",
                    "GET",
                    "/api/auth/me/",
                    tests=status(200)
                    + expect("is me", 'body.username === pm.collectionVariables.get("username")'),
                ),
                request(
                    "Create a named token (key shown once)",
                    "POST",
                    "/api/auth/tokens/",
                    body={"name": "postman"},
                    tests=status(201)
                    + has("token")
                    + save("spare_token_id", "pm.response.json().details.id"),
                ),
                request(
                    "List tokens (prefixes, never keys)",
                    "GET",
                    "/api/auth/tokens/",
                    tests=status(200)
                    + expect("lists the named one", 'body.some(t => t.name === "postman")')
                    + expect(
                        "never a key", 'body.every(t => !("token" in t) && t.prefix.length === 8)'
                    ),
                ),
                request(
                    "Revoke the named token",
                    "DELETE",
                    "/api/auth/tokens/{{spare_token_id}}/",
                    tests=status(204),
                ),
                request(
                    "Strategies without a token: 401",
                    "GET",
                    "/api/strategies/",
                    auth=False,
                    tests=status(401) + ERROR_SHAPE,
                ),
            ],
        ),
        folder(
            "2. Generate",
            "Plain English -> strategy (offline generator without Gemini keys).",
            [
                request(
                    "Generate with AI (and run it)",
                    "POST",
                    "/api/strategies/generate_with_ai/",
                    headers=WAIT,
                    body={
                        "description": "Buy when the 10-day SMA crosses above the 30-day SMA, "
                        "sell when it crosses back below. 5% stop loss.",
                        "execute_after_generation": True,
                        "symbol": "GOOG",
                    },
                    tests=status(201)
                    + has("strategy_id", "status", "provider", "code", "execution_result")
                    + expect("ran successfully", "body.execution_result.success === true")
                    + save("strategy_id", "pm.response.json().strategy_id"),
                ),
                request(
                    "Generate (alias, answered as a job)",
                    "POST",
                    "/api/strategies/generate/",
                    body={
                        "description": "Buy when RSI(14) drops below 30, "
                        "sell when RSI rises above 70"
                    },
                    tests=status(202)
                    + has("job_id", "status", "job_url")
                    + save("generate_job_id", "pm.response.json().job_id"),
                ),
                request(
                    "Generate: not understood is a 422",
                    "POST",
                    "/api/strategies/generate_with_ai/",
                    body={"description": "buy when the moon is full and the stars align"},
                    tests=status(422)
                    + ERROR_SHAPE
                    + expect("says why", 'body.error.code === "description_not_understood"'),
                ),
                request(
                    "List strategies",
                    "GET",
                    "/api/strategies/",
                    tests=status(200) + has("count", "results"),
                ),
                request(
                    "Get the strategy",
                    "GET",
                    "/api/strategies/{{strategy_id}}/",
                    tests=status(200) + has("code", "status", "spec", "current_version"),
                ),
            ],
        ),
        folder(
            "3. Execute",
            "Backtest in the sandbox; every run is kept as history.",
            [
                request(
                    "Execute",
                    "POST",
                    "/api/strategies/{{strategy_id}}/execute/",
                    headers=WAIT,
                    body={"symbol": "GOOG", "cash": 10000, "commission": 0.002},
                    tests=status(200)
                    + has("success", "execution_id", "metrics", "plot_url", "plot_status")
                    + expect("succeeded", "body.success === true")
                    + save("execution_id", "pm.response.json().execution_id"),
                ),
                request(
                    "Execution detail (trades, equity curve)",
                    "GET",
                    "/api/strategies/{{strategy_id}}/executions/{{execution_id}}/",
                    tests=status(200) + has("trades", "equity_curve", "metrics"),
                ),
                request(
                    "Execution plot",
                    "GET",
                    "/api/strategies/{{strategy_id}}/executions/{{execution_id}}/plot/",
                    tests=PLOT_READY_OR_DRAWN,
                ),
                request(
                    "Execute: unknown symbol is a 404 naming the field",
                    "POST",
                    "/api/strategies/{{strategy_id}}/execute/",
                    body={"symbol": "NOPE"},
                    tests=status(404)
                    + ERROR_SHAPE
                    + expect("names symbol", "body.error.details.fields.symbol.length === 1"),
                ),
                request(
                    "Execute: a misspelled field is refused, never ignored",
                    "POST",
                    "/api/strategies/{{strategy_id}}/execute/",
                    body={"comission": 0.01},
                    tests=status(400)
                    + ERROR_SHAPE
                    + expect("names it", "body.error.details.unknown_fields[0] === 'comission'"),
                ),
                request(
                    "Validate the code",
                    "POST",
                    "/api/strategies/{{strategy_id}}/validate/",
                    tests=status(200) + has("valid", "findings"),
                ),
            ],
        ),
        folder(
            "3b. Research",
            "Parameters, optimisation (grid fanned out over the workers, SAMBO), walk-forward, "
            "Monte Carlo, another benchmark, multi-asset runs and the tearsheet.",
            [
                request(
                    "Create an SMA cross to research",
                    "POST",
                    "/api/strategies/",
                    body={"name": "SMA cross (research)", "code": SMA_CODE},
                    tests=status(201) + save("research_id", "pm.response.json().id"),
                ),
                request(
                    "Execute it",
                    "POST",
                    "/api/strategies/{{research_id}}/execute/",
                    headers=WAIT,
                    body={"symbol": "GOOG"},
                    tests=status(200)
                    + save("research_execution_id", "pm.response.json().execution_id"),
                ),
                request(
                    "Parameters (class attributes, read from the code)",
                    "GET",
                    "/api/strategies/{{research_id}}/parameters/",
                    tests=status(200) + has("strategy_class", "parameters"),
                ),
                request(
                    "Optimise (grid; {start, stop, step} is Python's range, stop excluded)",
                    "POST",
                    "/api/strategies/{{research_id}}/optimize/",
                    headers=WAIT,
                    body={
                        "test_symbol": "GOOG",
                        "start": "2010-01-01",
                        "end": "2012-12-31",
                        "params": {"n1": {"start": 5, "stop": 25, "step": 5}, "n2": [20, 40, 60]},
                        "constraint": "n1 < n2",
                        "maximize": "Sharpe Ratio",
                    },
                    tests=status(200)
                    + has("best_params", "best_stats", "heatmap", "tried")
                    + expect("tried every admissible combination", "body.tried === 11")
                    + save("best_n1", "pm.response.json().best_params.n1"),
                ),
                request(
                    "Apply the best parameters as a new version",
                    "POST",
                    "/api/strategies/{{research_id}}/apply_params/",
                    body={"params": {"n1": "{{best_n1}}"}},
                    prerequest=[
                        "const body = JSON.parse(pm.request.body.raw);",
                        'body.params.n1 = Number(pm.collectionVariables.get("best_n1"));',
                        "pm.request.body.raw = JSON.stringify(body);",
                    ],
                    tests=status(201) + has("number", "code"),
                ),
                request(
                    "Walk-forward",
                    "POST",
                    "/api/strategies/{{research_id}}/walk_forward/",
                    headers=WAIT,
                    body={
                        "test_symbol": "GOOG",
                        "params": {"n1": [5, 10], "n2": [20, 40]},
                        "maximize": "Return [%]",
                        "train_bars": 500,
                        "test_bars": 400,
                    },
                    tests=status(200)
                    + has("windows", "oos_return_pct", "oos_equity")
                    + expect("four windows", "body.windows.length === 4"),
                ),
                request(
                    "Monte Carlo of the execution's trades",
                    "POST",
                    "/api/strategies/{{research_id}}/monte_carlo/",
                    headers=WAIT,
                    body={
                        "execution_id": "{{research_execution_id}}",
                        "runs": 500,
                        "method": "bootstrap",
                        "seed": 7,
                    },
                    prerequest=[
                        "const body = JSON.parse(pm.request.body.raw);",
                        "body.execution_id = Number(",
                        '    pm.collectionVariables.get("research_execution_id"));',
                        "pm.request.body.raw = JSON.stringify(body);",
                    ],
                    tests=status(200) + has("return_pct", "max_drawdown", "prob_loss", "fan"),
                ),
                request(
                    "Execute against another benchmark",
                    "POST",
                    "/api/strategies/{{research_id}}/execute/",
                    headers=WAIT,
                    body={
                        "symbol": "GOOG",
                        "start": "2012-03-01",
                        "end": "2013-03-01",
                        "benchmark": "BTCUSD",
                    },
                    tests=status(200)
                    + expect("benchmark is BTCUSD", 'body.benchmark.symbol === "BTCUSD"'),
                ),
                request(
                    "Execute on several symbols (multi-asset)",
                    "POST",
                    "/api/strategies/{{research_id}}/execute/",
                    headers=WAIT,
                    body={"symbols": ["GOOG", "EURUSD"]},
                    tests=status(200)
                    + has("results", "summary")
                    + expect("two symbols", "body.summary.symbols === 2"),
                ),
                request(
                    "Look-ahead check",
                    "POST",
                    "/api/strategies/{{research_id}}/lookahead_check/",
                    headers=WAIT,
                    body={"test_symbol": "GOOG", "start": "2010-01-01", "end": "2012-12-31"},
                    tests=status(200)
                    + has("lookahead", "details", "checked")
                    + expect("the SMA cross does not peek", "body.lookahead === false"),
                ),
                request(
                    "Tearsheet of the execution (self-contained HTML)",
                    "GET",
                    "/api/strategies/{{research_id}}/executions/{{research_execution_id}}/tearsheet/",
                    tests=status(200),
                ),
            ],
        ),
        folder(
            "4. Fix",
            "Break the code, then let the fixer repair and verify it.",
            [
                request(
                    "Create a broken strategy",
                    "POST",
                    "/api/strategies/",
                    body={"name": "Broken SMA", "code": BROKEN_CODE},
                    tests=status(201) + save("broken_id", "pm.response.json().id"),
                ),
                request(
                    "Replace it (PUT)",
                    "PUT",
                    "/api/strategies/{{broken_id}}/",
                    body={
                        "name": "Broken SMA cross",
                        "description": "two mistakes",
                        "code": BROKEN_CODE,
                    },
                    tests=status(200),
                ),
                request(
                    "Rename it (PATCH)",
                    "PATCH",
                    "/api/strategies/{{broken_id}}/",
                    body={"name": "Broken SMA cross (to fix)"},
                    tests=status(200),
                ),
                request(
                    "Fix errors",
                    "POST",
                    "/api/strategies/{{broken_id}}/fix_errors/",
                    headers=WAIT,
                    body={"max_attempts": 3},
                    tests=status(200)
                    + has("success", "attempts", "fixes")
                    + expect("fixed", "body.success === true"),
                ),
                request(
                    "Fix history",
                    "GET",
                    "/api/strategies/{{broken_id}}/fix_history/",
                    tests=status(200) + expect("has attempts", "body.count >= 1"),
                ),
                request(
                    "Versions",
                    "GET",
                    "/api/strategies/{{broken_id}}/versions/",
                    tests=status(200) + expect("several versions", "body.count >= 2"),
                ),
                request(
                    "Restore version 1",
                    "POST",
                    "/api/strategies/{{broken_id}}/versions/1/restore/",
                    tests=status(201) + has("number", "source"),
                ),
            ],
        ),
        folder(
            "5. History and indicators",
            "",
            [
                request(
                    "Execution history",
                    "GET",
                    "/api/strategies/{{strategy_id}}/execution_history/",
                    query={"limit": "20"},
                    tests=status(200)
                    + has("strategy_id", "total_executions", "executions")
                    + expect("two runs", "body.total_executions >= 2"),
                ),
                request(
                    "All my executions (filtered, ordered)",
                    "GET",
                    "/api/executions/",
                    query={"symbol": "GOOG", "ordering": "-return_pct", "page_size": "10"},
                    tests=status(200)
                    + has("count", "results")
                    + expect("mine only", "body.results.length >= 1"),
                ),
                request(
                    "One execution by id",
                    "GET",
                    "/api/executions/{{execution_id}}/",
                    tests=status(200) + has("metrics", "trades", "equity_curve", "warnings"),
                ),
                request(
                    "Generator capabilities",
                    "GET",
                    "/api/strategies/capabilities/",
                    tests=status(200) + has("provider", "constructs"),
                ),
                request(
                    "Available indicators (featured)",
                    "GET",
                    "/api/strategies/available_indicators/",
                    query={"featured": "true"},
                    tests=status(200) + expect("the original seven", "body.count === 7"),
                ),
            ],
        ),
        folder(
            "6. Backtests",
            "Saved configurations and runs.",
            [
                request(
                    "Create a config",
                    "POST",
                    "/api/backtests/configs/",
                    body={
                        "name": "GOOG 2010s {{$timestamp}}",
                        "symbol": "GOOG",
                        "start": "2008-01-01",
                        "end": "2012-12-31",
                        "cash": 10000,
                        "commission": 0.001,
                    },
                    tests=status(201) + save("config_id", "pm.response.json().id"),
                ),
                request("List configs", "GET", "/api/backtests/configs/", tests=status(200)),
                request(
                    "Get config", "GET", "/api/backtests/configs/{{config_id}}/", tests=status(200)
                ),
                request(
                    "Replace config (PUT)",
                    "PUT",
                    "/api/backtests/configs/{{config_id}}/",
                    body={
                        "name": "GOOG 2008-2012 {{$timestamp}}",
                        "symbol": "GOOG",
                        "start": "2008-01-01",
                        "end": "2012-12-31",
                        "cash": 20000,
                        "commission": 0.001,
                    },
                    tests=status(200),
                ),
                request(
                    "Update config (PATCH)",
                    "PATCH",
                    "/api/backtests/configs/{{config_id}}/",
                    body={"cash": 25000},
                    tests=status(200),
                ),
                request(
                    "Run a strategy with the config",
                    "POST",
                    "/api/backtests/run/",
                    headers=WAIT,
                    body={"strategy": "{{strategy_id}}", "config": "{{config_id}}"},
                    # ids are numbers in JSON ("5" is refused, never converted)
                    prerequest=[
                        "const body = JSON.parse(pm.request.body.raw);",
                        'body.strategy = Number(pm.collectionVariables.get("strategy_id"));',
                        'body.config = Number(pm.collectionVariables.get("config_id"));',
                        "pm.request.body.raw = JSON.stringify(body);",
                    ],
                    tests=status(200)
                    + has("id", "status")
                    + save("run_id", "pm.response.json().id"),
                ),
                request(
                    "Quick run (spec)",
                    "POST",
                    "/api/backtests/quick_run/",
                    body={"spec": RSI_SPEC, "symbol": "GOOG"},
                    tests=status(200) + save("run2_id", "pm.response.json().id"),
                ),
                request("List runs", "GET", "/api/backtests/", tests=status(200)),
                request("Get run", "GET", "/api/backtests/{{run_id}}/", tests=status(200)),
                request(
                    "Run trades", "GET", "/api/backtests/{{run_id}}/trades/", tests=status(200)
                ),
                request(
                    "Run plot", "GET", "/api/backtests/{{run_id}}/plot/", tests=PLOT_READY_OR_DRAWN
                ),
                request(
                    "Export trades (CSV)",
                    "GET",
                    "/api/backtests/{{run_id}}/export/",
                    query={"format": "csv"},
                    tests=status(200),
                ),
                request(
                    "Compare runs",
                    "GET",
                    "/api/backtests/compare/",
                    query={"ids": "{{run_id}},{{run2_id}}", "rank_by": "sharpe_ratio"},
                    tests=status(200) + has("ranking", "runs", "best"),
                ),
                request(
                    "Compare (POST)",
                    "POST",
                    "/api/backtests/{{run_id}}/compare/",
                    body={"ids": ["{{run2_id}}"]},
                    prerequest=[
                        "const body = JSON.parse(pm.request.body.raw);",
                        'body.ids = [Number(pm.collectionVariables.get("run2_id"))];',
                        "pm.request.body.raw = JSON.stringify(body);",
                    ],
                    tests=status(200),
                ),
                request(
                    "Cancel a finished run: 409",
                    "POST",
                    "/api/backtests/{{run_id}}/cancel/",
                    tests=status(409) + ERROR_SHAPE,
                ),
                request("Delete run", "DELETE", "/api/backtests/{{run2_id}}/", tests=status(204)),
                request(
                    "Delete config",
                    "DELETE",
                    "/api/backtests/configs/{{config_id}}/",
                    tests=status(204),
                ),
            ],
        ),
        folder(
            "7. Market data",
            "",
            [
                request("Symbols", "GET", "/api/data/symbols/", tests=status(200) + has("symbols")),
                request(
                    "OHLCV",
                    "GET",
                    "/api/data/GOOG/ohlcv/",
                    query={"start": "2010-01-01", "end": "2010-03-31"},
                    tests=status(200) + has("count", "results"),
                ),
                request(
                    "Upload a CSV",
                    "POST",
                    "/api/data/upload/",
                    form=[
                        {"key": "name", "value": "PMSAMPLE", "type": "text"},
                        {"key": "file", "type": "file", "src": "postman/sample_ohlcv.csv"},
                    ],
                    tests=status(201),
                ),
                request("Datasets", "GET", "/api/data/datasets/", tests=status(200)),
                request(
                    "Fetch from Yahoo (no network here: 502 fetch_failed)",
                    "POST",
                    "/api/data/fetch/",
                    headers=WAIT,
                    body={"symbol": "AAPL", "start": "2020-01-01", "end": "2020-12-31"},
                    tests=status(200, 201, 502),
                ),
                request(
                    "Indicator series",
                    "GET",
                    "/api/data/indicators/compute/",
                    query={"symbol": "GOOG", "name": "RSI", "params": '{"timeperiod":14}'},
                    tests=status(200) + has("outputs"),
                ),
                request(
                    "Delete dataset", "DELETE", "/api/data/datasets/PMSAMPLE/", tests=status(204)
                ),
            ],
        ),
        folder(
            "8. Templates",
            "",
            [
                request(
                    "List templates",
                    "GET",
                    "/api/templates/",
                    tests=status(200)
                    + expect("at least 8 built-ins", "body.count >= 8")
                    + save("template_id", "pm.response.json().results[0].id"),
                ),
                request(
                    "Get template", "GET", "/api/templates/{{template_id}}/", tests=status(200)
                ),
                request(
                    "Instantiate",
                    "POST",
                    "/api/templates/{{template_id}}/instantiate/",
                    body={"name": "From template", "parameters": {}},
                    tests=status(201) + has("id", "code"),
                ),
                request(
                    "Create own template",
                    "POST",
                    "/api/templates/",
                    body={
                        "name": "My RSI {{$timestamp}}",
                        "category": "mean_reversion",
                        "spec": RSI_SPEC,
                        "parameters": [
                            {
                                "name": "period",
                                "path": "indicators.rsi.params.timeperiod",
                                "type": "int",
                                "default": 14,
                                "min": 2,
                                "max": 100,
                                "description": "RSI period",
                            }
                        ],
                    },
                    tests=status(201) + save("own_template_id", "pm.response.json().id"),
                ),
                request(
                    "Replace own template (PUT)",
                    "PUT",
                    "/api/templates/{{own_template_id}}/",
                    body={
                        "name": "My RSI v2 {{$timestamp}}",
                        "category": "mean_reversion",
                        "spec": RSI_SPEC,
                    },
                    tests=status(200),
                ),
                request(
                    "Update own template (PATCH)",
                    "PATCH",
                    "/api/templates/{{own_template_id}}/",
                    body={"description": "edited"},
                    tests=status(200),
                ),
                request(
                    "Delete own template",
                    "DELETE",
                    "/api/templates/{{own_template_id}}/",
                    tests=status(204),
                ),
            ],
        ),
        folder(
            "9. Production checks",
            "",
            [
                request(
                    "Spec JSON schema",
                    "GET",
                    "/api/production/strategies/schema/",
                    tests=status(200),
                ),
                request(
                    "Validate spec",
                    "POST",
                    "/api/production/strategies/validate-schema/",
                    body=RSI_SPEC,
                    tests=status(200) + expect("valid", "body.valid === true"),
                ),
                request(
                    "Validate code",
                    "POST",
                    "/api/production/strategies/validate-code/",
                    body={"code": SMA_CODE},
                    tests=status(200) + expect("valid", "body.valid === true"),
                ),
                request(
                    "Sandbox test (a real short run)",
                    "POST",
                    "/api/production/strategies/sandbox-test/",
                    body={"code": SMA_CODE, "symbol": "GOOG", "bars": 250},
                    headers={"Prefer": "wait=60"},
                    tests=status(200) + has("success", "num_trades", "sandbox_layers", "warnings"),
                ),
                request(
                    "Validate backtest config",
                    "POST",
                    "/api/production/backtests/validate-config/",
                    body={
                        "symbol": "GOOG",
                        "start": "2010-01-01",
                        "cash": 10000,
                        "commission": 0.002,
                    },
                    tests=status(200) + expect("valid", "body.valid === true"),
                ),
            ],
        ),
        folder(
            "10. Chat",
            "Edit a spec-based strategy by conversation (offline without Gemini).",
            [
                request(
                    "Ask for a change",
                    "POST",
                    "/api/strategies/{{strategy_id}}/chat/",
                    headers=WAIT,
                    body={"message": "add a 2% stop loss"},
                    tests=status(200) + has("content", "changed"),
                ),
                request(
                    "Conversation",
                    "GET",
                    "/api/strategies/{{strategy_id}}/chat/",
                    tests=status(200),
                ),
            ],
        ),
        folder(
            "11. Jobs and keys",
            "",
            [
                request(
                    "List jobs", "GET", "/api/jobs/", tests=status(200) + has("count", "results")
                ),
                request(
                    "Job",
                    "GET",
                    "/api/jobs/{{generate_job_id}}/",
                    tests=status(200) + has("status", "progress"),
                ),
                request(
                    "Job events",
                    "GET",
                    "/api/jobs/{{generate_job_id}}/events/",
                    tests=status(200) + expect("queued first", 'body[0].kind === "queued"'),
                ),
                # The generate job has finished (the prerequest script waits for it, up to 30 s):
                # a cancel changes nothing and says so.
                request(
                    "Cancel a finished job: 409",
                    "POST",
                    "/api/jobs/{{generate_job_id}}/cancel/",
                    prerequest=WAIT_FOR_GENERATE_JOB,
                    tests=status(409)
                    + ERROR_SHAPE
                    + expect("job_finished", 'body.error.code === "job_finished"')
                    + expect("names its status", 'body.error.details.status === "succeeded"'),
                ),
                request(
                    "Key status (staff only: 403 for this user)",
                    "GET",
                    "/api/keys/status/",
                    tests=status(403) + ERROR_SHAPE,
                ),
                request(
                    "Disable a key (staff only)",
                    "POST",
                    "/api/keys/key_01/disable/",
                    tests=status(403),
                ),
                request(
                    "Enable a key (staff only)",
                    "POST",
                    "/api/keys/key_01/enable/",
                    tests=status(403),
                ),
            ],
        ),
        folder(
            "12. Clean up",
            "",
            [
                request(
                    "Delete strategy", "DELETE", "/api/strategies/{{broken_id}}/", tests=status(204)
                ),
                request("Logout", "POST", "/api/auth/logout/", tests=status(204)),
                request(
                    "Token revoked: 401", "GET", "/api/auth/me/", tests=status(401) + ERROR_SHAPE
                ),
            ],
        ),
    ]


def collection() -> dict[str, Any]:
    return {
        "info": {
            "name": "AlgoAgent",
            "description": "The AlgoAgent REST API as a walkthrough. Set `baseUrl` (environment "
            "file: postman/AlgoAgent.postman_environment.json). Generated by "
            "scripts/build_postman.py.",
            "schema": SCHEMA,
        },
        "variable": [
            {"key": name, "value": ""}
            for name in (
                "username",
                "password",
                "token",
                "strategy_id",
                "execution_id",
                "broken_id",
                "config_id",
                "run_id",
                "run2_id",
                "template_id",
                "own_template_id",
                "generate_job_id",
            )
        ],
        "item": walkthrough(),
    }


def environment() -> dict[str, Any]:
    return {
        "name": "AlgoAgent local",
        "values": [{"key": "baseUrl", "value": "http://127.0.0.1:8000", "enabled": True}],
    }


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the files are out of date")
    args = parser.parse_args(argv)
    outputs = {COLLECTION: render(collection()), ENVIRONMENT: render(environment())}
    if args.check:
        stale = [p for p, text in outputs.items() if not p.exists() or p.read_text() != text]
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run python scripts/build_postman.py")
        return 1 if stale else 0
    OUT.mkdir(exist_ok=True)
    for path, text in outputs.items():
        path.write_text(text)
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

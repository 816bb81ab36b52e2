"""``python -m Backtest.quality [generation|fixing|roundtrip]``: print the quality rates as JSON."""

from __future__ import annotations

import importlib
import json
import sys

SUITES = ("generation", "fixing", "roundtrip")


def main(argv: list[str]) -> int:
    names = argv or list(SUITES)
    unknown = [n for n in names if n not in SUITES]
    if unknown:
        print(f"unknown suite(s): {', '.join(unknown)}; choose from {', '.join(SUITES)}")
        return 2
    report = {}
    summaries = []
    for name in names:
        module = importlib.import_module(f"Backtest.quality.{name}")
        report[name] = module.run()
        summarize = getattr(module, "summarize", None)
        if summarize is not None:
            summaries.append(summarize(report[name]))
    print(json.dumps(report, indent=2, default=str))
    for summary in summaries:  # the headline numbers last, where a console shows them
        print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

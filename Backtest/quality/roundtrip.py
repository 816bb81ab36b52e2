"""Round-trip measure: does the offline parser read ``understood_as`` back as the same strategy?

Every generated strategy carries ``understood_as`` (:func:`Backtest.spec.render_understood_as`),
and users copy that text, tweak it and submit it as a new description. For every spec of

* ``examples``: the bundled example specs (:func:`Backtest.spec.example_names`);
* ``templates``: the built-in strategy templates (``templates_api.builtins_v1``, plain data;
  skipped when that package is not importable);
* ``corpus``: the specs the parser builds from the generation corpus
  (:data:`Backtest.quality.generation.PARTS`; a held-out part is read only once its blind
  first run is recorded in ``tests/quality/<part>_first_run.md``, so this measure never runs
  the parser on a part before that first run),

render it, parse the rendering and compare:

* **identical** - read back, and the spec has the same facts (:mod:`.reference`) and renders
  to the same text;
* **refused** - the parser refuses its own rendering (a gap, never wrong);
* **different** - read back as another strategy. This must be 0.

``python -m Backtest.quality roundtrip`` prints the report and the headline numbers.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

from Backtest.llm.offline import DescriptionNotUnderstood, parse_description
from Backtest.quality.generation import CORPUS_DIR, PARTS, load_cases
from Backtest.quality.reference import mismatches, spec_facts
from Backtest.spec import (
    StrategySpec,
    example_names,
    example_spec_data,
    render_understood_as,
    validate_spec_v2,
)

SOURCES = ("examples", "templates", "corpus")


def readable_parts() -> list[str]:
    """The corpus parts this measure may run the parser on (see the module docstring)."""
    return [
        part
        for part in PARTS
        if not part.startswith("heldout")
        or part == "heldout"
        or (CORPUS_DIR / f"{part}_first_run.md").exists()
    ]


def _examples() -> Iterator[tuple[str, StrategySpec]]:
    for name in example_names():
        yield name, validate_spec_v2(example_spec_data(name))


def _templates() -> Iterator[tuple[str, StrategySpec]]:
    try:
        module = importlib.import_module("templates_api.builtins_v1")
    except ImportError:
        return
    templates: list[dict[str, Any]] = module.BUILTIN_TEMPLATES
    for template in templates:
        yield str(template["slug"]), validate_spec_v2(template["spec"])


def _corpus() -> Iterator[tuple[str, StrategySpec]]:
    for part in readable_parts():
        for case in load_cases(part):
            try:
                parsed = parse_description(case["text"])
            except DescriptionNotUnderstood:
                continue
            yield str(case["id"]), parsed.spec


def specs(source: str) -> Iterator[tuple[str, StrategySpec]]:
    """``(id, spec)`` of one source."""
    return {"examples": _examples, "templates": _templates, "corpus": _corpus}[source]()


def read_back(spec: StrategySpec) -> dict[str, Any]:
    """Render ``spec``, parse the text, compare: ``outcome`` identical | refused | different."""
    text = render_understood_as(spec)
    try:
        again = parse_description(text).spec
    except DescriptionNotUnderstood as exc:
        return {"outcome": "refused", "text": text, "message": exc.message}
    differences = mismatches(spec_facts(spec), spec_facts(again))
    rendered = render_understood_as(again)
    if rendered != text:
        differences.append(f"reads back as: {rendered}")
    if differences:
        return {"outcome": "different", "text": text, "differences": differences}
    return {"outcome": "identical", "text": text}


def run(*, sources: tuple[str, ...] = SOURCES) -> dict[str, Any]:
    """Read back every spec of ``sources``; JSON-safe totals and the cases not identical."""
    totals: dict[str, dict[str, int]] = {}
    cases: list[dict[str, Any]] = []
    for source in sources:
        counts = {"tried": 0, "identical": 0, "refused": 0, "different": 0}
        for spec_id, spec in specs(source):
            result = read_back(spec)
            counts["tried"] += 1
            counts[result["outcome"]] += 1
            if result["outcome"] != "identical":
                cases.append({"source": source, "id": spec_id, **result})
        totals[source] = counts
    overall = {key: sum(t[key] for t in totals.values()) for key in ("tried", "identical")}
    overall |= {key: sum(t[key] for t in totals.values()) for key in ("refused", "different")}
    return {
        "sources": totals,
        "total": overall,
        "refused": [c for c in cases if c["outcome"] == "refused"],
        "different": [c for c in cases if c["outcome"] == "different"],
    }


def summarize(report: dict[str, Any]) -> str:
    """The headline numbers, one line."""
    total = report["total"]
    rate = 100 * total["identical"] / total["tried"] if total["tried"] else 0.0
    per_source = ", ".join(
        f"{name} {t['identical']}/{t['tried']}" for name, t in report["sources"].items()
    )
    return (
        f"round trip: {total['tried']} specs tried, {total['identical']} read back identically "
        f"({rate:.1f}%), {total['refused']} refused, {total['different']} read back DIFFERENTLY "
        f"(must be 0) [{per_source}]"
    )

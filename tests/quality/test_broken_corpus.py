"""The broken-strategy corpus files and their manifests."""

from __future__ import annotations

from pathlib import Path

import pytest

from Backtest.fixer.analyzer import ERROR_TYPES
from Backtest.quality.corpus import PARTS, CorpusError, load_part

ALL = [case for part in PARTS for case in load_part(part)]


def test_corpus_is_large_varied_and_has_a_held_out_part() -> None:
    held_out = load_part("held_out")
    assert len(ALL) >= 40
    assert len(held_out) >= 15
    assert len({c.name for c in ALL}) == len(ALL)
    assert len({c.error_type for c in held_out}) >= 7
    assert any(not c.meaning_preserving_fix for c in held_out)
    assert sum(c.meaning_preserving_fix for c in held_out) >= 10


@pytest.mark.parametrize("case", ALL, ids=lambda c: f"{c.part}/{c.name}")
def test_every_case_is_labelled(case) -> None:
    assert case.error_type in ERROR_TYPES
    assert case.mistakes
    assert "class " in case.code


def test_every_held_out_case_has_a_reference_fix_and_key_facts() -> None:
    for case in load_part("held_out"):
        assert case.reference is not None, case.name
        assert case.reference != case.code, case.name
        assert case.expected_fix, case.name


def test_a_manifest_entry_without_its_file_is_refused(tmp_path: Path) -> None:
    part = tmp_path / "p"
    part.mkdir()
    (part / "manifest.toml").write_text(
        '[ghost]\nerror_type = "name_error"\nmeaning_preserving_fix = true\n'
    )
    with pytest.raises(CorpusError, match="no file ghost.py"):
        load_part("p", root=tmp_path)


def test_a_file_missing_from_the_manifest_is_refused(tmp_path: Path) -> None:
    part = tmp_path / "p"
    part.mkdir()
    (part / "manifest.toml").write_text("")
    (part / "stray.py").write_text("class A: pass\n")
    with pytest.raises(CorpusError, match="stray.py"):
        load_part("p", root=tmp_path)


def test_meaning_preserving_flag_must_be_a_bool(tmp_path: Path) -> None:
    part = tmp_path / "p"
    part.mkdir()
    (part / "a.py").write_text("class A: pass\n")
    (part / "manifest.toml").write_text(
        '[a]\nerror_type = "name_error"\nmeaning_preserving_fix = "yes"\n'
    )
    with pytest.raises(CorpusError, match="not a bool"):
        load_part("p", root=tmp_path)

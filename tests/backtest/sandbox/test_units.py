"""Fast unit tests of the sandbox's pure parts: framing, limits, jobs, serialisation, validation."""

from __future__ import annotations

import base64
import inspect
import json
import math
import os
import signal
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from backtesting import Backtest
from backtesting.test import GOOG

from Backtest.sandbox._host.results import ExecutionResult, InvalidPayload, classify
from Backtest.sandbox._host.validate import (
    apply_payload,
    validate_equity,
    validate_indicators,
    validate_stats,
    validate_trades,
)
from Backtest.sandbox._linux import mounts
from Backtest.sandbox._server.procs import Proc
from Backtest.sandbox._server.runstate import Run
from Backtest.sandbox._wire import datafiles, job, protocol, serialize
from Backtest.sandbox._wire.limits import Limits, LimitsError


# ---- protocol ----------------------------------------------------------------------------------
def test_frames_round_trip_through_the_buffer():
    buf = protocol.FrameBuffer(max_frame=1000, max_total=10_000)
    data = protocol.encode({"a": 1}) + protocol.encode({"b": [1, 2]})
    frames = buf.feed(data[:5]) + buf.feed(data[5:])
    assert frames == [{"a": 1}, {"b": [1, 2]}]


def test_a_result_frame_is_passed_on_verbatim_inside_the_response():
    buf = protocol.FrameBuffer(max_frame=1000, max_total=10_000)
    sent = {"type": "result", "text": 'caf\u00e9 "}, "status": "forged', "x": [1, 2.5]}
    ((frame, raw),) = buf.feed_raw(protocol.encode(sent))
    assert frame == sent
    envelope = {"status": "finished", "violations": []}
    response = protocol.encode_with_raw(envelope, "result", raw)
    assert protocol.decode_payload(response[protocol.HEADER.size :]) == {**envelope, "result": sent}
    with pytest.raises(ValueError, match="already in the frame"):
        protocol.encode_with_raw({"result": None}, "result", raw)


def test_oversized_frame_header_is_rejected_before_reading_the_body():
    buf = protocol.FrameBuffer(max_frame=1000, max_total=10_000)
    with pytest.raises(protocol.ProtocolError, match="exceeds limit"):
        buf.feed(struct.pack(">I", 2**31) + b"x")


def test_channel_byte_budget_is_enforced():
    buf = protocol.FrameBuffer(max_frame=100, max_total=150)
    frames = protocol.encode({"pad": "x" * 40}) * 10
    with pytest.raises(protocol.ProtocolError, match="more than 150 bytes"):
        buf.feed(frames)


@pytest.mark.parametrize("payload", [b"NaN", b'{"a": NaN}', b'{"a": Infinity}', b"[1]", b"\xff"])
def test_decode_rejects_non_objects_and_non_finite_numbers(payload):
    with pytest.raises(protocol.ProtocolError):
        protocol.decode_payload(payload)


def test_decode_turns_absurd_nesting_into_a_protocol_error():
    with pytest.raises(protocol.ProtocolError):
        protocol.decode_payload(b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}")


def test_encode_refuses_nan():
    with pytest.raises(ValueError, match="not JSON compliant"):
        protocol.encode({"x": math.nan})


# ---- limits and jobs ---------------------------------------------------------------------------
def test_limits_reject_nonsense_and_unknown_keys():
    with pytest.raises(LimitsError):
        Limits(timeout_s=0)
    with pytest.raises(LimitsError):
        Limits(memory_mb=10)
    with pytest.raises(LimitsError, match="unknown"):
        Limits.from_dict({"timeout_s": 1, "nope": 2})
    with pytest.raises(LimitsError, match="integer"):
        Limits.from_dict({"memory_mb": 1000.5})
    assert Limits.from_dict(Limits(cpu_seconds=5).to_dict()) == Limits(cpu_seconds=5)


def test_cpu_budget_defaults_to_the_wall_clock_timeout():
    assert Limits(timeout_s=10.2).effective_cpu_seconds == 13
    assert Limits(timeout_s=10, cpu_seconds=3).effective_cpu_seconds == 3


def test_backtest_options_match_backtesting_signature():
    params = inspect.signature(Backtest.__init__).parameters
    keyword_only = {n for n, p in params.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}
    assert keyword_only == set(job.BACKTEST_OPTIONS)


def test_unknown_backtest_option_is_a_clear_error():
    with pytest.raises(job.JobError, match="unknown backtest option.*'leverage'"):
        job.validate_options({"leverage": 2})


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"cash": -1}, "cash must be positive"),
        ({"margin": 2}, "margin"),
        ({"hedging": "yes"}, "bool"),
        ({"commission": [1, 2, 3]}, "pair"),
        ({"commission": lambda size, price: 1.0}, "callable"),
        ({"spread": float("nan")}, "finite"),
    ],
)
def test_bad_option_values_are_rejected(options, message):
    with pytest.raises(job.JobError, match=message):
        job.validate_options(options)


def test_commission_pair_becomes_a_tuple_for_backtesting():
    assert job.validate_options({"commission": [1.0, 0.001]}) == {"commission": (1.0, 0.001)}


def test_strategy_params_must_be_public_identifiers_with_json_values():
    assert job.validate_params({"n1": 5, "name": "x"}) == {"n1": 5, "name": "x"}
    with pytest.raises(job.JobError):
        job.validate_params({"_private": 1})
    with pytest.raises(job.JobError):
        job.validate_params({"n": object()})


def test_job_rejects_unknown_fields_and_empty_code():
    with pytest.raises(job.JobError, match="unknown job field"):
        job.validate_job({"code": "x=1", "evil": True})
    with pytest.raises(job.JobError, match="non-empty"):
        job.validate_job({"code": "   "})


# ---- serialisation -----------------------------------------------------------------------------
def test_json_safe_converts_timestamps_timedeltas_and_non_finite():
    assert serialize.json_safe(pd.Timestamp("2020-01-02 03:04:05")) == "2020-01-02T03:04:05"
    assert serialize.json_safe(pd.Timedelta(days=1)) == 86400.0
    assert serialize.json_safe(np.float64("nan")) is None
    assert serialize.json_safe(np.float64("inf")) is None
    assert serialize.json_safe(pd.NaT) is None
    assert serialize.json_safe(np.int64(3)) == 3


def test_downsampling_keeps_first_last_and_extremes():
    rng = np.random.default_rng(7)
    equity = 10_000 + np.cumsum(rng.normal(size=100_000))
    drawdown = 1 - equity / np.maximum.accumulate(equity)
    keep = serialize.downsample_indices(equity, drawdown, 2000)
    assert len(keep) <= 2000
    for must in (0, len(equity) - 1, equity.argmin(), equity.argmax(), drawdown.argmax()):
        assert must in keep
    assert np.all(np.diff(keep) > 0)


def test_short_curves_are_not_downsampled():
    assert list(serialize.downsample_indices(np.ones(10), np.zeros(10), 2000)) == list(range(10))


def test_iso_strings_match_timestamp_isoformat():
    index = pd.DatetimeIndex(["2020-01-01 00:00:00", "2020-01-01 00:00:01.5", None])
    assert serialize._iso_strings(index) == [
        pd.Timestamp("2020-01-01").isoformat(),
        pd.Timestamp("2020-01-01 00:00:01.5").isoformat(),
        None,
    ]


# ---- data hand-over ----------------------------------------------------------------------------
def test_dataset_round_trip_preserves_values_dtypes_and_index(tmp_path):
    datafiles.write_dataset(GOOG, tmp_path)
    back = datafiles.read_dataset(tmp_path)
    pd.testing.assert_frame_equal(back, GOOG)


def test_dataset_round_trip_with_timezone_and_extra_columns(tmp_path):
    index = pd.date_range("2024-01-01", periods=50, freq="1h", tz="America/New_York")
    df = pd.DataFrame(
        {"Open": 1.0, "High": 2.0, "Low": 0.5, "Close": 1.5, "Signal": np.arange(50)}, index=index
    )
    datafiles.write_dataset(df, tmp_path)
    pd.testing.assert_frame_equal(datafiles.read_dataset(tmp_path), df)


@pytest.mark.parametrize(
    "index",
    [
        pd.date_range("2020-01-01", periods=5000, freq="1min"),
        pd.date_range("2024-03-01", periods=60, freq="D", tz="America/New_York"),  # over DST
        pd.date_range("2024-01-01", periods=30, freq="B"),
        pd.DatetimeIndex(["2024-01-01", "2024-01-02", "2024-01-04"]),
    ],
    ids=["minutes", "daily-dst", "business-days", "irregular"],
)
def test_dataset_round_trip_keeps_the_index_and_its_frequency(tmp_path, index):
    mixed = {"Open": np.arange(len(index), dtype="f8"), "Volume": np.arange(len(index))}
    df = pd.DataFrame({**mixed, "Close": 2.0}, index=index.rename("Date"))
    datafiles.write_dataset(df, tmp_path)
    back = datafiles.read_dataset(tmp_path)
    pd.testing.assert_frame_equal(back, df)
    assert back.index.freq == df.index.freq


def test_dataset_with_a_tampered_regular_index_is_not_trusted_to_be_regular(tmp_path):
    index = pd.date_range("2020-01-01", periods=10, freq="1min")
    datafiles.write_dataset(pd.DataFrame({"Close": np.ones(10)}, index=index), tmp_path)
    values = np.load(tmp_path / "index.npy")
    values[5] += np.timedelta64(1, "s")
    np.save(tmp_path / "index.npy", values)
    with pytest.raises(ValueError, match="frequency"):
        datafiles.read_dataset(tmp_path)


def test_dataset_rejects_object_columns_and_empty_frames(tmp_path):
    with pytest.raises(datafiles.DatasetError, match="unsupported dtype"):
        datafiles.write_dataset(pd.DataFrame({"Close": ["a", "b"]}), tmp_path)
    with pytest.raises(datafiles.DatasetError, match="empty"):
        datafiles.write_dataset(GOOG.iloc[:0], tmp_path)


def test_dataset_files_are_plain_npy_without_pickles(tmp_path):
    datafiles.write_dataset(GOOG, tmp_path)
    manifest = json.loads((tmp_path / datafiles.MANIFEST).read_text())
    for col in manifest["columns"]:
        arr = np.load(tmp_path / col["file"], allow_pickle=False)
        assert arr.dtype != object


# ---- result validation (the child's payload is untrusted) ---------------------------------------
def test_stats_validation_bounds_keys_and_values():
    assert validate_stats({"Return [%]": 1.5, "Start": "2020-01-01"}) == {
        "Return [%]": 1.5,
        "Start": "2020-01-01",
    }
    with pytest.raises(InvalidPayload):
        validate_stats({str(i): i for i in range(101)})
    with pytest.raises(InvalidPayload):
        validate_stats({"x": [1, 2]})
    with pytest.raises(InvalidPayload):
        validate_stats({"x": "y" * 5000})


def test_trade_columns_must_be_known_and_equally_long():
    rows = validate_trades({"entry_bar": [1, 2], "pnl": [1.0, None]}, max_trades=10)
    assert rows == [{"entry_bar": 1, "pnl": 1.0}, {"entry_bar": 2, "pnl": None}]
    with pytest.raises(InvalidPayload):
        validate_trades({"entry_bar": [1], "pnl": [1.0, 2.0]}, max_trades=10)
    with pytest.raises(InvalidPayload):
        validate_trades({"shell": ["rm -rf /"]}, max_trades=10)
    with pytest.raises(InvalidPayload):
        validate_trades({"pnl": [1.0] * 11}, max_trades=10)


def test_equity_validation_checks_types_and_sizes():
    rows, total = validate_equity(
        {"time": ["t"], "equity": [1.0], "drawdown_pct": [0.0], "total_points": 5}, max_points=10
    )
    assert rows == [{"time": "t", "equity": 1.0, "drawdown_pct": 0.0}]
    assert total == 5
    with pytest.raises(InvalidPayload):
        validate_equity(
            {"time": ["t"], "equity": ["1"], "drawdown_pct": [0.0], "total_points": 1},
            max_points=10,
        )


def test_indicator_values_travel_packed_one_row_per_line_and_are_checked():
    class Named(np.ndarray):
        pass

    sma = np.array([np.nan, 1.5, 2.5]).view(Named)
    sma.name = "SMA(C,2)"
    bands = np.array([[1.0, 2.0, 3.0], [0.5, 1.0, np.inf]]).view(Named)
    bands.name = ["upper", "lower"]
    packed = serialize.indicator_columns([sma, bands], 3)
    checked = validate_indicators(packed, bars=3)
    assert checked == {
        "items": [
            {"name": "SMA(C,2)", "rows": [[None, 1.5, 2.5]]},
            {"name": "upper, lower", "rows": [[1.0, 2.0, 3.0], [0.5, 1.0, None]]},
        ]
    }
    assert "skipped" in serialize.indicator_columns([np.zeros(4)], 3)  # not one value per bar
    assert "skipped" in serialize.indicator_columns([np.array(["a", "b", "c"])], 3)  # not numbers
    for bad in (
        {"items": [{"name": "x", "rows": [serialize.packed_floats([1.0, 2.0])]}]},  # 2 of 3 bars
        {"items": [{"name": "x"}]},
        {"items": "x"},
        {"items": [], "extra": 1},
        {"skipped": 5},
    ):
        with pytest.raises(InvalidPayload):
            validate_indicators(bad, bars=3)


def test_a_job_asks_for_indicators_with_a_bool_and_a_batch_cannot():
    assert job.validate_job({"code": "x", "indicators": True})["indicators"] is True
    assert job.validate_job({"code": "x"})["indicators"] is False
    with pytest.raises(job.JobError):
        job.validate_job({"code": "x", "indicators": "yes"})
    with pytest.raises(job.JobError):
        job.validate_job({"code": "x", "mode": "batch", "param_sets": [{}], "indicators": True})


def test_packed_columns_round_trip_exactly_and_non_finite_becomes_none():
    values = np.array([0.1, 1e-300, -2.5, np.nan, np.inf])
    rows, _ = validate_equity(
        {
            "time": ["a", "b", "c", "d", "e"],
            "equity": serialize.packed_floats(values),
            "drawdown_pct": serialize.packed_ints(np.arange(5)),
            "total_points": 5,
        },
        max_points=10,
    )
    assert [r["equity"] for r in rows] == [0.1, 1e-300, -2.5, None, None]
    assert [r["drawdown_pct"] for r in rows] == [0, 1, 2, 3, 4]
    trades = validate_trades({"entry_bar": serialize.packed_ints([3, 7])}, max_trades=10)
    assert trades == [{"entry_bar": 3}, {"entry_bar": 7}]


@pytest.mark.parametrize(
    "column",
    [
        {"f8": "not base64!"},
        {"f8": base64.b64encode(b"1234567").decode()},  # not whole 8-byte values
        {"f8": base64.b64encode(bytes(8 * 11)).decode()},  # more than max_trades
        {"f8": "", "i8": ""},
        {"u1": ""},
        {"f8": 5},
    ],
    ids=["bad-base64", "ragged", "too-many", "two-keys", "unknown-dtype", "not-text"],
)
def test_malformed_packed_columns_are_invalid(column):
    with pytest.raises(InvalidPayload):
        validate_trades({"pnl": column}, max_trades=10)


def test_packed_columns_must_match_the_field_type():
    with pytest.raises(InvalidPayload):  # bars are integers
        validate_trades({"entry_bar": serialize.packed_floats([1.0])}, max_trades=10)
    with pytest.raises(InvalidPayload):  # tags are strings
        validate_trades({"tag": serialize.packed_ints([1])}, max_trades=10)
    with pytest.raises(InvalidPayload):
        validate_trades({"entry_bar": serialize.packed_ints([-5])}, max_trades=10)


def test_nothing_may_follow_done_on_the_result_channel():
    run = Run(conn=None, accepted_at=0.0)  # type: ignore[arg-type]
    run.proc = Proc(pid=0, pidfd=-1, prepared=True)
    run.on_frame({"type": "ready", "layers": []})
    with pytest.raises(protocol.ProtocolError):  # "done" only after the result
        Run.on_frame(run, {"type": "done"})
    run.on_frame({"type": "result", "ok": True})
    run.on_frame({"type": "done"})
    assert run.done
    for extra in ({"type": "done"}, {"type": "result"}, {"type": "violation"}):
        with pytest.raises(protocol.ProtocolError):
            run.on_frame(extra)


def test_the_servers_own_kill_after_done_is_not_a_failure():
    run = Run(conn=None, accepted_at=0.0)  # type: ignore[arg-type]
    run.result = {"ok": True}
    run.status = signal.SIGKILL  # a wait status: killed by SIGKILL
    assert classify(run.response(), {}).error_type == "sandbox_error"
    run.ended_by_server = True
    assert classify(run.response(), {}) is None
    run.status = signal.SIGSYS  # a seccomp kill just before ours still counts
    assert classify(run.response(), {}).error_type == "security_violation"


def test_usage_of_a_live_process_comes_from_the_kernel():
    code = "b = bytearray(64 << 20)\nb[::4096] = b'x' * len(b[::4096])\nprint(flush=True)\ninput()"
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    proc = Proc(pid=child.pid, pidfd=os.pidfd_open(child.pid))
    try:
        assert child.stdout is not None
        child.stdout.readline()  # the memory is touched
        usage = proc.usage()
        assert usage is not None
        cpu_s, peak_kb = usage
        assert cpu_s >= 0
        assert peak_kb >= 64 * 1024
    finally:
        child.kill()
        child.wait()
        os.close(proc.pidfd)


def test_payload_with_bogus_error_type_is_invalid():
    result = ExecutionResult(success=False)
    with pytest.raises(InvalidPayload):
        apply_payload(
            result,
            {"type": "result", "ok": False, "error_type": "<script>"},
            max_trades=1,
            max_points=1,
        )


def test_server_facts_win_over_the_payload():
    base = {"status": "finished", "violations": [], "result": {"ok": True}}
    assert classify({**base, "killed_for": "timeout"}, {"timeout_s": 1}).error_type == "timeout"
    violation = {"kind": "os.system", "message": "no"}
    assert classify({**base, "violations": [violation]}, {}).error_type == "security_violation"
    assert classify({**base, "signal": 31}, {}).error_type == "security_violation"  # SIGSYS
    assert classify(base, {}) is None


# ---- OS pieces that need no process ------------------------------------------------------------
def test_seccomp_program_compiles_to_classic_bpf():
    from Backtest.sandbox._linux import seccomp_build

    program = seccomp_build.compile_bpf(shared_memory=False)
    assert len(program) % 8 == 0
    assert 50 < len(program) // 8 < 4096


def test_seccomp_program_gets_the_process_pid_patched_in():
    from Backtest.sandbox._linux import seccomp, seccomp_build

    program = seccomp_build.compile_bpf(shared_memory=True)
    placeholder = struct.pack("<I", seccomp.PID_PLACEHOLDER)
    assert placeholder in program
    patched = seccomp.program_for(program, 4242)
    assert placeholder not in patched
    assert struct.pack("<I", 4242) in patched
    assert len(patched) == len(program)
    with pytest.raises(ValueError, match="placeholder"):
        seccomp.program_for(patched, 7)


def test_rootfs_plan_never_exposes_the_repository_or_work_root(tmp_path):
    repo = str(Path(mounts.__file__).resolve().parents[3])
    plan = mounts.plan_rootfs(
        repo_root=repo, expose=["Backtest/__init__.py"], exclude=[str(tmp_path)]
    )
    assert repo not in plan.ro_paths
    assert not any(p == "/" or repo.startswith(p + "/") for p in plan.ro_paths)
    assert f"{repo}/Backtest/__init__.py" in plan.ro_paths
    assert not any(p.startswith(str(tmp_path)) for p in plan.ro_paths)

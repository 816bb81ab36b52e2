"""Hand OHLCV data from the trusted parent to the sandbox as plain ``.npy`` files.

The parent writes one array per column (dtype preserved) plus a small JSON manifest; the child
memory-maps them read-only. A million bars cost a few tens of milliseconds and no copy in the
child, and nothing is ever unpickled on either side (``allow_pickle=False``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

MANIFEST = "manifest.json"
MAX_COLUMNS = 256
_ALLOWED_KINDS = "biuf"  # bool, int, unsigned, float


class DatasetError(ValueError):
    """The DataFrame cannot be handed to the sandbox (unsupported dtype, index or names)."""


def _tz_name(tz: Any) -> str:
    if tz is dt.UTC:
        return "UTC"
    key = getattr(tz, "key", None) or getattr(tz, "zone", None)
    if isinstance(key, str):
        return key
    name = str(tz)
    if name == "UTC":
        return name
    raise DatasetError(f"unsupported index time zone {tz!r}: use UTC or an IANA zone name")


def write_dataset(df: pd.DataFrame, directory: str | os.PathLike[str]) -> dict[str, Any]:
    """Write ``df`` into ``directory`` (which must exist and be empty); return the manifest."""
    if not isinstance(df, pd.DataFrame):
        raise DatasetError(f"data must be a pandas DataFrame, got {type(df).__name__}")
    if len(df) == 0:
        raise DatasetError("data is empty")
    if len(df.columns) > MAX_COLUMNS:
        raise DatasetError(f"data has {len(df.columns)} columns (max {MAX_COLUMNS})")
    names = list(df.columns)
    if not all(isinstance(n, str) and 0 < len(n) <= 200 for n in names):
        raise DatasetError("column names must be non-empty strings (<= 200 chars)")
    if len(set(names)) != len(names):
        raise DatasetError("column names must be unique")
    out = Path(directory)
    columns = []
    for i, name in enumerate(names):
        series = df.iloc[:, i]
        dtype = series.dtype
        if not (isinstance(dtype, np.dtype) and dtype.kind in _ALLOWED_KINDS):
            raise DatasetError(f"column {name!r} has unsupported dtype {dtype} (numeric only)")
        file = f"c{i}.npy"
        np.save(out / file, np.ascontiguousarray(series.to_numpy()), allow_pickle=False)
        columns.append({"name": name, "file": file})
    index = df.index
    index_meta: dict[str, Any] = {"file": "index.npy", "name": _index_name(index)}
    if isinstance(index, pd.DatetimeIndex):
        index_meta["kind"] = "datetime"
        index_meta["freq"] = index.freqstr if index.freq is not None else None
        if index.tz is not None:
            index_meta["tz"] = _tz_name(index.tz)
            values = index.tz_convert("UTC").tz_localize(None).to_numpy()
        else:
            index_meta["tz"] = None
            values = index.to_numpy()
    elif isinstance(index, pd.RangeIndex):
        index_meta.update(kind="range", start=index.start, stop=index.stop, step=index.step)
        values = None
    else:
        values = index.to_numpy()
        if not (isinstance(values.dtype, np.dtype) and values.dtype.kind in "iuf"):
            raise DatasetError(f"unsupported index type {type(index).__name__}")
        index_meta["kind"] = "numeric"
    if values is not None:
        np.save(out / "index.npy", np.ascontiguousarray(values), allow_pickle=False)
    manifest = {"rows": len(df), "columns": columns, "index": index_meta}
    (out / MANIFEST).write_text(json.dumps(manifest))
    # Readable by the sandbox's unprivileged uid whatever the caller's umask is.
    for path in out.iterdir():
        os.chmod(path, 0o644)
    return manifest


def _index_name(index: pd.Index) -> str | None:
    name = index.name
    if name is None or isinstance(name, str):
        return name
    raise DatasetError("index name must be a string or None")


def read_dataset(directory: str | os.PathLike[str]) -> pd.DataFrame:
    """Rebuild the DataFrame from memory-mapped arrays (runs inside the sandbox)."""
    base = Path(directory)
    manifest = json.loads((base / MANIFEST).read_text())
    rows = int(manifest["rows"])
    data = {}
    for col in manifest["columns"]:
        arr = np.load(base / _plain(col["file"]), mmap_mode="r", allow_pickle=False)
        if arr.shape != (rows,):
            raise DatasetError(f"column {col['name']!r} has shape {arr.shape}, expected {rows}")
        data[col["name"]] = np.asarray(arr)
    meta = manifest["index"]
    if meta["kind"] == "range":
        index: pd.Index = pd.RangeIndex(meta["start"], meta["stop"], meta["step"])
    else:
        raw = np.load(base / _plain(meta["file"]), allow_pickle=False)
        if meta["kind"] == "datetime":
            index = pd.DatetimeIndex(raw)
            if meta.get("tz"):
                index = index.tz_localize("UTC").tz_convert(meta["tz"])
            if meta.get("freq"):
                index = pd.DatetimeIndex(index, freq=meta["freq"])
        else:
            index = pd.Index(raw)
    index.name = meta.get("name")
    return pd.DataFrame(data, index=index, copy=False)


def _plain(name: str) -> str:
    if os.path.basename(name) != name or name.startswith("."):
        raise DatasetError(f"bad file name in manifest: {name!r}")
    return name

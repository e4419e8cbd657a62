"""Microdata as CSV bytes, produced in chunks so a large DataFrame is never one string.

airlock's CSV semantics: a header row, UTF-8, an empty field is missing (as are ``NA``/``NaN``
in a measure). pandas writes NaN and None as empty fields, which is what airlock reads as
missing; the client only keeps the columns the output needs (data minimisation: what the
check does not use never leaves the analysis environment).
"""

from __future__ import annotations

import csv
import io
import os
from typing import Any, Iterable, Iterator, List, Mapping, Optional, Sequence

__all__ = ["csv_chunks", "csv_text", "is_dataframe", "select_columns"]

CHUNK_ROWS = 50_000
FILE_CHUNK = 1 << 20


def is_dataframe(obj: Any) -> bool:
    """True for a pandas DataFrame (without importing pandas when it is not in use)."""
    return type(obj).__name__ == "DataFrame" and hasattr(obj, "to_csv") and hasattr(obj, "columns")


def _unique(names: Iterable[Optional[str]]) -> List[str]:
    out: List[str] = []
    for n in names:
        if n is not None and n not in out:
            out.append(n)
    return out


def select_columns(data: Any, names: Sequence[Optional[str]]) -> Any:
    """Only the named columns of a DataFrame (in that order), or the data unchanged otherwise.

    A name the data lacks raises ``KeyError`` here, before anything is sent.
    """
    wanted = _unique(names)
    if is_dataframe(data):
        missing = [n for n in wanted if n not in data.columns]
        if missing:
            raise KeyError(f"the DataFrame has no column {missing[0]!r}")
        return data.loc[:, wanted]
    if isinstance(data, list):
        return [{k: row.get(k) for k in wanted} for row in data]
    return data


def _df_chunks(df: Any, chunk_rows: int) -> Iterator[bytes]:
    n = len(df)
    if n == 0:
        yield _df_csv(df.iloc[0:0], header=True).encode("utf-8")
        return
    for start in range(0, n, chunk_rows):
        yield _df_csv(df.iloc[start : start + chunk_rows], header=start == 0).encode("utf-8")


def _df_csv(df: Any, header: bool) -> str:
    buf = io.StringIO()
    try:
        df.to_csv(buf, index=False, header=header, lineterminator="\n")
    except TypeError:  # pandas < 1.5 spells it line_terminator
        df.to_csv(buf, index=False, header=header, line_terminator="\n")
    return buf.getvalue()


def _rows_chunks(rows: Sequence[Mapping[str, Any]], chunk_rows: int) -> Iterator[bytes]:
    fields = _unique(k for row in rows for k in row)
    for start in range(0, max(len(rows), 1), chunk_rows):
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n", extrasaction="raise")
        if start == 0:
            w.writeheader()
        for row in rows[start : start + chunk_rows]:
            w.writerow({k: "" if v is None or (isinstance(v, float) and v != v) else v for k, v in row.items()})
        yield buf.getvalue().encode("utf-8")


def _file_chunks(path: "os.PathLike[str] | str") -> Iterator[bytes]:
    with open(path, "rb") as f:
        while True:
            b = f.read(FILE_CHUNK)
            if not b:
                return
            yield b


def csv_chunks(data: Any, chunk_rows: int = CHUNK_ROWS) -> Iterator[bytes]:
    """The data as UTF-8 CSV, chunk by chunk.

    ``data`` is a pandas DataFrame, a list of row dicts, CSV text or bytes, or the path of a
    CSV file (streamed from disk as it is).

    Example:
        >>> b"".join(csv_chunks([{"region": "north", "sex": "F"}, {"region": "south", "sex": None}]))
        b'region,sex\\nnorth,F\\nsouth,\\n'
    """
    if is_dataframe(data):
        return _df_chunks(data, chunk_rows)
    if isinstance(data, list):
        return _rows_chunks(data, chunk_rows)
    if isinstance(data, bytes):
        return iter([data])
    if isinstance(data, str) and "\n" in data:  # CSV text; a string without a line break is a path
        return iter([data.encode("utf-8")])
    if isinstance(data, (str, os.PathLike)):
        return _file_chunks(data)
    raise TypeError(f"microdata must be a DataFrame, a list of row dicts, CSV text or a file path, not {type(data).__name__}")


def csv_text(data: Any) -> str:
    """The whole CSV as one string (for outputs embedded in a JSON request)."""
    return b"".join(csv_chunks(data)).decode("utf-8")

"""Writing a table back to a file in the format its name asks for (CSV, Excel, Parquet)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from outcomelab.errors import InputError, ReadError

__all__ = ["write_table"]


def write_table(data: pd.DataFrame, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` as CSV (UTF-8, ``,``), Excel (.xlsx) or Parquet, atomically.

    Parameters
    ----------
    data
        The table; text columns are written as they are (nothing reformatted).
    path
        Target file; the format follows the ending (``.csv``/``.txt``, ``.xlsx``, ``.parquet``).
    overwrite
        Replace an existing file (off by default).

    Returns
    -------
    pathlib.Path
        The file written. It appears only when complete (written to a temporary file first).

    Raises
    ------
    InputError
        If the file exists and ``overwrite`` is false, or the ending is not supported.
    ReadError
        If the folder cannot be written.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in {".csv", ".txt", ".xlsx", ".parquet", ".pq"}:
        raise InputError(f"Cannot write {target.name}: name the output .csv, .xlsx or .parquet.")
    if target.exists() and not overwrite:
        raise InputError(f"{target} already exists; choose another name or allow overwriting.")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ReadError(f"Cannot write {target}: folder {folder} does not exist.")
    frame = data.reset_index(drop=True)
    frame.attrs = {}
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if suffix in {".csv", ".txt"}:
            frame.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
        elif suffix == ".xlsx":
            frame.to_excel(tmp, index=False, engine="openpyxl")
        else:
            frame.to_parquet(tmp, index=False)
        os.replace(tmp, target)
    except OSError as err:
        raise ReadError(f"Cannot write {target}: {err.strerror}.") from err
    finally:
        if tmp.exists():
            tmp.unlink()
    return target

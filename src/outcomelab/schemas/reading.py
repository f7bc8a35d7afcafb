"""Reading submitted tables: CSV (any separator, encoding, decimal comma), Excel and Parquet.

Everything is read as text first, so nothing is silently changed (leading zeros in municipality
codes, decimal commas, dates); :func:`read_table` then converts to the schema's types when a schema
is given.
The row numbers a person sees in the file (header = row 1) travel with the table in
``DataFrame.attrs["source_rows"]`` so validation failures point at the right line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from outcomelab.errors import ReadError
from outcomelab.row_numbers import SOURCE_ROWS_ATTR, RowNumbers
from outcomelab.schemas.cells import cell_to_text
from outcomelab.schemas.conversion import coerce
from outcomelab.schemas.excel import read_sheet
from outcomelab.schemas.model import TableSchema

__all__ = ["TABLE_SUFFIXES", "read_table", "read_text_table"]

#: file endings read_table understands, in the order a package folder is searched
TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet", ".pq")

_ZIP_MAGIC = b"PK\x03\x04"
_PARQUET_MAGIC = b"PAR1"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
# a well-formed UTF-8 sequence of two or more bytes: in a file that is not UTF-8 as a whole it
# means that some lines were saved as UTF-8 and others not ("NorrkÃ¶ping" if read as cp1252)
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xef][\x80-\xbf]{2}"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


def _decode(raw: bytes, path: Path) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8")
        except UnicodeDecodeError as err:
            raise ReadError(
                f"{path.name} starts with a UTF-8 mark but byte {err.start} is not UTF-8; "
                "save the file again as 'CSV UTF-8'."
            ) from err
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as err:
            raise ReadError(
                f"{path.name} claims to be UTF-16 but cannot be decoded; save it as 'CSV UTF-8'."
            ) from err
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        first_bad = err.start
    mixed = _UTF8_SEQUENCE.search(raw)
    if mixed is not None:
        utf8_line = raw.count(b"\n", 0, mixed.start()) + 1
        other_line = raw.count(b"\n", 0, first_bad) + 1
        raise ReadError(
            f"{path.name} mixes two encodings: line {utf8_line} is UTF-8 but line {other_line} "
            "is not (probably Windows-1252, as older Excel saves). Reading it either way would "
            "garble letters such as å, ä and ö; open it in a text editor, save it as 'UTF-8' "
            "and try again."
        )
    try:
        return raw.decode("cp1252")  # Windows "ANSI" as Swedish Excel writes it (å ä ö)
    except UnicodeDecodeError as err:
        raise ReadError(
            f"{path.name} is neither UTF-8 nor Windows-1252 text (byte 0x{raw[err.start]:02x} at "
            f"position {err.start}); save it as 'CSV UTF-8' and try again."
        ) from err


#: the separator of a file whose header has a single column: a character text never holds, so a
#: comma or semicolon inside a value stays in the value (``"0,"`` is not two cells)
_ONE_COLUMN = "\x1f"


def _sniff_separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t", "|")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else _ONE_COLUMN


def read_text_table(text: str, *, name: str = "table", sep: str | None = None) -> pd.DataFrame:
    """Parse CSV text into an all-text DataFrame with the file's row numbers recorded.

    Parameters
    ----------
    text
        The decoded file content.
    name
        The file's name, used in messages.
    sep
        Field separator; sniffed from the header line (``;``, ``,``, tab or ``|``) when ``None``.

    Returns
    -------
    pandas.DataFrame
        Every cell a ``str`` (empty cells ``""``); fully empty lines dropped;
        ``attrs["source_rows"]`` holds each row's line number as a spreadsheet shows it.

    Raises
    ------
    ReadError
        If the text is empty, has no header, repeats a column name or a row has too many cells.
    """
    if "\x00" in text[:4096]:
        raise ReadError(f"{name} is not a text table (it contains binary data).")
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        # old Mac line ends (CR only), alone or mixed with CRLF: one line end each
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    header_index, header_line = _first_nonblank_line(text)
    if header_index < 0:
        raise ReadError(f"{name} is empty; expected a header row followed by data rows.")
    separator = sep or _sniff_separator(header_line)
    fast = _read_text_fast(text, name, separator, header_index, header_line)
    if fast is not None:
        return fast
    header, rows, numbers = _csv_records(text, name, separator)
    _check_header(header, name)
    fixed = _fit_to_header(rows, numbers, len(header), name, separator)
    frame = pd.DataFrame(fixed, columns=header, dtype=object).astype("str")
    if frame.empty:
        frame = pd.DataFrame({h: pd.Series([], dtype="str") for h in header})
    # line numbers: csv.reader counts physical lines, so a record's own line is where it ends
    # (multi-line quoted cells are rare in submissions; we report the line the record ends on)
    frame.attrs[SOURCE_ROWS_ATTR] = RowNumbers.from_array(numbers)
    return frame


def _csv_records(
    text: str, name: str, separator: str
) -> tuple[list[str], list[list[str]], list[int]]:
    """The header and the non-empty records with the physical line each ends on (csv module)."""
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    rows: list[list[str]] = []
    numbers: list[int] = []
    header: list[str] | None = None
    try:
        for record in reader:
            line_no = reader.line_num  # physical line where the record ends
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [cell.strip() for cell in record]
                while len(header) > 1 and header[-1] == "":
                    header.pop()  # "a;b;;" from Excel: empty trailing columns
                continue
            rows.append(record)
            numbers.append(line_no)
    except csv.Error as err:
        raise ReadError(
            f"{name} could not be parsed as CSV at line {reader.line_num}: {err}."
        ) from err
    if header is None:
        raise ReadError(f"{name} is empty; expected a header row followed by data rows.")
    return header, rows, numbers


def _fit_to_header(
    rows: list[list[str]], numbers: list[int], width: int, name: str, separator: str
) -> list[list[str]]:
    """Records cut or padded to the header's width (ReadError when a cut would lose a value)."""
    fixed: list[list[str]] = []
    for record, line_no in zip(rows, numbers, strict=True):
        if len(record) > width:
            if any(cell.strip() for cell in record[width:]):
                raise ReadError(
                    f"{name} line {line_no} has {len(record)} cells but the header has {width}; "
                    f"check the separator ({separator!r}) and quoting on that line."
                )
            record = record[:width]
        elif len(record) < width:
            record = record + [""] * (width - len(record))
        fixed.append(record)
    return fixed


def _first_nonblank_line(text: str) -> tuple[int, str]:
    """Index (0-based) and text of the first line with something in it; (-1, "") if none."""
    position, index = 0, 0
    while position < len(text):
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        line = text[position:end].rstrip("\r")
        if line.strip():
            return index, line
        position, index = end + 1, index + 1
    return -1, ""


def _count_lines(text: str) -> int | None:
    """Physical lines as pandas' C reader counts them (None for old Mac ``\r`` line ends)."""
    newlines = text.count("\n")
    if text.count("\r") > text.count("\r\n"):
        return None
    return newlines + (1 if text and not text.endswith("\n") else 0)


def _read_text_arrow(
    text: str, header: list[str], separator: str, header_index: int, expected_rows: int
) -> pd.DataFrame | None:
    """Parse with Arrow's multithreaded CSV reader when no line is blank; None otherwise.

    Arrow skips blank lines, which would shift row numbers, so a file with any blank line (or
    lines of separators only) is left to the pandas path.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    body_start = 0
    for _ in range(header_index + 1):
        body_start = text.find("\n", body_start) + 1
        if body_start == 0:
            return None
    body = text[body_start:]
    if "\n\n" in body or "\n\r\n" in body or body.startswith(("\n", "\r\n")):
        return None
    try:
        table = pacsv.read_csv(
            io.BytesIO(body.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=header),
            parse_options=pacsv.ParseOptions(delimiter=separator, newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, ValueError):
        return None
    if table.num_rows != expected_rows:
        return None
    frame = table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow", np.nan)}.get)
    blank = np.ones(len(frame), dtype=bool)
    for column in frame.columns:
        cells = frame[column]
        blank &= cells.str.isspace().to_numpy(dtype=bool, na_value=False) | (cells == "").to_numpy(
            dtype=bool
        )
        if not blank.any():
            break
    numbers = np.arange(header_index + 2, header_index + 2 + len(frame), dtype=np.int64)
    if blank.any():
        frame = frame.loc[~blank].reset_index(drop=True)
        numbers = numbers[~blank]
    frame.attrs[SOURCE_ROWS_ATTR] = RowNumbers.from_array(numbers)
    return frame


def _read_text_fast(
    text: str, name: str, separator: str, header_index: int, header_line: str
) -> pd.DataFrame | None:
    """Parse with pandas' C reader when each record is one line; None to use the careful path.

    The careful path (``csv`` module) handles ragged rows and quoted cells spanning lines, and
    gives the messages; this one is only an accelerator for well-formed files.
    """
    n_lines = _count_lines(text)
    if n_lines is None:
        return None
    header_cells = next(csv.reader([header_line], delimiter=separator), [])
    header = [cell.strip() for cell in header_cells]
    if header and header[-1] == "":
        return None  # trailing separators (an Excel habit): let the careful path trim them
    _check_header(header, name)
    expected_rows = n_lines - header_index - 1
    arrow = _read_text_arrow(text, header, separator, header_index, expected_rows)
    if arrow is not None:
        return arrow
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            header=None,
            names=header,
            skiprows=header_index + 1,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            index_col=False,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError, csv.Error):
        return None
    if len(frame) != expected_rows:
        return None  # a quoted cell spans lines, or the reader merged something: be careful
    numbers = np.arange(header_index + 2, header_index + 2 + len(frame), dtype=np.int64)
    frame = frame.fillna("")
    blank = np.ones(len(frame), dtype=bool)
    for column in frame.columns:
        cells = frame[column]
        empty = (cells == "").to_numpy(dtype=bool).copy()
        if not empty.all():
            empty |= cells.str.isspace().to_numpy(dtype=bool, na_value=False)
        blank &= empty
        if not blank.any():
            break
    if blank.any():
        frame = frame.loc[~blank].reset_index(drop=True)
        numbers = numbers[~blank]
    frame.attrs[SOURCE_ROWS_ATTR] = RowNumbers.from_array(numbers)
    return frame


def _check_header(header: list[str], name: str) -> None:
    header[0] = header[0].lstrip("\ufeff")
    seen: set[str] = set()
    for i, column in enumerate(header, start=1):
        if column == "":
            raise ReadError(
                f"{name} has an empty column name in column {i} of the header; "
                "name the column or delete it."
            )
        if column in seen:
            raise ReadError(
                f"{name} has the column name {column!r} twice in its header; "
                "each column must have a unique name."
            )
        seen.add(column)


def _read_csv(path: Path, raw: bytes) -> pd.DataFrame:
    return read_text_table(_decode(raw, path), name=path.name)


def _read_excel(path: Path, sheet: str | None) -> pd.DataFrame:
    """Read a sheet by its real content (see :mod:`outcomelab.schemas.excel`)."""
    content, cells = read_sheet(path, sheet)
    header: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    for excel_row, values in cells:
        texts = [cell_to_text(v) for v in values]
        if not any(t.strip() for t in texts):
            continue
        if header is None:
            while texts and texts[-1] == "":
                texts.pop()
            header = [t.strip() for t in texts]
            continue
        rows.append(texts)
        numbers.append(excel_row)
    if header is None:
        raise ReadError(f"{path.name} (sheet {content.name!r}) is empty; expected a header row.")
    _check_header(header, path.name)
    width = len(header)
    fixed = []
    for texts, excel_row in zip(rows, numbers, strict=True):
        if len(texts) > width and any(t.strip() for t in texts[width:]):
            raise ReadError(
                f"{path.name} row {excel_row} has values to the right of the last named column; "
                "give those columns a header or delete them."
            )
        fixed.append((texts + [""] * width)[:width])
    frame = pd.DataFrame(fixed, columns=header, dtype=object).astype("str")
    if frame.empty:
        frame = pd.DataFrame({h: pd.Series([], dtype="str") for h in header})
    frame.attrs[SOURCE_ROWS_ATTR] = RowNumbers.from_array(numbers)
    return frame


def frame_to_text(data: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``data`` with every cell written as text (see :func:`cell_to_text`)."""
    out = {}
    for column in data.columns:
        series = data[column]
        if pd.api.types.is_integer_dtype(series) and not series.isna().any():
            out[column] = series.astype(str).to_numpy(dtype=object)
        elif (
            pd.api.types.is_object_dtype(series)
            and pd.api.types.infer_dtype(series, skipna=False) == "string"
        ):
            out[column] = series.to_numpy(dtype=object)
        else:
            out[column] = np.array([cell_to_text(v) for v in series], dtype=object)
    frame = pd.DataFrame(out, columns=[str(c) for c in data.columns], index=range(len(data)))
    frame = frame.astype("str")
    frame.attrs[SOURCE_ROWS_ATTR] = RowNumbers.from_array(np.arange(2, len(data) + 2))
    return frame


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        data = pd.read_parquet(path)
    except Exception as err:  # pyarrow raises several unrelated types
        raise ReadError(f"{path.name} is not a readable Parquet file: {err}.") from err
    return frame_to_text(data.reset_index(drop=True))


def read_table(
    path: str | Path,
    schema: str | Path | Mapping[str, Any] | TableSchema | None = None,
    *,
    sheet: str | None = None,
) -> pd.DataFrame:
    """Read a submitted table from CSV, Excel (.xlsx) or Parquet.

    Parameters
    ----------
    path
        The file. CSV may use ``,``, ``;``, tab or ``|`` as separator (sniffed from the header) and
        be UTF-8, UTF-8 with BOM, UTF-16 or Windows-1252; Excel dates become ``YYYY-MM-DD``. The
        format is recognised from the content, so an Excel file saved as ``.csv`` still reads.
    schema
        ``None`` to get every cell as text (nothing changed), or a standard table name / schema to
        convert the columns to the schema's types (see :func:`outcomelab.schemas.coerce`).
    sheet
        Excel sheet to read; default the first.

    Returns
    -------
    pandas.DataFrame
        One row per data row, every column pandas' ``str`` dtype when ``schema`` is None (empty
        cells ``""``); ``attrs["source_rows"]`` holds each row's number as seen in the file
        (header = row 1).

    Raises
    ------
    ReadError
        If the file is missing, empty, binary, undecodable or malformed.
    SchemaError
        If ``schema`` is given and some values cannot be converted to the schema's types (the
        error's ``failures`` lists them); use :func:`outcomelab.schemas.validate` for every check.

    Examples
    --------
    >>> from outcomelab.resources import schemas_dir
    >>> catalogue = read_table(schemas_dir() / "outcome_catalogue.csv", "outcome_catalogue")
    >>> "employment" in set(catalogue["code"])
    True
    """
    file = Path(path)
    if not file.exists():
        raise ReadError(f"File {file} does not exist.")
    if file.is_dir():
        raise ReadError(f"{file} is a folder, not a file; give the path of a table file.")
    try:
        raw = file.read_bytes()
    except OSError as err:
        raise ReadError(f"{file} could not be read: {err.strerror}.") from err
    if raw.startswith(_OLE_MAGIC) or file.suffix.lower() == ".xls":
        raise ReadError(
            f"{file.name} is an old Excel 97-2003 workbook (.xls); save it as .xlsx or CSV UTF-8."
        )
    if raw.startswith(_ZIP_MAGIC):
        frame = _read_excel(file, sheet)
    elif raw.startswith(_PARQUET_MAGIC):
        frame = _read_parquet(file)
    elif file.suffix.lower() in {".xlsx", ".xlsm", ".parquet", ".pq"}:
        kind = "an Excel workbook" if file.suffix.lower() in {".xlsx", ".xlsm"} else "Parquet"
        raise ReadError(f"{file.name} is named like {kind} but its content is not; check the file.")
    else:
        frame = _read_csv(file, raw)
    frame.attrs["source_file"] = str(file)
    if schema is None:
        return frame

    return coerce(frame, schema)

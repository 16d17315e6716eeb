"""A user's file -> a DataFrame, as a spreadsheet program would read it: the encoding
(UTF-8 with or without BOM, UTF-16, Korean Excel's cp949), the delimiter (, ; tab |),
a decimal comma, header names trimmed and made unique, and .xlsx workbooks. Anything
unreadable is one DataError that says what to change."""
from __future__ import annotations

import csv
import io
import os
import re
import stat
from pathlib import Path

import pandas as pd

from ..errors import DataError

MAX_BYTES = 50 * 1024 * 1024          # the app's upload limit (.streamlit/config.toml maxUploadSize)
ZIP_MAGIC = b"PK\x03\x04"             # .xlsx is a zip archive
OLE_MAGIC = b"\xd0\xcf\x11\xe0"       # old binary .xls
ENCODINGS = ("utf-8", "cp949")        # then latin-1, which reads any byte
DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d+,\d+\s*$")


def raw_bytes(source) -> bytes:
    if isinstance(source, (str, Path)):
        try:
            # non-blocking: opening a named pipe (FIFO) would wait for a writer for ever;
            # the open file's own stat then refuses what is not a regular file
            fd = os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                os.close(fd)
                raise DataError("err.not_a_file", "dataset", path=str(source))
            with os.fdopen(fd, "rb") as f:
                return f.read(MAX_BYTES + 1)
        except FileNotFoundError:
            raise DataError("err.file_not_found", "dataset", path=str(source))
        except OSError as e:
            raise DataError("err.csv_unreadable", "dataset", why=f"{type(e).__name__}: {e}") from e
    data = source.read()
    if hasattr(source, "seek"):
        source.seek(0)
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): a BOM decides; else UTF-8, else cp949 (Excel's Korean CSV), else
    latin-1. UTF-16 without a BOM shows as NUL bytes between ASCII letters."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    head = data[:4000]
    if head and head.count(b"\x00") > len(head) // 4:
        enc = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        return data.decode(enc, errors="replace"), enc
    for enc in ENCODINGS:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    """Among , ; tab and | only (pandas' own sniffing also accepts letters, which splits
    a one-column file on them)."""
    sample = "\n".join(text[:20_000].splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _decimal_comma(df: pd.DataFrame) -> bool:
    """Text columns whose values all look like 3,14: numbers written with a decimal comma."""
    for c in df.columns:
        col = df[c].dropna()
        if not pd.api.types.is_numeric_dtype(col) and len(col) and col.astype(str).str.match(DECIMAL_COMMA).mean() > 0.9:
            return True
    return False


def unique_names(names) -> list[str]:
    """Trimmed header names, made unique the way pandas does it: a, a.1, a.2."""
    out, seen = [], {}
    for name in (str(n).strip() for n in names):
        base, k = name, seen.get(name, 0)
        while name in seen:
            k += 1
            name = f"{base}.{k}"
        seen[base] = k
        seen[name] = 0
        out.append(name)
    return out


def read_text(text: str) -> pd.DataFrame:
    """CSV text as a spreadsheet program reads it: the delimiter sniffed, spaces after it
    skipped, a decimal comma understood, header names trimmed and made unique. (An exported
    script carries this function's own source: it reads the same files the same way.)"""
    sep = sniff_delimiter(text)
    df = pd.read_csv(io.StringIO(text), sep=sep, skipinitialspace=True)
    if sep != "," and _decimal_comma(df):
        df = pd.read_csv(io.StringIO(text), sep=sep, skipinitialspace=True, decimal=",")
    df.columns = unique_names(df.columns)
    return df


def read_table(source, name: str = "") -> pd.DataFrame:
    """A CSV (or .xlsx) file, path or file-like, as a DataFrame with clean column names."""
    data = raw_bytes(source)
    name = name or (Path(source).name if isinstance(source, (str, Path)) else getattr(source, "name", ""))
    if len(data) > MAX_BYTES:
        raise DataError("err.file_too_big", "dataset", mb=MAX_BYTES // 2 ** 20)
    if data.startswith(ZIP_MAGIC):
        df = _read_xlsx(data, name)
    elif data.startswith(OLE_MAGIC):
        raise DataError("err.old_xls", "dataset", name=name)
    else:
        text, _ = decode(data)
        try:
            df = read_text(text)
        except pd.errors.EmptyDataError:
            raise DataError("err.table_shape", "target")
        except (pd.errors.ParserError, ValueError) as e:
            raise DataError("err.csv_unreadable", "dataset", why=_first_line(e)) from e
    df.columns = unique_names(df.columns)
    return df


def _read_xlsx(data: bytes, name: str) -> pd.DataFrame:
    try:
        return pd.read_excel(io.BytesIO(data), sheet_name=0, engine="openpyxl")
    except ImportError:
        raise DataError("err.xlsx_reader", "dataset", name=name)
    except Exception as e:     # a zip that is not a workbook, a damaged file
        raise DataError("err.csv_unreadable", "dataset", why=_first_line(e)) from e


def _first_line(e: Exception) -> str:
    """pandas' message names the line: 'Expected 2 fields in line 4, saw 3'."""
    return f"{type(e).__name__}: {(str(e).strip().splitlines() or [''])[-1][:160]}"

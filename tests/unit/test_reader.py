"""A user's file read as a spreadsheet program would (data/reader.py, data/table.py): the
encodings, delimiters and decimal commas Korean and European Excel write, messy headers,
.xlsx workbooks, and tables too wide to encode. Every file is made here."""
from __future__ import annotations

import io
import os
import threading
import tracemalloc

import numpy as np
import pandas as pd
import pytest

from playground.config import make_config
from playground.data import prepare as prep_mod
from playground.data import reader, table
from playground.errors import DataError

ROWS = [(150 + i, 50 + i % 7, "big" if i % 2 else "small") for i in range(30)]


def csv_text(sep=",", header="height,weight,label", decimal="."):
    lines = [header.replace(",", sep)] + [sep.join([f"{h}{decimal}5", str(w), lab]) for h, w, lab in ROWS]
    return "\n".join(lines) + "\n"


def read(data: bytes, name="t.csv") -> pd.DataFrame:
    return reader.read_table(io.BytesIO(data), name)


def test_spaces_after_the_commas_are_not_part_of_the_names():
    ds = table.read_csv(io.BytesIO(csv_text(header="height, weight, label").replace(",", ", ").encode()),
                        target=" label")
    assert ds.target_name == "label" and ds.feature_names == ["height", "weight"]
    assert ds.X["height"].dtype.kind == "f"         # ' 150.5' is still a number


def test_duplicate_names_after_trimming_are_made_unique():
    df = read(("a, a,b,target\n" + "\n".join(f"{i},{i + 1},{i % 3},{i % 2}" for i in range(20))).encode())
    assert list(df.columns) == ["a", "a.1", "b", "target"]
    ds = table.from_dataframe(df, "target")
    assert ds.feature_names == ["a", "a.1", "b"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949", "utf-16"])
def test_korean_headers_in_every_encoding_excel_writes(encoding):
    text = csv_text(header="키,몸무게,분류").replace("big", "큼").replace("small", "작음")
    df = read(text.encode(encoding))
    assert list(df.columns) == ["키", "몸무게", "분류"] and set(df["분류"]) == {"큼", "작음"}


def test_utf16_without_a_byte_order_mark():
    df = read(csv_text().encode("utf-16-le"))
    assert list(df.columns) == ["height", "weight", "label"] and len(df) == 30


def test_semicolons_and_decimal_commas():
    df = read(csv_text(sep=";", decimal=",").encode())
    assert df["height"].dtype.kind == "f" and df["height"].iloc[0] == pytest.approx(150.5)


def test_tabs():
    assert list(read(csv_text(sep="\t").encode()).columns) == ["height", "weight", "label"]


def test_an_xlsx_workbook_even_when_renamed_csv():
    buf = io.BytesIO()
    pd.DataFrame(ROWS, columns=["height", "weight", "label"]).to_excel(buf, index=False)
    for name in ("people.xlsx", "people.csv"):
        df = read(buf.getvalue(), name)
        assert list(df.columns) == ["height", "weight", "label"] and len(df) == 30


def test_an_old_xls_gets_a_hint():
    with pytest.raises(DataError) as e:
        read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old.xls")
    assert e.value.key == "err.old_xls" and ".xlsx" in str(e.value) and ".xlsx" in e.value.text("ko")


def test_a_malformed_csv_names_the_line():
    with pytest.raises(DataError) as e:
        read(b"a,b\n1,2\n3,4\n5,6,7\n")
    assert "line 4" in str(e.value)


def test_an_empty_file_says_what_a_table_needs():
    with pytest.raises(DataError) as e:
        read(b"")
    assert e.value.key == "err.table_shape"


def test_a_many_level_text_column_is_capped_not_exploded():
    rng = np.random.default_rng(0)
    n = 20_000
    df = pd.DataFrame({"x": rng.normal(size=n), "city": [f"c{i % 9000}" for i in range(n)],
                       "y": rng.integers(0, 2, n)})
    ds = table.from_dataframe(df, "y")
    assert "city" in ds.feature_names                     # 9,000 levels in 20,000 rows: not an identifier
    # the peak of what prepare() allocates (numpy and pandas report to tracemalloc), not the
    # process's high-water mark (ru_maxrss), which an earlier test may already have set higher
    tracemalloc.start()
    try:
        prep = prep_mod.prepare(ds, make_config(dataset="t.csv"))
        peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    assert prep.n_features == 1 + prep_mod.MAX_CATEGORIES   # the 49 most frequent levels + "the rest"
    city = next(p for p in prep.pipeline if p["column"] == "city")
    seen = ds.X["city"].iloc[prep.train.index].nunique()    # the levels of the training rows
    assert city["steps"][-1]["grouped"] == seen - (prep_mod.MAX_CATEGORIES - 1)
    assert peak_mb < 100                                   # one-hot over all levels: ~1 GB as float64


def test_a_table_too_wide_to_encode_is_refused_with_the_column_named(monkeypatch):
    monkeypatch.setattr(prep_mod, "MAX_CELLS", 10_000)
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.normal(size=2000), "code": [f"k{i % 40}" for i in range(2000)],
                       "y": rng.integers(0, 2, 2000)})
    with pytest.raises(DataError) as e:
        prep_mod.prepare(table.from_dataframe(df, "y"), make_config(dataset="t.csv"))
    assert e.value.key == "err.table_too_big" and "'code'" in str(e.value)


def test_a_strange_table_is_a_message_not_a_traceback():
    with pytest.raises(DataError):
        table.read_csv(io.BytesIO(b"a,b\n\x00\x01,2\n"), target="nope")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_or_a_folder_is_refused_not_waited_on(tmp_path):
    """Opening a FIFO for reading waits for a writer: the CLI hung for ever on one."""
    fifo, folder = tmp_path / "data.csv", tmp_path / "folder.csv"
    os.mkfifo(fifo)
    folder.mkdir()
    for path in (fifo, folder):
        caught = []
        t = threading.Thread(target=lambda p=path: caught.append(_error_of(lambda: reader.read_table(str(p)))),
                             daemon=True)
        t.start()
        t.join(30)
        if t.is_alive():
            with open(fifo, "wb"):         # a writer lets the blocked reader go
                pass
            pytest.fail(f"reading {path.name} is still waiting after 30 s")
        assert caught[0].key == "err.not_a_file" and caught[0].params["path"] == str(path)
    with pytest.raises(DataError) as e:
        table.read_csv(str(fifo))
    assert e.value.key == "err.not_a_file" and "named pipe" in str(e.value) and "파이프" in e.value.text("ko")


def _error_of(fn):
    try:
        fn()
    except DataError as e:
        return e
    return None

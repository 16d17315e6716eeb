"""The engine never imports streamlit: the CLI, the jobs and the tests stay UI-free."""
from __future__ import annotations

import json
import pkgutil
import re
from pathlib import Path

import pytest
from unit_helpers import register, result

import playground

PROBE = """
import importlib, json, pkgutil, sys
import playground
names = []
for m in pkgutil.walk_packages(playground.__path__, "playground."):
    if m.name != "playground.__main__":          # __main__ would run the CLI
        importlib.import_module(m.name)
        names.append(m.name)
print(json.dumps({"imported": names,
                  "streamlit": sorted(n for n in sys.modules if n == "streamlit" or n.startswith("streamlit."))}))
"""
register("no_streamlit", ["-c", PROBE])


@pytest.mark.late
def test_importing_every_engine_module_never_imports_streamlit():
    rc, out, err = result("no_streamlit")
    assert rc == 0, err
    report = json.loads(out)
    expected = {m.name for m in pkgutil.walk_packages(playground.__path__, "playground.")
                if m.name != "playground.__main__"}
    assert set(report["imported"]) == expected
    assert {"playground.cli", "playground.runs.training", "playground.nn.train", "playground.data.loaders"} <= expected
    assert report["streamlit"] == []


def test_no_engine_source_mentions_a_streamlit_import():
    pattern = re.compile(r"^\s*(import streamlit|from streamlit)", re.M)
    offenders = [p.name for p in Path(playground.__file__).parent.rglob("*.py") if pattern.search(p.read_text("utf-8"))]
    assert offenders == []

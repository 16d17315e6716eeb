"""The server builds its dict-made figures without plotly's property check (figures.style.built,
several times faster, under the GIL a training thread needs); the tests build them checked
(tests/conftest.py). Both ways must give the browser the same figure."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

from playground.figures import compare, evaluation, inside, style, training
from playground.i18n import Translator
from playground.inspect.layers import activation_curves
from ui import live_chart

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import figures as bench_figures  # noqa: E402  (bench/figures.py: the lab's live figures, and others)

T = Translator("en")
XY = np.random.default_rng(0).normal(size=(40, 2))
GRID = np.linspace(-2, 2, 30)
SURFACE = {"x": GRID, "y": GRID, "z": np.random.default_rng(1).normal(size=(30, 30))}
HISTORY = [dict(epoch=i, loss=1 / i, val_loss=1.1 / i, accuracy=1 - 1 / i, val_accuracy=1 - 1.2 / i)
           for i in range(1, 40)]


def cases() -> dict:
    made = bench_figures.cases()
    made.update({
        "a confusion matrix, a cell picked": lambda: evaluation.confusion_figure(
            np.array([[5, 1, 0], [2, 7, 1], [0, 0, 9]]), ["a", "b", "c"], T, normalize=True, highlight=(1, 0)),
        "two runs compared": lambda: compare.curves_figure(
            [dict(name="run 1", task="binary", history=HISTORY),
             dict(name="run 2", task="binary", history=HISTORY[:9])], T, log_loss=True),
        "the activation functions": lambda: inside.activation_functions_figure(activation_curves(), "tanh", T),
        "a regression's boundary (a named scale)": lambda: training.boundary_figure(
            SURFACE, {"train": (XY, XY[:, 0]), "test": (XY[:5], XY[:5, 0])}, "regression", T, compact=True),
        "a regression's representation (a named scale)": lambda: inside.representation_figure(
            {"xy": XY, "kind": "pca", "var": [0.6, 0.3]}, XY[:, 1], "regression", None, T, "hidden_1"),
        "two runs' boundaries (a named scale)": lambda: compare.boundaries_figure(
            [dict(name="run 1", surface=SURFACE), dict(name="run 2", surface=SURFACE)], "regression", T),
    })
    return made


@pytest.fixture(scope="module")
def built_cases():
    return cases()


@pytest.mark.parametrize("name", list(cases()))
def test_a_figure_built_unchecked_is_the_checked_one(name, built_cases, monkeypatch):
    monkeypatch.setattr(style, "CHECKED", True)
    checked = built_cases[name]()
    monkeypatch.setattr(style, "CHECKED", False)
    unchecked = built_cases[name]()
    assert json.loads(live_chart.spec(unchecked)) == json.loads(live_chart.spec(checked))


def test_the_check_is_what_finds_a_wrong_property(monkeypatch):
    """Why the tests build checked: a misspelt property fails there, and only there."""
    monkeypatch.setattr(style, "CHECKED", False)
    assert isinstance(style.built([dict(type="scatter", x=[1], colour="red")], {}), go.Figure)
    monkeypatch.setattr(style, "CHECKED", True)
    with pytest.raises(ValueError, match="colour"):
        style.built([dict(type="scatter", x=[1], colour="red")], {})


def test_the_suite_builds_checked():
    assert style.CHECKED       # tests/conftest.py: every figure the unit and app tests build is checked

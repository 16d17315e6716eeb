"""What the server spends building the figures a live lab redraws (and two other costly
ones), against the floor: plotly's go.Figure of the same finished dicts, the validation
every figure pays.

    python bench/figures.py [--repeat 20]

A page's script builds its figures holding the GIL, which the run's training thread needs
between torch's kernels: every live page redraws the network and the boundary every 3 s,
and a run's first point waits for its curves figure. Each is built as one dict, then one
go.Figure (figures.style.layout_dict): a figure changed after it is built pays plotly's
bookkeeping at each change (~1 ms a nested setting, more for each annotation or subplot
added), which showed as 2-30x these times (docs/benchmarks.md). ours / floor - 1 is our own
work beyond plotly's: the graph's geometry, the node pictures' PNG, the thinned curves.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import plotly.graph_objects as go  # noqa: E402
from sklearn.tree import DecisionTreeRegressor  # noqa: E402

from playground.config import make_config  # noqa: E402
from playground.data.loaders import load_for_config  # noqa: E402
from playground.data.prepare import prepare  # noqa: E402
from playground.figures import deep_net, lab, sequences, training, tree  # noqa: E402
from playground.i18n import Translator  # noqa: E402
from playground.inspect import boundary, sequence  # noqa: E402
from playground.inspect.graph import network_graph  # noqa: E402
from playground.nn.model import build_model  # noqa: E402

T = Translator("en")


def cases() -> dict:
    """name -> a function building one figure: a spiral net 8-8 and a 20-layer one, a GRU
    with attention reading seq-negation (untrained: the figures' cost is the same)."""
    cfg = make_config(dataset="spiral", hidden="8,8")
    prep = prepare(load_for_config(cfg), cfg)
    model = build_model(cfg, prep.n_features, prep.n_outputs)
    graph, plane = network_graph(model, prep), boundary.neuron_surfaces(model, prep)
    surf = boundary.surface(model, prep)
    s_train, s_test = prep.split("train"), prep.split("test")
    xy = prep.dataset.X[["x1", "x2"]].to_numpy()
    points = {"train": (xy[s_train.index], s_train.y.numpy()), "test": (xy[s_test.index], s_test.y.numpy())}
    deep_cfg = make_config(dataset="spiral", hidden=",".join(["8"] * 20), residual=True)
    deep = network_graph(build_model(deep_cfg, prep.n_features, prep.n_outputs), prep)
    history = [dict(epoch=i, loss=1 / i, val_loss=1.1 / i, accuracy=1 - 1 / i, val_accuracy=1 - 1.2 / i)
               for i in range(1, 301)]
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 6))
    reg = DecisionTreeRegressor(max_depth=5, random_state=0).fit(X, X[:, 0] + rng.normal(size=500))
    seq_cfg = make_config(dataset="seq-negation", model="gru", attention=True)
    seq_prep = prepare(load_for_config(seq_cfg), seq_cfg)
    ex = sequence.examples(build_model(seq_cfg, seq_prep.n_features, seq_prep.n_outputs), seq_prep)
    return {
        "lab network, node pictures": lambda: lab.lab_network_figure(graph, plane, T),
        "lab network, 20 layers": lambda: lab.lab_network_figure(deep, None, T),
        "Inside's network, 20 layers": lambda: deep_net.whole_network_figure(deep, T),
        "lab boundary": lambda: training.boundary_figure(surf, points, "binary", T, compact=True),
        "curves, a run's first point": lambda: training.history_figure(history[:1], "binary", T, stacked=True),
        "curves, 300 epochs": lambda: training.history_figure(history, "binary", T, best_epoch=250),
        "a GRU's memory (the lab)": lambda: sequences.state_figure(ex, 0, T),
        "a GRU unrolled (the lab)": lambda: sequences.unrolled_figure(ex, 0, T, most=12, compact=True),
        "tree, depth 4": lambda: tree.tree_figure(reg, [f"x{i}" for i in range(6)], None, T, max_depth=4),
    }


def ms(fn, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1e3 * statistics.median(times)


def final_dicts(build) -> tuple:
    """The (data, layout) dicts `build` hands to its one go.Figure."""
    seen = []
    real = go.Figure

    class Recording(real):
        def __init__(self, data=None, layout=None, **kw):
            seen.append((data, layout))
            super().__init__(data, layout, **kw)

    go.Figure = Recording
    try:
        build()
    finally:
        go.Figure = real
    return seen[-1]


def main(repeat: int) -> None:
    print(f"{'figure':30s} {'ours':>7s} {'floor':>7s}  ratio")
    for name, build in cases().items():
        data, layout = final_dicts(build)
        ours, floor = ms(build, repeat), ms(lambda: go.Figure(data, layout), repeat)
        print(f"{name:30s} {ours:5.1f}ms {floor:5.1f}ms  {ours / floor:4.1f}x", flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    main(ap.parse_args().repeat)

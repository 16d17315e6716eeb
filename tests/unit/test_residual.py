"""Depth and skip connections (config `residual`, nn/residual.py): a layer as wide as its input
outputs x + f(x), by hand; the same weights as the plain network; 20 plain layers do not learn
xor and 20 with skips do; the diagram's arcs, the lab's elided 20 layers and a click on them;
the gradient-per-layer figure and its numbers; the short run label."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from unit_helpers import prepared_for

from playground.config import MAX_HIDDEN_LAYERS, make_config
from playground.figures import deep_net
from playground.figures import depth as depth_figs
from playground.figures import lab as lab_figs
from playground.i18n import Translator
from playground.inspect.graph import network_graph
from playground.nn.model import build_model, count_params
from playground.nn.residual import ResidualBlock
from playground.nn.train import train

EN = Translator("en")
DEEP = ",".join(["8"] * 20)


def test_a_skip_adds_the_layers_input_where_the_widths_match_and_nowhere_else():
    cfg = make_config(dataset="circle", hidden="8,8,4,4", residual=True)
    net = build_model(cfg, 2, 1).eval()
    plain = build_model(cfg.replace(residual=False), 2, 1)
    assert [type(m).__name__ for m in net.children()] == ["Sequential", "ResidualBlock", "Sequential",
                                                          "ResidualBlock", "Linear"]
    x = torch.randn(7, 2)
    with torch.no_grad():
        h1 = torch.tanh(x @ net.hidden1[0].weight.T + net.hidden1[0].bias)          # 2 -> 8: no skip
        h2 = h1 + torch.tanh(h1 @ net.hidden2[0].weight.T + net.hidden2[0].bias)     # 8 -> 8: x + f(x)
        h3 = torch.tanh(h2 @ net.hidden3[0].weight.T + net.hidden3[0].bias)         # 8 -> 4: no skip
        h4 = h3 + torch.tanh(h3 @ net.hidden4[0].weight.T + net.hidden4[0].bias)
        torch.testing.assert_close(net(x), h4 @ net.output.weight.T + net.output.bias)
    # no projection: the very same weights (same seed) and parameter count as the plain network
    assert all(torch.equal(a, b) for a, b in zip(net.state_dict().values(), plain.state_dict().values(), strict=True))
    assert count_params(2, 1, cfg) == count_params(2, 1, cfg.replace(residual=False))
    cnn = build_model(make_config(dataset="digits", hidden="64,32,32", residual=True), 64, 10, (8, 8))
    assert [isinstance(cnn.get_submodule(f"hidden{i}"), ResidualBlock) for i in (1, 2, 3)] == [True, False, True]
    # 8x8 digits pooled twice: 16 maps of 2x2 = 64 values, as wide as the first dense layer


def test_twenty_plain_layers_do_not_learn_xor_and_twenty_with_skips_do():
    assert MAX_HIDDEN_LAYERS == 20
    acc = {r: train(make_config(dataset="xor", hidden=DEEP, lr=0.01, epochs=20, n_samples=300, residual=r))
           .history.epochs[-1]["val_accuracy"] for r in (False, True)}
    assert acc[False] <= 0.6 and acc[True] >= 0.9, acc      # measured 0.50 and 0.96 (seeds 0-3: <= 0.56, >= 0.92)


@pytest.fixture(scope="module")
def deep_graph():
    cfg, prep = prepared_for(dataset="spiral", hidden=(8,) * 20, residual=True)
    return network_graph(build_model(cfg, prep.n_features, prep.n_outputs), prep)


def test_the_lab_draws_the_first_and_last_layers_of_twenty_with_a_gap_and_clicks_map_through_it(deep_graph):
    layers = deep_graph["layers"]
    assert len(layers) == 22 and [L["skip"] for L in layers[1:-1]] == [False] + [True] * 19
    fig = lab_figs.lab_network_figure(deep_graph, None, EN)
    nodes = next(tr for tr in fig.data if tr.mode == "markers" and tr.marker.symbol == "square")
    assert sorted(set(np.asarray(nodes.x).tolist())) == list(range(8))            # 8 columns, not 22
    gap = deep_net.KEEP - 1
    for tr in fig.data:                                                         # no weight line across the gap
        if tr.mode == "lines" and len(tr.x) % 3 == 0 and np.isnan(np.asarray(tr.x)[2::3]).all():
            x, y = np.asarray(tr.x).reshape(-1, 3), np.asarray(tr.y).reshape(-1, 3)
            assert np.isnan(y[x[:, 0] == gap]).all()
    notes = [a.text for a in fig.layout.annotations]
    assert "+14" in notes and "Hidden layer 4 … Hidden layer 17: 14 layers" in next(
        a.hovertext for a in fig.layout.annotations if a.text == "+14")
    skips = next(tr for tr in fig.data if tr.name == EN("deep.skip"))
    assert np.asarray(skips.x).tolist() == [1.5, 2.5, 4.5, 5.5]   # h2, h3 | h19, h20 (h18's input is in the gap)
    assert lab_figs.node_at(deep_graph, 5, 3.5 - 2) == (19, 2)            # drawn column 5 is hidden layer 19
    assert lab_figs.node_at(deep_graph, 8, 0) is None


def test_inside_draws_every_layer_with_short_titles_and_an_arc_per_skip(deep_graph):
    fig = deep_net.whole_network_figure(deep_graph, EN)
    skips = next(tr for tr in fig.data if tr.name == EN("deep.skip"))
    assert len(skips.x) == 19
    titles = [a.text for a in fig.layout.annotations if a.text and "<br>" in a.text]
    assert titles[:3] == ["<b>in</b><br>2", "<b>1</b><br>8", "<b>2</b><br>8"] and titles[-1] == "<b>out</b><br>1"


def test_the_gradient_figure_and_its_drop_are_the_runs_numbers():
    g = [{"epoch": 1, "hidden1": 1e-9, "hidden2": 1e-5, "output": 0.1},
         {"epoch": 5, "hidden1": 2e-8, "hidden2": 1e-4, "output": 0.2}]
    assert depth_figs.gradient_drop(g) == pytest.approx(1e-7)
    assert depth_figs.power_text(1e-7) == "10⁻⁷" and depth_figs.power_text(0.35) == "0.35"
    fig = depth_figs.grad_depth_figure(g, EN)
    assert [tr.name for tr in fig.data] == ["epoch 1", "epoch 5"]
    assert list(fig.data[1].x) == ["1", "2", "out"] and list(fig.data[1].y) == [2e-8, 1e-4, 0.2]
    assert fig.layout.yaxis.type == "log" and depth_figs.gradient_drop([{"epoch": 1, "output": 0.1}]) is None


def test_a_deep_networks_label_is_short():
    from ui.depth_view import few_layers, layers_text
    assert layers_text((8,) * 20) == "20×8" and layers_text((64, 32, 32, 32, 16)) == "64-3×32-16"
    assert layers_text((8, 8)) == "8-8" and layers_text(()) == ""
    rows = few_layers([{"epoch": 1, **{f"hidden{i}": 1.0 for i in range(1, 21)}, "output": 1.0}])
    assert list(rows[0]) == ["epoch", "hidden1", "hidden6", "hidden11", "hidden16", "output"]

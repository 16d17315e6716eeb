"""The lab's figures: a click on the network diagram finds the node drawn there
(figures.lab.node_at), and the boundary's two TensorFlow Playground toggles, "show test
data" and "discretize output" (figures.training.boundary_figure)."""
from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from unit_helpers import prepared_for

from playground.figures import lab as lab_figs
from playground.figures.training import boundary_figure
from playground.i18n import Translator
from playground.inspect.graph import network_graph
from playground.nn.model import build_model

EN = Translator("en")


@pytest.fixture(scope="module")
def drawn_network():
    """A circle net 2-5-3-1, its graph, and the node markers of its drawing."""
    cfg, prep = prepared_for(dataset="circle", hidden=(5, 3))
    model = build_model(cfg, prep.n_features, prep.n_outputs)
    torch.nn.init.uniform_(model.hidden1[0].bias, -1, 1)    # distinct biases, to tell the nodes apart
    torch.nn.init.uniform_(model.hidden2[0].bias, -1, 1)
    g = network_graph(model, prep)
    fig = lab_figs.lab_network_figure(g, None, EN)
    nodes = next(tr for tr in fig.data if tr.mode == "markers" and tr.marker.symbol == "square")
    return model, g, nodes


def test_a_click_on_a_node_finds_that_node(drawn_network):
    """Each square drawn, clicked at its centre or near it, is the node whose bias its hover shows
    (read from the model's own layers)."""
    model, g, nodes = drawn_network
    biases = {1: model.hidden1[0].bias.detach().numpy(), 2: model.hidden2[0].bias.detach().numpy(),
              3: model.output.bias.detach().numpy()}
    found = []
    for x, y, text in zip(nodes.x, nodes.y, nodes.hovertext):
        for dx, dy in ((0, 0), (0.2, 0.3), (-0.3, -0.2)):        # anywhere on the marker
            assert lab_figs.node_at(g, x + dx, y + dy) == lab_figs.node_at(g, x, y)
        layer, node = lab_figs.node_at(g, x, y)
        found.append((layer, node))
        assert layer == round(x)
        if layer in biases:
            shown = float(re.search(r"bias ([+-]\d+\.\d+)", text).group(1))
            assert shown == pytest.approx(biases[layer][node], abs=5e-4)
    assert sorted(found) == [(0, 0), (0, 1), *[(1, k) for k in range(5)], (2, 0), (2, 1), (2, 2), (3, 0)]


def test_a_click_beside_the_nodes_finds_none(drawn_network):
    _, g, _ = drawn_network
    assert lab_figs.node_at(g, -1, 0) is None           # left of the inputs
    assert lab_figs.node_at(g, 4, 0) is None            # right of the output
    assert lab_figs.node_at(g, 1, 3) is None            # above the 5 nodes of hidden layer 1 (y 2 .. -2)
    assert lab_figs.node_at(g, 3, -1) is None           # below the single output node (y 0)


# --- the boundary's toggles ----------------------------------------------------------------------

XS, YS = np.linspace(-2, 2, 5), np.linspace(-1, 1, 4)
POINTS = {"train": (np.array([[0.0, 0.0], [1.0, 0.5], [-1.0, -0.5]]), np.array([0, 1, 1])),
          "test": (np.array([[0.5, 0.5], [-0.5, 0.2]]), np.array([1, 0]))}


def _traces(fig, kind: str) -> list:
    return [t for t in fig.data if t.type == kind]


def _point_sets(fig) -> list[np.ndarray]:
    return [np.c_[t.x, t.y] for t in _traces(fig, "scatter")]


@pytest.mark.parametrize("task", ["binary", "regression"])
def test_show_test_data_draws_the_test_points_or_not(task):
    z = np.zeros((len(YS), len(XS)))
    surface = {"x": XS, "y": YS, "z": z}
    shown = _point_sets(boundary_figure(surface, POINTS, task, EN, show_test=True))
    hidden = _point_sets(boundary_figure(surface, POINTS, task, EN, show_test=False))
    assert len(shown) == 2 and np.array_equal(shown[0], POINTS["train"][0]) and np.array_equal(shown[1], POINTS["test"][0])
    assert len(hidden) == 1 and np.array_equal(hidden[0], POINTS["train"][0])
    before_a_run = _point_sets(boundary_figure(None, POINTS, task, EN, show_test=False))
    assert len(before_a_run) == 1


def test_a_binary_points_colour_is_its_class_and_a_test_points_outline_too():
    """Class 1 blue, class 0 orange (TensorFlow Playground's colours), as numbers on a
    two-colour scale; the open test circles are drawn by their outline, in the same colours."""
    from playground.figures.style import BLUE, ORANGE
    fig = boundary_figure({"x": XS, "y": YS, "z": np.zeros((len(YS), len(XS)))}, POINTS, "binary", EN)
    train, test = _traces(fig, "scatter")
    for marker, y in ((train.marker, POINTS["train"][1]), (test.marker.line, POINTS["test"][1])):
        assert [tuple(step) for step in marker.colorscale] == [(0, ORANGE), (1, BLUE)]
        assert (marker.cmin, marker.cmax) == (0, 1) and list(marker.color) == list(y)
    assert test.marker.symbol == "circle-open" and test.marker.line.width == 2


def test_discretize_a_probability_shows_the_predicted_class():
    z = np.array([[0.1, 0.49, 0.5, 0.51, 0.9]] * len(YS))
    smooth = boundary_figure({"x": XS, "y": YS, "z": z}, POINTS, "binary", EN)
    classes = boundary_figure({"x": XS, "y": YS, "z": z}, POINTS, "binary", EN, discretize=True)
    np.testing.assert_array_equal(np.asarray(_traces(smooth, "heatmap")[0].z), z)
    np.testing.assert_array_equal(np.asarray(_traces(classes, "heatmap")[0].z), [[0, 0, 1, 1, 1]] * len(YS))
    # the boundary line still follows the smooth output
    np.testing.assert_array_equal(np.asarray(_traces(classes, "contour")[0].z), z)


def test_discretize_a_prediction_shows_eight_bands():
    z = np.linspace(-3.0, 5.0, 4 * 40).reshape(4, 40)          # 8 wide: bands of 1.0
    smooth = np.asarray(_traces(boundary_figure({"x": np.arange(40), "y": YS, "z": z}, POINTS, "regression",
                                                EN), "heatmap")[0].z)
    banded = np.asarray(_traces(boundary_figure({"x": np.arange(40), "y": YS, "z": z}, POINTS, "regression",
                                                EN, discretize=True), "heatmap")[0].z)
    np.testing.assert_array_equal(smooth, z)
    # band centres -2.5, -1.5, ..., 4.5; each value drawn as its band's centre
    np.testing.assert_allclose(np.unique(banded), np.arange(-2.5, 5.0, 1.0))
    assert np.abs(banded - z).max() <= 0.5 + 1e-9
    flat = banded.ravel()
    assert np.all(np.diff(flat) >= 0)                         # order kept: z grows along the rows



def test_the_names_sit_beside_their_node_boxes_and_fit_a_narrow_column():
    """Input names overlapped their node boxes and were cut at 1024 px ('ass_2nd'): each
    name is its trace's text beside an invisible marker the size of the node box (plotly
    offsets the text by the marker, in pixels), and a name too long is shortened at both ends."""
    cfg, prep = prepared_for(dataset="titanic", hidden=(4,))
    fig = lab_figs.lab_network_figure(network_graph(build_model(cfg, prep.n_features, prep.n_outputs), prep), None, EN)
    left, right = [t for t in fig.data if t.mode == "markers+text"]
    assert set(left.x) == {0} and left.textposition == "middle left" and left.marker.size == lab_figs.BOX_PX
    assert set(right.x) == {2} and right.textposition == "middle right"
    x0, x1 = fig.layout.xaxis.range
    px = (lab_figs.NAMES_WIDTH - 8) / (x1 - x0)           # per x unit in the narrowest column
    for tr, room in ((left, 0 - x0), (right, x1 - 2)):
        assert lab_figs.LETTER_PX * max(lab_figs._letters(t) for t in tr.text) + lab_figs.BOX_PX / 2 <= room * px
    assert any("…" in t and t.endswith("1st") for t in left.text)        # pclass_1st, told apart from _2nd
    assert len(set(left.text)) == len(left.text)                         # sex_female and sex_male too
    assert 2.4 / (x1 - x0) >= 1 - lab_figs.MAX_NAMES_SHARE - 1e-9          # the network keeps 40% of the width


def test_a_painted_sets_boundary_covers_the_whole_painted_plane():
    """The boundary of painted points was drawn only around them, narrower than the -6..6
    plane they were painted on."""
    from playground.data import paint
    from playground.inspect import boundary
    cfg, prep = prepared_for(dataset="paint")
    X = np.asarray(prep.dataset.X, float)
    assert X.min() > -paint.LIMIT + 0.5 and X.max() < paint.LIMIT - 0.5     # the example leaves room around it
    surf = boundary.surface(build_model(cfg, prep.n_features, prep.n_outputs), prep, resolution=13)
    assert (surf["x"][0], surf["x"][-1], surf["y"][0], surf["y"][-1]) == (-6, 6, -6, 6)
    fig = boundary_figure(surf, {"train": (X, prep.dataset.y), "test": (X[:0], prep.dataset.y[:0])}, "binary", EN)
    assert tuple(fig.layout.xaxis.range) == (-6, 6) and tuple(fig.layout.yaxis.range) == (-6, 6)

"""inside_plots.py: figures built from probe data show that data (colours by sign, shapes,
groups) and speak Korean or English through the Translator."""
from __future__ import annotations

import re

import numpy as np
import pytest
from unit_helpers import prepared_for

from playground.config import make_config
from playground.figures import inside as inside_figs
from playground.figures import network as network_figs
from playground.figures.training import BLUE, ORANGE
from playground.i18n import Translator
from playground.inspect import graph, layers, live
from playground.nn.model import build_model
from playground.nn.train import Trainer

EN, KO = Translator("en"), Translator("ko")
HANGUL = re.compile("[\uac00-\ud7a3]")


@pytest.fixture(scope="module")
def circle_view():
    cfg, prep = prepared_for(dataset="circle", hidden=(6, 2))
    tr = Trainer(cfg.replace(epochs=2), prep)
    tr.fit()
    view = live.inspect(tr.model, prep, "relu")
    view["grad_norms"] = tr.grad_norms
    return view, prep


def texts(fig) -> list[str]:
    """Every title, axis title and annotation a reader sees."""
    lay = fig.layout
    out = [lay.title.text] if lay.title and lay.title.text else []
    for ax in [a for a in dir(lay) if a.startswith(("xaxis", "yaxis"))]:
        t = getattr(lay, ax).title.text
        if t:
            out.append(t)
    out += [a.text for a in lay.annotations if a.text]
    return out


def test_network_links_coloured_by_sign_with_values_on_hover():
    graph = {"image_shape": None, "layers": [
        {"name": "input", "size": 2, "kind": "input", "groups": [(0, 1), (1, 2)], "labels": ["a", "b"], "bias": None},
        {"name": "output", "size": 1, "kind": "output", "groups": [(0, 1)], "labels": ["y"], "bias": np.array([0.1])}],
        "links": [{"mean": np.array([[0.5, -2.0]]), "mag": np.array([[0.5, 2.0]])}]}
    fig = network_figs.network_figure(graph, EN)
    lines = [t for t in fig.data if t.mode == "lines"]
    by_colour = {t.line.color: t for t in lines}
    assert set(by_colour) == {BLUE, ORANGE}
    assert by_colour[ORANGE].line.width > by_colour[BLUE].line.width      # |−2| > |0.5|
    assert list(by_colour[BLUE].y[:2]) == [0.5, 0.0]                      # from a (top node) to y
    hover = [t for t in fig.data if t.hovertext is not None and "→" in str(t.hovertext)][0]
    assert list(hover.hovertext) == ["a → y<br>weight +0.500", "b → y<br>weight -2.000"]


def test_network_aggregated_image_inputs_in_both_languages():
    _, prep = prepared_for(dataset="digits")
    model = build_model(make_config(dataset="digits", model="mlp", hidden=(40,)), 64, 10)
    g = graph.network_graph(model, prep)
    for T, rows in ((EN, "pixel rows 1–1"), (KO, "픽셀 1–1행")):
        fig = network_figs.network_figure(g, T)
        labels = [t for t in fig.data if t.mode == "text"][0].text
        assert labels[0] == rows and len(labels) == 8
        assert any("40" in a.text for a in fig.layout.annotations)        # layer size shown
    nodes = [t for t in fig.data if t.mode == "markers" and t.marker.symbol == "square"][0]
    assert len(nodes.x) == 8 + 16 + 10
    assert "평균 편향" in nodes.hovertext[8]                             # an aggregated hidden node


def test_activation_heatmap_grouped_by_class(circle_view):
    view, prep = circle_view
    lv = view["layers"]["hidden1"]
    fig = inside_figs.activation_heatmap(lv, view["y"], view["groups"], prep.task, prep.class_names, EN, "hidden1")
    np.testing.assert_allclose(fig.data[0].z, lv["matrix"], rtol=1e-6)
    assert list(fig.data[0].x) == [f"h1·{i}" for i in range(1, 7)]
    assert list(fig.layout.yaxis.ticktext) == ["0", "1"]
    assert len(fig.layout.shapes) == 1                                      # one line between two classes
    assert fig.layout.yaxis.title.text == "samples, grouped by class"


def test_heatmap_sorted_by_target_for_regression():
    lv = {"matrix": np.array([[1.0, -1.0], [0.5, 0.2]]), "shown": np.array([0, 1])}
    fig = inside_figs.activation_heatmap(lv, np.array([1.5, 7.25]), [], "regression", None, KO, "hidden2")
    assert fig.layout.yaxis.title.text == "샘플 (타깃 값 순으로 정렬)"
    assert fig.data[0].zmin == -1 and fig.data[0].zmax == 1                # signed values: symmetric scale
    assert "은닉층 2" in fig.layout.title.text


def test_representation_scatter_shows_the_layer_output(circle_view):
    view, prep = circle_view
    rep = view["layers"]["hidden2"]["repr"]
    fig = inside_figs.representation_figure(rep, view["y"], prep.task, prep.class_names, EN, "hidden2")
    assert [t.name for t in fig.data] == ["0", "1"]
    xs = np.concatenate([t.x for t in fig.data])
    np.testing.assert_allclose(np.sort(xs), np.sort(rep["xy"][:, 0]), rtol=1e-6)
    assert fig.layout.xaxis.title.text == "z1 (h2·1)"
    pca = inside_figs.representation_figure(view["layers"]["hidden1"]["repr"], view["y"], prep.task, prep.class_names, KO,
                                   "hidden1")
    assert pca.layout.xaxis.title.text.startswith("주성분 1")


def test_mosaic_places_and_scales_tiles():
    imgs = np.arange(2 * 2 * 3, dtype=float).reshape(2, 2, 3) + 1
    z, raw, centres = inside_figs.mosaic(imgs, ["a", "b"], cols=2, pad=1, pad_y=2)
    assert z.shape == (2, 7)
    np.testing.assert_allclose(raw[:, :3], imgs[0])
    np.testing.assert_allclose(z[:, 4:], imgs[1] / imgs[1].max())
    assert np.isnan(z[:, 3]).all() and [c[2] for c in centres] == ["a", "b"]
    z3, _, _ = inside_figs.mosaic(np.ones((3, 2, 2)), ["", "", ""], cols=2, pad=1, pad_y=2)
    assert z3.shape == (6, 5) and np.isnan(z3[2:4]).all()


def test_thumbnails_and_pictures(circle_view):
    view, _ = circle_view
    fig = inside_figs.thumbnails_figure(view["plane"], KO)
    z = np.asarray(fig.data[0].z)
    assert z.dtype == np.int8 and z.max() == 127 and (z == -128).any()   # one byte a pixel; -128 = gap
    assert fig.data[0].colorscale[0][1] == "white"
    names = [a.text for a in fig.layout.annotations]
    assert {"x1", "x2", "h1·1", "h2·2", "입력층", "은닉층 1", "출력층"} <= set(names)
    pics = {"images": np.random.default_rng(0).normal(size=(10, 8, 8)), "units": 10}
    pf = inside_figs.pictures_figure(pics, EN, dead=np.array([False, True] + [False] * 8))
    assert [a.text for a in pf.layout.annotations][:3] == ["h1·1", "h1·2 ✕", "h1·3"]   # a dead ReLU is marked


def test_input_weights_and_cnn_figures():
    iw = {"W": np.array([[0.5, -1.0, 0.0]]), "inputs": ["age", "fare", "sex_male"], "bias": np.zeros(1)}
    fig = inside_figs.input_weights_figure(iw, KO, "hidden1")
    assert list(fig.data[0].x) == ["age", "fare", "sex_male"] and fig.data[0].zmin == -1.0
    assert "입력 가중치" in fig.layout.title.text
    cnn = {"inputs": np.random.rand(2, 64), "filters": {"conv1": np.random.randn(8, 3, 3)},
           "maps": {"conv1": np.random.rand(2, 8, 4, 4), "conv2": np.random.rand(2, 16, 2, 2)}}
    cf = inside_figs.cnn_figure(cnn, 1, (8, 8), EN)
    assert len(cf.data) == 4
    np.testing.assert_allclose(np.asarray(cf.data[0].customdata, float), cnn["inputs"][1].reshape(8, 8), rtol=1e-6)


def test_grad_norms_figure_log_scale_one_line_per_layer(circle_view):
    view, _ = circle_view
    fig = inside_figs.grad_norms_figure(view["grad_norms"], KO)
    assert fig.layout.yaxis.type == "log"
    assert [t.name for t in fig.data] == ["은닉층 1", "은닉층 2", "출력층"]
    assert list(fig.data[0].y) == [g["hidden1"] for g in view["grad_norms"]]


def test_activation_functions_highlight_the_chosen_one():
    fig = inside_figs.activation_functions_figure(layers.activation_curves(), "sigmoid", EN)
    bold = [t for t in fig.data if t.line.width == 4]
    assert len(bold) == 2 and all(t.legendgroup == "sigmoid" for t in bold)
    assert len([t for t in fig.data if t.showlegend]) == 7


def test_every_figure_has_korean_titles(circle_view):
    view, prep = circle_view
    lv = view["layers"]["hidden1"]
    figs = [network_figs.network_figure(view["graph"], KO),
            inside_figs.activation_heatmap(lv, view["y"], view["groups"], prep.task, prep.class_names, KO, "hidden1"),
            inside_figs.histogram_figure(lv, KO, "hidden1"),
            inside_figs.representation_figure(lv["repr"], view["y"], prep.task, prep.class_names, KO, "hidden1"),
            inside_figs.input_weights_figure(view["weights"]["hidden1"], KO, "hidden1"),
            inside_figs.thumbnails_figure(view["plane"], KO), inside_figs.grad_norms_figure(view["grad_norms"], KO),
            inside_figs.activation_functions_figure(layers.activation_curves(), "relu", KO)]
    for fig in figs:
        assert any(HANGUL.search(t) for t in texts(fig)), texts(fig)

"""inspect/ (capture, layers, live): hooks capture the right shapes, views equal a manual forward pass, gradient
norms are recorded by the Trainer (and vanish in a deep sigmoid net), the live probe is cheap."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA
from unit_helpers import prepared_for, wait_for

from playground.config import make_config
from playground.figures import inside as inside_figs
from playground.figures import network as network_figs
from playground.inspect import boundary, capture, graph, layers, live
from playground.nn.model import build_model, loss_function
from playground.nn.train import Trainer
from playground.runs.training import Scheduler, TrainingJob


def trained(epochs=3, **values):
    cfg, prep = prepared_for(**values)
    tr = Trainer(cfg.replace(epochs=epochs), prep)
    tr.fit()
    return tr


# --- capture -----------------------------------------------------------------------------------

def test_capture_shapes_mlp():
    cfg, prep = prepared_for(dataset="circle", hidden=(8, 2))
    model = build_model(cfg, prep.n_features, prep.n_outputs)
    X = prep.train.X[:37]
    acts = capture.capture(model, X)
    assert list(acts) == ["hidden1", "hidden2"] == capture.probe_layers(model)
    assert acts["hidden1"].shape == (37, 8) and acts["hidden2"].shape == (37, 2)
    assert capture.capture(model, X, ["output"])["output"].shape == (37, 1)
    assert not any(m._forward_hooks for m in model.modules())   # hooks removed again
    assert model.training                                          # mode restored


@pytest.mark.parametrize("shape,maps", [((28, 28), (14, 7)), ((8, 8), (4, 2))])
def test_capture_shapes_cnn(shape, maps):
    cfg = make_config(dataset="mnist", model="cnn", hidden=(16,))
    model = build_model(cfg, shape[0] * shape[1], 10, shape)
    acts = capture.capture(model, torch.rand(5, shape[0] * shape[1]))
    assert list(acts) == ["conv1", "conv2", "hidden1"]
    assert acts["conv1"].shape == (5, 8, maps[0], maps[0])
    assert acts["conv2"].shape == (5, 16, maps[1], maps[1])
    assert acts["hidden1"].shape == (5, 16)
    assert capture.as_matrix(acts["conv2"]).shape == (5, 16)
    np.testing.assert_allclose(capture.as_matrix(acts["conv1"])[:, 3], acts["conv1"][:, 3].mean(axis=(1, 2)))


def test_layer_views_shapes_and_top_varying_nodes():
    tr = trained(1, dataset="circle", hidden=(200, 3))
    sample = capture.sample_rows(tr.data, n=50)
    views = layers.layer_views(tr.model, sample, "relu")
    v1 = views["hidden1"]
    assert v1["units"] == 200 and v1["matrix"].shape == (50, layers.MAX_HEAT_NODES)
    full = capture.capture(tr.model, sample.X)["hidden1"]
    np.testing.assert_allclose(v1["matrix"], full[:, v1["shown"]])
    kept_var = full[:, v1["shown"]].var(0).min()
    dropped = np.setdiff1d(np.arange(200), v1["shown"])
    assert kept_var >= full[:, dropped].var(0).max() - 1e-7
    assert v1["hist"]["counts"].sum() == full.size
    assert views["hidden2"]["matrix"].shape == (50, 3)


# --- the 2-unit representation is the layer's own output -----------------------------------------

def test_two_unit_scatter_equals_manual_forward():
    tr = trained(3, dataset="circle", hidden=(2,), activation="tanh")
    sample = capture.sample_rows(tr.data)
    rep = live.inspect(tr.model, tr.data, "tanh", sample)["layers"]["hidden1"]["repr"]
    lin = tr.model.hidden1[0]
    with torch.no_grad():
        manual = torch.tanh(sample.X @ lin.weight.T + lin.bias).numpy()
    assert rep["kind"] == "raw"
    np.testing.assert_allclose(rep["xy"], manual, rtol=1e-5, atol=1e-6)


def test_two_unit_second_layer_equals_manual_forward():
    tr = trained(2, dataset="moons", hidden=(5, 2), activation="relu")
    sample = capture.sample_rows(tr.data, n=80)
    rep = live.inspect(tr.model, tr.data, "relu", sample)["layers"]["hidden2"]["repr"]
    l1, l2 = tr.model.hidden1[0], tr.model.hidden2[0]
    with torch.no_grad():
        manual = torch.relu(torch.relu(sample.X @ l1.weight.T + l1.bias) @ l2.weight.T + l2.bias).numpy()
    np.testing.assert_allclose(rep["xy"], manual, rtol=1e-5, atol=1e-6)


def test_wide_layer_is_pca_of_activations():
    acts = np.random.default_rng(0).normal(size=(60, 6)) * [5, 3, 1, 1, 1, 1]
    rep = layers.representation(acts)
    ref = PCA(2).fit(acts)
    assert rep["kind"] == "pca"
    np.testing.assert_allclose(np.abs(rep["xy"]), np.abs(ref.transform(acts)), atol=1e-8)
    np.testing.assert_allclose(rep["var"], ref.explained_variance_ratio_)
    one = layers.representation(acts[:, :1])
    assert one["kind"] == "single" and np.all(one["xy"][:, 1] == 0)
    assert layers.representation(np.zeros((10, 4)))["var"] == [0.0, 0.0]   # all dead: no crash


# --- samples, dead units ---------------------------------------------------------------------------

def test_sample_rows_grouped_by_class_and_sorted_by_target():
    _, prep = prepared_for(dataset="iris")
    s = capture.sample_rows(prep, n=40)
    assert len(s.y) == 40 and list(s.y) == sorted(s.y)
    assert [c for c, _, _ in s.groups] == sorted(set(s.y))
    for c, a, b in s.groups:
        assert np.all(s.y[a:b] == c)
    torch.testing.assert_close(s.X, prep.train.X[s.rows])
    _, reg = prepared_for(dataset="diabetes")
    r = capture.sample_rows(reg, n=30)
    assert np.all(np.diff(r.y) >= 0) and r.groups == []


def test_dead_units():
    acts = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 2.0], [0.0, 3.0, 0.0]])
    assert list(layers.dead_units(acts, "relu")) == [True, False, False]
    assert layers.dead_units(acts, "tanh") is None
    maps = np.zeros((2, 3, 4, 4))
    maps[1, 2, 3, 3] = 1.0
    assert list(layers.dead_units(maps, "relu")) == [True, True, False]


# --- weights ------------------------------------------------------------------------------------------

def test_input_weights_by_feature_name():
    tr = trained(1, dataset="titanic", hidden=(4, 3))
    iw = layers.input_weights(tr.model, tr.data, "hidden1")
    assert iw["inputs"] == tr.data.feature_names
    np.testing.assert_array_equal(iw["W"], tr.model.hidden1[0].weight.detach().numpy())
    deeper = layers.input_weights(tr.model, tr.data, "hidden2")
    assert deeper["inputs"] == ["h1·1", "h1·2", "h1·3", "h1·4"] and deeper["W"].shape == (3, 4)


def test_weight_images_and_cnn_view():
    _, prep = prepared_for(dataset="digits")
    mlp = build_model(make_config(dataset="digits", model="mlp", hidden=(40,)), 64, 10)
    pics = layers.weight_images(mlp, prep)
    assert pics["images"].shape == (layers.MAX_PICTURES, 8, 8) and pics["units"] == 40
    np.testing.assert_array_equal(pics["images"][5], mlp.hidden1[0].weight.detach().numpy()[5].reshape(8, 8))

    cnn = build_model(make_config(dataset="digits", model="cnn", hidden=(8,)), 64, 10, (8, 8))
    sample = capture.sample_rows(prep)
    picks = capture.class_examples(sample)
    assert [sample.y[p] for p in picks] == list(range(10))           # one sample per class
    view = layers.cnn_view(cnn, sample, picks)
    np.testing.assert_array_equal(view["filters"]["conv1"], cnn.conv1[0].weight.detach().numpy()[:, 0])
    assert view["filters"]["conv2"].shape == (16, 3, 3)
    one = capture.capture(cnn, sample.X[picks[3]:picks[3] + 1])["conv1"][0]
    np.testing.assert_allclose(view["maps"]["conv1"][3], one, rtol=1e-5, atol=1e-6)
    assert view["maps"]["conv2"].shape == (10, 16, 2, 2) and view["inputs"].shape == (10, 64)


# --- network diagram --------------------------------------------------------------------------------------

def test_network_graph_aggregates_wide_layers():
    _, prep = prepared_for(dataset="digits")                          # 8x8 images, 64 inputs
    model = build_model(make_config(dataset="digits", model="mlp", hidden=(32, 5)), 64, 10)
    g = graph.network_graph(model, prep, max_nodes=4)
    sizes = [(L["name"], L["size"], len(L["groups"])) for L in g["layers"]]
    assert sizes == [("input", 64, 4), ("hidden1", 32, 4), ("hidden2", 5, 4), ("output", 10, 4)]
    assert g["layers"][0]["groups"][1] == (16, 32)                    # two pixel rows per node
    W1 = model.hidden1[0].weight.detach().numpy()
    assert g["links"][0]["mean"].shape == (4, 4)
    np.testing.assert_allclose(g["links"][0]["mean"][2, 1], W1[16:24, 16:32].mean(), rtol=1e-5)
    np.testing.assert_allclose(g["links"][0]["mag"][2, 1], np.abs(W1[16:24, 16:32]).mean(), rtol=1e-5)
    assert g["layers"][-1]["labels"] is None                          # 10 classes in 4 groups: no single names

    wide = graph.network_graph(model, prep)                          # default: 16 nodes per layer
    assert [len(L["groups"]) for L in wide["layers"]] == [8, 16, 5, 10]
    np.testing.assert_allclose(wide["links"][2]["mean"], model.output.weight.detach().numpy(), rtol=1e-6)
    assert wide["layers"][-1]["labels"] == [str(i) for i in range(10)]
    np.testing.assert_allclose(wide["layers"][2]["bias"], model.hidden2[0].bias.detach().numpy())
    assert graph._row_groups(28, 28, 16)[:2] == [(0, 56), (56, 112)]  # MNIST: 14 bands of 2 rows
    assert len(graph._row_groups(28, 28, 16)) == 14


def test_network_graph_cnn():
    _, prep = prepared_for(dataset="digits")
    model = build_model(make_config(dataset="digits", model="cnn", hidden=(12,)), 64, 10, (8, 8))
    g = graph.network_graph(model, prep)
    assert [len(L["groups"]) for L in g["layers"]] == [1, 8, 16, 12, 10]
    assert [m["mean"].shape for m in g["links"]] == [(8, 1), (16, 8), (12, 16), (10, 12)]
    W = model.hidden1[0].weight.detach().numpy()                     # (12, 16 channels * 4 positions)
    np.testing.assert_allclose(g["links"][2]["mean"][4, 2], W[4, 8:12].mean(), rtol=1e-5)
    K = model.conv2[0].weight.detach().numpy()                        # (16, 8, 3, 3)
    np.testing.assert_allclose(g["links"][1]["mean"], K.mean(axis=(2, 3)), rtol=1e-5)


# --- TF Playground thumbnails ------------------------------------------------------------------------------

def test_neuron_surfaces_equal_forward_on_the_grid():
    tr = trained(2, dataset="circle", hidden=(6, 3), activation="relu")
    plane = boundary.neuron_surfaces(tr.model, tr.data, resolution=20)
    names = [r[0] for r in plane["rows"]]
    assert names == ["input", "hidden1", "hidden2", "output"]
    assert plane["rows"][1][1].shape == (6, 20, 20) and plane["rows"][2][1].shape == (3, 20, 20)
    _, _, pts = boundary.plane_grid(tr.data, 20)
    X = boundary.grid_inputs(tr.data, pts)
    k = 20 * 7 + 11                                                   # row 7 (y), column 11 (x)
    lin = tr.model.hidden1[0]
    with torch.no_grad():
        h1 = torch.relu(X[k] @ lin.weight.T + lin.bias).numpy()
    np.testing.assert_allclose(plane["rows"][1][1][:, 7, 11], h1, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(plane["rows"][-1][1][0], boundary.surface(tr.model, tr.data, 20)["z"], rtol=1e-5)


# --- gradient norms ---------------------------------------------------------------------------------------

def test_grad_norms_recorded_once_per_epoch():
    tr = trained(3, dataset="circle", hidden=(8, 4))
    g = tr.grad_norms
    assert [e["epoch"] for e in g] == [1, 2, 3]
    assert set(g[0]) == {"epoch", "hidden1", "hidden2", "output"}
    assert all(v > 0 and np.isfinite(v) for e in g for k, v in e.items() if k != "epoch")
    assert len(tr.history.epochs) == 3 and "hidden1" not in tr.history.epochs[0]   # history keys untouched


def test_grad_norm_equals_manual_first_batch():
    cfg, prep = prepared_for(dataset="circle", hidden=(8, 4))
    tr = Trainer(cfg.replace(epochs=1), prep)
    model = build_model(cfg, prep.n_features, prep.n_outputs)        # same seed -> same initial weights
    tr.fit()
    perm = torch.randperm(len(prep.train.X), generator=torch.Generator().manual_seed(cfg.seed))
    xb, yb = prep.train.X[perm][:cfg.batch_size], prep.train.y[perm][:cfg.batch_size]
    loss_function(prep.task)(model(xb)[:, 0], yb).backward()
    w, b = model.hidden1[0].weight.grad, model.hidden1[0].bias.grad
    manual = float(torch.sqrt((w ** 2).sum() + (b ** 2).sum()))
    assert tr.grad_norms[0]["hidden1"] == pytest.approx(manual, rel=1e-5)


def test_vanishing_gradients_in_a_deep_sigmoid_net():
    first = {}
    for act in ("relu", "sigmoid"):
        tr = trained(1, dataset="circle", hidden=(16,) * 6, activation=act)
        first[act] = tr.grad_norms[0]
    assert first["relu"]["hidden1"] > 10 * first["sigmoid"]["hidden1"]
    s = first["sigmoid"]
    assert s["hidden1"] < s["hidden3"] < s["hidden6"] < s["output"]   # shrinking towards the input


def test_a_diverged_network_still_gives_every_view():
    from playground.i18n import Translator
    for values in ({"dataset": "circle", "hidden": (6, 3)}, {"dataset": "digits", "model": "cnn", "hidden": (8,)}):
        cfg, prep = prepared_for(**values)
        model = build_model(cfg, prep.n_features, prep.n_outputs, prep.image_shape)
        with torch.no_grad():
            for i, p in enumerate(model.parameters()):
                p.fill_(float("nan") if i % 2 == 0 else float("inf"))
        view = live.inspect(model, prep, cfg.activation)
        view["grad_norms"] = [{"epoch": 1, "hidden1": float("nan"), "output": float("inf")}]
        T = Translator("en")
        figs = [network_figs.network_figure(view["graph"], T), inside_figs.grad_norms_figure(view["grad_norms"], T)]
        for name, lv in view["layers"].items():
            assert np.isfinite(lv["matrix"]).all() and np.isfinite(lv["repr"]["xy"]).all()
            figs += [inside_figs.activation_heatmap(lv, view["y"], view["groups"], prep.task, prep.class_names, T, name),
                     inside_figs.histogram_figure(lv, T, name),
                     inside_figs.representation_figure(lv["repr"], view["y"], prep.task, prep.class_names, T, name)]
        if "plane" in view:
            figs.append(inside_figs.thumbnails_figure(view["plane"], T))
        if "cnn" in view:
            figs.append(inside_figs.cnn_figure(view["cnn"], 0, prep.image_shape, T))
        for fig in figs:
            fig.to_json()                                                 # validates and serialises


# --- activation functions ------------------------------------------------------------------------------------

def test_activation_curves():
    c = layers.activation_curves()
    x = c["x"]
    np.testing.assert_allclose(c["relu"]["y"], np.maximum(x, 0))
    np.testing.assert_allclose(c["linear"]["y"], x)
    np.testing.assert_allclose(c["linear"]["dy"], 1)
    assert c["sigmoid"]["dy"].max() == pytest.approx(0.25, abs=1e-4)
    assert set(c) == {"x", "relu", "leaky_relu", "elu", "gelu", "tanh", "sigmoid", "linear"}


# --- the live probe ------------------------------------------------------------------------------------------------

class FakeTrainer:
    def __init__(self, tr, epoch, finished=False):
        self.model, self.grad_norms, self.epoch, self.finished = tr.model, tr.grad_norms, epoch, finished


def test_live_probe_throttles_and_sleeps_without_a_viewer():
    tr = trained(1, dataset="circle", hidden=(4,))
    probe = live.LiveProbe(tr.data, "relu", budget=0.05, heartbeat=5.0)
    first = probe(FakeTrainer(tr, 1))
    assert first["epoch"] == 1 and first["grad_norms"] == tr.grad_norms and "plane" in first
    probe.cost = 1e6                                  # as if it were very expensive: within budget -> cached
    assert probe(FakeTrainer(tr, 2)) is first
    probe.cost = 0.0
    assert probe(FakeTrainer(tr, 1)) is first         # same epoch: nothing new to see
    probe._seen -= 60                                 # nobody polled for a minute: cached, no work
    assert probe(FakeTrainer(tr, 3)) is first
    probe.cost = 1e6
    assert probe(FakeTrainer(tr, 3, finished=True))["epoch"] == 3   # the run's end always computes
    probe.touch()
    probe.cost = 0.0
    assert probe(FakeTrainer(tr, 4))["epoch"] == 4


def test_live_probe_on_a_running_job():
    cfg, prep = prepared_for(dataset="circle", hidden=(6, 2))
    probe = live.LiveProbe(prep, cfg.activation, heartbeat=None)
    job = TrainingJob(cfg.replace(epochs=4), prep, scheduler=Scheduler(1), probes={"inside": probe}).start()
    job.join(30)
    epoch, view = wait_for(lambda: job.snapshot().probes.get("inside"))
    assert epoch == 4 == view["epoch"] and len(view["grad_norms"]) == 4
    assert view["layers"]["hidden2"]["repr"]["kind"] == "raw"
    manual = capture.capture(job.model_copy(), probe.sample.X)["hidden2"]
    np.testing.assert_allclose(view["layers"]["hidden2"]["repr"]["xy"], manual, rtol=1e-5, atol=1e-6)

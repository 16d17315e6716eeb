"""What the lab draws on a sequence run (inspect/sequence.py -> figures/sequences.py): one
validation example's hidden state (units x steps) with its words under the columns, the
answer after each step, attention weights, and a series' forecast with its split regions."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from unit_helpers import prepared_for

from playground.figures import sequences as seq_figs
from playground.i18n import Translator
from playground.inspect import sequence
from playground.nn.train import Trainer


def trained(**values) -> Trainer:
    cfg, prep = prepared_for(**values)
    t = Trainer(cfg, prep)
    t.fit()
    return t


def test_the_examples_are_plain_arrays_of_the_real_network():
    t = trained(dataset="seq-negation", model="gru", attention=True, epochs=2)
    rec = sequence.record(t.model, t.data)
    ex = rec["examples"]
    k = len(ex["rows"])
    assert k == sequence.EXAMPLES and "forecast" not in rec
    assert ex["states"].shape == (k, t.cfg.window, 32) and isinstance(ex["states"], np.ndarray)
    # negated sentences first: the point of reading in order
    assert any(w in ("not", "않") for w in ex["words"][0])
    # the answer after the last word is the network's probability (predict_output, on the same rows)
    assert ex["steps"][:, -1] == pytest.approx(t.predict("val")[ex["rows"]], abs=1e-5)
    assert ex["output"] == pytest.approx(t.predict("val")[ex["rows"]], abs=1e-5)
    assert ex["attention"].sum(1) == pytest.approx(np.ones(k), abs=1e-5)


def test_a_series_forecast_marks_train_validation_and_test_by_time():
    t = trained(dataset="nottem", epochs=2)
    fc = sequence.record(t.model, t.data)["forecast"]
    parts = fc["parts"]
    assert [len(parts[s]["pred"]) for s in ("train", "val", "test")] == [len(t.data.split(s).y)
                                                                         for s in ("train", "val", "test")]
    assert parts["train"]["time"].max() < fc["val_start"] <= parts["val"]["time"].min()
    assert parts["val"]["time"].max() < fc["test_start"] == parts["test"]["time"].min()
    assert parts["test"]["pred"] == pytest.approx(t.predict("test"), rel=1e-5)
    ex = sequence.record(t.model, t.data)["examples"]
    # after each step the network predicts the next value; the last is its forecast of the target
    assert ex["next_values"][:, -1] == pytest.approx(ex["truth"], rel=1e-5)
    assert ex["steps"][:, -1] == pytest.approx(ex["output"], rel=1e-5)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_memory_figure_has_words_under_its_columns(lang):
    T = Translator(lang)
    t = trained(dataset="seq-negation", model="lstm", attention=True, epochs=1)
    ex = sequence.examples(t.model, t.data)
    fig = seq_figs.state_figure(ex, 0, T)
    words = [w for w, pad in zip(ex["words"][0], ex["padding"][0]) if not pad]
    heat = fig.data[0]
    assert heat.type == "heatmap" and np.asarray(heat.z).shape == (32, len(words))   # units x steps
    assert list(fig.layout.xaxis4.ticktext) == words                                  # the bottom row (<= 12)
    assert [d.type for d in fig.data] == ["heatmap", "scatter", "bar", "bar"]   # answer, gradient, attention
    titles = [a.text for a in fig.layout.annotations]
    assert T("seq.attention_title") in titles and T("seq.belief_title") in titles
    assert fig.layout.yaxis.title.text == T("seq.unit") and fig.layout.xaxis4.title.text == T("seq.step_axis")
    assert seq_figs.example_label(ex, 0, T).startswith(" ".join(words))


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_forecast_figure_names_its_axes_and_regions(lang):
    T = Translator(lang)
    t = trained(dataset="air-passengers", epochs=1)
    fig = seq_figs.forecast_figure(sequence.forecast(t.model, t.data), T)
    assert [d.name for d in fig.data] == [T("seq.truth"), T("seq.split.train"), T("seq.split.val"),
                                          T("seq.split.test"), T("seq.rolled")]
    assert fig.layout.xaxis.title.text == T("seq.time_axis") and fig.layout.yaxis.title.text
    assert {a.text for a in fig.layout.annotations} == {T("seq.region.val"), T("seq.region.test")}
    assert len(fig.layout.shapes) == 2                     # the validation and test regions
    fig_multi = seq_figs.state_figure(sequence.examples(
        trained(dataset="seq-memory", epochs=1).model, prepared_for(dataset="seq-memory")[1]), 0, T)
    assert [d.name for d in fig_multi.data[1:5]] == ["A", "B", "C", "D"]   # one line per class


def test_a_plain_rnns_gradient_vanishes_going_back_where_gated_cells_keep_more():
    """At initialisation, over 20 steps (measured at seed 3: first / last step's gradient size
    8e-7 for the RNN, 4e-5 for the LSTM, 8e-5 for the GRU)."""
    ratio = {}
    for cell in ("rnn", "gru", "lstm"):
        cfg, prep = prepared_for(dataset="seq-memory", model=cell, seed=3)
        g = sequence.examples(Trainer(cfg, prep).model, prep, list(range(50)))["gradients"]
        assert g.shape == (50, 20) and (g > 0).all()
        ratio[cell] = g.mean(0)[0] / g.mean(0)[-1]
    assert ratio["rnn"] < ratio["lstm"] / 10 and ratio["rnn"] < ratio["gru"] / 10, ratio


def test_rolling_forward_feeds_the_networks_own_forecasts_back():
    t = trained(dataset="seq-sine", epochs=3)
    prep = t.data
    rolled = sequence.rolled_forward(t.model, prep)
    assert len(rolled["pred"]) == len(prep.test.y)
    one_step = t.predict("test")
    assert rolled["pred"][0] == pytest.approx(one_step[0], rel=1e-5)     # the first step reads only the truth
    # by hand: the second input window is the first window shifted, ending in the first forecast
    w = prep.test.X[:1].clone()
    first = t.model(w).detach()
    second = t.model(torch.cat([w[:, 1:], first[:, None, :1]], 1)).detach()
    assert rolled["pred"][1] == pytest.approx(float(second[0, 0]) * prep.y_std + prep.y_mean, rel=1e-5)
    assert rolled["pred"][1] != pytest.approx(one_step[1], rel=1e-6)      # not the one-step forecast



@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_unrolled_network_has_one_input_and_one_state_per_word(lang):
    T = Translator(lang)
    t = trained(dataset="seq-negation", model="rnn", epochs=1)
    ex = sequence.examples(t.model, t.data)
    fig = seq_figs.unrolled_figure(ex, 0, T)
    words = [w for w, pad in zip(ex["words"][0], ex["padding"][0]) if not pad]
    inputs, states = fig.data
    assert list(inputs.text) == words and list(states.text) == [f"h{k + 1}" for k in range(len(words))]
    assert list(states.customdata) == pytest.approx(ex["states"][0][~ex["padding"][0]].mean(1).tolist())
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    assert len(arrows) == 2 * len(words)           # x_t -> h_t, h_(t-1) -> h_t, and h_T -> the answer
    assert fig.layout.title.text == T("seq.unrolled_title")
    compact = seq_figs.unrolled_figure(ex, 0, T, most=3, compact=True)      # the lab's narrow column
    assert list(compact.data[0].text) == words[-3:] and compact.layout.title.text is None
    footnote = T("seq.same_weights", cell="RNN")
    assert footnote in [a.text for a in fig.layout.annotations]
    assert footnote not in [a.text for a in compact.layout.annotations]

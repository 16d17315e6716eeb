"""The sidebar's pixel scaling and label format on an image set: the config and the link
follow them, the Data page says what the network reads and what the loss receives, and a
dataset where they cannot apply takes them back."""
from __future__ import annotations

from apptest import open_app, tables

from ui.session import Key


def test_pixel_scaling_and_label_format_from_the_sidebar_to_the_data_page(no_exceptions):
    at = open_app("data.py", query={"lang": "en", "dataset": "digits"})
    no_exceptions(at)
    next(t for t in at.toggle if t.label.startswith("Pixel scaling")).set_value(False).run()
    next(s for s in at.selectbox if s.label == "Label format").set_value("onehot").run()
    no_exceptions(at)
    cfg = at.session_state[Key.CONFIG]
    assert (cfg.pixel_scale, cfg.labels) == (False, "onehot")
    assert (at.query_params["pixel_scale"], at.query_params["labels"]) == ("false", "onehot")
    (pipe,) = [t for t in tables(at) if "what is done" in t.columns]
    assert pipe["what is done"].tolist() == ["raw pixel values 0..16 (pixel scaling off)"]
    line = next(c.value for c in at.caption if c.value.startswith("Labels — one-hot vector"))
    assert "`[0, " in line or "`[1, " in line              # a one-hot vector, written as code (not a link)
    assert line.endswith("the loss is categorical cross-entropy.")
    assert any(c.value == "Loss: categorical cross-entropy (softmax output, one-hot labels)" for c in at.caption)
    next(s for s in at.selectbox if s.label == "Dataset").set_value("titanic").run()   # binary, a table
    no_exceptions(at)
    cfg = at.session_state[Key.CONFIG]
    assert (cfg.pixel_scale, cfg.labels) == (True, "sparse")
    assert not [t for t in at.toggle if t.label.startswith("Pixel scaling")]
    assert "Label format" not in [s.label for s in at.selectbox]

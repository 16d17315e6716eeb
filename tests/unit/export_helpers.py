"""What the exported-script tests share (a unique module name: tests/ has no packages):
the options each script is built for, a config's data sizes, a script's functions without
running its main(), and our Trainer's test metrics to compare a script's with."""
from __future__ import annotations

import numpy as np
from sklearn.metrics import accuracy_score, mean_absolute_error, mean_squared_error, r2_score

from playground.config import make_config
from playground.data.loaders import load_for_config
from playground.data.prepare import prepare
from playground.data.registry import DATASETS
from playground.nn.train import train

# Every option's script: the PyTorch one is built in test_export_script.py, the Keras one in test_export.py's subprocess
OPTIONS = [dict(dataset="titanic"),
           dict(dataset="plane", loss="huber", optimizer="rmsprop", batch_norm=True),
           dict(dataset="paint"), dict(dataset="paint-regression", loss="mae", optimizer="adagrad"),
           dict(dataset="wine", activation="leaky_relu", optimizer="adamw", l1=0.001, hidden=""),
           dict(dataset="iris", activation="leaky_relu", l1=0.01, weight_decay=0.1, hidden="6,5"),
           dict(dataset="circle", activation="elu", optimizer="sgd", weight_decay=0.02, dropout=0.2),
           dict(dataset="mnist", model="mlp", activation="gelu", shuffle=False),
           dict(dataset="fashion-mnist", dropout=0.3, batch_norm=True),
           dict(dataset="digits", activation="sigmoid"),
           # skip connections: the first layer's too (iris has 4 inputs), none where the width changes;
           # a CNN's dense layers
           dict(dataset="iris", hidden="4,8,8", residual=True, dropout=0.2),
           dict(dataset="digits", hidden="32,32,16,16", residual=True, batch_norm=True)]


def sizes(values: dict) -> tuple[int, int, tuple | None]:
    """(n_features, n_outputs, image_shape) of a config's data; an image set's from the registry
    (the digit sets have 10 classes), so no download is needed."""
    info = DATASETS[values["dataset"]]
    if info.image_shape:
        return info.image_shape[0] * info.image_shape[1], 10, info.image_shape
    cfg = make_config(**values)
    prep = prepare(load_for_config(cfg), cfg)
    return prep.n_features, prep.n_outputs, None


def exec_script(text: str) -> dict:
    ns = {"__name__": "exported_script"}
    exec(compile(text, "exported", "exec"), ns)   # defines the functions; main() does not run
    return ns


def our_test_metrics(values: dict) -> tuple[dict, object]:
    """Our Trainer's run of the same config and its test metrics, computed by sklearn on its
    predictions (what the script prints)."""
    trainer = train(make_config(**values))
    out = trainer.predict("test")
    if trainer.task == "regression":
        y = trainer.data.dataset.y[np.asarray(trainer.data.test.index)].astype(float)
        return {"mae": mean_absolute_error(y, out), "rmse": mean_squared_error(y, out) ** 0.5,
                "r2": r2_score(y, out)}, trainer
    y = trainer.data.test.y.numpy()
    pred = (out >= 0.5).astype(int) if trainer.task == "binary" else out.argmax(1)
    return {"accuracy": accuracy_score(y, pred)}, trainer

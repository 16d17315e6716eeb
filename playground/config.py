"""RunConfig and the ONE table of options.

Each option is declared once, as a dataclass field whose metadata says its help
text, allowed values and range.  The CLI (argparse), the URL query parameters
and the Streamlit controls are all generated from / validated against it, so a
new option appears everywhere by being added here.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from .data import columns as table_columns
from .data import paint, transfer_sets
from .data.features import DEFAULT_FEATURES, FEATURES
from .data.kind_defaults import DATASET_DEFAULTS, KIND_DEFAULTS
from .data.registry import DATASETS, READ_AS, DataKind, is_csv_path, is_painted, is_toy, reads_tokens, sequence_input
from .errors import ConfigError

ACTIVATIONS = ("relu", "leaky_relu", "elu", "gelu", "tanh", "sigmoid", "linear")
OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop", "adagrad")
SCALERS = ("none", "standard", "minmax", "robust")
SEQUENCE_MODELS = ("rnn", "gru", "lstm")   # read step by step (sequence datasets)
MODELS = ("mlp", "cnn", *SEQUENCE_MODELS)
# "auto": the task's own loss (binary cross-entropy on a sigmoid output, cross-entropy on a
# softmax output, mean squared error); regression may choose MAE or Huber instead.
LOSSES = ("auto", "mse", "mae", "huber")
TASKS = ("auto", "classification", "regression")
LABEL_FORMATS = ("sparse", "onehot")   # a multi-class target as its class index or a one-hot vector
MONITOR_MODES = {"val_loss": "min", "val_accuracy": "max", "val_mae": "min"}   # early stopping's (Keras' monitor)

MAX_HIDDEN_LAYERS = 20   # deep enough to see vanishing gradients, and residual connections fix them
MAX_UNITS = 4096
# Above this many weights a run would not fit a classroom server's memory
# budget (4 bytes x params x ~4 copies: weights, grads, two Adam moments).
MAX_PARAMS = 50_000_000


def format_number(x) -> str:
    """2147483647 rather than 2.14748e+09 in messages; floats short."""
    return str(x) if isinstance(x, int) else f"{x:g}"


def opt(default, help, *, choices=None, lo=None, hi=None, log=False, group="train", toy=False, live=False):
    """One option. `live`: a running run takes a new value from its next batch (the rest need a new run)."""
    return field(default=default, metadata=dict(help=help, choices=choices, lo=lo, hi=hi,
                                                log=log, group=group, toy=toy, live=live))


@dataclass(frozen=True)
class RunConfig:
    # data
    dataset: str = opt("circle", "dataset name (see `python -m playground datasets`)", group="data")
    n_samples: int = opt(500, "number of points (2-D toy datasets) or examples (generated sequence tasks)", lo=50, hi=5000, group="data", toy=True)
    noise: float = opt(0.1, "noise level of the generated datasets (0 = clean)", lo=0.0, hi=1.0, group="data", toy=True)
    features: tuple = opt(DEFAULT_FEATURES, "input features of the 2-D datasets, comma separated, from "
                          + ", ".join(FEATURES) + " (computed from the raw coordinates, then scaled)",
                          group="data", toy=True)
    points: str = opt("", "the painted datasets' points: x,y,value;x,y,value... with x and y in [-6, 6] "
                      "(value: the class 0 / 1 of paint, the target of paint-regression; empty elsewhere)",
                      group="data")
    window: int = opt(12, "sequence datasets: steps read per example (a series' window, a generated "
                      "task's length)", lo=2, hi=200, group="data")
    time_split: bool = opt(True, "series: split by time (train on the past, test on the latest); false shuffles "
                           "the windows first, which leaks the future into training", group="data")
    target: str = opt("", "target column for a CSV table (empty: the last column)", group="data")
    task: str = opt("auto", "task for a CSV table", choices=TASKS, group="data")
    read_as: str = opt("rows", "a CSV's rows as inputs (rows), or read by a recurrent network: the target over time "
                       "(series) or one sentence per row (text)", choices=READ_AS, group="data")
    scaler: str = opt("standard", "feature scaling fitted on the training set", choices=SCALERS, group="data")
    columns: tuple = opt((), "tables: the input columns the network reads, comma separated (empty: every column but "
                         "the target)", group="data")
    pixel_scale: bool = opt(True, "image sets: pixels divided by their largest value (255; digits 16) to 0-1; "
                            "false trains on the raw values", group="data")
    val_split: float = opt(0.2, "share of the non-test rows used for validation", lo=0.05, hi=0.5, group="data")
    test_split: float = opt(0.2, "share of all rows held out for the test", lo=0.05, hi=0.5, group="data")
    # network
    model: str = opt("mlp", "mlp, a small cnn for image datasets, or a recurrent rnn (tanh), gru or lstm for "
                     "sequence datasets", choices=MODELS, group="net")
    hidden: tuple = opt((8, 8), "hidden layer sizes, comma separated; empty = no hidden layer (rnn / gru / lstm: "
                        "the units of each recurrent layer)", group="net")
    embedding: int = opt(16, "word embedding size (sequence datasets of words or symbols)", lo=1, hi=512,
                         group="net")
    attention: bool = opt(False, "attention pooling over the recurrent states (one head) instead of the last "
                          "state", group="net")
    activation: str = opt("tanh", "activation of the hidden layers: one for all, or one per layer, comma "
                          "separated (mlp)", choices=ACTIVATIONS, group="net")
    dropout: float = opt(0.0, "dropout rate after each hidden layer", lo=0.0, hi=0.9, group="net", live=True)
    batch_norm: bool = opt(False, "batch normalization in each hidden layer", group="net")
    residual: bool = opt(False, "skip connections: a hidden layer as wide as its input outputs x + f(x); one that "
                         "changes the width has none (mlp, the cnn's dense layers)", group="net")
    transfer: str = opt("none", "transfer learning (cnn, 28x28 digits): start from a cnn pretrained on mnist's 0-4, "
                        "its convolutions frozen or all layers fine-tuned", choices=transfer_sets.MODES, group="net")
    # training
    loss: str = opt("auto", "loss function; regression can use mse, mae or huber (auto: the task's own)",
                    choices=LOSSES)
    labels: str = opt("sparse", "multi-class targets as class indices (sparse categorical cross-entropy) or one-hot "
                      "vectors (categorical cross-entropy): the same loss", choices=LABEL_FORMATS)
    optimizer: str = opt("adam", "optimizer", choices=OPTIMIZERS)
    lr: float = opt(0.03, "learning rate", lo=1e-6, hi=10.0, log=True, live=True)
    momentum: float = opt(0.9, "momentum (sgd and rmsprop)", lo=0.0, hi=0.999, live=True)
    batch_size: int = opt(32, "mini-batch size", lo=1, hi=8192, live=True)
    epochs: int = opt(100, "number of epochs (0 = until paused or stopped, in the app only)", lo=0, hi=2000,
                      live=True)
    shuffle: bool = opt(True, "shuffle the training set every epoch")
    weight_decay: float = opt(0.0, "L2 weight decay", lo=0.0, hi=1.0, live=True)
    l1: float = opt(0.0, "L1 regularization strength (sum of |weights|, biases excluded)", lo=0.0, hi=1.0,
                    live=True)
    patience: int = opt(0, "early stopping: epochs without improvement of --monitor (0: off)", lo=0, hi=1000, live=True)
    monitor: str = opt("val_loss", "what early stopping and the best epoch go by: val_loss, val_accuracy "
                       "(classification; higher is better) or val_mae (regression)", choices=tuple(MONITOR_MODES))
    min_delta: float = opt(0.0, "early stopping: the least change of --monitor that counts", lo=0.0, hi=1e3, live=True)
    restore_best: bool = opt(True, "with early stopping, restore the weights of the best epoch", live=True)
    seed: int = opt(0, "random seed for data, split, initial weights and shuffling", lo=0, hi=2**31 - 1)

    def replace(self, **changes) -> "RunConfig":
        return validate(dataclasses.replace(self, **changes))

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d.update({n: list(getattr(self, n)) for n in TUPLE_FIELDS})   # JSON's lists
        return d


FIELDS = {f.name: f for f in dataclasses.fields(RunConfig)}
DEFAULT = RunConfig()
# what a running run can take from its next batch, and what needs a new run
LIVE_FIELDS = tuple(n for n, f in FIELDS.items() if f.metadata["live"])
RESTART_FIELDS = tuple(n for n in FIELDS if n not in LIVE_FIELDS)
TUPLE_FIELDS = ("hidden", "features", "columns")

def data_kind(dataset: str, read_as: str = "rows") -> DataKind:
    """toy | tabular | image | remote_image | sequence (a CSV read as a series or sentences too): its defaults."""
    if (info := DATASETS.get(dataset)) is None:
        return (DataKind.TABULAR if read_as == "rows" else DataKind.SEQUENCE) if is_csv_path(dataset) else DataKind.TOY
    return DataKind.REMOTE_IMAGE if info.remote else info.kind


def defaults_for(dataset: str, read_as: str = "rows") -> RunConfig:
    """The config a dataset starts from (not validated: the name may be a new CSV)."""
    read = {"read_as": read_as} if is_csv_path(dataset) else {}
    return dataclasses.replace(DEFAULT, dataset=dataset, **KIND_DEFAULTS[data_kind(dataset, read_as)]
                               | DATASET_DEFAULTS.get(dataset, {}) | read)   # the dataset's own win


def default_text(name: str) -> str:
    """A field's default as the CLI's help shows it: one value, or one per kind of data."""
    values = {kind: format_value(name, d.get(name, getattr(DEFAULT, name))) for kind, d in KIND_DEFAULTS.items()}
    if len(set(values.values())) == 1:
        return next(iter(values.values())) or "''"
    return ", ".join(f"{kind.replace('_', ' ')} {v or '()'}" for kind, v in values.items())


def _kind(f) -> type:
    return type(f.default)


# --- text <-> value (shared by the CLI and the URL) -------------------------

def parse_hidden(text: str) -> tuple:
    text = str(text).strip().strip("[]()")
    if not text:
        return ()
    parts = text.replace(" ", "").split(",")
    if len(parts) > 1 and parts[-1] == "" and parts[-2] != "":
        parts.pop()            # "(3,)", Python's one-element tuple
    try:                       # an empty part (',' or '8,,8') is a typo, not a layer to leave out
        return tuple(int(p) for p in parts)
    except ValueError:
        raise ConfigError("err.hidden_format", "hidden", text=text)


def parse_features(text) -> tuple:
    """"x1sq, x2sq" (or a list) -> ("x1sq", "x2sq"); names are checked by validate."""
    parts = text if isinstance(text, (list, tuple)) else str(text).strip().strip("[]()").split(",")
    return tuple(str(p).strip().strip("'\"").lower() for p in parts if str(p).strip())


def parse_value(name: str, text: Any):
    """Turn a CLI / URL string (or an already-typed value) into the field's type."""
    if name not in FIELDS:
        raise ConfigError("err.unknown_option", name, name=name)
    f = FIELDS[name]
    kind = _kind(f)
    if name == "hidden":
        return tuple(int(v) for v in text) if isinstance(text, (list, tuple)) else parse_hidden(text)
    if name == "features":
        return parse_features(text)
    if name == "columns":
        return table_columns.parse_columns(text)
    if name == "activation":   # "ReLU, tanh" -> "relu,tanh"; a list -> one name per layer
        parts = text if isinstance(text, (list, tuple)) else str(text).split(",")
        return ",".join(str(p).strip().lower() for p in parts)
    if kind is bool:
        if isinstance(text, bool):
            return text
        s = str(text).strip().lower()
        if s in ("1", "true", "yes", "on"):
            return True
        if s in ("0", "false", "no", "off"):
            return False
        raise ConfigError("err.not_bool", name, name=name, text=text)
    if kind in (int, float):
        try:
            v = float(text)
        except (TypeError, ValueError):
            raise ConfigError("err.not_number", name, name=name, text=text)
        if kind is int:
            if not v.is_integer():
                raise ConfigError("err.not_whole", name, name=name, text=text)
            return int(v)
        return v
    return str(text)


def format_value(name: str, value) -> str:
    if name in TUPLE_FIELDS:
        return ",".join(str(h) for h in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(value)
    return str(value)


# --- validation ---------------------------------------------------------------

def validate(cfg: RunConfig) -> RunConfig:
    """Check every field against the table; raise ConfigError naming the first bad one."""
    for name, f in FIELDS.items():
        v = getattr(cfg, name)
        m = f.metadata
        if name == "hidden":
            if len(v) > MAX_HIDDEN_LAYERS:
                raise ConfigError("err.too_many_layers", name, max=MAX_HIDDEN_LAYERS, got=len(v))
            for h in v:
                if not isinstance(h, int) or isinstance(h, bool) or not 1 <= h <= MAX_UNITS:
                    raise ConfigError("err.layer_units", name, max=MAX_UNITS, got=h)
            continue
        if name == "features":
            _check_features(v)
            continue
        kind = _kind(f)
        if kind is bool and not isinstance(v, bool):
            raise ConfigError("err.must_bool", name, name=name)
        if kind in (int, float):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or (kind is int and not isinstance(v, int)):
                raise ConfigError("err.must_int" if kind is int else "err.must_number", name, name=name)
            if isinstance(v, float) and not math.isfinite(v):
                raise ConfigError("err.must_number", name, name=name)
            if m["lo"] is not None and not m["lo"] <= v <= m["hi"]:
                raise ConfigError("err.range", name, name=name, lo=format_number(m["lo"]), hi=format_number(m["hi"]), got=format_number(v))
        if m["choices"] and v not in m["choices"] and name != "activation":   # one per layer: _check_activation
            raise ConfigError("err.choice", name, name=name, value=v, choices=", ".join(m["choices"]))
    if cfg.val_split + cfg.test_split > 0.8:
        raise ConfigError("err.splits_sum", "val_split")
    if cfg.dataset not in DATASETS and not is_csv_path(cfg.dataset):
        raise ConfigError("err.unknown_dataset", "dataset", name=cfg.dataset, choices=", ".join(DATASETS))
    _check_combinations(cfg)
    return cfg


def _check_features(v) -> None:
    if not isinstance(v, tuple) or not v:
        raise ConfigError("err.features_empty", "features", choices=", ".join(FEATURES))
    for name in v:
        if name not in FEATURES:
            raise ConfigError("err.features_unknown", "features", name=name, choices=", ".join(FEATURES))
    if len(set(v)) != len(v):
        raise ConfigError("err.features_twice", "features", name=next(n for n in v if v.count(n) > 1))


def _check_activation(cfg: RunConfig) -> None:
    """One name for every layer, or one per hidden layer of an mlp."""
    names = str(cfg.activation).split(",")
    if bad := [n for n in names if n not in ACTIVATIONS]:
        raise ConfigError("err.choice", "activation", name="activation", value=bad[0], choices=", ".join(ACTIVATIONS))
    if len(names) > 1 and cfg.model != "mlp":
        raise ConfigError("err.activation_list_mlp", "activation", model=cfg.model)
    if len(names) not in (1, len(cfg.hidden)):
        raise ConfigError("err.activation_count", "activation", got=len(names), layers=len(cfg.hidden))


def _check_plane_options(cfg: RunConfig) -> None:
    """Input features apply to the 2-D sets, points to the painted ones (and there enough to train on)."""
    if cfg.features != DEFAULT_FEATURES and not is_toy(cfg.dataset):
        raise ConfigError("err.features_need_plane", "features", dataset=cfg.dataset)
    if is_painted(cfg.dataset):
        paint.check(paint.parse(cfg.points), DATASETS[cfg.dataset].task)
    elif cfg.points:
        raise ConfigError("err.points_need_paint", "points", dataset=cfg.dataset)


def _check_combinations(cfg: RunConfig) -> None:
    """Options that cannot apply together are refused, not silently ignored."""
    _check_activation(cfg)
    if cfg.batch_size == 1 and cfg.batch_norm:
        raise ConfigError("err.batch_norm_one_row", "batch_size")
    if cfg.residual and (not cfg.hidden or cfg.model in SEQUENCE_MODELS):   # nothing to skip around; a cell of its own
        raise ConfigError("err.rnn_residual" if cfg.hidden else "err.residual_needs_layer", "residual", model=cfg.model)
    _check_plane_options(cfg)
    _check_sequence_options(cfg)
    table_columns.check_option(cfg)
    transfer_sets.check_option(cfg)
    info = DATASETS.get(cfg.dataset)
    if not cfg.pixel_scale and (info is None or info.image_shape is None):
        raise ConfigError("err.pixel_scale_images", "pixel_scale", dataset=cfg.dataset)
    if info is None:          # a CSV: its task is known once it is read
        return
    if cfg.model == "cnn" and info.image_shape is None:
        raise ConfigError("err.cnn_needs_images", "model", name=cfg.dataset)
    for name in ("target", "task", "read_as"):
        if getattr(cfg, name) != getattr(DEFAULT, name):
            raise ConfigError("err.csv_only_option", name, name=name, dataset=cfg.dataset)
    if info.image_shape is not None and cfg.scaler != DEFAULT.scaler:
        raise ConfigError("err.scaler_on_images", "scaler", dataset=cfg.dataset)
    if cfg.loss != "auto" and info.task != "regression":
        raise ConfigError("err.loss_needs_regression", "loss", loss=cfg.loss)
    check_monitor(cfg.monitor, info.task)
    check_labels(cfg.labels, info.task)


def check_labels(labels: str, task: str) -> None:   # a CSV's task is known once read: the Trainer checks again
    if labels != "sparse" and task != "multiclass":
        raise ConfigError("err.labels_multiclass", "labels", labels=labels)


def check_monitor(monitor: str, task: str) -> None:   # a CSV's task is known once read: the Trainer checks again
    if monitor == "val_accuracy" and task == "regression" or monitor == "val_mae" and task != "regression":
        raise ConfigError("err.monitor_task", "monitor", monitor=monitor,
                          other="val_mae" if task == "regression" else "val_accuracy")


def _check_sequence_options(cfg: RunConfig) -> None:
    """Sequence sets are read by a recurrent network, and only they take its options."""
    seq = sequence_input(cfg) is not None
    if seq and cfg.model not in SEQUENCE_MODELS:
        raise ConfigError("err.sequence_needs_rnn", "model", name=cfg.dataset, model=cfg.model)
    if not seq and cfg.model in SEQUENCE_MODELS:
        raise ConfigError("err.rnn_needs_sequence", "model", name=cfg.dataset, model=cfg.model)
    if not cfg.time_split and not (seq and not reads_tokens(cfg)):
        raise ConfigError("err.time_split_series", "time_split", dataset=cfg.dataset)
    if not seq:
        for name in ("window", "embedding", "attention"):
            if getattr(cfg, name) != getattr(DEFAULT, name):
                raise ConfigError("err.sequence_only_option", name, name=name, dataset=cfg.dataset)
        return
    if not cfg.hidden:
        raise ConfigError("err.rnn_needs_layer", "hidden", model=cfg.model)
    if cfg.batch_norm:
        raise ConfigError("err.rnn_batch_norm", "batch_norm", model=cfg.model)
    if cfg.embedding != DEFAULT.embedding and not reads_tokens(cfg):
        raise ConfigError("err.embedding_needs_words", "embedding", dataset=cfg.dataset)


def make_config(**values) -> RunConfig:
    """Build and validate a RunConfig from typed values or strings, from its dataset's kind's defaults."""
    typed = {k: parse_value(k, v) for k, v in values.items()}
    return validate(dataclasses.replace(defaults_for(typed.get("dataset", DEFAULT.dataset),
                                                     typed.get("read_as", DEFAULT.read_as)), **typed))


# --- URL query parameters ------------------------------------------------------

def to_query(cfg: RunConfig) -> dict[str, str]:
    """The dataset, and the fields that differ from its defaults, so links stay short."""
    base = defaults_for(cfg.dataset, cfg.read_as)
    return {n: format_value(n, getattr(cfg, n)) for n in FIELDS
            if getattr(cfg, n) != getattr(base, n) or (n == "dataset" and cfg.dataset != DEFAULT.dataset)}


def from_query(params: dict, base: RunConfig | None = None) -> tuple[RunConfig, list[ConfigError]]:
    """Read a config from query params, starting from the link's dataset's defaults (or
    `base`). Bad or unknown values are skipped, and listed in the returned problems, so a
    broken link still opens the app."""
    problems = []
    dataset = params.get("dataset")
    if dataset is not None and dataset not in DATASETS:   # never open server files from a link
        problems.append(ConfigError("err.link_table", "dataset", name=dataset) if is_csv_path(dataset) else
                        ConfigError("err.unknown_dataset", "dataset", name=dataset, choices=", ".join(DATASETS)))
        dataset = None
    if base is None or (dataset and dataset != base.dataset):   # another dataset: its own defaults
        base = defaults_for(dataset or DEFAULT.dataset)
    cfg = base
    for k in FIELDS:   # in the table's order, whatever the link's: hidden's layers before their activations
        if k not in params or k == "dataset":
            continue
        try:
            cfg = validate(dataclasses.replace(cfg, **{k: parse_value(k, params[k])}))
        except ConfigError as e:
            problems.append(e)
    return cfg, problems

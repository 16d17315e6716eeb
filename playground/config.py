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

from .data.registry import DATASETS, is_csv_path
from .errors import ConfigError

ACTIVATIONS = ("relu", "leaky_relu", "elu", "gelu", "tanh", "sigmoid", "linear")
OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop", "adagrad")
SCALERS = ("none", "standard", "minmax", "robust")
MODELS = ("mlp", "cnn")
TASKS = ("auto", "classification", "regression")

MAX_HIDDEN_LAYERS = 10
MAX_UNITS = 4096
# Above this many weights a run would not fit a classroom server's memory
# budget (4 bytes x params x ~4 copies: weights, grads, two Adam moments).
MAX_PARAMS = 50_000_000


def _num(x) -> str:
    """2147483647 rather than 2.14748e+09 in messages; floats short."""
    return str(x) if isinstance(x, int) else f"{x:g}"


def opt(default, help, *, choices=None, lo=None, hi=None, log=False, group="train", toy=False):
    return field(default=default, metadata=dict(help=help, choices=choices, lo=lo, hi=hi,
                                                log=log, group=group, toy=toy))


@dataclass(frozen=True)
class RunConfig:
    # data
    dataset: str = opt("circle", "dataset name (see `python -m playground datasets`)", group="data")
    n_samples: int = opt(500, "number of points for the 2-D toy datasets", lo=50, hi=5000, group="data", toy=True)
    noise: float = opt(0.1, "noise level for the 2-D toy datasets (0 = clean)", lo=0.0, hi=1.0, group="data", toy=True)
    target: str = opt("", "target column for a CSV table (empty: the last column)", group="data")
    task: str = opt("auto", "task for a CSV table", choices=TASKS, group="data")
    scaler: str = opt("standard", "feature scaling fitted on the training set", choices=SCALERS, group="data")
    val_split: float = opt(0.2, "share of the non-test rows used for validation", lo=0.05, hi=0.5, group="data")
    test_split: float = opt(0.2, "share of all rows held out for the test", lo=0.05, hi=0.5, group="data")
    # network
    model: str = opt("mlp", "mlp, or a small cnn for image datasets", choices=MODELS, group="net")
    hidden: tuple = opt((8, 8), "hidden layer sizes, comma separated; empty = no hidden layer", group="net")
    activation: str = opt("relu", "activation of the hidden layers", choices=ACTIVATIONS, group="net")
    dropout: float = opt(0.0, "dropout rate after each hidden layer", lo=0.0, hi=0.9, group="net")
    batch_norm: bool = opt(False, "batch normalization in each hidden layer", group="net")
    # training
    optimizer: str = opt("adam", "optimizer", choices=OPTIMIZERS)
    lr: float = opt(0.01, "learning rate", lo=1e-6, hi=10.0, log=True)
    momentum: float = opt(0.9, "momentum (sgd and rmsprop)", lo=0.0, hi=0.999)
    batch_size: int = opt(32, "mini-batch size", lo=1, hi=8192)
    epochs: int = opt(50, "number of epochs", lo=1, hi=2000)
    shuffle: bool = opt(True, "shuffle the training set every epoch")
    weight_decay: float = opt(0.0, "L2 weight decay", lo=0.0, hi=1.0)
    patience: int = opt(0, "early stopping patience on val_loss in epochs (0 = off)", lo=0, hi=1000)
    restore_best: bool = opt(True, "with early stopping, restore the weights of the best epoch")
    seed: int = opt(0, "random seed for data, split, initial weights and shuffling", lo=0, hi=2**31 - 1)

    def replace(self, **changes) -> "RunConfig":
        return validate(dataclasses.replace(self, **changes))

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["hidden"] = list(self.hidden)
        return d


FIELDS = {f.name: f for f in dataclasses.fields(RunConfig)}
DEFAULT = RunConfig()


def _kind(f) -> type:
    return type(f.default)


# --- text <-> value (shared by the CLI and the URL) -------------------------

def parse_hidden(text: str) -> tuple:
    text = str(text).strip().strip("[]()")
    if not text:
        return ()
    try:
        return tuple(int(p) for p in text.replace(" ", "").split(",") if p != "")
    except ValueError:
        raise ConfigError("err.hidden_format", "hidden", text=text)


def parse_value(name: str, text: Any):
    """Turn a CLI / URL string (or an already-typed value) into the field's type."""
    if name not in FIELDS:
        raise ConfigError("err.unknown_option", name, name=name)
    f = FIELDS[name]
    kind = _kind(f)
    if name == "hidden":
        return tuple(int(v) for v in text) if isinstance(text, (list, tuple)) else parse_hidden(text)
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
    if name == "hidden":
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
        kind = _kind(f)
        if kind is bool and not isinstance(v, bool):
            raise ConfigError("err.must_bool", name, name=name)
        if kind in (int, float):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or (kind is int and not isinstance(v, int)):
                raise ConfigError("err.must_int" if kind is int else "err.must_number", name, name=name)
            if isinstance(v, float) and not math.isfinite(v):
                raise ConfigError("err.must_number", name, name=name)
            if m["lo"] is not None and not m["lo"] <= v <= m["hi"]:
                raise ConfigError("err.range", name, name=name, lo=_num(m["lo"]), hi=_num(m["hi"]), got=_num(v))
        if m["choices"] and v not in m["choices"]:
            raise ConfigError("err.choice", name, name=name, value=v, choices=", ".join(m["choices"]))
    if cfg.val_split + cfg.test_split > 0.8:
        raise ConfigError("err.splits_sum", "val_split")
    if cfg.dataset not in DATASETS and not is_csv_path(cfg.dataset):
        raise ConfigError("err.unknown_dataset", "dataset", name=cfg.dataset, choices=", ".join(DATASETS))
    if cfg.model == "cnn" and cfg.dataset in DATASETS and DATASETS[cfg.dataset].image_shape is None:
        raise ConfigError("err.cnn_needs_images", "model", name=cfg.dataset)
    return cfg


def make_config(**values) -> RunConfig:
    """Build and validate a RunConfig from typed values or strings."""
    typed = {k: parse_value(k, v) for k, v in values.items()}
    return validate(RunConfig(**typed))


# --- URL query parameters ------------------------------------------------------

def to_query(cfg: RunConfig) -> dict[str, str]:
    """Only the fields that differ from the defaults, so links stay short."""
    return {n: format_value(n, getattr(cfg, n)) for n in FIELDS
            if getattr(cfg, n) != getattr(DEFAULT, n)}


def from_query(params: dict, base: RunConfig = DEFAULT) -> tuple[RunConfig, list[ConfigError]]:
    """Read a config from query params. Bad or unknown values are skipped, and
    listed in the returned problems, so a broken link still opens the app."""
    cfg, problems = base, []
    for k, v in params.items():
        if k not in FIELDS:
            continue
        if k == "dataset" and v not in DATASETS:  # never open server files from a link
            problems.append(ConfigError("err.unknown_dataset", "dataset", name=v, choices=", ".join(DATASETS)))
            continue
        try:
            cfg = validate(dataclasses.replace(cfg, **{k: parse_value(k, v)}))
        except ConfigError as e:
            problems.append(e)
    return cfg, problems

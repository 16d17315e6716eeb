"""Saving a trained model and loading it back: the state dict, the config, and the fitted
preprocessing as plain numbers, so the file scores raw rows on its own and still loads
with torch.load(path, weights_only=True) (tensors and plain Python values only: the
sklearn objects are not pickled, their statistics are stored and applied here).

Format 2 adds `meta["preprocess"]`; a file saved before it (no preprocessing) still loads,
and scoring raw rows with it is refused with a message saying to save it again."""
from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import torch
from torch import nn

from ..config import RunConfig, make_config
from ..data.features import feature_map
from ..data.sequence_prep import SequencePrepared, encode_record, raw_rows, sequence_record
from ..errors import ConfigError, DataError
from .model import Net, build_model, predict_output

FORMAT = "nn-playground-model"
VERSION = 2


# --- the fitted preprocessing as plain values ----------------------------------------------------

def _scaler_stats(scale) -> dict:
    if scale == "passthrough" or scale is None:
        return {"scaler": "none"}
    kind = type(scale).__name__
    if kind == "StandardScaler":
        return {"scaler": "standard", "shift": scale.mean_.tolist(), "divide": scale.scale_.tolist()}
    if kind == "RobustScaler":
        return {"scaler": "robust", "shift": scale.center_.tolist(), "divide": scale.scale_.tolist()}
    return {"scaler": "minmax", "multiply": scale.scale_.tolist(), "add": scale.min_.tolist()}


def _plain(v):
    """A category as text (how raw rows are matched against it): 3.0 -> '3'."""
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)


def preprocessing_record(prepared) -> dict:
    """What Prepared.transform does, as lists: image scaling, or per column the median /
    most frequent fill, the scaler's statistics, the one-hot categories (the rare ones
    grouped), in the network's input order."""
    if isinstance(prepared, SequencePrepared):   # a series' window scaling, or a vocabulary
        return sequence_record(prepared)
    ds = prepared.dataset
    if ds.image_shape is not None:
        # what the raw pixels are divided by: 1 for a run trained on the raw values (config.pixel_scale off)
        return {"kind": "image", "columns": list(ds.feature_names), "pixel_max": float(prepared.pixel_divisor)}
    ct = prepared.transformer
    spec = {name: (trans, list(cols)) for name, trans, cols in ct.transformers_}
    record = {"kind": "table", "columns": [str(c) for c in ct.feature_names_in_],
              "numeric": None, "categorical": [], "feature_names": list(prepared.feature_names)}
    trans, num = spec.get("num", (None, []))
    if num:
        steps = trans.named_steps
        features = steps["features"].kw_args["features"] if "features" in steps else None
        record["numeric"] = {"columns": num, "features": list(features) if features else None,
                             "median": steps["impute"].statistics_.tolist(), **_scaler_stats(steps["scale"])}
    trans, cat = spec.get("cat", (None, []))
    for i, c in enumerate(cat):
        fill = trans.named_steps["impute"].statistics_[i]
        onehot = trans.named_steps["onehot"]
        rare = onehot.infrequent_categories_[i]
        rare = [] if rare is None else [_plain(v) for v in rare]
        kept = [_plain(v) for v in onehot.categories_[i] if _plain(v) not in rare]
        record["categorical"].append({"column": c, "fill": _plain(fill), "categories": kept, "rare": rare})
    return record


PIXEL = re.compile(r"px\d+")


def _px(name: str) -> int:
    return int(name[2:])


def few(names: list, most: int = 4) -> str:
    """'a, b, c, d … z (30 in all)', or '-' for none: a long list of columns in one line."""
    names = [str(n) for n in names]
    if not names:
        return "-"
    if len(names) <= most + 1:
        return ", ".join(names)
    return f"{', '.join(names[:most])} … {names[-1]} ({len(names)})"


class RowEncoder:
    """Raw rows (a DataFrame as read from a CSV) -> the network's inputs, from a
    preprocessing record: the same numbers as Prepared.transform (tested)."""

    def __init__(self, record: dict):
        self.record = record

    @property
    def columns(self) -> list[str]:
        return self.record["columns"]

    def transform(self, df: pd.DataFrame) -> torch.Tensor:
        r = self.record
        if r["kind"] in ("series", "tokens"):
            return encode_record(r, df)
        if r["kind"] == "image":
            return torch.as_tensor(self._pixels(df) / r["pixel_max"])
        missing = [c for c in self.columns if c not in df.columns]
        if missing:
            raise DataError("err.predict_columns", "csv", missing=", ".join(missing), needed=", ".join(self.columns))
        parts = []
        if r["numeric"]:
            parts.append(self._numeric(df, r["numeric"]))
        parts += [self._onehot(df[c["column"]], c) for c in r["categorical"]]
        X = np.hstack(parts) if parts else np.zeros((len(df), 0))
        return torch.as_tensor(np.asarray(X, np.float32))

    def _pixels(self, df: pd.DataFrame) -> np.ndarray:
        """Pixel columns by name (px0, px1...), else a table of exactly that many numeric columns."""
        cols = self.columns
        named = [c for c in df.columns if PIXEL.fullmatch(str(c)) or c in cols]
        if named:       # by name: exactly the model's pixels (784 given to a 64-pixel model read 0..63)
            missing = [c for c in cols if c not in df.columns]
            extra = sorted({c for c in named if c not in cols}, key=_px)
            if missing or extra:
                raise DataError("err.predict_pixel_columns", "csv", n=len(cols), last=len(cols) - 1,
                                missing=few(missing), extra=few(extra))
            block = df[cols]
        else:
            block = df.select_dtypes("number")
            if block.shape[1] != len(cols):
                raise DataError("err.predict_pixels", "csv", n=len(cols), got=block.shape[1])
        a = block.apply(pd.to_numeric, errors="coerce").to_numpy(np.float32)
        if np.isnan(a).any():
            raise DataError("err.predict_pixel_missing", "csv")
        return a

    @staticmethod
    def _numeric(df: pd.DataFrame, num: dict) -> np.ndarray:
        block = df[num["columns"]]
        values = block.apply(pd.to_numeric, errors="coerce")
        bad = values.isna() & block.notna()
        if bad.any().any():
            col = bad.any().idxmax()
            raise DataError("err.predict_not_number", "csv", column=col, value=str(block[col][bad[col]].iloc[0])[:40])
        a = values.to_numpy(np.float64)
        if num["features"]:
            a = feature_map(a, num["features"])
        a = np.where(np.isnan(a), np.asarray(num["median"]), a)
        if num["scaler"] in ("standard", "robust"):
            a = (a - np.asarray(num["shift"])) / np.asarray(num["divide"])
        elif num["scaler"] == "minmax":
            a = a * np.asarray(num["multiply"]) + np.asarray(num["add"])
        return a

    @staticmethod
    def _onehot(col: pd.Series, spec: dict) -> np.ndarray:
        """Missing values take the training rows' most frequent one. A value the training rows
        did not have joins the column's group of rare values, as the training pipeline does;
        a column without such a group cannot place it: refused, naming it."""
        values = [spec["fill"] if pd.isna(v) else _plain(v) for v in col]
        known = {c: i for i, c in enumerate(spec["categories"])}
        grouped = bool(spec["rare"])
        unknown = sorted({v for v in values if v not in known and v not in spec["rare"]})
        if unknown and not grouped:
            raise DataError("err.predict_category", "csv", column=spec["column"], value=unknown[0][:40],
                            known=", ".join(spec["categories"]))
        out = np.zeros((len(values), len(known) + grouped))
        for row, v in enumerate(values):
            out[row, known.get(v, len(known))] = 1.0
        return out


# --- files ----------------------------------------------------------------------------------------

def model_blob(model: nn.Module, cfg: RunConfig, prepared) -> dict:
    return {"format": FORMAT, "version": VERSION, "state_dict": model.state_dict(), "config": cfg.to_dict(),
            "meta": {"task": prepared.task, "n_features": prepared.n_features, "n_outputs": prepared.n_outputs,
                     "image_shape": list(prepared.image_shape) if prepared.image_shape else None,
                     "class_names": prepared.class_names, "feature_names": prepared.feature_names,
                     "target_name": prepared.dataset.target_name,
                     "y_mean": prepared.y_mean, "y_std": prepared.y_std,
                     "preprocess": preprocessing_record(prepared)}}


def save_model(path, model: nn.Module, cfg: RunConfig, prepared) -> None:
    """State dict + config + the fitted preprocessing; loadable with
    torch.load(path, weights_only=True) (only tensors and plain Python values)."""
    torch.save(model_blob(model, cfg, prepared), path)


def model_bytes(model: nn.Module, cfg: RunConfig, prepared) -> bytes:
    """The file save_model writes, as bytes (a download button's data)."""
    buf = io.BytesIO()
    torch.save(model_blob(model, cfg, prepared), buf)
    return buf.getvalue()


def load_model(source, name: str | None = None) -> tuple[Net, RunConfig, dict]:
    """(model in eval mode, config, meta) from a path or a file-like object; anything that is
    not a model this app saved is one ConfigError (err.no_model_file)."""
    name = name or str(getattr(source, "name", source))
    try:
        blob = torch.load(source, weights_only=True, map_location="cpu")
    except FileNotFoundError as e:
        raise ConfigError("err.no_model_file", "model", path=name, why="file not found") from e
    except Exception as e:   # a text file, a truncated download, a pickled object weights_only refuses
        raise ConfigError("err.no_model_file", "model", path=name, why=f"not a PyTorch weights file: {type(e).__name__}") from e
    try:
        if not isinstance(blob, dict) or not {"state_dict", "config", "meta"} <= set(blob):
            raise ValueError("not a model saved by this app")
        if blob.get("version", 1) > VERSION:
            raise ValueError(f"saved by a newer version (format {blob['version']})")
        cfg = make_config(**blob["config"])
        meta = blob["meta"]
        _check_meta(meta)
        shape = tuple(meta["image_shape"]) if meta["image_shape"] else None
        model = build_model(cfg, meta["n_features"], meta["n_outputs"], shape)
        model.load_state_dict(blob["state_dict"])
    except Exception as e:   # unpickling, a foreign dict, other weights: all "not our model file"
        why = str(e).strip().splitlines()[0][:120] if isinstance(e, ValueError) else type(e).__name__
        raise ConfigError("err.no_model_file", "model", path=name, why=why) from e
    model.eval()
    return model, cfg, meta


def _check_meta(meta: dict) -> None:
    """What scoring relies on, as a hand-edited file may not have it (ValueError: the reason)."""
    task, names, n_out = meta.get("task"), meta.get("class_names"), meta.get("n_outputs")
    if task not in ("binary", "multiclass", "regression"):
        raise ValueError(f"task '{task}' is not binary, multiclass or regression")
    if task == "regression":
        return
    want = 2 if task == "binary" else n_out
    if not isinstance(names, list) or not all(isinstance(c, str) for c in names) or len(set(names)) != len(names):
        raise ValueError("class_names must be a list of distinct class names")
    if len(names) != want:
        raise ValueError(f"class_names has {len(names)} names for a {task} model of {want} classes")


class SavedModel:
    """A loaded model file with its preprocessing: scores raw rows as they come."""

    def __init__(self, model: Net, cfg: RunConfig, meta: dict, name: str = "model"):
        self.model, self.cfg, self.meta, self.name = model, cfg, meta, name
        record = meta.get("preprocess")
        self.encoder = RowEncoder(record) if record else None

    @classmethod
    def load(cls, source, name: str | None = None) -> "SavedModel":
        name = name or str(getattr(source, "name", source))
        return cls(*load_model(source, name), name=name)

    @property
    def task(self) -> str:
        return self.meta["task"]

    @property
    def class_names(self) -> list[str] | None:
        return self.meta["class_names"]

    def _encoder(self) -> RowEncoder:
        if self.encoder is None:
            raise ConfigError("err.model_without_preprocess", "model", path=self.name)
        return self.encoder

    def outputs(self, df: pd.DataFrame) -> np.ndarray:
        """predict_output on the raw rows: P(class 1), class probabilities or target values."""
        X = self._encoder().transform(df)
        return predict_output(self.model, X, self.task, self.meta["y_mean"], self.meta["y_std"])

    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        """The rows plus `prediction` (and `p_<class>` per class for classification)."""
        out = self.outputs(df)
        result = df.copy()
        if self.task == "regression":
            result["prediction"] = out
            return result
        names = self.class_names
        probs = np.c_[1 - out, out] if self.task == "binary" else out
        labels = (out >= 0.5).astype(int) if self.task == "binary" else out.argmax(1)
        result["prediction"] = [names[i] for i in labels]
        for i, c in enumerate(names):
            result[f"p_{c}"] = probs[:, i]
        return result

    def check_fits(self, dataset) -> None:
        """Refuse data this model was not trained for: another task, other input columns or classes."""
        self._encoder()
        if dataset.task != self.task:
            raise DataError("err.model_task", "model", saved=self.task, data=dataset.task)
        if dataset.image_shape is not None:
            if list(dataset.image_shape) != list(self.meta["image_shape"] or []):
                raise DataError("err.model_columns", "model", missing=f"{dataset.image_shape} images")
        else:
            missing = [c for c in self.encoder.columns if c not in list(dataset.feature_names)]
            if missing:
                raise DataError("err.model_columns", "model", missing=", ".join(missing))
        if dataset.class_names is not None and list(dataset.class_names) != list(self.class_names or []):
            raise DataError("err.model_classes", "model", saved=", ".join(self.class_names or []),
                            data=", ".join(dataset.class_names))

    def split_outputs(self, prepared, split: str = "test") -> np.ndarray:
        """Its outputs on a split's raw rows (through its own preprocessing), like Trainer.predict."""
        if isinstance(prepared, SequencePrepared):
            return self.outputs(raw_rows(prepared, split))
        ds = prepared.dataset
        idx = prepared.split(split).index
        rows = ds.X[idx] if ds.image_shape is not None else ds.X.iloc[idx]
        if ds.image_shape is not None:
            rows = pd.DataFrame(np.asarray(rows), columns=ds.feature_names)
        return self.outputs(rows)

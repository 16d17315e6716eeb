"""Saving a trained model and loading it back: a state dict, the config and what is
needed to rebuild and use it, loadable with torch.load(path, weights_only=True)."""
from __future__ import annotations

import torch
from torch import nn

from ..config import RunConfig, make_config
from ..errors import ConfigError
from .model import Net, build_model


def save_model(path, model: nn.Module, cfg: RunConfig, prepared) -> None:
    """State dict + config + what is needed to rebuild and use it; loadable with
    torch.load(path, weights_only=True) (only tensors and plain Python values)."""
    torch.save({"state_dict": model.state_dict(), "config": cfg.to_dict(),
                "meta": {"task": prepared.task, "n_features": prepared.n_features, "n_outputs": prepared.n_outputs,
                         "image_shape": list(prepared.image_shape) if prepared.image_shape else None,
                         "class_names": prepared.class_names, "feature_names": prepared.feature_names,
                         "y_mean": prepared.y_mean, "y_std": prepared.y_std}}, path)


def load_model(path) -> tuple[Net, RunConfig, dict]:
    try:
        blob = torch.load(path, weights_only=True)
        cfg = make_config(**blob["config"])
        meta = blob["meta"]
        shape = tuple(meta["image_shape"]) if meta["image_shape"] else None
        model = build_model(cfg, meta["n_features"], meta["n_outputs"], shape)
        model.load_state_dict(blob["state_dict"])
    except ConfigError:
        raise
    except Exception as e:
        raise ConfigError("err.no_model_file", "model", path=str(path), why=type(e).__name__) from e
    model.eval()
    return model, cfg, meta

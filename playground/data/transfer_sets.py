"""Transfer learning's option (config field `transfer`): where a run may start from the small CNN
pretrained on the embedded MNIST's digits 0-4 (nn/pretrain.py), checked by config validation,
and a few-shot set's fixed validation rows. Light: no torch, no data loaded."""
from __future__ import annotations

from ..errors import ConfigError
from .registry import DATASETS

MODES = ("none", "frozen", "finetune")   # from scratch | pretrained convolutions fixed | every layer trained
PRETRAIN_SET = "mnist"                   # the pretraining images: this set's ...
PRETRAIN_DIGITS = (0, 1, 2, 3, 4)        # ... digits 0-4
# 28x28 digit sets: the pretrained filters read their pixels. Not `mnist` itself: its test rows
# would include the very images the pretrained network learned from.
TRANSFER_SETS = ("mnist-5-9-few", "mnist-full")


def applies(dataset: str, model: str = "cnn") -> bool:
    return dataset in TRANSFER_SETS and model == "cnn"


def check_option(cfg) -> None:
    """Config validation: transfer only where the pretrained CNN fits, with the preprocessing
    that comes with its weights (pixels 0-1); a few-shot set validates on every other row."""
    n = DATASETS[cfg.dataset].train_per_class if cfg.dataset in DATASETS else 0   # few_shot.per_class, lightly
    if n and cfg.val_split != type(cfg)().val_split:
        raise ConfigError("err.few_shot_val_split", "val_split", dataset=cfg.dataset, n=n)
    if cfg.transfer == "none":
        return
    if cfg.dataset == PRETRAIN_SET:
        raise ConfigError("err.transfer_same_images", "transfer", dataset=cfg.dataset, sets=", ".join(TRANSFER_SETS))
    if cfg.dataset not in TRANSFER_SETS:
        raise ConfigError("err.transfer_dataset", "transfer", dataset=cfg.dataset, sets=", ".join(TRANSFER_SETS))
    if cfg.model != "cnn":
        raise ConfigError("err.transfer_cnn", "transfer", model=cfg.model)
    if not getattr(cfg, "pixel_scale", True):
        raise ConfigError("err.transfer_pixels", "pixel_scale")

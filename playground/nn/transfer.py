"""Transfer learning in a run (config.transfer): the network starts from the pretrained CNN's
weights (nn/pretrain.py) in every layer but the output, which is new (5-9 are other classes than
0-4, as a ResNet's `fc` is replaced). `frozen` fixes the convolutions, the learned features
(requires_grad off: no gradient, so no optimizer, weight decay or L1 moves them); `finetune`
trains every layer from the pretrained weights. The preprocessing comes with the weights: a
run whose inputs are not prepared the way the pretrained network's were is refused."""
from __future__ import annotations

import torch

from ..config import RunConfig
from ..errors import ConfigError
from . import pretrain
from .model import assemble

FEATURE_LAYERS = ("conv1", "conv2")   # what `frozen` fixes
NEW_LAYERS = ("output",)              # never pretrained: the new task's classes


def apply(net: torch.nn.Module, cfg: RunConfig, prepared, fresh: bool = True, report=None) -> torch.nn.Module:
    """A run's network as its transfer setting wants it: a `fresh` one (just built) takes the
    pretrained weights; fresh or given (a revived run's), its frozen layers are frozen."""
    if cfg.transfer == "none":
        return net
    if fresh:
        pre = pretrain.pretrained(cfg, report)
        check_preprocessing(pre.preprocess, prepared)
        net.load_state_dict(with_pretrained(net.state_dict(), pre.state))
    freeze(net, cfg.transfer)
    return net


def with_pretrained(own: dict, pretrained: dict) -> dict:
    """A state dict: the pretrained weights, the new layers' own (fresh) ones."""
    return {k: v if k.split(".")[0] in NEW_LAYERS else pretrained[k] for k, v in own.items()}


def freeze(net: torch.nn.Module, mode: str) -> None:
    for name, block in net.named_children():
        for p in block.parameters():
            p.requires_grad_(not (mode == "frozen" and name in FEATURE_LAYERS))


def check_preprocessing(record: dict, prepared) -> None:
    """The run's inputs must be what the pretrained network learned from: 28x28 pixels divided by
    the same number (config refuses raw pixels; a file cached by another version could differ)."""
    ok = (record.get("kind") == "image" and len(record.get("columns", ())) == prepared.n_features
          and float(record.get("pixel_max", 0)) == float(getattr(prepared, "pixel_divisor", prepared.dataset.pixel_max)))
    if not ok:
        raise ConfigError("err.transfer_preprocess", "transfer")


def layer_plan(cfg: RunConfig, n_features: int, n_outputs: int, image_shape) -> list[dict]:
    """Per layer with weights: its parameter count (of the real module, built on `meta`), where its
    weights start (pretrained | new) and whether training changes them."""
    with torch.device("meta"):
        net = assemble(cfg, n_features, n_outputs, image_shape)
    rows = []
    for name, block in net.named_children():
        n = sum(p.numel() for p in block.parameters())
        if n:
            pretrained = cfg.transfer != "none" and name not in NEW_LAYERS
            rows.append({"layer": name, "params": n, "start": "pretrained" if pretrained else "new",
                         "trainable": not (cfg.transfer == "frozen" and name in FEATURE_LAYERS)})
    return rows

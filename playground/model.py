"""build_model(config, prepared) -> nn.Module.

Layers are named blocks (`hidden1`, `hidden2`, ..., `output`; CNN: `conv1`, `conv2`
first) so probes and pictures can address them. A block's output is the layer's
activation: Linear -> [BatchNorm] -> activation -> [Dropout].
"""
from __future__ import annotations

import threading

import torch
from torch import nn

from .config import MAX_PARAMS, ConfigError, RunConfig

ACTIVATION_MODULES = {
    "relu": nn.ReLU, "leaky_relu": lambda: nn.LeakyReLU(0.01), "elu": nn.ELU, "gelu": nn.GELU,
    "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "linear": nn.Identity,
}

# Model init uses torch's global RNG; jobs in other threads must not interleave with it.
_INIT_LOCK = threading.Lock()


class SeededDropout(nn.Module):
    """Dropout drawing its mask from its own generator, so concurrent jobs in one
    process stay deterministic (nn.Dropout uses the shared global RNG)."""

    def __init__(self, p: float, seed: int):
        super().__init__()
        self.p = p
        self.gen = torch.Generator().manual_seed(seed)

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        keep = torch.rand(x.shape, generator=self.gen) >= self.p
        return x * keep / (1 - self.p)

    def extra_repr(self):
        return f"p={self.p}"


def _block(n_in: int, n_out: int, cfg: RunConfig, seed: int) -> nn.Sequential:
    layers = [nn.Linear(n_in, n_out)]
    if cfg.batch_norm:
        layers.append(nn.BatchNorm1d(n_out))
    layers.append(ACTIVATION_MODULES[cfg.activation]())
    if cfg.dropout > 0:
        layers.append(SeededDropout(cfg.dropout, seed))
    return nn.Sequential(*layers)


class Net(nn.Sequential):
    """nn.Sequential of named blocks; `hidden_names` lists the probe-able layers."""

    @property
    def hidden_names(self) -> list[str]:
        return [n for n, _ in self.named_children() if n.startswith(("conv", "hidden"))]   # not reshapes


def count_params(n_features: int, n_outputs: int, cfg: RunConfig, image_shape=None) -> int:
    """Parameter count without building (to refuse huge nets before allocating)."""
    batch_norm = 2 * sum(cfg.hidden) if cfg.batch_norm else 0
    if cfg.model == "cnn":
        if image_shape is None:   # e.g. a CSV table: validate() cannot know it has no images
            raise ConfigError("err.cnn_needs_images", "model", name=cfg.dataset)
        h, w = image_shape
        flat = 16 * (h // 4) * (w // 4)
        convs = (1 * 8 * 9 + 8) + (8 * 16 * 9 + 16)
        sizes = [flat, *cfg.hidden, n_outputs]
        return convs + sum(a * b + b for a, b in zip(sizes, sizes[1:])) + batch_norm
    sizes = [n_features, *cfg.hidden, n_outputs]
    return sum(a * b + b for a, b in zip(sizes, sizes[1:])) + batch_norm


def build_model(cfg: RunConfig, n_features: int, n_outputs: int, image_shape=None) -> Net:
    n_params = count_params(n_features, n_outputs, cfg, image_shape)
    if n_params > MAX_PARAMS:
        raise ConfigError("err.too_large", "hidden", n=f"{n_params:,}", max=f"{MAX_PARAMS:,}")
    blocks: list[tuple[str, nn.Module]] = []
    with _INIT_LOCK:
        torch.manual_seed(cfg.seed)
        if cfg.model == "cnn":
            if image_shape is None:
                raise ConfigError("err.cnn_needs_images", "model", name="?")
            h, w = image_shape
            act = ACTIVATION_MODULES[cfg.activation]
            # (n, h*w) -> (n, 1, h, w) -> conv/pool x2 -> (n, 16, h/4, w/4) -> flat
            blocks += [("unflatten", nn.Unflatten(1, (1, h, w))),
                       ("conv1", nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), act(), nn.MaxPool2d(2))),
                       ("conv2", nn.Sequential(nn.Conv2d(8, 16, 3, padding=1), act(), nn.MaxPool2d(2))),
                       ("flatten", nn.Flatten())]
            n_in = 16 * (h // 4) * (w // 4)
        else:
            n_in = n_features
        for i, units in enumerate(cfg.hidden, 1):
            blocks.append((f"hidden{i}", _block(n_in, units, cfg, cfg.seed + i)))
            n_in = units
        blocks.append(("output", nn.Linear(n_in, n_outputs)))
        net = Net()
        for name, module in blocks:
            net.add_module(name, module)
    return net


def loss_function(task: str) -> nn.Module:
    return {"regression": nn.MSELoss(), "binary": nn.BCEWithLogitsLoss(), "multiclass": nn.CrossEntropyLoss()}[task]


def make_optimizer(cfg: RunConfig, params):
    o, lr, wd = cfg.optimizer, cfg.lr, cfg.weight_decay
    if o == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=cfg.momentum, weight_decay=wd)
    if o == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=wd)
    if o == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=wd)
    if o == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, momentum=cfg.momentum, weight_decay=wd)
    return torch.optim.Adagrad(params, lr=lr, weight_decay=wd)


@torch.no_grad()
def predict_output(model: nn.Module, X: torch.Tensor, task: str, y_mean=0.0, y_std=1.0, batch: int = 4096):
    """Model outputs in the user's terms: probabilities of class 1 (binary, shape (n,)),
    softmax probabilities (multiclass, (n, K)), or predictions in target units (regression)."""
    was = model.training
    model.eval()
    outs = [model(X[i:i + batch]) for i in range(0, len(X), batch)]
    model.train(was)
    out = torch.cat(outs) if outs else torch.empty(0)
    if task == "binary":
        return torch.sigmoid(out[:, 0]).numpy()
    if task == "multiclass":
        return torch.softmax(out, 1).numpy()
    return (out[:, 0] * y_std + y_mean).numpy()


def save_model(path, model: nn.Module, cfg: RunConfig, prepared) -> None:
    """State dict + config + what is needed to rebuild and use it; loadable with
    torch.load(path, weights_only=True) (only tensors and plain Python values)."""
    torch.save({"state_dict": model.state_dict(), "config": cfg.to_dict(),
                "meta": {"task": prepared.task, "n_features": prepared.n_features, "n_outputs": prepared.n_outputs,
                         "image_shape": list(prepared.image_shape) if prepared.image_shape else None,
                         "class_names": prepared.class_names, "feature_names": prepared.feature_names,
                         "y_mean": prepared.y_mean, "y_std": prepared.y_std}}, path)


def load_model(path) -> tuple[Net, RunConfig, dict]:
    from .config import make_config
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

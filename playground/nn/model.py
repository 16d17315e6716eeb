"""build_model(config, n_features, n_outputs) -> nn.Module, the loss and optimizer of a
config, and the one transform from raw outputs to what a user reads.

Layers are named blocks (`hidden1`, `hidden2`, ..., `output`; CNN: `conv1`, `conv2`
first) so probes and pictures can address them. A block's output is the layer's
activation: Linear -> [BatchNorm] -> activation -> [Dropout].
"""
from __future__ import annotations

import functools
import threading

import torch
from torch import nn

from ..config import MAX_PARAMS, SEQUENCE_MODELS, RunConfig
from ..errors import ConfigError
from .dropout import SeededDropout
from .residual import ResidualBlock, skips
from .sequence_model import SeqNet

ACTIVATION_MODULES = {
    "relu": nn.ReLU, "leaky_relu": lambda: nn.LeakyReLU(0.01), "elu": nn.ELU, "gelu": nn.GELU,
    "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "linear": nn.Identity,
}

# Model init uses torch's global RNG; jobs in other threads must not interleave with it.
_INIT_LOCK = threading.Lock()


def layer_activations(cfg: RunConfig) -> tuple[str, ...]:
    """The activation of each hidden layer ("relu" for all, or "relu,tanh" one per layer)."""
    names = tuple(cfg.activation.split(","))
    return names * len(cfg.hidden) if len(names) == 1 else names


def _block(n_in: int, n_out: int, cfg: RunConfig, seed: int, activation: str) -> nn.Sequential:
    """Linear -> [BatchNorm] -> activation -> Dropout; with a skip connection (nn/residual.py), x + that."""
    layers = [nn.Linear(n_in, n_out)]
    if cfg.batch_norm:
        layers.append(nn.BatchNorm1d(n_out))
    layers.append(ACTIVATION_MODULES[activation]())
    # always there (p = 0 returns its input): the dropout rate can change while a run goes on
    layers.append(SeededDropout(cfg.dropout, seed))
    return (ResidualBlock if skips((n_out,), n_in, cfg.residual)[0] else nn.Sequential)(*layers)


class Net(nn.Sequential):
    """nn.Sequential of named blocks; `hidden_names` lists the probe-able layers."""

    @property
    def hidden_names(self) -> list[str]:
        return [n for n, _ in self.named_children() if n.startswith(("conv", "hidden"))]   # not reshapes


def assemble(cfg: RunConfig, n_features: int, n_outputs: int, image_shape=None) -> Net | SeqNet:
    """The named blocks, initialised from torch's current RNG on its current device
    (build_model seeds it; count_params and the run budget build on `meta`)."""
    if cfg.model in SEQUENCE_MODELS:   # n_features: one number per step, or the vocabulary's size
        return SeqNet(cfg, n_features, n_outputs)
    blocks: list[tuple[str, nn.Module]] = []
    if cfg.model == "cnn":
        if image_shape is None:   # e.g. a CSV table: validate() cannot know it has no images
            raise ConfigError("err.cnn_needs_images", "model", name=cfg.dataset)
        h, w = image_shape
        act = ACTIVATION_MODULES[cfg.activation]
        # (n, h*w) -> (n, 1, h, w) -> conv/pool x2 -> (n, 16, h/4, w/4) -> flat
        blocks += [("unflatten", ImageIn(h, w)),
                   ("conv1", nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), *conv_tail(cfg.activation, act))),
                   ("conv2", nn.Sequential(nn.Conv2d(8, 16, 3, padding=1), *conv_tail(cfg.activation, act))),
                   ("flatten", nn.Flatten())]
        n_in = 16 * (h // 4) * (w // 4)
    else:
        n_in = n_features
    for i, (units, activation) in enumerate(zip(cfg.hidden, layer_activations(cfg), strict=True), 1):
        blocks.append((f"hidden{i}", _block(n_in, units, cfg, cfg.seed + i, activation)))
        n_in = units
    blocks.append(("output", nn.Linear(n_in, n_outputs)))
    net = Net()
    for name, module in blocks:
        net.add_module(name, module)
    if cfg.model == "cnn":
        net.to(memory_format=torch.channels_last)   # the filters too (ImageIn), as the images
    return net


# max(f(a), f(b)) == f(max(a, b)) for an f that never decreases: pooled first, the activation
# works on a quarter of the values (+9% samples/s, bench/cnn_speed.py), the same numbers.
POOL_FIRST = {"relu", "leaky_relu", "elu", "tanh", "sigmoid", "linear"}    # not gelu: it dips below 0


def conv_tail(activation: str, act) -> list[nn.Module]:
    """After a convolution: its activation and 2x2 max pooling, the pooling first where that is the same."""
    return [nn.MaxPool2d(2), act()] if activation in POOL_FIRST else [act(), nn.MaxPool2d(2)]


class ImageIn(nn.Unflatten):
    """Flat pixels -> (n, 1, h, w) images laid out channels-last in memory: the CNN trains
    1.3-1.5x faster on a CPU that way (bench/cnn_speed.py); the numbers are the same tensors'."""

    def __init__(self, h: int, w: int):
        super().__init__(1, (1, h, w))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x).contiguous(memory_format=torch.channels_last)


def count_params(n_features: int, n_outputs: int, cfg: RunConfig, image_shape=None) -> int:
    """Parameter count of the real module, built on the `meta` device (no memory, no
    RNG), so a huge net is refused before anything is allocated. Remembered: the sidebar and
    the lab ask on every rerun of every student's page, and building even on `meta` costs ~2 ms."""
    return _count_params(n_features, n_outputs, cfg, None if image_shape is None else tuple(image_shape))


@functools.lru_cache(maxsize=256)
def _count_params(n_features: int, n_outputs: int, cfg: RunConfig, image_shape) -> int:
    with torch.device("meta"):
        net = assemble(cfg, n_features, n_outputs, image_shape)
    return sum(p.numel() for p in net.parameters())


def build_model(cfg: RunConfig, n_features: int, n_outputs: int, image_shape=None) -> Net:
    n_params = count_params(n_features, n_outputs, cfg, image_shape)
    if n_params > MAX_PARAMS:
        raise ConfigError("err.too_large", "hidden", n=f"{n_params:,}", max=f"{MAX_PARAMS:,}")
    with _INIT_LOCK:
        torch.manual_seed(cfg.seed)
        return assemble(cfg, n_features, n_outputs, image_shape)


def copy_model(model: nn.Module, cfg: RunConfig, n_features: int, n_outputs: int, image_shape=None,
               state: dict | None = None) -> Net:
    """A fresh net in eval mode holding `model`'s weights (or the given state dict): what
    a page reads while a training thread may still be updating the original."""
    net = build_model(cfg, n_features, n_outputs, tuple(image_shape) if image_shape else None)
    net.load_state_dict(state if state is not None else cloned_state(model))   # load_state_dict copies
    return net.eval()


def cloned_state(model: nn.Module) -> dict:
    """The model's weights and buffers as tensors of their own (they survive further training)."""
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def loss_name(task: str, loss: str = "auto") -> str:
    """The loss a run trains with: bce (sigmoid output), ce (softmax output), mse, mae or huber."""
    if task == "regression":
        return "mse" if loss == "auto" else loss
    if loss != "auto":
        raise ConfigError("err.loss_needs_regression", "loss", loss=loss)
    return "bce" if task == "binary" else "ce"


LOSS_MODULES = {"bce": nn.BCEWithLogitsLoss, "ce": nn.CrossEntropyLoss, "mse": nn.MSELoss, "mae": nn.L1Loss,
                "huber": nn.HuberLoss}   # Huber's delta is 1 standard deviation of the target


def loss_function(task: str, loss: str = "auto") -> nn.Module:
    return LOSS_MODULES[loss_name(task, loss)]()


def loss_power(name: str) -> int:
    """Regression trains on a standardized target; a loss in target units is the standardized
    one times std ** power (Huber's too, its delta scaling with the std)."""
    return 1 if name == "mae" else 2


def make_optimizer(cfg: RunConfig, params):
    o, lr, wd = cfg.optimizer, cfg.lr, cfg.weight_decay
    if o == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=cfg.momentum, weight_decay=wd)
    # fused: one kernel for every parameter's update, 1.4x the samples/s of a small MLP (bench/cnn_speed.py)
    if o == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=wd, fused=True)
    if o == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=wd, fused=True)
    if o == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, momentum=cfg.momentum, weight_decay=wd)
    return torch.optim.Adagrad(params, lr=lr, weight_decay=wd)


def bare_optimizer_calls(opt: torch.optim.Optimizer):
    """(clear the gradients, step) for one batch, without the wrapper torch puts around every
    optimizer's `step` and `zero_grad` (a profiler range each, and the step hooks' lookup): on
    a small MLP they were ~19% of a batch (Adam or SGD, the spiral's 8-8 net, batch 32; the
    same losses to the last digit). Where anything hooks the step (a global or the optimizer's
    own hook, a step patched on the instance) it is `opt.step` itself, hooks and all. Taken
    once an epoch. A torch.profiler trace of a run then shows no optimizer ranges."""
    from torch.optim import optimizer as torch_optimizer
    step = type(opt).step
    wrapped = getattr(step, "hooked", False) and hasattr(step, "__wrapped__") and "step" not in vars(opt)
    hooks = (opt._optimizer_step_pre_hooks or opt._optimizer_step_post_hooks
             or torch_optimizer._global_optimizer_pre_hooks or torch_optimizer._global_optimizer_post_hooks)
    if not wrapped or hooks:
        return (lambda: opt.zero_grad(set_to_none=True)), opt.step
    params = [p for group in opt.param_groups for p in group["params"]]
    bare = step.__wrapped__

    def clear():
        for p in params:
            p.grad = None        # what zero_grad(set_to_none=True) does inside its wrapper

    return clear, lambda: bare(opt)


@torch.no_grad()
def predict_output(model: nn.Module, X: torch.Tensor, task: str, y_mean=0.0, y_std=1.0, batch: int = 4096):
    """Model outputs in the user's terms: probabilities of class 1 (binary, shape (n,)),
    softmax probabilities (multiclass, (n, K)), or predictions in target units (regression)."""
    was = model.training
    model.eval()
    outs = [model(X[i:i + batch]) for i in range(0, len(X), batch)]
    model.train(was)
    out = torch.cat(outs) if outs else torch.empty((0, 1))
    return user_output(out if task == "multiclass" else out[:, 0], task, y_mean, y_std)


def user_output(out: torch.Tensor, task: str, y_mean=0.0, y_std=1.0):
    """Raw network outputs ((n,) or (n, K)) in the user's terms, as a numpy array."""
    if task == "binary":
        return torch.sigmoid(out).numpy()
    if task == "multiclass":
        return torch.softmax(out, 1).numpy()
    return (out * y_std + y_mean).numpy()

"""What each layer computes (activations, dead units, a 2-D representation,
histograms) and what drives its nodes (input weights, weight pictures, CNN filters and
feature maps), plus the activation functions themselves."""
from __future__ import annotations

import functools

import numpy as np
import torch
from sklearn.decomposition import PCA
from threadpoolctl import ThreadpoolController
from torch import nn

from ..nn.model import ACTIVATION_MODULES
from .capture import Sample, as_matrix, capture, finite
from .names import node_label

MAX_HEAT_NODES = 64      # heatmap columns (the most varying nodes of a wider layer)
MAX_PICTURES = 32        # first-layer weight pictures
MAX_WEIGHT_INPUTS = 64   # input-weight heatmaps for layers with at most this many inputs (not pixels)
HIST_BINS = 30
RELU_LIKE = ("relu",)    # activations whose units can die (output exactly 0 for every input)


def dead_units(acts: np.ndarray, activation: str) -> np.ndarray | None:
    """Mask of ReLU units (or conv channels) that output 0 for every sampled row; None for
    activations that cannot die. On a sample this is an estimate of the dead share."""
    if activation not in RELU_LIKE or len(acts) == 0:
        return None
    per_unit = acts.reshape(len(acts), acts.shape[1], -1).max(axis=(0, 2))
    return per_unit <= 0


@functools.lru_cache(maxsize=1)
def _blas() -> ThreadpoolController:
    return ThreadpoolController()   # inspecting the loaded libraries costs ~5 ms: once


def representation(acts: np.ndarray) -> dict:
    """2-D view of a layer's output: the raw (z1, z2) of a 2-unit layer; a 1-unit layer as
    (z, 0); wider layers (and conv maps, flattened) projected on their first two principal
    components. Returns {'xy': (n, 2), 'kind': raw|single|pca, 'var': share of variance per axis}."""
    Z = acts.reshape(len(acts), -1).astype(np.float64)
    if Z.shape[1] == 2:
        return {"xy": Z, "kind": "raw", "var": None}
    if Z.shape[1] == 1:
        return {"xy": np.c_[Z, np.zeros(len(Z))], "kind": "single", "var": None}
    if len(Z) < 2 or not np.any(Z.std(0) > 1e-12):   # nothing to project (e.g. all units dead)
        return {"xy": np.zeros((len(Z), 2)), "kind": "pca", "var": [0.0, 0.0]}
    with _blas().limit(limits=1):   # a threaded BLAS on a busy 2-core box was 100x slower (measured)
        pca = PCA(n_components=2, random_state=0).fit(Z)
        xy = pca.transform(Z)
    # A fixed sign per axis so the picture does not flip between live updates.
    xy *= np.sign(pca.components_[np.arange(2), np.abs(pca.components_).argmax(1)])
    return {"xy": xy, "kind": "pca", "var": [float(v) for v in pca.explained_variance_ratio_]}


def histogram(acts: np.ndarray, bins: int = HIST_BINS) -> dict:
    counts, edges = np.histogram(acts.ravel(), bins=bins)
    return {"counts": counts, "edges": edges}


def top_varying(M: np.ndarray, k: int = MAX_HEAT_NODES) -> np.ndarray:
    """Column indices (in order) of the k most varying nodes; all when there are at most k."""
    if M.shape[1] <= k:
        return np.arange(M.shape[1])
    return np.sort(np.argsort(-M.var(0), kind="stable")[:k])


def layer_views(model, sample: Sample, activation: str) -> dict:
    """Per probe-able layer: heatmap matrix (sample x shown nodes), histogram, dead mask,
    2-D representation. One forward pass for all layers."""
    acts = capture(model, sample.X)
    names = activation.split(",")   # one for all layers, or one per hidden layer
    out = {}
    for name, a in acts.items():
        a = finite(a)
        own = names[int(name[6:]) - 1] if len(names) > 1 and name.startswith("hidden") else names[0]
        M = as_matrix(a)
        shown = top_varying(M)
        out[name] = {"units": M.shape[1], "matrix": M[:, shown], "shown": shown, "hist": histogram(a),
                     "dead": dead_units(a, own), "repr": representation(a)}
    return out


def linear_of(model, layer: str) -> nn.Linear:
    block = getattr(model, layer)
    return block[0] if isinstance(block, nn.Sequential) else block


def input_weights(model, prepared, layer: str) -> dict:
    """Input weights of an MLP layer's nodes: {'W': (units, inputs), 'bias': (units,), 'inputs': names}.
    The first hidden layer's inputs are the (preprocessed) features, a deeper layer's the
    previous layer's nodes."""
    lin = linear_of(model, layer)
    names = list(model._modules)
    prev = names[names.index(layer) - 1] if names.index(layer) > 0 else None
    if prev is None:
        inputs = list(prepared.feature_names)
    else:
        inputs = [node_label(prev, i) for i in range(lin.in_features)]
    return {"W": finite(lin.weight.detach().numpy()).copy(), "bias": finite(lin.bias.detach().numpy()).copy(),
            "inputs": inputs}


def weight_images(model, prepared, k: int = MAX_PICTURES) -> dict:
    """First hidden layer of an MLP on images: each node's weights as a picture (k, h, w)."""
    h, w = prepared.image_shape
    W = finite(linear_of(model, "hidden1").weight.detach().numpy())
    return {"images": W[:k].reshape(-1, h, w).copy(), "units": W.shape[0]}


def cnn_view(model, sample: Sample, picks: list[int]) -> dict:
    """Filters of conv1 (8, 3, 3), conv2's filters averaged over their input channels
    (16, 3, 3), and the feature maps of the picked rows: {'maps': {layer: (k, c, h, w)}}."""
    acts = {n: finite(a) for n, a in capture(model, sample.X[picks], ["conv1", "conv2"]).items()}
    filt1 = finite(model.conv1[0].weight.detach().numpy()[:, 0])
    filt2 = finite(model.conv2[0].weight.detach().numpy().mean(1))
    return {"filters": {"conv1": filt1.copy(), "conv2": filt2.copy()}, "maps": acts,
            "inputs": sample.X[picks].numpy().copy(), "picks": list(picks)}


def activation_curves(lo: float = -4.0, hi: float = 4.0, n: int = 161) -> dict:
    """f(x) and f'(x) of every activation in the model's table (autograd, so exactly what
    the network uses): {'x': (n,), name: {'y': (n,), 'dy': (n,)}}."""
    x = torch.linspace(lo, hi, n)
    out = {"x": x.numpy()}
    for name, make in ACTIVATION_MODULES.items():
        xr = x.clone().requires_grad_(True)
        y = make()(xr)
        (dy,) = torch.autograd.grad(y.sum(), xr)
        out[name] = {"y": y.detach().numpy(), "dy": dy.numpy()}
    return out

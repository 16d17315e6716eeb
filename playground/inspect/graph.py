"""The network diagram as data: layers of nodes and the weights between them, wide
layers (and image pixels) aggregated into at most a few dozen nodes."""
from __future__ import annotations

import numpy as np
from torch import nn

from ..nn.residual import ResidualBlock
from .capture import finite
from .names import node_label

MAX_GRAPH_NODES = 16     # nodes per layer in the network diagram before aggregating
MAX_GRAPH_INPUTS = 32    # named input features drawn one by one up to this many


def groups(n: int, max_nodes: int) -> list[tuple[int, int]]:
    """n indices in at most max_nodes contiguous, near-equal groups [(start, end)]."""
    if n <= max_nodes:
        return [(i, i + 1) for i in range(n)]
    edges = np.linspace(0, n, max_nodes + 1).round().astype(int)
    return [(int(a), int(b)) for a, b in zip(edges, edges[1:])]


def _row_groups(h: int, w: int, max_nodes: int) -> list[tuple[int, int]]:
    """Image pixels (row-major) in bands of whole rows: 28 rows -> 14 bands of 2 rows."""
    per = next(d for d in range(1, h + 1) if h % d == 0 and h // d <= max_nodes)
    return [(r * w, (r + per) * w) for r in range(0, h, per)]


def _aggregate(W: np.ndarray, out_g, in_g) -> tuple[np.ndarray, np.ndarray]:
    """Block means of a weight matrix over contiguous groups: signed mean (colour) and
    mean |w| (width)."""
    r0, c0 = [a for a, _ in out_g], [c for c, _ in in_g]
    sizes = np.outer([b - a for a, b in out_g], [d - c for c, d in in_g])
    W = W[:out_g[-1][1], :in_g[-1][1]]

    def block_sum(M):
        return np.add.reduceat(np.add.reduceat(M, r0, axis=0), c0, axis=1)
    return block_sum(W) / sizes, block_sum(np.abs(W)) / sizes


def network_graph(model, prepared, max_nodes: int = MAX_GRAPH_NODES) -> dict:
    """Layers of nodes and the links between consecutive layers, wide layers aggregated.

    layers: [{'name', 'size', 'kind': input|conv|hidden|output, 'groups': [(start, end)],
              'labels': names of single nodes or None, 'bias': (nodes,) or None}]
    links:  [{'mean': (out nodes, in nodes), 'mag': same}] between layers i and i+1.
    A group spans units [start, end) of its layer; for image inputs, bands of pixel rows."""
    ds = prepared.dataset
    n_in = prepared.n_features
    if ds.image_shape is not None:
        in_groups = [(0, n_in)] if hasattr(model, "conv1") else _row_groups(*ds.image_shape, max_nodes)
        in_labels = None
    else:
        in_groups = groups(n_in, max(max_nodes, MAX_GRAPH_INPUTS))
        in_labels = list(prepared.feature_names) if len(in_groups) == n_in else None
    layers = [{"name": "input", "size": n_in, "kind": "input", "groups": in_groups, "labels": in_labels,
               "bias": None}]
    links = []
    for name, block in model.named_children():
        if not (name.startswith(("conv", "hidden")) or name == "output"):
            continue
        mod = block[0] if isinstance(block, nn.Sequential) else block
        W = finite(mod.weight.detach().numpy())
        b = finite(mod.bias.detach().numpy())
        if W.ndim == 4:                       # conv (out, in, 3, 3): a channel-to-channel weight = kernel mean
            W = W.mean(axis=(2, 3))
        prev = layers[-1]
        # Columns per previous node: 1, or h*w positions per channel after Flatten, or all pixels
        scale = W.shape[1] // prev["size"] if prev["kind"] == "conv" else 1
        in_g = [(a * scale, b_ * scale) for a, b_ in prev["groups"]]
        if prev["kind"] == "input" and prev["groups"] == [(0, n_in)] and W.shape[1] == 1:
            in_g = [(0, 1)]                   # the image feeds conv1 as one input channel
        out_g = groups(W.shape[0], max_nodes)
        mean, mag = _aggregate(W, out_g, in_g)
        kind = "conv" if name.startswith("conv") else ("output" if name == "output" else "hidden")
        labels = [node_label(name, i) for i in range(W.shape[0])] if len(out_g) == W.shape[0] else None
        if kind == "output":
            labels = output_labels(prepared) if len(out_g) == W.shape[0] else None
        layers.append({"name": name, "size": W.shape[0], "kind": kind, "groups": out_g, "labels": labels,
                       "bias": np.array([b[a:c].mean() for a, c in out_g]),
                       "skip": isinstance(block, ResidualBlock)})   # x + f(x): adds its input (nn/residual.py)
        links.append({"mean": mean, "mag": mag})
    return {"layers": layers, "links": links, "image_shape": ds.image_shape, "flatten": flatten_step(model, ds, layers)}


def flatten_step(model, ds, layers: list[dict]) -> dict | None:
    """Where an image becomes one flat vector (Keras' Flatten), for the diagram: after the
    input of an mlp (its h x w pixels), after the last convolution and pooling of a cnn
    (channels x h x w maps). {'after': layer index, 'shape': (...), 'size': values}; None
    for data that is not images."""
    if ds.image_shape is None:
        return None
    h, w = ds.image_shape
    convs = [i for i, L in enumerate(layers) if L["kind"] == "conv"]
    if not convs:
        return {"after": 0, "shape": (h, w), "size": h * w}
    shrink = 2 ** sum(isinstance(m, nn.MaxPool2d) for m in model.modules())   # each 2x2 pooling halves h and w
    shape = (layers[convs[-1]]["size"], h // shrink, w // shrink)
    return {"after": convs[-1], "shape": shape, "size": int(np.prod(shape))}


def output_labels(prepared) -> list[str]:
    if prepared.task == "multiclass":
        return list(prepared.class_names)
    if prepared.task == "binary":
        return [f"p({prepared.class_names[1]})"]
    return [prepared.dataset.target_name]

"""Everything the Inside page shows of one model state (`inspect`), and `LiveProbe`,
which computes it in the training thread of a live run within a cost budget."""
from __future__ import annotations

import time

import numpy as np

from .boundary import is_plane_dataset, neuron_surfaces
from .capture import Sample, class_examples, probe_layers, sample_rows
from .graph import network_graph
from .layers import MAX_WEIGHT_INPUTS, cnn_view, input_weights, layer_views, linear_of, weight_images

LIVE_SECONDS = 2.0       # the page redraws a live run this often (a redraw holds the GIL ~0.1 s: measured)


def inspect(model, prepared, activation: str, sample: Sample | None = None, picks=None) -> dict:
    """All views of one model state as plain data (the page draws from this)."""
    sample = sample or sample_rows(prepared)
    view = {"layers": layer_views(model, sample, activation), "y": sample.y, "groups": sample.groups,
            "graph": network_graph(model, prepared),
            "weights": {n: input_weights(model, prepared, n) for n in probe_layers(model)
                        if n.startswith("hidden") and linear_of(model, n).in_features <= MAX_WEIGHT_INPUTS}}
    if hasattr(model, "conv1"):
        view["cnn"] = cnn_view(model, sample, picks if picks is not None else class_examples(sample))
    elif prepared.image_shape is not None and hasattr(model, "hidden1"):
        view["pictures"] = weight_images(model, prepared)
    if is_plane_dataset(prepared):
        view["plane"] = neuron_surfaces(model, prepared)
    return view


class LiveProbe:
    """The page's probe for TrainingJob.set_probe: runs `inspect` in the training thread.

    Cheap by construction: a fixed 200-row sample, and two throttles on top of the job's
    own interval. `budget`: at most this share of the training thread's time (a probe that
    took 20 ms waits >= 20 ms / budget before the next). `heartbeat`: the page calls
    touch() when it polls; nobody looking for that long -> keep the last value, compute nothing.
    The last call of a run (trainer finished) always computes."""

    def __init__(self, prepared, activation: str, budget: float = 0.03, heartbeat: float | None = 5.0):
        self.prepared, self.activation = prepared, activation
        self.budget, self.heartbeat = budget, heartbeat
        self.sample = sample_rows(prepared)
        self.picks = class_examples(self.sample)
        self.value = None
        self.cost = 0.0
        self._last_run = -np.inf
        self._seen = time.monotonic()

    def touch(self) -> None:
        self._seen = time.monotonic()

    def __call__(self, trainer) -> dict | None:
        now = time.monotonic()
        idle = self.heartbeat is not None and now - self._seen > self.heartbeat
        fresh = self.value is not None and self.value["epoch"] == trainer.epoch
        if self.value is not None and not trainer.finished and (
                fresh or idle or now - self._last_run < self.cost / self.budget):
            return self.value
        t0 = time.perf_counter()
        view = inspect(trainer.model, self.prepared, self.activation, self.sample, self.picks)
        view["epoch"] = trainer.epoch
        view["grad_norms"] = list(trainer.grad_norms)
        self.cost = time.perf_counter() - t0
        self._last_run = time.monotonic()
        self.value = view
        return view

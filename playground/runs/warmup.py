"""A fresh server's first run pays for torch's and scikit-learn's lazy imports and first
calls (~1 s of a core alone; several seconds when a class presses Train together, and it
holds a training slot meanwhile). `warm_up_in_background()` pays it once per process, in
a daemon thread, when the first page is drawn: one epoch of a tiny network on a toy set
and the coach's reference model; then what lasts is moved out of the collector's sight."""
from __future__ import annotations

import atexit
import gc
import threading

import torch

_lock = threading.Lock()
_thread: threading.Thread | None = None


def warm_up_in_background() -> threading.Thread:
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=warm_up, daemon=True, name="warm-up")
            _thread.start()
            # a process that ended mid-warm-up (a server stopped at once, a short test run) was
            # aborted at exit ("terminate called without an active exception", exit 134)
            atexit.register(_thread.join, 30)
        return _thread


def warm_up() -> None:
    from ..analysis.baselines import reference_scores
    from ..config import make_config
    from ..data.loaders import load_for_config
    from ..data.prepare import prepare
    from ..nn.train import Trainer

    torch.set_num_threads(1)      # as a job's thread (intra-op threads are per OS thread)
    try:
        cfg = make_config(dataset="circle", hidden=(4,), epochs=1)
        trainer = Trainer(cfg, prepare(load_for_config(cfg), cfg))
        trainer.fit()
        reference_scores(trainer.data, trainer.loss_name, cfg.seed)
    except Exception:             # a warm-up must never break a page: the first run pays instead
        pass
    # What is alive now (modules, classes, shared caches) lives as long as the process: frozen,
    # the collector no longer walks it, and a full collection (ui.heap's after a session ends,
    # 0.18 s holding a server's GIL) takes ~0.1 ms. Cyclic garbage made of it later stays.
    gc.collect()
    gc.freeze()

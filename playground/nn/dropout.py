"""Dropout with its own random generator (shared by the MLP / CNN blocks and the
recurrent networks)."""
from __future__ import annotations

import torch
from torch import nn


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

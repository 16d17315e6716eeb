"""Residual (skip) connections: with `residual` on, a hidden layer whose input and output
widths match outputs x + f(x) instead of f(x) (f: Linear -> [BatchNorm] -> activation ->
[Dropout], the layer's own block). The gradient then reaches the layers below through the
`+` unchanged, however small f's slope: a deep plain network stops learning (vanishing
gradients), the same depth with skips trains. A layer that changes the width (the first
one, usually: 2 inputs -> 8 units) has no skip; no projection is added, so the network
has exactly the weights of the plain one and only the additions differ."""
from __future__ import annotations

from torch import nn


class ResidualBlock(nn.Sequential):
    """The layer's block f, its input added to its output: x + f(x). An nn.Sequential with
    the same children as the plain block, so weights and their names are the same."""

    def forward(self, x):
        return x + super().forward(x)


def skips(hidden: tuple, n_in: int, residual: bool) -> tuple[bool, ...]:
    """Which hidden layers get a skip: residual on, and the layer's input as wide as its output."""
    widths = (n_in, *hidden)
    return tuple(residual and a == b for a, b in zip(widths, widths[1:]))

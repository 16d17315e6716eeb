"""Recurrent networks: read a sequence one step at a time, keep a memory (the hidden
state), answer from the last state or from an attention-weighted mix of all states.

    tokens (n, T) ─ embed ─┐
    series (n, T, 1) ──────┴─ rnn1 ─ rnn2 ... ─ last state, or attention pooling ─ dropout ─ output

Each recurrent layer is its own torch.nn.RNN (tanh) / GRU / LSTM (fused, batch_first),
so layers may differ in size and each layer's states can be shown. Padding (token id 0,
on the left) is masked out of attention. On a series the network answers the change
from the last value it read (the output is added to that value: targets are scaled
like the inputs, sequence_prep), so a trend beyond the training range stays in reach
(co2 at its defaults: test RMSE 2.69 ppm with it, 3.25 without). `trace` returns what the lab draws: every
layer's state at every step, the attention weights, and the answer after each step.
"""
from __future__ import annotations

import torch
from torch import nn

from ..data.registry import reads_tokens
from .dropout import SeededDropout

CELLS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


class SeqNet(nn.Module):
    def __init__(self, cfg, n_features: int, n_outputs: int):
        super().__init__()
        self.tokens = reads_tokens(cfg)
        self.cell = cfg.model
        n_in = n_features
        if self.tokens:
            self.embed = nn.Embedding(n_features, cfg.embedding, padding_idx=0)
            n_in = cfg.embedding
        self.layer_names = []
        for i, units in enumerate(cfg.hidden, 1):
            self.add_module(f"rnn{i}", CELLS[cfg.model](n_in, units, batch_first=True))
            self.layer_names.append(f"rnn{i}")
            n_in = units
        # one head: a score per step from the last layer's state, softmax over the real steps
        self.attention = nn.Linear(n_in, 1) if cfg.attention else None
        self.dropout = SeededDropout(cfg.dropout, cfg.seed + 1)
        self.output = nn.Linear(n_in, n_outputs)

    @property
    def hidden_names(self) -> list[str]:
        return list(self.layer_names)

    def _mask(self, x: torch.Tensor) -> torch.Tensor | None:
        return x != 0 if self.tokens else None     # (n, T): True on real words

    def states(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Each layer's hidden state at every step, (n, T, units) per layer."""
        h = self.embed(x) if self.tokens else x
        out = []
        for name in self.layer_names:
            h, _ = getattr(self, name)(h)
            out.append(h)
        return out

    def attend(self, h: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        """Attention weights (n, T), each row summing to 1 over the real steps."""
        scores = self.attention(h)[..., 0]
        if mask is not None:
            # an all-padding row (an empty sentence) attends to its last step rather than NaN
            mask = mask.clone()
            mask[:, -1] = True
            scores = scores.masked_fill(~mask, float("-inf"))
        return torch.softmax(scores, dim=1)

    def pool(self, h: torch.Tensor, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        if self.attention is None:
            return h[:, -1], None
        w = self.attend(h, self._mask(x))
        return (w.unsqueeze(-1) * h).sum(1), w

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.states(x)[-1]
        pooled, _ = self.pool(h, x)
        return self._from_last(self.output(self.dropout(pooled)), x)

    def _from_last(self, out: torch.Tensor, x: torch.Tensor, step: int = -1) -> torch.Tensor:
        """A series' answer is a change from the value read at `step`."""
        return out if self.tokens else out + x[:, step, :1]

    @torch.no_grad()
    def trace(self, x: torch.Tensor) -> dict:
        """For examples x: states [(n, T, units) per layer], attention (n, T) or None, the
        output of the whole sequence (n, K), and `steps` (n, T, K): the answer the output
        layer gives from the state after each step (with attention: pooled over the steps
        read so far), how the network's belief changes as it reads."""
        was = self.training
        self.eval()
        states = self.states(x)
        h = states[-1]
        pooled, weights = self.pool(h, x)
        out = self._from_last(self.output(pooled), x)
        if self.attention is None:
            steps = self.output(h) + (0 if self.tokens else x[..., :1])
        else:
            steps = torch.stack([self._from_last(self.output(self.pool(h[:, :t + 1], x[:, :t + 1])[0]), x, t)
                                 for t in range(h.shape[1])], 1)
        self.train(was)
        return {"states": states, "attention": weights, "output": out, "steps": steps}

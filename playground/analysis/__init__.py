"""Judging a trained network: metrics (sklearn), predictions and evaluation views,
classical baselines on the same split, and the learning-curve coach."""

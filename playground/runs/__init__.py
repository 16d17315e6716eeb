"""Runs in background threads: one BackgroundJob lifecycle, the process-wide
Scheduler that caps how many train at once, a training run with pause / step /
stop and consistent snapshots, cross-validation, and short tasks (the default
digit model, fine-tuning) that queue like any run."""

"""Datasets: the registry (light, no heavy imports), the loaders of embedded and
downloaded sets, the 2-D toy generators, a user's own table, and the split +
preprocessing that turns a Dataset into tensors (`prepare`)."""

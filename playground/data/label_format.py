"""A multi-class target as the loss sees it (config.labels): a class index with sparse
categorical cross-entropy, or a one-hot vector with categorical cross-entropy, as Keras
names the two forms of one loss."""
from __future__ import annotations


def loss_key(loss: str, labels: str) -> str:
    """The name of a run's loss in the locales: cross-entropy by its label format (loss.ce_sparse)."""
    return f"ce_{labels}" if loss == "ce" else loss


def label_text(index: int, n_classes: int, labels: str) -> str:
    """One label as the loss receives it: '9', or '[0, 0, 0, 0, 0, 0, 0, 0, 0, 1]'."""
    if labels == "onehot":
        return "[" + ", ".join("1" if k == index else "0" for k in range(n_classes)) + "]"
    return str(index)


def first_example(prepared, labels: str) -> tuple[str, str] | None:
    """The first training example's class name and its label text; None unless multi-class."""
    if prepared.task != "multiclass" or len(prepared.train.y) == 0:
        return None
    index = int(prepared.train.y[0])
    return str(prepared.class_names[index]), label_text(index, prepared.n_outputs, labels)

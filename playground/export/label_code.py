"""The exported scripts' label format (config.labels): multi-class targets as class
indices (sparse categorical cross-entropy, the scripts' default) or one-hot vectors
(categorical cross-entropy), right after the script counts the classes."""
from __future__ import annotations

N_OUTPUTS = '    n_outputs = len(class_names) if TASK == "multiclass" else 1\n'
TORCH_ONEHOT = (
    "    # one-hot labels: class 3 -> [0, 0, 0, 1, 0, ...]; CrossEntropyLoss takes them as class probabilities\n"
    "    # (categorical cross-entropy, the same numbers); the validation labels stay indices for the accuracy\n"
    "    # 원-핫 레이블: 범주형 크로스 엔트로피 (희소 범주형과 같은 값)\n"
    "    y_train = nn.functional.one_hot(y_train, n_outputs).float()\n")
KERAS_ONEHOT = (
    "    # one-hot labels for categorical_crossentropy: class 3 -> [0, 0, 0, 1, 0, ...] / 원-핫 레이블\n"
    "    y_train, y_val = (keras.utils.to_categorical(y, n_outputs) for y in (y_train, y_val))\n")


def onehot(cfg, task: str) -> bool:
    return task == "multiclass" and getattr(cfg, "labels", "sparse") == "onehot"


def with_labels(code: str, cfg, task: str, keras: bool) -> str:
    """The script's main with the labels made one-hot where the run's were."""
    if not onehot(cfg, task):
        return code
    assert N_OUTPUTS in code
    return code.replace(N_OUTPUTS, N_OUTPUTS + (KERAS_ONEHOT if keras else TORCH_ONEHOT))

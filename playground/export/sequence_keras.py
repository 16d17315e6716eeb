"""The Keras 3 script of a sequence run (RNN / GRU / LSTM): the PyTorch sequence script's
data part (settings, split by time or vocabulary, scaling: sequence_script.py, called, not
copied), the same network in Keras' functional API (Embedding with a padding mask,
SimpleRNN / GRU / LSTM, attention pooling, dropout, output; a series answers the change
from its last value), and keras_script.py's compile / fit / EarlyStopping. Keras
initialises and shuffles its own way, so its numbers come close to the app's, not equal."""
from __future__ import annotations

import sys

from ..config import RunConfig
from ..data.registry import reads_tokens
from ..nn.model import loss_name
from . import sequence_script as seq
from .keras_script import FIT_AND_REPORT, LOSS, OPTIMIZER, OUTPUT, regularizer
from .script import header, packages

CELL = {"rnn": "SimpleRNN", "gru": "GRU", "lstm": "LSTM"}
CELL_NOTE = {  # why each Keras cell is torch's: the app's network, trained the Keras way
    "rnn": "tanh, as torch.nn.RNN / torch RNN처럼 tanh",
    "gru": "reset_after=True (Keras' default) is torch.nn.GRU's formula / 기본값 reset_after=True가 torch GRU의 식",
    "lstm": "sigmoid gates and tanh, as torch.nn.LSTM / torch LSTM과 같은 식",
}
# torch keeps two bias vectors per layer (b_ih + b_hh), Keras one, except GRU with reset_after
# (two, like torch): a Keras SimpleRNN / LSTM layer has units / 4 x units fewer weights
# (tests/unit/test_sequences_keras.py counts them)

# the PyTorch script's imports that only its loop and network use
TORCH_LOOP = {"import copy", "import json", "import math", "from types import SimpleNamespace", "from torch import nn"}

ATTENTION = '''

class AttentionPooling(layers.Layer):
    """The app's attention pooling: a score per step (Dense(1) on the last layer's state),
    softmax over the real steps (padding masked out), the weighted sum of the states.
    어텐션 풀링: 스텝마다 점수, 실제 스텝(패딩 제외)에 소프트맥스, 상태의 가중 합."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.score = layers.Dense(1)   # one score per step / 스텝마다 점수 하나
        self.supports_masking = True   # receives the embedding's padding mask / 패딩 마스크를 받음

    def build(self, input_shape):
        self.score.build(input_shape)

    def call(self, states, mask=None):
        scores = self.score(states)[..., 0]   # (n, steps)
        if mask is not None:   # an all-padding row attends its last step, not NaN / 빈 문장은 마지막 스텝을 봅니다
            mask = ops.concatenate([mask[:, :-1], ops.ones_like(mask[:, -1:])], axis=1)
            scores = ops.where(mask, scores, -1e9)
        weights = ops.softmax(scores, axis=1)   # each row sums to 1 / 행마다 합이 1
        return ops.sum(weights[..., None] * states, axis=1)

    def compute_mask(self, states, mask=None):
        return None   # one vector per example: no steps left to mask / 스텝이 남지 않음
'''

MAIN = '''

def main():
    keras.utils.set_random_seed(SEED)   # the same random numbers each run / 실행마다 같은 난수
    (X_train, X_val, X_test), (y_train, y_val, y_test), class_names, fitted = prepare_data()
    X_train, X_val, X_test = (np.asarray(a) for a in (X_train, X_val, X_test))
    y_train, y_val = (np.asarray(a, "int64" if TASK == "multiclass" else "float32") for a in (y_train, y_val))
    y_mean, y_std = 0.0, 1.0
    if TASK == "regression":   # targets scaled like the inputs / 타깃도 입력처럼 스케일링
        y_mean, y_std = fitted["shift"], fitted["divide"]
        y_train, y_val = ((a - y_mean) / y_std for a in (y_train, y_val))
    n_features = len(fitted["vocab"]) if INPUT == "tokens" else 1
    n_outputs = len(class_names) if TASK == "multiclass" else 1

    model = build_model(n_features, n_outputs)
''' + FIT_AND_REPORT


def model_code(cfg: RunConfig, task: str, tokens: bool) -> str:
    if tokens:
        rows = ['inputs = keras.Input(shape=(WINDOW,), dtype="int32")   # word ids, 0 = padding / 단어 번호, 0은 패딩',
                f"x = layers.Embedding(n_features, {cfg.embedding}, mask_zero=True,"
                " embeddings_regularizer=REGULARIZER)(inputs)",
                "# mask_zero: the recurrent layers skip the padding (the app's read it as zeros), attention ignores it",
                "# mask_zero: 순환층은 패딩을 건너뛰고(앱은 0 벡터로 읽음) 어텐션은 패딩을 무시합니다"]
    else:
        rows = ["inputs = keras.Input(shape=(WINDOW, 1))   # one scaled value per step / 스텝마다 스케일링된 값",
                "x = inputs"]
    for i, units in enumerate(cfg.hidden, 1):
        # every step's state goes on to the next layer (or to attention); the last layer's last state otherwise
        seqs = ", return_sequences=True" if i < len(cfg.hidden) or cfg.attention else ""
        rows += [f"# recurrent layer {i} / 순환층 {i}: {CELL_NOTE[cfg.model]}",
                 f"x = layers.{CELL[cfg.model]}({units}{seqs}, kernel_regularizer=REGULARIZER,"
                 " recurrent_regularizer=REGULARIZER)(x)"]
    if cfg.attention:
        rows.append("x = AttentionPooling()(x)   # a weighted mix of every step's state / 어텐션 풀링")
    if cfg.dropout:
        rows.append(f"x = layers.Dropout({cfg.dropout!r})(x)   # dropout / 드롭아웃")
    if tokens:
        rows.append("outputs = " + OUTPUT[task].replace("),", ")(x)", 1))
    else:   # the app's series network answers the change from the last value it read (targets scaled like inputs)
        rows += ["change = layers.Dense(1)(x)   # output layer: the change from the last value / 출력층: 마지막 값에서의 변화",
                 "outputs = change + inputs[:, -1]   # the last value read + the change / 마지막 값 + 변화"]
    body = "".join(f"    {r}\n" for r in rows)
    return ("def build_model(n_features, n_outputs):\n"
            "    # the functional API: each layer is called on the one before / 함수형 API로 층을 연결합니다\n"
            + body + "    return keras.Model(inputs, outputs)\n")


def _settings(cfg: RunConfig, task: str, loss: str, tokens: bool) -> str:
    """The PyTorch script's settings, less its CONFIG (the network is written out as layers here)."""
    lines = seq._settings(cfg, task, loss, tokens).splitlines()
    return "\n".join(x for x in lines if not x.startswith(("CONFIG = ", "# the network:"))) + "\n"


def _torch_parts(cfg: RunConfig, dataset=None) -> tuple[list[str], list[str], str]:
    """What the PyTorch script gives its data code, as it lists it: (standard library imports,
    other imports) less its loop's, and what sits between the data code and prepare_data."""
    text, data = seq.sequence_script(cfg, dataset), seq._data_code(cfg)
    block = text[text.index('\n"""\n') + 5:text.index("# --- the run's settings")]
    imports = [x for x in block.splitlines() if x.strip() and x not in TORCH_LOOP]
    stdlib = [x for x in imports if x.split()[1].split(".")[0] in sys.stdlib_module_names]
    return stdlib, [x for x in imports if x not in stdlib], text[text.index(data) + len(data):text.index(seq.PREPARE)]


def sequence_keras_script(cfg: RunConfig, dataset=None) -> str:
    task, tokens = seq.task_of(cfg, dataset), reads_tokens(cfg)
    loss = loss_name(task, cfg.loss)
    main = (MAIN.replace("LOSS_FN", LOSS[loss]).replace("OPTIMIZER", OPTIMIZER[cfg.optimizer])
            .replace("METRIC", '"mae"' if task == "regression" else '"accuracy"'))
    stdlib, imports, helpers = _torch_parts(cfg, dataset)
    return (header(cfg, "A Keras 3 script", packages(cfg).replace("torch ", "keras torch "))
            + "".join(f"{x}\n" for x in sorted({"import json", "import os", *stdlib}))
            + "\nos.environ.setdefault(\"KERAS_BACKEND\", \"torch\")   # Keras 3 on PyTorch (or jax, tensorflow)\n\n"
            + "import keras\nfrom keras import layers, ops\n" + "".join(f"{x}\n" for x in imports) + "\n"
            + _settings(cfg, task, loss, tokens) + "\n" + regularizer(cfg) + seq.STAND_INS + "\n\n"
            + seq._data_code(cfg) + helpers + seq.PREPARE + (ATTENTION if cfg.attention else "") + "\n\n"
            + model_code(cfg, task, tokens) + main)

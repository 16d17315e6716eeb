"""The standalone PyTorch script of a sequence run (RNN / GRU / LSTM): the same series or
generated task, the same split (by time for a series), scaling or vocabulary, the same
recurrent network initialised from the same seed, and script.py's loop; the test metrics
as one JSON line. The data and model code is this package's own source, copied in
(inspect.getsource), with two small stand-ins for the Dataset class, so the script never
imports `playground` and lands on the app's numbers (tests/unit/test_sequences_export.py)."""
from __future__ import annotations

import inspect

from ..config import RunConfig
from ..data import sequence_prep, sequence_table, sequences, table
from ..data.registry import DATASETS, is_csv_path, reads_tokens
from ..nn import dropout, sequence_model
from ..nn.model import loss_name
from . import data_code
from .script import LOOP, LOSS_CODE, OPTIMIZER_CODE, header, monitor_lines, packages

STAND_INS = '''

def Dataset(name, task, X, y, target, source="", notes=None, period=0):   # the app's Dataset, as (X, y, class names)
    return X, np.asarray(y), None


def classification_dataset(name, X, y, target, source, class_names, notes=None):
    return X, np.asarray(y, dtype=np.int64), list(class_names)
'''


def _source(*objects) -> str:
    return "\n\n".join(inspect.getsource(o) for o in objects)


CSV_STAND_INS = '''

class DataError(ValueError):   # the app's message, with its key / 앱의 오류 메시지
    def __init__(self, key, field, **params):
        super().__init__(f"{field}: {key} {params}")


def encode_classes(y_raw):
    names, y = np.unique(np.asarray(y_raw).astype(str), return_inverse=True)
    return y.astype(np.int64), [str(n) for n in names]
'''


def _csv_code(cfg: RunConfig) -> str:
    """A user's table read as a series or as sentences, by the app's own rules (sequence_table)."""
    st = sequence_table
    reading = (st._as_time, st.time_column, st.season, st.series_frame, st.text_column, st.text_frame,
               st.read_sequence)
    return (data_code.reader_code() + CSV_STAND_INS
            + f"\nUPLOADED = {table.UPLOADED!r}\nMAX_SERIES = {sequence_table.MAX_SERIES}\n"
            + f"TIME_NAME = re.compile({sequence_table.TIME_NAME.pattern!r}, re.I)\nSEASONS = {st.SEASONS!r}\n\n\n"
            + _source(*reading)
            + "\n\n\ndef load_data():\n"
            + "    # your table: put the file next to this script / 내 표: 파일을 이 스크립트 옆에 두세요\n"
            + "    return read_sequence(read_file(CSV_PATH), TARGET, READ_AS, CSV_PATH)\n")


def _data_code(cfg: RunConfig) -> str:
    if is_csv_path(cfg.dataset):
        return _csv_code(cfg)
    info = DATASETS[cfg.dataset]
    if info.generated:
        consts = (f"SINE_PERIOD = {sequences.SINE_PERIOD}\nEN = {sequences.EN!r}\nKO = {sequences.KO!r}\n"
                  f"SYMBOLS = {sequences.SYMBOLS!r}\n\n\n")
        fn = {"seq-sine": sequences.sine, "seq-negation": sequences.negation, "seq-memory": sequences.memory,
              "seq-parity": sequences.parity}[cfg.dataset]
        helpers = (sequences._sentence,) if cfg.dataset == "seq-negation" else ()
        call = (f"{fn.__name__}(N_SAMPLES, NOISE, SEED)" if cfg.dataset == "seq-sine"
                else f"{fn.__name__}(N_SAMPLES, NOISE, SEED, WINDOW)")
        code = consts + _source(*helpers, fn)
    else:
        code = f"SERIES = {sequences.SERIES!r}\nTARGETS = {sequences.TARGETS!r}\n\n\n" + _source(sequences.load_series)
        call = f"load_series({cfg.dataset!r})"
    return code + f"\n\ndef load_data():\n    return {call}\n"


PREPARE = '''

def prepare_data():
    """Split and scale (a series: by time, the scaler fitted on what the training windows
    see) or split and encode (words: a vocabulary of the training sentences).
    시계열은 시간 순서로 나누고(섞지 않음), 단어는 훈련 문장으로 어휘를 만듭니다."""
    X, y, class_names = load_data()
    if INPUT == "series":
        values = np.asarray(X["value"], float)
        n_targets = len(values) - WINDOW
        n_train, n_val = time_split(n_targets, TEST_SPLIT, VAL_SPLIT)
        windows = np.lib.stride_tricks.sliding_window_view(values, WINDOW)[:n_targets]
        order = np.arange(n_targets) if TIME_SPLIT else np.random.RandomState(SEED).permutation(n_targets)
        cuts = [np.sort(order[c]) for c in (slice(0, n_train), slice(n_train, n_train + n_val),
                                            slice(n_train + n_val, None))]
        seen = np.unique(((WINDOW + cuts[0])[:, None] - np.arange(WINDOW + 1)[None, :]).ravel())
        scaler = _fit_scaler(SCALER, values[seen])   # what the training windows see / 훈련 윈도가 보는 값만
        inputs = scale_windows(windows, scaler)
        targets = values[WINDOW:]
        return [inputs[c] for c in cuts], [targets[c] for c in cuts], class_names, scaler
    rows = np.arange(len(y))
    strat = np.bincount(y).min() >= 3
    rest, test = train_test_split(rows, test_size=TEST_SPLIT, random_state=SEED, stratify=y if strat else None)
    train, val = train_test_split(rest, test_size=VAL_SPLIT, random_state=SEED, stratify=y[rest] if strat else None)
    texts = X["text"].to_numpy()
    vocab = build_vocab(texts[train])
    return ([encode_texts(texts[i], vocab, WINDOW) for i in (train, val, test)], [y[i] for i in (train, val, test)],
            class_names, {"vocab": vocab})
'''

MAIN = '''

def main():
    torch.set_num_threads(1)   # as the app trains: one thread gives the same numbers / 앱처럼 스레드 1개
    (X_train, X_val, X_test), (y_train, y_val, y_test), class_names, fitted = prepare_data()
    y_type = torch.int64 if TASK == "multiclass" else torch.float32
    y_train, y_val = (torch.as_tensor(np.asarray(a), dtype=y_type) for a in (y_train, y_val))
    y_mean, y_std = 0.0, 1.0
    if TASK == "regression":   # targets scaled like the inputs / 타깃도 입력처럼 스케일링
        y_mean, y_std = fitted["shift"], fitted["divide"]
        y_train, y_val = (y_train - y_mean) / y_std, (y_val - y_mean) / y_std
    loss_scale = y_std ** (1 if LOSS == "mae" else 2) if TASK == "regression" else 1.0
    n_features = len(fitted["vocab"]) if INPUT == "tokens" else 1
    n_outputs = len(class_names) if TASK == "multiclass" else 1
    torch.manual_seed(SEED)   # the same initial weights as the app / 앱과 같은 초기 가중치
    model = SeqNet(CONFIG, n_features, n_outputs)
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


def _settings(cfg: RunConfig, task: str, loss: str, tokens: bool) -> str:
    config = {k: getattr(cfg, k) for k in ("dataset", "model", "hidden", "embedding", "attention", "dropout", "seed")}
    lines = ["# --- the run's settings / 이 실행의 설정 " + "-" * 50,
             f"DATASET = {cfg.dataset!r}",
             *([f"CSV_PATH = {cfg.dataset!r}   # your table / 내 표",
                f"TARGET = {cfg.target!r}   # empty: the last column / 비우면 마지막 열", f"READ_AS = {cfg.read_as!r}"]
               if is_csv_path(cfg.dataset) else []),
             f"INPUT = {'tokens' if tokens else 'series'!r}   # series: numbers; tokens: words / 숫자 또는 단어",
             f"WINDOW = {cfg.window}   # steps read per example / 한 예제에서 읽는 스텝 수",
             f"TIME_SPLIT = {cfg.time_split}   # split by time (False: shuffled, a leak) / 시간 순서로 분할",
             f"N_SAMPLES = {cfg.n_samples}   # generated tasks / 생성 데이터의 예제 수",
             f"NOISE = {cfg.noise!r}",
             f"TASK = {task!r}",
             f"SEED = {cfg.seed}",
             f"TEST_SPLIT = {cfg.test_split!r}   # the latest part of a series / 시계열의 가장 최근 부분",
             f"VAL_SPLIT = {cfg.val_split!r}",
             f"SCALER = {cfg.scaler!r}",
             f"LR = {cfg.lr!r}   # learning rate / 학습률"]
    if cfg.optimizer in ("sgd", "rmsprop"):
        lines.append(f"MOMENTUM = {cfg.momentum!r}")
    lines += [f"BATCH_SIZE = {cfg.batch_size}", f"EPOCHS = {cfg.epochs}", f"SHUFFLE = {cfg.shuffle}",
              f"WEIGHT_DECAY = {cfg.weight_decay!r}", f"L1 = {cfg.l1!r}", f"PATIENCE = {cfg.patience}",
              f"RESTORE_BEST = {cfg.restore_best}", *monitor_lines(cfg), f"LOSS = {loss!r}",
              "# the network: cell (rnn | gru | lstm), recurrent units per layer, embedding, attention",
              f"CONFIG = SimpleNamespace(**{config!r})"]
    return "\n".join(lines) + "\n"


def _model_code() -> str:
    """SeqNet as the app defines it, its `reads_tokens(cfg)` read from INPUT."""
    code = _source(dropout.SeededDropout, sequence_model.SeqNet)
    code = code.replace("reads_tokens(cfg)", 'INPUT == "tokens"')
    return f"CELLS = {{'rnn': nn.RNN, 'gru': nn.GRU, 'lstm': nn.LSTM}}\n\n\n{code}"


def task_of(cfg: RunConfig, dataset=None) -> str:
    """The run's task: a registered set's, or what a user's table turned out to be."""
    if cfg.dataset in DATASETS:
        return DATASETS[cfg.dataset].task
    if dataset is None:
        from ..data.loaders import load_for_config
        dataset = load_for_config(cfg)
    return dataset.task


PREP_SOURCES = (sequence_prep.scale_windows, sequence_prep.words_of, sequence_prep.encode_texts,
                sequence_prep._fit_scaler, sequence_prep.time_split, sequence_prep.build_vocab)


def sequence_script(cfg: RunConfig, dataset=None) -> str:
    task, tokens = task_of(cfg, dataset), reads_tokens(cfg)
    loss = loss_name(task, cfg.loss)
    loop = LOOP[:LOOP.index("\ndef main():")] + MAIN
    loop = (loop.replace("LOSS_FN", LOSS_CODE[loss])
            .replace("OPTIMIZER", OPTIMIZER_CODE[cfg.optimizer] + "   # optimizer / 옵티마이저"))
    prep = _source(*PREP_SOURCES)
    return (header(cfg, "A PyTorch script", packages(cfg))
            + data_code.stdlib_imports(cfg, ("copy", "json", "math", "re")) + "from types import SimpleNamespace\n\n"
            + "import numpy as np\nimport pandas as pd\nimport torch\nfrom sklearn.model_selection import train_test_split\n"
            + "from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler\nfrom torch import nn\n"
            + "from sklearn.metrics import accuracy_score, mean_absolute_error, mean_squared_error, r2_score\n\n"
            + _settings(cfg, task, loss, tokens) + STAND_INS + "\n\n" + _data_code(cfg)
            + f"\n\nPAD, UNKNOWN = {sequence_prep.PAD!r}, {sequence_prep.UNKNOWN!r}\n"
            + "SCALERS = {'standard': StandardScaler, 'minmax': MinMaxScaler, 'robust': RobustScaler}\n\n\n"
            + prep + PREPARE + "\n\n" + _model_code() + loop)

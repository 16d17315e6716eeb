"""Input features of the 2-D sets, as in TensorFlow Playground: x1, x2, their squares,
their product and their sines, computed from the raw coordinates (about [-6, 6]) before
scaling. Light: the names are read by config validation; numpy only inside the map."""
from __future__ import annotations

FEATURES = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")
DEFAULT_FEATURES = ("x1", "x2")
# how a person reads each one (figure titles, controls)
LABELS = {"x1": "x₁", "x2": "x₂", "x1sq": "x₁²", "x2sq": "x₂²", "x1x2": "x₁x₂",
          "sinx1": "sin(x₁)", "sinx2": "sin(x₂)"}
# the raw column each feature is read from first (x1x2 is listed under x1)
SOURCE = {"x1": "x1", "x2": "x2", "x1sq": "x1", "x2sq": "x2", "x1x2": "x1", "sinx1": "x1", "sinx2": "x2"}


def feature_map(X, features=DEFAULT_FEATURES):
    """(n, 2) raw (x1, x2) -> (n, len(features)), one column per named feature."""
    import numpy as np
    a = np.asarray(X, dtype=np.float64)
    x1, x2 = a[:, 0], a[:, 1]
    cols = {"x1": lambda: x1, "x2": lambda: x2, "x1sq": lambda: x1 * x1, "x2sq": lambda: x2 * x2,
            "x1x2": lambda: x1 * x2, "sinx1": lambda: np.sin(x1), "sinx2": lambda: np.sin(x2)}
    return np.stack([cols[f]() for f in features], axis=1)


def _names_out(transformer, input_features=None):
    import numpy as np
    return np.asarray(transformer.kw_args["features"], dtype=object)


def feature_transformer(features):
    """A sklearn step computing the features (stateless; the scaler after it is fitted)."""
    from sklearn.preprocessing import FunctionTransformer
    return FunctionTransformer(feature_map, kw_args={"features": tuple(features)}, feature_names_out=_names_out,
                               validate=False)

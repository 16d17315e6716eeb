"""Skip connections (config `residual`) in the exported scripts: the PyTorch script wraps each
hidden layer's rows in a `Residual` block, the Keras one is written with the functional API
and layers.Add. Both decide from the widths when the model is built, as nn/residual.py does:
x + f(x) where a layer keeps its input's width, f(x) where it changes it (no projection)."""
from __future__ import annotations

TORCH_CLASS = '''class Residual(nn.Sequential):
    """A hidden layer with a skip connection (residual connection / 잔차 연결): x + f(x), f its
    layers in order, when the layer is as wide as its input; a layer that changes the width
    outputs f(x). The gradient reaches the layers below through the + unchanged.
    입력과 출력의 폭이 같은 은닉층은 x + f(x)를 내보내, 기울기가 + 를 지나 앞쪽 층까지 그대로 전해집니다."""

    def __init__(self, n_in, n_out, *layers):
        super().__init__(*layers)
        self.skip = n_in == n_out

    def forward(self, x):
        y = super().forward(x)
        return x + y if self.skip else y


'''

KERAS_SKIP = '''

def skip(x, h):
    """x + f(x) when the layer is as wide as its input (a skip connection / 잔차 연결), else f(x)."""
    return layers.Add()([x, h]) if x.shape[-1] == h.shape[-1] else h
'''


def torch_rows(rows: list[str], n_in: str, units: int, i: int) -> list[str]:
    """One hidden layer's rows (its Linear first) inside a Residual block."""
    return [f"Residual({n_in}, {units},   # hidden layer {i}: x + f(x) when as wide as its input / 은닉층 {i}: 잔차 연결",
            *(f"    {r}" for r in rows), "),"]


def _call(row: str, source: str) -> tuple[str, str]:
    """'layers.Dense(8),   # why' -> ('layers.Dense(8)(x)', '   # why')."""
    expr, sep, comment = row.partition(",   #")
    return (expr if sep else row.rstrip(",")) + f"({source})", sep and "   #" + comment


def keras_functional(rows: list[str], starts: list[int]) -> str:
    """The Sequential rows (the Input first, the output layer last; hidden layer k's rows from
    starts[k]) as functional code: each hidden layer's output h, then x = skip(x, h)."""
    lines = ["inputs = " + rows[0].partition(",   #")[0] + "   # input layer / 입력층", "x = inputs"]
    ends = [*starts[1:], len(rows) - 1]
    for row in rows[1:starts[0] if starts else -1]:      # a CNN's convolutions, before the dense layers
        expr, comment = _call(row, "x")
        lines.append(f"x = {expr}{comment}")
    for a, b in zip(starts, ends):
        for k, row in enumerate(rows[a:b]):
            expr, comment = _call(row, "h" if k else "x")
            lines.append(f"h = {expr}{comment}")
        lines.append("x = skip(x, h)   # x + f(x) where the widths match / 폭이 같으면 x + f(x)")
    expr, comment = _call(rows[-1], "x")
    lines.append(f"outputs = {expr}{comment}")
    body = "".join(f"    {line}\n" for line in lines)
    return ("def build_model(n_features, n_outputs):\n"
            "    # the functional API: a skip connection adds a layer's input to its output\n"
            "    # 함수형 API: 잔차 연결(스킵 연결)은 층의 입력을 출력에 더합니다\n"
            + body + "    return keras.Model(inputs, outputs)\n" + KERAS_SKIP)

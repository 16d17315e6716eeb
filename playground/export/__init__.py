"""Take the model home: the code behind a run as one standalone PyTorch script
(script.py) and the same model in Keras 3 (keras_script.py; a recurrent network's:
sequence_script.py, sequence_keras.py), with the lines a user's settings changed
relative to the dataset's defaults (for the app to highlight)."""
from __future__ import annotations

import dataclasses
import difflib

from ..config import SEQUENCE_MODELS, RunConfig, defaults_for
from ..i18n import t

KINDS = ("pytorch", "keras")


def script_text(cfg: RunConfig, kind: str = "pytorch", dataset=None) -> str:
    """The script for a config: kind "pytorch" or "keras" (`dataset`: a user's CSV as loaded)."""
    if cfg.model in SEQUENCE_MODELS:     # a recurrent network: its own scripts (sequence_*.py)
        if kind == "keras":
            from .sequence_keras import sequence_keras_script
            return sequence_keras_script(cfg, dataset)
        from .sequence_script import sequence_script
        return sequence_script(cfg, dataset)
    if kind == "keras":
        from .keras_script import keras_script
        return keras_script(cfg, dataset)
    from .script import pytorch_script
    return pytorch_script(cfg, dataset)


def default_config(cfg: RunConfig) -> RunConfig:
    """What the dataset starts from (config.defaults_for), with the same data: a painted set's
    points and a CSV's target and task are the data, not a setting to highlight."""
    return dataclasses.replace(defaults_for(cfg.dataset, cfg.read_as), points=cfg.points, target=cfg.target,
                               task=cfg.task)


def changed_lines(text: str, base_text: str) -> list[int]:
    """1-based numbers of the lines of `text` that differ from `base_text` (changed or added)."""
    a, b = base_text.splitlines(), text.splitlines()
    out = []
    for tag, _, _, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("replace", "insert"):
            out += range(j1 + 1, j2 + 1)
    return out


def script_with_changes(cfg: RunConfig, kind: str = "pytorch", dataset=None) -> tuple[str, list[int]]:
    """(script text, the line numbers the user's settings changed relative to defaults_for(dataset))."""
    text = script_text(cfg, kind, dataset)
    return text, changed_lines(text, script_text(default_config(cfg), kind, dataset))


def mark_lines(text: str, lines: list[int], lang: str = "en") -> str:
    """The text with a trailing `# ← changed` (`# ← 바뀐 설정`) on the given lines (st.code
    has line numbers but no line highlight)."""
    note = t("export.changed_mark", lang)
    wanted = set(lines)
    out = []
    for i, line in enumerate(text.splitlines(), 1):
        if i in wanted:
            line = f"{line}  # {note}" if "#" not in line else f"{line}  {note}"
        out.append(line)
    return "\n".join(out) + "\n"

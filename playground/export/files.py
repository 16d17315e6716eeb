"""Writing the exported scripts to files (the command line's --export-script / --export-keras)."""
from __future__ import annotations

from pathlib import Path

from ..config import RunConfig
from ..errors import ConfigError
from . import script_text


def write_scripts(cfg: RunConfig, dataset=None, pytorch_path: str | None = None, keras_path: str | None = None) -> None:
    for kind, path, flag in (("pytorch", pytorch_path, "export_script"), ("keras", keras_path, "export_keras")):
        if not path:
            continue
        try:
            Path(path).write_text(script_text(cfg, kind, dataset), encoding="utf-8")
        except OSError as e:
            raise ConfigError("err.write_path", flag, flag=flag, path=path, why=type(e).__name__) from e

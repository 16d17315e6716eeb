"""Shared pytest setup for every test folder.

The repository root goes on sys.path so `import playground` works however pytest
is started (`pytest`, `python -m pytest`, from another directory)."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

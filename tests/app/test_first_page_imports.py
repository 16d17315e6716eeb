"""The first page a learner opens imports only what it draws: Ray (a cluster's runs), the
exported scripts and the classic models' heavier scikit-learn parts load when a page needs
them. The server's warm-up thread is left out here: it imports the training stack on
purpose (playground.runs.warmup), after the page is drawn."""
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
import playground.runs.warmup as warmup
warmup.warm_up_in_background = lambda: None
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("app.py", default_timeout=60)
at.run()
assert not at.exception, [e.value for e in at.exception]
print(json.dumps(sorted(sys.modules)))
"""

LATER = ("ray", "playground.export.keras_script", "playground.export.script",
         "playground.analysis.classic", "sklearn.ensemble", "sklearn.tree", "sklearn.cluster")


def test_the_first_page_leaves_ray_the_exports_and_the_classic_models_for_later():
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    modules = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "playground.nn.train" in modules                       # the probe drew the real lab
    assert all(importlib.util.find_spec(m) is not None for m in LATER)   # names that exist, not typos
    assert sorted(m for m in LATER if m in modules) == []

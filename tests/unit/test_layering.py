"""The engine's layers, read from the source (imports at run time; TYPE_CHECKING blocks
would not count, and there are none): dependencies flow one way, plotly only in
figures/, torch never in figures/, and no module imports itself back in a circle."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from unit_helpers import register, result

import playground

ENGINE = Path(playground.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(ENGINE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Absolute names of the modules a file imports (relative imports resolved)."""
    tree = ast.parse(path.read_text("utf-8"))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module
            out.add(mod)
            out |= {f"{mod}.{a.name}" for a in node.names}   # `from . import toy` names a module
    return out


SOURCES = {_module_name(p): p for p in ENGINE.rglob("*.py")}
IMPORTS = {name: {m for m in _imports(p) if m in SOURCES} for name, p in SOURCES.items()}
EXTERNAL = {name: {m.split(".")[0] for m in _imports(p)} for name, p in SOURCES.items()}


def _area(module: str) -> str:
    """playground.data.loaders -> data; playground.config -> config."""
    return module.split(".")[1] if module.count(".") else ""


# Which areas each area may import (besides itself). Bottom to top.
ALLOWED = {
    "i18n": set(), "status": set(), "errors": {"i18n"},
    "data": {"errors", "i18n"},
    "config": {"data", "errors", "i18n"},
    "nn": {"data", "config", "errors", "i18n", "status"},
    "analysis": {"data", "nn", "config", "errors", "i18n", "status"},
    "inspect": {"data", "nn", "config", "errors", "i18n", "status"},
    "runs": {"data", "nn", "analysis", "config", "errors", "i18n", "status"},
    "sketch": {"data", "nn", "runs", "config", "errors", "i18n", "status"},
    "figures": {"i18n", "inspect.names", "analysis.metric_names"},
    "lessons": {"data", "nn", "analysis", "config", "errors", "i18n", "status"},
    "export": {"data", "nn", "config", "errors", "i18n", "status"},
    "classroom": {"i18n", "status"},
    "cli": {"data", "nn", "analysis", "config", "errors", "i18n", "status", "lessons", "export", "classroom"},
    "__main__": {"cli"},
}


def test_every_area_imports_only_the_areas_below_it():
    wrong = []
    for module, deps in IMPORTS.items():
        area = _area(module)
        if not area:
            continue
        for dep in deps:
            dep_area = _area(dep)
            if dep_area in ("", area):
                continue
            allowed = ALLOWED[area]
            if dep_area not in allowed and dep.removeprefix("playground.") not in allowed:
                wrong.append(f"{module} -> {dep}")
    assert wrong == []


def test_no_import_circle_between_modules():
    graph = {m: {d for d in deps if d != m and not m.startswith(d + ".")} for m, deps in IMPORTS.items()}
    state: dict[str, int] = {}
    circles = []

    def visit(m, path):
        state[m] = 1
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                circles.append(path[path.index(d):] + [d] if d in path else [m, d])
            elif not state.get(d):
                visit(d, path + [d])
        state[m] = 2

    for m in sorted(graph):
        if not state.get(m):
            visit(m, [m])
    assert circles == []


def test_plotly_only_in_figures_and_no_torch_there():
    plotly_users = sorted(m for m, ext in EXTERNAL.items() if "plotly" in ext)
    assert plotly_users and all(_area(m) == "figures" for m in plotly_users), plotly_users
    assert not [m for m, ext in EXTERNAL.items() if _area(m) == "figures" and "torch" in ext]


def test_at_most_eight_top_level_modules_and_no_file_over_400_lines():
    top = [p.name for p in ENGINE.glob("*.py")]
    assert len(top) <= 8, top
    root = ENGINE.parent
    long = {str(p.relative_to(root)): n for p in [*root.glob("playground/**/*.py"), *root.glob("ui/*.py"),
                                                 *root.glob("views/*.py"), root / "app.py"]
            if (n := len(p.read_text("utf-8").splitlines())) > 400}
    assert long == {}


FIGURES_PROBE = """
import importlib, json, pkgutil, sys
import playground.figures as f
for m in pkgutil.iter_modules(f.__path__, "playground.figures."):
    importlib.import_module(m.name)
print(json.dumps(sorted(n for n in ("torch", "sklearn", "pandas", "streamlit") if n in sys.modules)))
"""
register("figures_light", ["-c", FIGURES_PROBE])
REGISTRY_PROBE = """
import json, sys
import playground.config, playground.data.registry
print(json.dumps(sorted(n for n in ("torch", "sklearn", "pandas", "plotly") if n in sys.modules)))
"""
register("config_light", ["-c", REGISTRY_PROBE])


@pytest.mark.late
def test_importing_the_figures_loads_no_torch():
    rc, out, err = result("figures_light")
    assert rc == 0, err
    assert json.loads(out) == []


@pytest.mark.late
def test_config_and_registry_validate_without_heavy_imports():
    """So the CLI can refuse a bad option before loading torch (seconds)."""
    rc, out, err = result("config_light")
    assert rc == 0, err
    assert json.loads(out) == []

"""The README's set-up commands, .ci/run and constraints.txt agree: CI runs exactly the
command a newcomer copies, and every package a requirements file names is pinned to a
version inside its range (a package left unpinned is free to drift on a fresh machine)."""
import re
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def _bash_blocks(text: str) -> list[str]:
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", text, re.S)]


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def _requirements(path: Path) -> list[Requirement]:
    reqs = []
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("-r "):
            reqs += _requirements(path.parent / line[3:].strip())
        elif line:
            reqs.append(Requirement(line))
    return reqs


def test_ci_runs_the_readmes_test_command():
    setup = (ROOT / "README.md").read_text().split("## Set-up", 1)[1].split("\n## ", 1)[0]
    app_cmd, test_cmd = _bash_blocks(setup)[:2]
    assert app_cmd.startswith("pip install -r requirements.txt -c constraints.txt && streamlit run app.py")
    ci = (ROOT / ".ci/run").read_text().split("# --- the README's test command ---\n", 1)[1]
    assert " ".join(ci.replace("\\\n", " ").split()) == " ".join(test_cmd.split())
    assert "-c constraints.txt" in test_cmd and "python -m venv .venv" in test_cmd
    assert "rm -rf .venv" in (ROOT / ".ci/run").read_text()          # a brand-new environment every time


def test_every_required_package_is_pinned_inside_its_range():
    pins = _pins()
    for req in _requirements(ROOT / "requirements-dev.txt"):
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is not pinned in constraints.txt"
        assert req.specifier.contains(pins[name], prereleases=True), f"{req.name}=={pins[name]} is outside {req}"
    assert pins["torch"] == "2.13.0"                                  # the CPU build on these machines


def test_a_server_start_looks_up_no_address_over_the_network(monkeypatch, capsys):
    """Streamlit's start-up banner asks checkip.amazonaws.com for the external IP unless
    browser.serverAddress is set by hand (.streamlit/config.toml does): no test server, bench
    or class server may send traffic off this machine."""
    from streamlit import config, net_util
    from streamlit.web import bootstrap

    def refuse():
        raise AssertionError("the banner looked an address up over the network")

    monkeypatch.chdir(ROOT)
    config.get_config_options(force_reparse=True)          # the project's .streamlit/config.toml
    monkeypatch.setattr(net_util, "get_external_ip", refuse)
    monkeypatch.setattr(net_util, "get_internal_ip", refuse)
    get = config.get_option
    monkeypatch.setattr(config, "get_option", lambda key: True if key == "server.headless" else get(key))
    bootstrap._print_url(is_running_hello=False)
    assert "localhost" in capsys.readouterr().out

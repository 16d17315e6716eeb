"""The link: the config in the URL's query parameters, read on the first run, written back
as the controls change, and the share link."""
from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from playground.config import RunConfig, from_query, to_query
from playground.data import loaders
from playground.errors import ConfigError

from . import lessons, projector
from .lang import LANG_PARAM, lang
from .projector import PARAM as PROJECTOR_PARAM
from .registry import RUN_PARAM

# painted points a link carries (longer: the share popover offers them as a CSV)
MAX_LINK_POINTS = 1500


def points_fit_link(cfg: RunConfig) -> bool:
    return len(cfg.points) <= MAX_LINK_POINTS


def read() -> tuple[RunConfig, list[ConfigError]]:
    """The link's config; bad values are skipped and returned as problems. A link naming a
    lesson (`?lesson=<id>`) opens it: its preset under the link's own values."""
    return from_query(lessons.from_link(dict(st.query_params)))


def _params(cfg: RunConfig, *, dataset: bool = True) -> dict[str, str]:
    q = to_query(cfg)
    if not points_fit_link(cfg):
        q.pop("points", None)
    if not dataset:
        q.pop("dataset", None)
    q[LANG_PARAM] = lang()
    q.update(projector.params())          # a projector link stays one
    q.update(lessons.link_params(cfg))    # an open lesson stays in the link
    return q


def sync(cfg: RunConfig, run_token: str | None = None) -> None:
    """Keep the address bar on the current config (an uploaded table's name stays out of it:
    a link never opens a server's files) and on this tab's run, so a reload finds it (the
    share link leaves the run out: it shares a setup, not a run)."""
    q = _params(cfg, dataset=not loaders.is_csv_path(cfg.dataset))
    if run_token:
        q[RUN_PARAM] = run_token
    if dict(st.query_params) != q:
        st.query_params.from_dict(q)


def share_url(cfg: RunConfig, projector: bool = False) -> str:
    """The setup as a link (`projector`: one that opens in projector mode, for a teacher)."""
    base = ""
    try:
        base = str(st.context.url).split("?")[0]
    except Exception:
        pass
    q = _params(cfg)
    if projector:
        q[PROJECTOR_PARAM] = "1"
    return f"{base}?{urlencode(q)}"

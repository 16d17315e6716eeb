"""The lab before its first run: the data (2-D points, a table's first rows and class
balance, sample images, or the painting editor) and the network Train would build, with
its initial weights; and the boundary figure the lab draws live too."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from playground.data import table
from playground.data.registry import DATASETS
from playground.errors import ConfigError
from playground.figures import lab as lab_figs
from playground.figures import training as training_figs
from playground.figures.inside import mosaic_figure
from playground.inspect import boundary, graph
from playground.nn.model import build_model, count_params, loss_name

from . import data, lab, one_input_lab, paint
from .charts_later import chart
from .lang import T, lang
from .session import Key

PANEL_H = 360          # the lab's panels' height: all of them in the first screen at 1280x720
PANELS = [1, 1.3, 0.95]   # their widths: network, boundary (>= 300 px at 1400 px), curves


def plane_points(prep, split: str):
    s = prep.split(split)
    return prep.dataset.X.iloc[s.index][["x1", "x2"]].to_numpy(), s.y.numpy()


def lab_boundary(surf, pts, task, show_test, discretize, height=PANEL_H - 20):
    """The boundary as large as the column allows: no legend or colour bar (the toggles
    and the caption say what is drawn)."""
    return training_figs.boundary_figure(surf, pts, task, T, height=height, show_test=show_test,
                                         discretize=discretize, compact=True)


def painted(cfg) -> bool:
    info = DATASETS.get(cfg.dataset)
    return bool(info and info.painted)


# --- before the first run: the data and the network Train would use -------------------------------

def initial_graph(cfg, prep):
    """The network the settings build (untrained) and its nodes' pictures on 2-D data: shared
    by every session for the app's own datasets, which the settings fully name. An uploaded
    table's is kept in its session: two students' tables of one file name differ (a shared
    cache showed the second the first one's columns and input count)."""
    if prep.dataset.source != table.UPLOADED:
        return _shared_graph(cfg, prep)
    return data.kept_for_upload(Key.UPLOAD_GRAPH, prep, cfg, lambda: _graph(cfg, prep))


@st.cache_resource(max_entries=32, show_spinner=False)
def _shared_graph(cfg, _prep):
    return _graph(cfg, _prep)


def _graph(cfg, prep):
    model = build_model(cfg, prep.n_features, prep.n_outputs, prep.image_shape)
    return graph.network_graph(model, prep), (boundary.neuron_surfaces(model, prep)
                                              if boundary.is_plane_dataset(prep) else None)


def _figure(key: tuple, prep, build):
    """A preview figure that every session with these settings draws alike, built once for all
    of them: plotly's figure objects cost the first page's rerun ~50-80 ms (of ~0.3 s), on
    every click in the sidebar and for each student of a class. An uploaded table's is the
    session's own (another student's table may share its name). Drawn, never changed."""
    return build() if prep.dataset.source == table.UPLOADED else _shared_figure((*key, lang()), build)


@st.cache_resource(max_entries=64, show_spinner=False)
def _shared_figure(key: tuple, _build):
    return _build()


def first_rows(ds, n: int = 3) -> pd.DataFrame:
    """A table's first rows on their side: the target, then every column, one line each,
    each example a column (a narrow panel cut a table's columns, and left out the target)."""
    def shown(v):
        return f"{v:.4g}" if isinstance(v, float) else str(v)
    y = np.asarray(ds.y)[:n]
    df = ds.X.head(n).copy()
    df.insert(0, T("lab.target_row", name=ds.target_name),
              [ds.class_names[int(v)] for v in y] if ds.class_names else y)
    return df.T.map(shown).set_axis([f"#{i + 1}" for i in range(len(df))], axis=1)


def data_preview(cfg, prep, task: str) -> None:
    ds = prep.dataset
    st.markdown(f"**{T('lab.data')}**")
    if painted(cfg):
        paint.paint_editor(height=PANEL_H - 80)
    elif boundary.is_plane_dataset(prep):
        show_test, _ = lab.boundary_options()
        pts = {sp: plane_points(prep, sp) for sp in ("train", "test")}
        chart(lambda: _figure(("points", data.data_key(cfg), show_test), prep,
                              lambda: lab_boundary(None, pts, task, show_test, False, height=PANEL_H - 40)),
              "preview_points", PANEL_H - 40)
        lab.boundary_toggles()
        st.caption(T("lab.data_points", train=len(prep.train.y), test=len(prep.test.y), val=len(prep.val.y)))
    elif ds.image_shape is not None:
        h, w = ds.image_shape
        idx = prep.train.index[:12]
        imgs = np.asarray(ds.X)[idx].reshape(-1, h, w)
        names = [str(ds.class_names[int(ds.y[i])]) if ds.class_names else "" for i in idx]
        chart(lambda: _figure(("images", data.data_key(cfg)), prep,
                              lambda: mosaic_figure(imgs, names, 6, T, T("lab.samples"), 200)), "preview_images", 200)
    elif one_input_lab.applies(prep):       # one number column: input against target
        one_input_lab.preview(prep, PANEL_H)
    else:
        st.caption(T("lab.rows", dataset=cfg.dataset))
        st.dataframe(first_rows(ds), height=210, width="stretch", key="preview_rows")
        y = np.asarray(ds.y)[prep.train.index]
        if task == "regression":
            st.caption(T("lab.target_range", name=ds.target_name, lo=f"{y.min():.4g}", hi=f"{y.max():.4g}",
                         mean=f"{y.mean():.4g}"))
        else:
            counts = pd.Series(y).map(lambda i: ds.class_names[int(i)]).value_counts(normalize=True)
            st.caption(T("lab.class_balance") + ": " + ", ".join(f"{k} {v:.0%}" for k, v in counts.items()))


def preview(cfg, shown_error: str | None) -> None:
    """No run yet: the data, the network's shape (its initial weights), empty curves."""
    try:
        prep = data.prepared_for(cfg)
        n = count_params(prep.n_features, prep.n_outputs, cfg, prep.image_shape)
    except ConfigError as e:
        if e.text(lang()) != shown_error:      # not twice on one page
            st.error(e.text(lang()))
        return
    task = prep.task
    st.caption(T("train.summary", dataset=cfg.dataset, train=len(prep.train.y), val=len(prep.val.y),
                 test=len(prep.test.y), params=f"{n:,}"))
    net, data_col, curves = st.columns(PANELS)
    with net:
        st.markdown(f"**{T('lab.network')}**", help=T("lab.network_help"))
        try:
            g, plane = initial_graph(cfg, prep)
            chart(lambda: _figure(("network", cfg), prep,
                                  lambda: lab_figs.lab_network_figure(g, plane, T, height=PANEL_H)),
                  "preview_network", PANEL_H)
        except ConfigError as e:
            st.error(e.text(lang()))
        lab.pixel_line(prep)
    with data_col:
        data_preview(cfg, prep, task)
    with curves:
        lab.loss_line(loss_name(task, cfg.loss) if cfg.loss == "auto" or task == "regression" else "", cfg.labels, prep)
        log = bool(st.session_state.get(Key.TRAIN_LOG_SCALE))
        chart(lambda: _figure(("curves", task, cfg.epochs or 100, log), prep, lambda: training_figs.history_figure(
            [], task, T, epochs=cfg.epochs or 100, stacked=True, height=PANEL_H - 40, log_loss=log)),
              Key.CURVES_EMPTY, PANEL_H - 40, live=True)   # the run's curves are live: its code loaded first
        st.toggle(T("train.log_scale"), key=Key.TRAIN_LOG_SCALE, help=T("train.log_scale_help"))
        st.caption(T("train.press_start"))



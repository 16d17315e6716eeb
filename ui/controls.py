"""The sidebar: language, dataset, network and training controls, generated from
playground.config.FIELDS (labels and help from i18n), kept in sync with the URL."""
from __future__ import annotations

import dataclasses

import streamlit as st

from playground.config import (
    DEFAULT,
    FIELDS,
    MAX_HIDDEN_LAYERS,
    RunConfig,
    from_query,
    to_query,
    validate,
)
from playground.data import loaders, table
from playground.errors import ConfigError
from playground.i18n import LANGS
from playground.nn.model import count_params

from . import state

# Presentation only (the option itself is defined once in config.FIELDS).
LR_STEPS = [1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
SLIDER_STEPS = {"noise": 0.05, "dropout": 0.05, "val_split": 0.05, "test_split": 0.05, "n_samples": 50,
                "momentum": 0.05}
UNIT_CHOICES = [1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 24, 32, 48, 64, 96, 128, 256, 512, 1024]


def _key(name: str) -> str:
    return f"w_{name}"


def _load_into_widgets(cfg: RunConfig) -> None:
    for name in FIELDS:
        if name == "hidden":
            st.session_state["w_n_layers"] = len(cfg.hidden)
            for i, h in enumerate(cfg.hidden):
                st.session_state[f"w_units_{i}"] = h
        else:
            st.session_state[_key(name)] = getattr(cfg, name)


def _keep_widget_values() -> None:
    """Re-assign every sidebar value at the start of a run. Streamlit drops the state of a
    widget a run did not reach (a page switch clicked mid-run reset epochs to 1), and a keyed
    widget keeps the option text the browser drew last (English after switching to Korean);
    a value assigned from Python survives the run and is sent again, freshly formatted."""
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith("w_") and k != "w_lang"
                and k not in ("w_upload",)]:
        st.session_state[key] = st.session_state[key]


def init_session() -> None:
    """First run of a session: the URL's config (if any) fills the controls."""
    if st.session_state.get("_initialised"):
        _keep_widget_values()
        return
    cfg, problems = from_query(dict(st.query_params))
    state.set_config(cfg)
    _load_into_widgets(cfg)
    st.session_state["url_problems"] = problems
    st.session_state["_initialised"] = True


def _field(name: str, container=st):
    """One control, chosen from the field's type and range."""
    T = state.T()
    f = FIELDS[name]
    m = f.metadata
    label, help_ = T(f"field.{name}"), T.get(f"field.{name}.help", m["help"])
    key = _key(name)
    if key not in st.session_state:
        st.session_state[key] = f.default
    if m["choices"]:
        return container.selectbox(label, m["choices"], key=key, help=help_,
                                   format_func=lambda v: T.get(f"choice.{name}.{v}", v))
    if isinstance(f.default, bool):
        return container.toggle(label, key=key, help=help_)
    if name == "lr":
        steps = sorted(set(LR_STEPS) | {st.session_state[key]})
        return container.select_slider(label, steps, key=key, help=help_, format_func=lambda v: f"{v:g}")
    if name in SLIDER_STEPS:
        step = SLIDER_STEPS[name]
        kind = type(f.default)
        return container.slider(label, kind(m["lo"]), kind(m["hi"]), step=kind(step), key=key, help=help_)
    kind = type(f.default)
    return container.number_input(label, min_value=kind(m["lo"]), max_value=kind(m["hi"]), key=key, help=help_,
                                  step=kind(1) if kind is int else 1e-4, format=None if kind is int else "%g")


def _hidden_controls() -> tuple:
    T = state.T()
    if "w_n_layers" not in st.session_state:
        st.session_state["w_n_layers"] = len(DEFAULT.hidden)
    n = st.slider(T("field.n_layers"), 0, MAX_HIDDEN_LAYERS, key="w_n_layers", help=T("field.n_layers.help"))
    units = []
    cols = st.columns(3) if n else []
    for i in range(n):
        k = f"w_units_{i}"
        if k not in st.session_state:
            st.session_state[k] = units[-1] if units else 8
        options = sorted(set(UNIT_CHOICES) | {st.session_state[k]})
        units.append(cols[i % 3].selectbox(T("field.units", i=i + 1), options, key=k))
    return tuple(units)


def _upload_section(T) -> None:
    with st.expander(T("data.upload_title"), expanded=loaders.is_csv_path(st.session_state.get("w_dataset", ""))):
        file = st.file_uploader(T("data.upload_label"), type=["csv"], key="w_upload", help=T("data.upload_help"))
        # the Train page warns that a rejected file is not what it trains on
        st.session_state.pop("upload_problem", None)
        if file is None:
            return
        try:
            df = table.read_table(file)
        except Exception as e:
            st.error(msg := T("err.csv_unreadable", why=type(e).__name__))
            st.session_state["upload_problem"] = (file.name, msg)
            return
        cols = list(df.columns.astype(str))
        if "w_target" not in st.session_state or st.session_state["w_target"] not in cols:
            st.session_state["w_target"] = cols[-1] if cols else ""
        target = st.selectbox(T("field.target"), cols, key="w_target")
        task = _field("task")
        name = file.name if file.name.lower().endswith(".csv") else file.name + ".csv"
        try:
            ds = table.from_dataframe(df, target, task, name=name)
        except ConfigError as e:
            st.error(msg := e.text(state.lang()))
            st.session_state["upload_problem"] = (file.name, msg)
            return
        prev = state.uploaded()
        if prev is None or (prev.name, prev.target_name, prev.task, prev.n_rows) != (ds.name, ds.target_name, ds.task, ds.n_rows) \
                or st.session_state.get("_upload_id") != file.file_id:
            st.session_state["uploaded_dataset"] = ds
            st.session_state["_upload_id"] = file.file_id
        if st.session_state.get("w_dataset") != name:
            st.session_state["_pending_dataset"] = name
        st.success(T("data.upload_ok", rows=ds.n_rows, task=T(f"task.{ds.task}")))


def sidebar() -> RunConfig:
    """Draw the controls and return the (validated) config they describe."""
    T = state.T()
    with st.sidebar:
        lang = st.segmented_control(T("app.language"), LANGS, key="w_lang", default=state.lang(),
                                    format_func=lambda v: {"ko": "한국어", "en": "English"}[v],
                                    label_visibility="collapsed")
        if lang and lang != state.lang():
            st.session_state["lang"] = lang
            st.rerun()

        # --- data -----------------------------------------------------------------------
        st.header(T("side.data"))
        up = state.uploaded()
        names = list(loaders.DATASETS) + ([up.name] if up is not None else [])
        if st.session_state.pop("_pending_dataset", None) in names:
            st.session_state["w_dataset"] = up.name
        if st.session_state.get("w_dataset") not in names:
            st.session_state["w_dataset"] = DEFAULT.dataset
        ds_name = st.selectbox(T("field.dataset"), names, key="w_dataset", format_func=lambda n: _dataset_label(n, T))
        st.caption(_dataset_caption(ds_name, up))
        info = loaders.DATASETS.get(ds_name)
        if info is not None and info.kind == "toy":
            _field("n_samples")
            _field("noise")
        _upload_section(T)

        # --- network ----------------------------------------------------------------------
        st.header(T("side.network"))
        is_image = info is not None and info.image_shape is not None
        if is_image:
            _field("model")
        elif st.session_state.get(_key("model")) != "mlp":
            st.session_state[_key("model")] = "mlp"
        hidden = _hidden_controls()
        _field("activation")
        c1, c2 = st.columns(2)
        with c1:
            _field("dropout")
        with c2:
            st.write("")
            _field("batch_norm")

        # --- training ---------------------------------------------------------------------
        st.header(T("side.training"))
        _field("optimizer")
        _field("lr")
        if st.session_state.get(_key("optimizer")) in ("sgd", "rmsprop"):
            _field("momentum")
        c1, c2 = st.columns(2)
        with c1:
            _field("batch_size")
        with c2:
            _field("epochs")
        with st.expander(T("side.more")):
            _field("val_split")
            _field("test_split")
            _field("patience")
            if st.session_state.get(_key("patience"), 0) > 0:
                _field("restore_best")
            _field("scaler")
            _field("shuffle")
            _field("weight_decay")
            _field("seed")

        values = {n: st.session_state.get(_key(n), f.default) for n, f in FIELDS.items() if n != "hidden"}
        values["hidden"] = hidden
        cfg = state.config()
        try:
            cfg = validate(dataclasses.replace(DEFAULT, **values))
            state.set_config(cfg)
        except ConfigError as e:
            st.error(e.text(state.lang()))
        _param_count(cfg, T)
        for p in st.session_state.pop("url_problems", []):
            st.warning(T("app.url_problem", msg=p.text(state.lang())))
        _copy_link(cfg, T)
        _sync_url(cfg)
    return cfg


def _dataset_label(name: str, T) -> str:
    info = loaders.DATASETS.get(name)
    if info is None:
        return f"CSV · {name}"
    icon = {"toy": "●", "tabular": "▦", "image": "▣"}[info.kind]
    return f"{icon} {name} · {T(f'task.{info.task}')}"


def _dataset_caption(name: str, up) -> str:
    T = state.T()
    info = loaders.DATASETS.get(name)
    if info is None:
        return T("data.uploaded_caption", rows=up.n_rows if up else 0)
    try:
        desc = loaders.describe(info)
        size = T("data.size", rows=f"{desc['rows']:,}", features=desc["features"])
    except ConfigError:
        size = ""
    return f"{T(f'dataset.{name}')} {size}"


def _param_count(cfg: RunConfig, T) -> None:
    try:
        prep = state.prepared_for(cfg)
        n = count_params(prep.n_features, prep.n_outputs, cfg, prep.image_shape)
        sizes = " → ".join(str(s) for s in [prep.n_features, *cfg.hidden, prep.n_outputs])
        if cfg.model == "cnn":
            sizes = "CNN → " + " → ".join(str(s) for s in [*cfg.hidden, prep.n_outputs])
        st.caption(T("side.params", n=f"{n:,}", sizes=sizes))
    except ConfigError:
        pass


def _sync_url(cfg: RunConfig) -> None:
    q = to_query(cfg) if not loaders.is_csv_path(cfg.dataset) else {k: v for k, v in to_query(cfg).items() if k != "dataset"}
    q["lang"] = state.lang()
    if dict(st.query_params) != q:
        st.query_params.from_dict(q)


def share_url(cfg: RunConfig) -> str:
    from urllib.parse import urlencode
    base = ""
    try:
        base = str(st.context.url).split("?")[0]
    except Exception:
        pass
    q = to_query(cfg)
    q["lang"] = state.lang()
    return f"{base}?{urlencode(q)}"


def _copy_link(cfg: RunConfig, T) -> None:
    with st.popover(T("app.share"), width="stretch"):
        st.caption(T("app.share_help"))
        st.code(share_url(cfg), language=None, wrap_lines=True)

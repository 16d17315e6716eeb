"""The sidebar: language, dataset, network and training controls, generated from
playground.config.FIELDS (labels and help from i18n), kept in sync with the URL."""
from __future__ import annotations

import dataclasses

import streamlit as st

from playground.config import (
    DATASET_DEFAULTS,
    DEFAULT,
    FIELDS,
    KIND_DEFAULTS,
    MAX_HIDDEN_LAYERS,
    RunConfig,
    data_kind,
    defaults_for,
    validate,
)
from playground.data import loaders
from playground.data.features import FEATURES, LABELS
from playground.data.registry import DataKind, is_painted, is_toy
from playground.errors import ConfigError
from playground.i18n import LANGS
from playground.nn.model import count_params

from . import classroom, column_picker, data, net_controls, paint, registry, runs, sequence_controls, upload, url
from .input_controls import labels_and_loss, not_applicable, pixel_control
from .lang import T, lang, set_lang
from .session import WIDGET_PREFIX, Key, units_key, w_key
from .transfer_controls import left_behind, model_controls
from .widgets import translated_select

# Presentation only (the option itself is defined once in config.FIELDS).
LR_STEPS = [1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
SLIDER_STEPS = {"noise": 0.05, "dropout": 0.05, "val_split": 0.05, "test_split": 0.05, "n_samples": 50,
                "momentum": 0.05}
UNIT_CHOICES = [1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 24, 32, 48, 64, 96, 128, 256, 512, 1024]
LANG_NAMES = {"ko": "한국어", "en": "English"}   # each language in its own words
# widgets whose value Python cannot assign (the switch sets the language, a file comes from the browser)
NOT_KEPT = (Key.W_LANG, Key.W_UPLOAD)


# --- the first run and every run ---------------------------------------------------------------------

def _load_into_widgets(cfg: RunConfig, fields=FIELDS) -> None:
    ss = st.session_state
    for name in fields:
        if name == "hidden":
            ss[Key.W_N_LAYERS] = len(cfg.hidden)
            for i, h in enumerate(cfg.hidden):
                ss[units_key(i)] = h
        elif name in ("features", "columns"):
            ss[w_key(name)] = list(getattr(cfg, name))   # a multi-select holds a list
        elif name == "activation":
            ss[w_key(name)] = cfg.activation
            net_controls.load_activations(cfg)       # each layer's select
        else:
            ss[w_key(name)] = getattr(cfg, name)


def _keep_widget_values() -> None:
    """Re-assign every sidebar value at the start of a run: Streamlit drops the state of a
    widget a run did not reach (a page switch clicked mid-run reset epochs to 1); a value
    assigned from Python survives the run."""
    ss = st.session_state
    for key in [k for k in ss if isinstance(k, str) and k.startswith(WIDGET_PREFIX) and k not in NOT_KEPT]:
        ss[key] = ss[key]


def init_session() -> None:
    """First run of a session: the link's config (if any) fills the controls."""
    if st.session_state.get(Key.INITIALISED):
        _keep_widget_values()
        return
    cfg, problems = url.read()
    token = st.query_params.get(registry.RUN_PARAM)
    if token and not runs.reattach(token):      # a reload finds its run; a restarted server does not
        st.session_state[Key.RUN_LOST] = registry.REGISTRY.lost_reason(token)   # gone, elsewhere, restarted, ...
    data.set_config(cfg)
    _load_into_widgets(cfg)
    st.session_state[Key.CONTROLS_DATASET] = (cfg.dataset, cfg.read_as)   # a link's values stay for its own dataset
    st.session_state[Key.URL_PROBLEMS] = problems
    st.session_state[Key.INITIALISED] = True


# --- one control per field ---------------------------------------------------------------------------

def _field(name: str, container=st, *, label: str | None = None, help: str | None = None, disabled: bool = False):
    """One control, chosen from the field's type and range (`label`, `help`: other words)."""
    f = FIELDS[name]
    m = f.metadata
    if name in classroom.hidden_controls():     # the teacher hid it: the value stays, the control does not show
        return st.session_state.get(w_key(name), f.default)
    label, help_ = label or T(f"field.{name}"), help or T.get(f"field.{name}.help", m["help"])
    key = w_key(name)
    if key not in st.session_state:
        st.session_state[key] = f.default
    if m["choices"]:
        return translated_select(container.selectbox, label, m["choices"], key, default=f.default, help=help_,
                                 format_func=lambda v: T.get(f"choice.{name}.{v}", v))
    if isinstance(f.default, bool):
        return container.toggle(label, key=key, help=help_)
    if name == "lr":
        steps = sorted(set(LR_STEPS) | {st.session_state[key]})
        return container.select_slider(label, steps, key=key, help=help_, format_func=lambda v: f"{v:g}")
    kind = type(f.default)
    if name in SLIDER_STEPS:
        return container.slider(label, kind(m["lo"]), kind(m["hi"]), step=kind(SLIDER_STEPS[name]), key=key,
                                help=help_)
    return container.number_input(label, min_value=kind(m["lo"]), max_value=kind(m["hi"]), key=key, help=help_,
                                  step=kind(1) if kind is int else 1e-4, format=None if kind is int else "%g",
                                  disabled=disabled)


def _hidden_controls(per_layer: bool = False) -> tuple:
    """The layers' units; `per_layer`: each with its activation beside it (one row a layer)."""
    ss = st.session_state
    if Key.W_N_LAYERS not in ss:
        ss[Key.W_N_LAYERS] = len(DEFAULT.hidden)
    if "hidden" in classroom.hidden_controls():
        return tuple(ss.get(units_key(i), 8) for i in range(ss[Key.W_N_LAYERS]))
    n = st.slider(T("field.n_layers"), 0, MAX_HIDDEN_LAYERS, key=Key.W_N_LAYERS, help=T("field.n_layers.help"))
    units, acts = [], []
    cols = st.columns(2) if n else []      # three columns cut "128" to "12"
    for i in range(n):
        k = units_key(i)
        if k not in ss:
            ss[k] = units[-1] if units else 8
        options = sorted(set(UNIT_CHOICES) | {ss[k]})
        if per_layer:
            cols = st.columns(2)
            acts.append(net_controls.layer_activation(cols[1], i))
        units.append(cols[0 if per_layer else i % 2].selectbox(T("labdata.units", i=i + 1), options, key=k,
                                                               placeholder=T("select.placeholder")))
    if per_layer:
        net_controls.set_activations(acts)
    return tuple(units)


def _features_control() -> None:
    """The 2-D sets' input features, TensorFlow Playground's FEATURES column."""
    key = w_key("features")
    if key not in st.session_state:
        st.session_state[key] = list(DEFAULT.features)
    if "features" in classroom.hidden_controls():
        return
    st.pills(T("field.features"), FEATURES, selection_mode="multi", key=key, format_func=LABELS.get,
             help=T("field.features.help"))


def _epochs_control() -> None:
    """A number box, and the ∞ toggle that sets it to 0 (until paused or stopped)."""
    ss = st.session_state
    key = w_key("epochs")
    if key not in ss:
        ss[key] = DEFAULT.epochs
    if "epochs" in classroom.hidden_controls():
        return
    ss[Key.W_ENDLESS] = ss[key] == 0              # 0 typed in the box is endless too
    _field("epochs", help=T("labdata.epochs_help"), disabled=ss[Key.W_ENDLESS])   # ∞: the box has nothing to say
    # no help icon: in half the sidebar it left "∞ endless" 50 px ("∞ end…"); the epochs box's help says it
    st.toggle(T("labdata.endless"), key=Key.W_ENDLESS, on_change=_endless_changed)


def _endless_changed() -> None:
    ss = st.session_state
    ss[w_key("epochs")] = 0 if ss[Key.W_ENDLESS] else defaults_for(ss.get(w_key("dataset"), DEFAULT.dataset),
                                                                    ss.get(w_key("read_as"), DEFAULT.read_as)).epochs


# --- data --------------------------------------------------------------------------------------------

def _dataset_select() -> str:
    ss = st.session_state
    up = data.uploaded()
    names = list(loaders.DATASETS) + ([up.name] if up is not None else [])
    key = w_key("dataset")
    if ss.pop(Key.PENDING_DATASET, None) in names:
        ss[key] = up.name
    if ss.get(key) not in names:
        ss[key] = DEFAULT.dataset
    if "dataset" in classroom.hidden_controls():
        name = ss[key]
    else:
        name = translated_select(st.selectbox, T("field.dataset"), names, key, format_func=_dataset_label)
    _follow_dataset(name, up)            # first: a switch may reset the number of points the caption names
    st.caption(_dataset_caption(name, up))
    return name


def _follow_dataset(name: str, up) -> None:
    """A newly chosen dataset: options that cannot apply to it are reset, and when the kind
    of data changes (toy, table, image) the controls move to that kind's defaults. Within a
    kind the learner's settings stay, as TensorFlow Playground keeps them across datasets."""
    ss = st.session_state
    read_as = ss.get(w_key("read_as"), DEFAULT.read_as) if loaders.is_csv_path(name) else DEFAULT.read_as
    prev, prev_read_as = ss.get(Key.CONTROLS_DATASET, (None, DEFAULT.read_as))
    if (prev, prev_read_as) == (name, read_as):
        return
    ss[Key.CONTROLS_DATASET] = (name, read_as)    # a CSV read as rows, a series or sentences: three kinds
    if prev is not None and is_painted(prev):   # a painting survives a look at another dataset
        ss.setdefault(Key.PAINT_KEPT, {})[prev] = ss.get(w_key("points"), "")
    kind = data_kind(name, read_as)
    fields = ({f for d in KIND_DEFAULTS.values() for f in d}
              if prev is not None and data_kind(prev, prev_read_as) != kind else set())
    info = loaders.DATASETS.get(name)
    task = info.task if info else (up.task if up is not None else "regression")
    if info is not None:
        fields |= {"target", "task", "read_as"}   # a CSV's options
        if info.image_shape is not None:
            fields.add("scaler")                  # pixels are scaled by pixel_scale, not a scaler
    if task != "regression":
        fields.add("loss")
    fields |= not_applicable(info, task) | left_behind(name)   # pixel_scale, labels, transfer
    fields |= {"points", "columns"}               # a painted set's own points; every column of a table
    if not is_toy(name):
        fields.add("features")                    # x1², sin x1... need the plane
    fields |= {"window", "embedding", "attention", "time_split"} | set(DATASET_DEFAULTS.get(name, {}))   # sequences
    _load_into_widgets(defaults_for(name, read_as), fields)
    if name in ss.get(Key.PAINT_KEPT, {}):
        ss[w_key("points")] = ss[Key.PAINT_KEPT][name]
    if fields & set(KIND_DEFAULTS["tabular"]):
        st.toast(T("side.defaults_moved", kind=T(f"kind.{kind}")), icon=":material/tune:")


def _dataset_label(name: str) -> str:
    info = loaders.DATASETS.get(name)
    if info is None:
        return f"CSV · {name}"
    icon = {"toy": "●", "tabular": "▦", "image": "▣", "sequence": "≋"}[info.kind]
    return f"{icon} {name} · {T(f'task.{info.task}')}"


def _dataset_caption(name: str, up) -> str:
    info = loaders.DATASETS.get(name)
    if info is None:
        return T("data.uploaded_caption", rows=up.n_rows if up else 0)
    if info.painted:
        return T(f"dataset.{name}")
    try:
        if info.kind == DataKind.TOY or info.generated:   # generated: as many as the slider asks for
            n = st.session_state.get(w_key("n_samples"), FIELDS["n_samples"].default)
            desc = {"rows": n, "features": 2 if info.kind == DataKind.TOY else 1}
        else:
            desc = loaders.describe(info)
        size = T("data.size", rows=f"{desc['rows']:,}", features=desc["features"])
    except ConfigError:
        size = ""
    return f"{T(f'dataset.{name}')} {size}"


# --- the whole sidebar ---------------------------------------------------------------------------------

def _language_switch() -> None:
    chosen = st.segmented_control(T("app.language"), LANGS, key=Key.W_LANG, default=lang(),
                                  format_func=LANG_NAMES.get, label_visibility="collapsed")
    if chosen and chosen != lang():
        set_lang(chosen)
        st.rerun()


def _network_controls(info) -> tuple:
    """The network's controls; returns the hidden layers' sizes."""
    ss = st.session_state
    st.header(T("side.network"))
    if info is not None and info.kind == DataKind.SEQUENCE:     # a recurrent network
        return sequence_controls.network_controls(info, _field, _hidden_controls)
    if info is not None and info.image_shape is not None:
        model_controls(info, _field)   # and, on a digit set, transfer learning
    elif ss.get(w_key("model")) != "mlp":
        ss[w_key("model")] = "mlp"
    if info is not None and info.kind == DataKind.TOY:
        _features_control()
    model = ss.get(w_key("model"), "mlp")
    per_layer = net_controls.per_layer(model, ss.get(Key.W_N_LAYERS, len(DEFAULT.hidden)))
    hidden = _hidden_controls(per_layer)
    net_controls.per_layer_toggle(model, len(hidden))
    if not per_layer:
        _field("activation")
    _field("dropout")
    _field("batch_norm")        # a row of its own: "배치 정규화" was cut to "배치 …" beside the slider
    return net_controls.residual_control(_field, hidden)


def _loss_control(task: str) -> None:
    """Regression chooses its loss; classification's follows from its output (named here)."""
    ss = st.session_state
    key = w_key("loss")
    if task == "regression":
        if ss.get(key) == "mse":              # the same loss as auto: one name for it
            ss[key] = "auto"
        translated_select(st.selectbox, T("field.loss"), ("auto", "mae", "huber"), key, default="auto",
                          help=T("field.loss.help"), format_func=lambda v: T(f"choice.loss.{v}"))
    else:
        ss[key] = "auto"
        labels_and_loss(task, _field)   # multi-class: the label format names the loss


def _training_controls(task: str, images: bool) -> None:
    ss = st.session_state
    st.header(T("side.training"))
    _loss_control(task)
    _field("optimizer")
    _field("lr")
    if ss.get(w_key("optimizer")) in ("sgd", "rmsprop"):
        _field("momentum")
    c1, c2 = st.columns(2)
    with c1:
        _field("batch_size")
    with c2:
        _epochs_control()
    if "more" in classroom.hidden_controls():
        return
    with st.expander(T("side.more")):
        _field("val_split")
        _field("test_split")
        _field("patience")
        net_controls.early_stopping_controls(task, _field)   # monitor, min_delta, restore_best
        if not images:                        # pixels are always scaled to 0-1
            _field("scaler")
        _field("shuffle")
        _field("weight_decay", label=T("labdata.weight_decay"), help=T("labdata.weight_decay_help"))
        _field("l1")
        _field("seed")


def _config_from_widgets(hidden: tuple) -> RunConfig:
    """The controls' config if it is valid (saved for the pages), else the last valid one."""
    ss = st.session_state
    values = {n: ss.get(w_key(n), f.default) for n, f in FIELDS.items() if n != "hidden"}
    values["hidden"] = hidden
    values["columns"] = column_picker.chosen(values["columns"], values["dataset"])   # in the table's order
    chosen = values["features"]                        # in the table's order, as the link writes them
    values["features"] = tuple(f for f in FEATURES if f in chosen) if isinstance(chosen, list) else tuple(chosen)
    if not loaders.is_csv_path(values["dataset"]):     # the upload's target / task while a built-in set is chosen
        values["target"], values["task"], values["read_as"] = DEFAULT.target, DEFAULT.task, DEFAULT.read_as
    try:
        cfg = validate(dataclasses.replace(DEFAULT, **values))
    except ConfigError as e:
        st.error(e.text(lang()))
        return data.config()
    data.set_config(cfg)
    return cfg


def sidebar() -> RunConfig:
    """Draw the controls and return the (validated) config they describe."""
    with st.sidebar:
        _language_switch()
        st.header(T("side.data"))
        ds_name = _dataset_select()
        info = loaders.DATASETS.get(ds_name)
        if info is not None and info.painted:
            paint.sidebar_section()
        elif info is not None and (info.kind == DataKind.TOY or info.generated):
            _field("n_samples")
            _field("noise")
        pixel_control(info, _field)
        column_picker.control(ds_name)
        upload.section(_field)
        hidden = _network_controls(info or upload.sequence_info(ds_name))
        up = data.uploaded()
        task = info.task if info else (up.task if up is not None and up.name == ds_name else "regression")
        _training_controls(task, images=info is not None and info.image_shape is not None)
        cfg = _config_from_widgets(hidden)
        _param_count(cfg)
        _share_link(cfg)
        url.sync(cfg, runs.run_token())
    return cfg


def link_problems() -> None:
    """The link's bad values, once, at the top of the page (not under the sidebar's controls)."""
    for p in st.session_state.pop(Key.URL_PROBLEMS, []):
        st.warning(T("app.url_problem", msg=p.text(lang())), icon=":material/link_off:")


def _param_count(cfg: RunConfig) -> None:
    try:
        prep = data.prepared_for(cfg)
        n = count_params(prep.n_features, prep.n_outputs, cfg, prep.image_shape)
    except ConfigError:
        return
    sizes = " → ".join(str(s) for s in [prep.n_features, *cfg.hidden, prep.n_outputs])
    if cfg.model == "cnn":
        sizes = "CNN → " + " → ".join(str(s) for s in [*cfg.hidden, prep.n_outputs])
    elif cfg.model != "mlp":                 # rnn / gru / lstm: the units of each recurrent layer
        sizes = f"{cfg.model.upper()} × {cfg.window} → " + " → ".join(str(s) for s in [*cfg.hidden, prep.n_outputs])
    st.caption(T("side.params", n=f"{n:,}", sizes=sizes))


def _share_link(cfg: RunConfig) -> None:
    with st.popover(T("app.share"), width="stretch"):
        st.caption(T("app.share_help"))
        st.code(url.share_url(cfg), language=None, wrap_lines=True)
        st.caption(T("lab.projector_link"))
        st.code(url.share_url(cfg, projector=True), language=None, wrap_lines=True)
        if not url.points_fit_link(cfg):
            paint.too_many_for_link(cfg)

"""Compare: this session's finished runs side by side. Their curves overlaid, the settings
that differ, test metrics and time, the decision boundaries of 2-D data as small
multiples; rename a run; "same seed, one change" trains the current setup with one setting
changed; the list exported and imported as a JSON file."""
import numpy as np
import pandas as pd
import streamlit as st

from playground.analysis import metric_names
from playground.config import FIELDS, parse_hidden
from playground.data import loaders, transfer_sets
from playground.data.features import FEATURES, LABELS
from playground.data.registry import DataKind
from playground.errors import ConfigError
from playground.figures import compare as compare_figs
from playground.runs import record as rec
from ui import data, depth_view, lab_preview, run_list, sidebar
from ui.lang import T, lang
from ui.session import Key, choice_key
from ui.widgets import translated_select

MAX_PICK = 6
BEST_CSS = "font-weight: 700; background-color: #dcfce7"
# the settings "one change" offers (the seed and the dataset stay: same data, same start)
ONE_CHANGE = ("hidden", "activation", "lr", "optimizer", "batch_size", "epochs", "dropout", "batch_norm",
              "residual", "weight_decay", "l1", "patience", "momentum", "scaler", "val_split", "shuffle", "model",
              "features", "n_samples", "noise", "transfer")


# --- formatting ---------------------------------------------------------------------------------

def value_text(name: str, v) -> str:
    """A setting as the sidebar shows it: '8-8', 'tanh', 0.03, ✓."""
    if name == "hidden":
        return depth_view.layers_text(v) or T("lab.no_hidden")      # 20 layers of 8: '20×8'
    if name == "features":
        return ", ".join(LABELS.get(f, f) for f in v)
    if name == "columns":
        return ", ".join(v) or T("columns.every")
    if name == "points":
        return T("compare.n_points", n=str(v).count(";") + 1 if v else 0)
    if isinstance(v, bool):
        return "✓" if v else "✗"
    if FIELDS[name].metadata["choices"]:
        return T.get(f"choice.{name}.{v}", str(v))
    return f"{v:g}" if isinstance(v, float) else str(v)


def status_text(status: str) -> str:
    return T.get(f"compare.status.{status}", status)


def note() -> None:
    """An import's result or a refused change, once."""
    if shown := st.session_state.pop(Key.COMPARE_NOTE, None):
        level, msg = shown
        {"error": st.error, "success": st.success, "warning": st.warning}.get(level, st.info)(msg)


def _styled(df: pd.DataFrame, colors: list[str], best: dict | None = None):
    """The run column in each run's colour (the curves' legend), the best value of each metric marked."""
    sty = df.style.apply(lambda col: [f"color: {c}; font-weight: 700" for c in colors], subset=[T("compare.run")])
    for column, higher in (best or {}).items():
        vals = pd.to_numeric(df[column], errors="coerce")
        if vals.notna().sum() > 1 and vals.nunique() > 1:
            target = vals.max() if higher else vals.min()
            sty = sty.apply(lambda col, t=target: [BEST_CSS if v == t else ""
                                                   for v in pd.to_numeric(col, errors="coerce")], subset=[column])
    return sty


# --- the comparison -----------------------------------------------------------------------------

def pick(records: list) -> list:
    """2-6 runs to compare (the last two at first); returns their records in list order."""
    ss = st.session_state
    ids = [r.id for r in records]
    names = {r.id: r.name for r in records}
    if Key.COMPARE_PICK not in ss:
        ss[Key.COMPARE_PICK] = ids[-2:]
    ss[Key.COMPARE_PICK] = [i for i in ss[Key.COMPARE_PICK] if i in names][:MAX_PICK]   # gone runs leave the pick
    chosen = st.multiselect(T("compare.pick"), ids, key=Key.COMPARE_PICK, max_selections=MAX_PICK,
                            format_func=lambda i: names.get(i, i), placeholder=T("compare.pick_placeholder"),
                            help=T("compare.pick_help", n=MAX_PICK))
    return [r for r in records if r.id in chosen]


def curves(picked: list) -> None:
    st.subheader(T("compare.curves"))
    if len({r.config.get("dataset") for r in picked}) > 1:
        st.warning(T("compare.different_data"), icon=":material/warning:")
    runs_ = [{"name": r.name, "task": r.task, "history": r.history_rows()} for r in picked]
    log = st.toggle(T("train.log_scale"), key=Key.COMPARE_LOG, help=T("train.log_scale_help"))
    st.plotly_chart(compare_figs.curves_figure(runs_, T, log_loss=log), key="compare_curves")
    if any(compare_figs.metric_of(r.task) != compare_figs.metric_of(picked[0].task) for r in picked):
        st.caption(T("compare.metric_left_out"))


def settings_table(picked: list) -> None:
    st.subheader(T("compare.settings"))
    fields = rec.differing_fields(picked)
    if not fields:
        st.info(T("compare.same_settings"), icon=":material/check:")
        return
    rows = [{T("compare.run"): r.name, **{T(f"field.{f}"): value_text(f, r.config.get(f)) for f in fields}}
            for r in picked]
    df = pd.DataFrame(rows)
    st.dataframe(_styled(df, [compare_figs.run_color(i) for i in range(len(picked))]), hide_index=True,
                 width="stretch", key="compare_settings_table")
    st.caption(T("compare.settings_help"))


def results_table(picked: list) -> None:
    st.subheader(T("compare.results"))
    shown = [m for m in rec.CLASSIFICATION_METRICS + rec.REGRESSION_METRICS
                    if any(r.test_metrics.get(m) is not None for r in picked)]
    rows, best = [], {}
    for r in picked:
        row = {T("compare.run"): r.name}
        for m in shown:
            row[T(f"eval.m.{m}")] = r.test_metrics.get(m)
            best[T(f"eval.m.{m}")] = m in metric_names.HIGHER_IS_BETTER
        row[T("compare.epochs_run")] = r.epochs_run
        row[T("compare.seconds")] = r.seconds
        row[T("compare.epoch_seconds")] = _median(r.history.get("seconds"))   # deeper: slower epochs
        row[T("compare.status")] = status_text(r.status)
        rows.append(row)
    best[T("compare.seconds")] = best[T("compare.epoch_seconds")] = False
    df = pd.DataFrame(rows)
    fmt = {T(f"eval.m.{m}"): st.column_config.NumberColumn(format="%.3f") for m in shown}
    fmt[T("compare.seconds")] = st.column_config.NumberColumn(format="%.1f")
    fmt[T("compare.epoch_seconds")] = st.column_config.NumberColumn(format="%.3f")
    st.dataframe(_styled(df, [compare_figs.run_color(i) for i in range(len(picked))], best), hide_index=True,
                 width="stretch", column_config=fmt, key="compare_results_table")
    st.caption(T("compare.results_help"))
    if any(not r.test_metrics for r in picked):
        st.caption(T("compare.no_metrics"))


def _median(values) -> float | None:
    return float(np.nanmedian(values)) if values is not None and len(values) else None


def _test_points(picked: list):
    """The test points of the runs' 2-D set when they all split the same data (else None)."""
    keys = ("dataset", "n_samples", "noise", "seed", "points", "test_split", "val_split")
    if len({tuple(str(r.config.get(k)) for k in keys) for r in picked}) != 1:
        return None
    cfg = picked[0].run_config()
    if cfg is None or loaders.is_csv_path(cfg.dataset):
        return None
    try:
        return lab_preview.plane_points(data.prepared_for(cfg), "test")
    except Exception:         # the points are a bonus: the surfaces are drawn without them
        return None


def boundaries(picked: list) -> None:
    with_surface = [r for r in picked if r.boundary is not None]
    if not with_surface:
        return
    st.subheader(T("compare.boundaries"))
    task = with_surface[0].task
    same = [r for r in with_surface if r.task == task]
    cfg = same[0].run_config()
    class_names = None
    if task == "multiclass" and cfg is not None:
        try:
            class_names = data.prepared_for(cfg).class_names
        except Exception:
            class_names = None
    fig = compare_figs.boundaries_figure(
        [{"name": r.name, "surface": r.boundary} for r in same], task, T, class_names=class_names,
        points=_test_points(same))
    st.plotly_chart(fig, key="compare_boundaries")
    st.caption(T("compare.boundary_help"))


# --- rename -------------------------------------------------------------------------------------

def _rename() -> None:
    ss = st.session_state
    run_list.rename(ss.get(Key.COMPARE_RENAME_RUN), ss.get(Key.COMPARE_RENAME_TEXT, ""))
    ss[Key.COMPARE_RENAME_TEXT] = ""


def rename(records: list) -> None:
    ss = st.session_state
    names = {r.id: r.name for r in records}
    if ss.get(Key.COMPARE_RENAME_RUN) not in names:
        ss[Key.COMPARE_RENAME_RUN] = records[-1].id
    row = st.container(horizontal=True, vertical_alignment="bottom")
    row.selectbox(T("compare.rename_which"), list(names), key=Key.COMPARE_RENAME_RUN,
                  format_func=lambda i: names.get(i, i), placeholder=T("select.placeholder"))
    row.text_input(T("compare.rename_to"), key=Key.COMPARE_RENAME_TEXT, max_chars=80,
                   placeholder=names.get(ss[Key.COMPARE_RENAME_RUN], ""))
    row.button(T("compare.rename"), key=Key.COMPARE_RENAME, on_click=_rename, icon=":material/edit:",
               disabled=not ss.get(Key.COMPARE_RENAME_TEXT, "").strip())


# --- same seed, one change ----------------------------------------------------------------------

def _one_change_fields(cfg) -> list[str]:
    info = loaders.DATASETS.get(cfg.dataset)
    toy = info is not None and info.kind == DataKind.TOY
    images = info is not None and info.image_shape is not None
    out = []
    for name in ONE_CHANGE:
        if FIELDS[name].metadata["toy"] and not toy or name in ("n_samples", "noise") and info and info.painted:
            continue
        if name == "model" and not images or name == "scaler" and images:
            continue
        if name == "transfer" and not transfer_sets.applies(cfg.dataset, cfg.model):   # a digit set's CNN only
            continue
        out.append(name)
    return out


def _new_value(name: str, raw):
    """The value widget's value as the field's type (hidden layers typed as '8, 2')."""
    if name == "hidden":
        return parse_hidden(raw)
    if name == "features":
        return tuple(f for f in FEATURES if f in raw)
    return raw


def _apply_one_change() -> None:
    """In the button's callback (before the sidebar is drawn): the sidebar's widget takes
    the new value and the lab is asked to start a run."""
    ss = st.session_state
    name = ss.get(Key.COMPARE_FIELD)
    try:
        cfg = data.config().replace(**{name: _new_value(name, ss.get(Key.COMPARE_VALUE))})
    except ConfigError as e:
        ss[Key.COMPARE_NOTE] = ("error", e.text(lang()))
        return
    sidebar._load_into_widgets(cfg, [name])
    ss[Key.PENDING_START] = True


def _value_widget(name: str, current):
    ss = st.session_state
    label = T("compare.new_value")
    if ss.get(Key.COMPARE_VALUE_FOR) != name:            # another field: its own kind of widget, from its value
        ss.pop(Key.COMPARE_VALUE, None)
        ss.pop(choice_key(Key.COMPARE_VALUE), None)
        ss[Key.COMPARE_VALUE_FOR] = name
        ss[Key.COMPARE_VALUE] = (", ".join(str(h) for h in current) if name == "hidden"
                                 else list(current) if name == "features" else current)
    m = FIELDS[name].metadata
    if name == "hidden":
        return st.text_input(label, key=Key.COMPARE_VALUE, help=T("compare.hidden_help"))
    if name == "features":
        return st.multiselect(label, FEATURES, key=Key.COMPARE_VALUE, format_func=LABELS.get,
                              placeholder=T("select.placeholder"))
    if m["choices"]:
        return translated_select(st.selectbox, label, m["choices"], Key.COMPARE_VALUE, default=current,
                                 format_func=lambda v: T.get(f"choice.{name}.{v}", v))
    if isinstance(current, bool):
        return st.toggle(label, key=Key.COMPARE_VALUE)
    if name == "lr":
        return st.select_slider(label, sorted(set(sidebar.LR_STEPS) | {current}), key=Key.COMPARE_VALUE,
                                format_func=lambda v: f"{v:g}")
    kind = type(FIELDS[name].default)
    return st.number_input(label, min_value=kind(m["lo"]), max_value=kind(m["hi"]), key=Key.COMPARE_VALUE,
                           step=kind(1) if kind is int else kind(SIDEBAR_STEP.get(name, 0.01)),
                           format=None if kind is int else "%g")


SIDEBAR_STEP = {**sidebar.SLIDER_STEPS, "weight_decay": 1e-4, "l1": 1e-4}


def one_change() -> None:
    st.subheader(T("compare.one_change"))
    cfg = data.config()
    st.caption(T("compare.one_change_help", seed=cfg.seed, dataset=cfg.dataset))
    fields = _one_change_fields(cfg)
    left, right = st.columns(2, vertical_alignment="bottom")
    with left:
        name = translated_select(st.selectbox, T("compare.field"), fields, Key.COMPARE_FIELD, default="hidden",
                                 format_func=lambda n: T(f"field.{n}"))
    current = getattr(cfg, name)
    with right:
        raw = _value_widget(name, current)
    try:
        new = _new_value(name, raw)
        problem = None
    except ConfigError as e:
        new, problem = current, e.text(lang())
    if problem:
        st.error(problem)
    st.caption(T("compare.change_line", field=T(f"field.{name}"), old=value_text(name, current),
                 new=value_text(name, new)))
    st.button(T("compare.one_change_button"), key=Key.COMPARE_ONE_CHANGE, type="primary", icon=":material/science:",
              disabled=bool(problem) or new == current, on_click=_apply_one_change)


# --- export / import ----------------------------------------------------------------------------

def export_import(records: list) -> None:
    ss = st.session_state
    st.subheader(T("compare.file"))
    left, right = st.columns(2)
    left.download_button(T("compare.export"), data=run_list.export_text() if records else "",
                         file_name="nn-playground-runs.json", mime="application/json", key=Key.COMPARE_EXPORT,
                         icon=":material/download:", disabled=not records, help=T("compare.export_help"))
    file = right.file_uploader(T("compare.import"), type=["json"], key=Key.COMPARE_IMPORT,
                               help=T("compare.import_help", n=run_list.KEEP))
    if file is None or ss.get(Key.COMPARE_IMPORT_ID) == file.file_id:
        return
    ss[Key.COMPARE_IMPORT_ID] = file.file_id
    try:
        added, dropped = run_list.import_text(file.getvalue())
    except ConfigError as e:
        ss[Key.COMPARE_NOTE] = ("error", T("compare.import_failed", file=file.name, why=e.text(lang())))
    else:
        msg = T("compare.imported", n=added, file=file.name)
        if dropped:
            msg += " " + T("compare.import_dropped", n=dropped, keep=run_list.KEEP)
        ss[Key.COMPARE_NOTE] = ("success", msg)
    st.rerun()


# --- the page -----------------------------------------------------------------------------------

def render() -> None:
    if st.session_state.get(Key.PENDING_START):     # "one change" was clicked: the lab starts the run
        st.switch_page("views/train.py")
    st.title(T("compare.title"))
    st.caption(T("compare.intro", n=run_list.KEEP))
    note()
    records = run_list.records()
    if not records:
        st.info(T("compare.empty"), icon=":material/compare_arrows:")
        st.page_link("views/train.py", label=T("compare.go_train"), icon=":material/model_training:")
    elif len(records) < 2:
        st.info(T("compare.one_run", name=records[0].name), icon=":material/compare_arrows:")
    else:
        picked = pick(records)
        if len(picked) < 2:
            st.info(T("compare.pick_more"), icon=":material/touch_app:")
        else:
            curves(picked)
            settings_table(picked)
            results_table(picked)
            boundaries(picked)
    if records:
        with st.expander(T("compare.rename_title"), icon=":material/edit:"):
            rename(records)
    one_change()
    export_import(records)


render()

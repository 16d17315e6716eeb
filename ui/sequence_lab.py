"""The lab on a sequence run: what the recurrent network remembers while it reads (its
hidden state per step for one validation example, the answer after each step, attention),
and for a series the forecast against the truth; before the first run, the data and the
baselines the network should beat. Data from the run's probe (inspect/sequence.py),
figures from playground/figures/sequences.py."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from playground.analysis import evaluation, sequence_baselines
from playground.data import table
from playground.data.registry import sequence_input
from playground.data.sequence_prep import SequencePrepared
from playground.errors import ConfigError
from playground.figures import sequences as seq_figs
from playground.inspect import sequence

from . import data, live_chart, runs
from .lang import T, lang
from .session import Key

LAB_UNROLLED_STEPS = 5     # what fits the lab's narrow column beside the answer


def is_sequence(prep) -> bool:
    return isinstance(prep, SequencePrepared)


def probe(trainer):
    """Computed in the training thread, at most once a second."""
    return sequence.record(trainer.model, trainer.data)


def _value(s):
    """The probe's (epoch, value); None before the first one (or when it failed)."""
    got = s.probes.get("sequence")
    if got is None or isinstance(got[1], Exception):
        return None
    return got


def _example_picker(ex: dict) -> int:
    options = list(range(len(ex["rows"])))
    if st.session_state.get(Key.LAB_SEQ_EXAMPLE) not in options:
        st.session_state[Key.LAB_SEQ_EXAMPLE] = 0
    return st.selectbox(T("seq.pick"), options, key=Key.LAB_SEQ_EXAMPLE,
                        format_func=lambda i: seq_figs.example_label(ex, i, T))


def memory_panel(s, job, memo, height: int) -> None:
    """The hidden state heatmap with the words under it, the answer after each step, attention."""
    got = _value(s)
    st.markdown(f"**{T('seq.memory_panel', epoch=got[0] if got else 0)}**", help=T("seq.memory_help"))
    if got is None:
        st.caption(T("seq.before_run"))
        return
    ex = got[1]["examples"]
    i = _example_picker(ex)
    # the last steps read, unrolled (x_t and h_(t-1) into h_t, the same weights each step): the whole row is on Inside
    unrolled = memo("seq_unrolled", (got[0], i, lang(), id(got[1])),
                    lambda: seq_figs.unrolled_figure(ex, i, T, height=150, most=LAB_UNROLLED_STEPS, compact=True))
    live_chart.chart(unrolled, key=Key.SEQ_UNROLLED, config={"displayModeBar": False}, revision=runs.serial())
    fig = memo("seq_memory", (got[0], i, lang(), id(got[1])), lambda: seq_figs.state_figure(ex, i, T, height=height))
    live_chart.chart(fig, key=Key.SEQ_MEMORY, config={"displayModeBar": False}, revision=runs.serial())


def forecast_panel(s, job, memo, height: int) -> None:
    got = _value(s)
    st.markdown(f"**{T('seq.forecast_panel', epoch=got[0] if got else 0)}**", help=T("seq.forecast_help"))
    if got is None or "forecast" not in got[1]:
        st.caption(T("seq.before_run"))
        return
    fig = memo("seq_forecast", (got[0], lang(), id(got[1])),
               lambda: seq_figs.forecast_figure(got[1]["forecast"], T, height=height))
    live_chart.chart(fig, key=Key.SEQ_FORECAST, config={"displayModeBar": False}, revision=runs.serial())


@st.cache_data(max_entries=32, show_spinner=False)
def _baseline_scores(key: tuple, _prep) -> dict:
    return sequence_baselines.scores(_prep)


def _scores(prep) -> dict:
    """Shared across sessions for the app's own series and sentences; an uploaded table's kept in
    its session: a table re-uploaded with the same name and size (a value fixed) may take the
    old one's id, and a shared cache keyed by it showed the old scores."""
    if prep.dataset.source != table.UPLOADED:
        return _baseline_scores((prep.dataset.name, prep.window, len(prep.train.y), prep.dataset.n_rows, id(prep)),
                                prep)
    return data.kept_for_upload(Key.UPLOAD_BASELINES, prep, None, lambda: sequence_baselines.scores(prep))


def baselines_table(prep, network: dict | None = None) -> None:
    """The baselines' test scores (and the network's, once it has them), side by side."""
    scores = _scores(prep)
    metric = "rmse" if prep.task == "regression" else "accuracy"
    rows = {T(f"seq.baseline.{name}"): m.get(metric) for name, m in scores.items()}
    if network and network.get(metric) is not None:
        rows[T("seq.baseline.network")] = network[metric]
    st.markdown(f"**{T('seq.baselines')}**")
    st.dataframe(pd.DataFrame({metric: rows}), width="stretch",
                 column_config={metric: st.column_config.NumberColumn(format="%.4f")})


def preview(prep) -> None:
    """Before the first run: the first examples and the baselines."""
    st.markdown(f"**{T('seq.first_examples')}**")
    if prep.is_tokens:
        rows = prep.dataset.X.iloc[prep.train.index[:8]].assign(**{prep.dataset.target_name: [
            prep.class_names[int(v)] for v in prep.train.y[:8]]})
    else:
        rows = prep.dataset.X.head(8)
    st.dataframe(rows, hide_index=True, width="stretch")
    baselines_table(prep)
    st.caption(T("seq.before_run"))


def network_scores(s, job, memo) -> dict | None:
    """The network's test scores once the run is over (its kept weights), else None."""
    if not s.finished:
        return None

    def build():
        model = job.model_copy(s)
        return None if model is None else evaluation.summary(evaluation.predictions(model, job.prepared, "test"))
    return memo("seq_scores", (id(job), s.weights_epoch, s.status), build)


def preview_for(cfg) -> bool:
    """The sequence lab's preview when the sidebar names a sequence set, or a table read as
    one (False: not one)."""
    if sequence_input(cfg) is None:
        return False
    try:
        prep = data.prepared_for(cfg)
    except ConfigError as e:
        st.error(e.text(lang()))
        return True
    preview(prep)
    return True


def inside_panel(s, job, height: int = 440) -> None:
    """The Inside page on a sequence run: the same memory (and forecast) views, larger; from
    the run's probe, or from a copy of its model when the run has none (yet)."""
    got = _value(s)
    if got is None:
        model = job.model_copy(s)
        if model is None:
            st.info(T("seq.before_run"))
            return
        got = (s.epoch, sequence.record(model.eval(), job.prepared))
    st.subheader(T("seq.memory_panel", epoch=got[0]), help=T("seq.memory_help"))
    ex = got[1]["examples"]
    i = _example_picker(ex)
    st.plotly_chart(seq_figs.unrolled_figure(ex, i, T), key="inside_seq_unrolled")
    st.plotly_chart(seq_figs.state_figure(ex, i, T, height=height), key="inside_seq_memory")
    if "forecast" in got[1]:
        st.subheader(T("seq.forecast_panel", epoch=got[0]), help=T("seq.forecast_help"))
        st.plotly_chart(seq_figs.forecast_figure(got[1]["forecast"], T, height=height - 60), key="inside_seq_forecast")

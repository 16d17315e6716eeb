"""The Evaluate page's views of a sequence run, on the split it evaluates (the test set by
default), below the usual metrics: for a series the period over time (one-step forecast,
rolled forward, the baselines on the same targets, their errors, the residuals over time);
for words and symbols the sentences read word by word, the network's mistakes first, next
to the bag of words. Numbers from analysis/sequence_errors.py, the network's reading from
inspect/sequence_eval.py, figures from figures/sequence_eval.py and figures/sequences.py."""
import numpy as np
import pandas as pd
import streamlit as st

from playground.analysis import sequence_errors as errs
from playground.analysis.evaluation import Predictions
from playground.data.sequence_prep import SequencePrepared
from playground.figures import sequence_eval as figs
from playground.figures import sequences as seq_figs
from playground.inspect import sequence_eval as reading
from ui import widgets
from ui.lang import T
from ui.session import Key
from views.evaluate_cv import fmt

# widget keys (to join ui.session.Key: which sentences, which one to follow)
SHOWN = 12            # sentences drawn as strips (a screen's worth at 1280x720)


def _model(job, snap, cached):
    return cached(job, "seq_model", lambda: job.model_copy(snap))


# --- series -------------------------------------------------------------------------------------

def _verdict(rep: dict) -> None:
    e, best = rep["errors"], rep["best_baseline"]
    net, base = e["one_step"]["rmse"], e[best]["rmse"]
    args = dict(name=T(f"seq.baseline.{best}"), net=fmt(net), base=fmt(base))
    if net < base:
        st.success(T("eval_seq.verdict_network", **args), icon=":material/check_circle:")
    else:
        st.warning(T("eval_seq.verdict_baseline", **args), icon=":material/balance:")


def _errors_table(rep: dict) -> None:
    cols = {"rmse": T("eval.m.rmse"), "mae": T("eval.m.mae"), "bias": T("eval_seq.col.bias"),
            "mae_first": T("eval_seq.col.mae_first"), "mae_second": T("eval_seq.col.mae_second")}
    df = pd.DataFrame([{T("eval_seq.col.method"): figs.method_name(name, T), **{cols[k]: e.get(k) for k in cols}}
                       for name, e in rep["errors"].items()])
    st.markdown(f"**{T('eval_seq.errors_title')}**", help=T("eval_seq.errors_help"))
    st.dataframe(df, hide_index=True, width="stretch", height=35 * (len(df) + 1) + 3,
                 column_config={c: st.column_config.NumberColumn(format="%.3f") for c in cols.values()})


def _growth(rep: dict) -> None:
    e = rep["errors"]["one_step"]
    if "mae_first" not in e:
        return
    up = e["mae_second"] > 1.25 * e["mae_first"]
    unit = rep["target"]
    text = T("eval_seq.growth_up" if up else "eval_seq.growth_flat", first=fmt(e["mae_first"]),
             second=fmt(e["mae_second"]), slope=f"{rep['trend']['one_step']:+.3g}", target=unit)
    if abs(e["bias"]) > 0.5 * e["mae"]:   # mostly on one side: a lag, not noise
        text += " " + T("eval_seq.bias_below" if e["bias"] > 0 else "eval_seq.bias_above", bias=fmt(abs(e["bias"])))
    st.caption(text)


def series_view(job, snap, pred: Predictions, cached) -> None:
    prep, split = job.prepared, pred.split
    rep = cached(job, f"seq_series_{split}", lambda: errs.series_report(
        prep, reading.series_forecast(_model(job, snap, cached), prep, split), job.cfg.seed, split))
    st.subheader(T("eval_seq.series_title", split=T(f"eval.split.{split}")), help=T("eval_seq.series_help"))
    st.caption(T("eval_seq.series_caption", n=len(rep["truth"]), start=f"{rep['time'][0]:.2f}",
                 end=f"{rep['time'][-1]:.2f}", window=prep.window))
    e, best = rep["errors"], rep["best_baseline"]
    c1, c2, c3 = st.columns(3)
    c1.metric(T("eval_seq.m.rmse_one_step"), fmt(e["one_step"]["rmse"]))
    if "rolled" in e:
        ratio = e["rolled"]["rmse"] / max(e["one_step"]["rmse"], 1e-12)
        c2.metric(T("eval_seq.m.rmse_rolled"), fmt(e["rolled"]["rmse"]),
                  delta=T("eval_seq.m.rolled_delta", ratio=f"{ratio:.1f}"), delta_color="inverse" if ratio > 1 else "off")
    c3.metric(T("eval_seq.m.rmse_best"), fmt(e[best]["rmse"]), delta=T(f"seq.baseline.{best}"), delta_color="off",
              delta_arrow="off")
    if "rolled" not in e:
        st.info(T("eval_seq.no_roll"), icon=":material/shuffle:")
    st.plotly_chart(figs.period_forecast_figure(rep, T), key="eval_seq_forecast")
    _verdict(rep)
    _errors_table(rep)
    st.plotly_chart(figs.residual_time_figure(rep, T), key="eval_seq_residuals")
    _growth(rep)


# --- words and symbols ------------------------------------------------------------------------------

def _threshold(pred: Predictions) -> float:
    """The page's threshold (binary); argmax otherwise."""
    return float(st.session_state.get(Key.EVAL_THRESHOLD, 0.5)) if pred.task == "binary" else 0.5


def _negation_table(table: dict) -> None:
    rows = errs.by_negation(table)
    if len(rows) < 3:        # no sentence with (or all with) a negation: nothing to compare
        return
    st.markdown(f"**{T('eval_seq.negation_title')}**", help=T("eval_seq.negation_help"))
    net, bow = T("eval_seq.col.net_acc"), T("eval_seq.col.bow_acc")
    df = pd.DataFrame({T("eval_seq.col.part"): [T(f"eval_seq.part.{r['part']}") for r in rows],
                       T("eval_seq.col.sentences"): [r["n"] for r in rows],
                       net: [r["network"] for r in rows], bow: [r["bag_of_words"] for r in rows]})
    st.dataframe(df, hide_index=True, width="stretch",
                 column_config={c: st.column_config.ProgressColumn(format="%.3f", min_value=0, max_value=1)
                                for c in (net, bow)})


def _strips(ex: dict, table: dict, pos: np.ndarray, times: np.ndarray) -> list[dict]:
    out = []
    for i, (p, repeats) in enumerate(zip(pos, times)):
        keep = ~np.asarray(ex["padding"][i], bool)
        words = [w for w, k in zip(ex["words"][i], keep) if k]
        curve = errs.p_true_steps(table["task"], np.asarray(ex["steps"][i])[keep], table["truth"][p])
        out.append({"label": f"#{i + 1}" + (f" ×{repeats}" if repeats > 1 else ""), "words": words, "p": curve})
    return out


def _sentence_rows(table: dict, pos: np.ndarray, times: np.ndarray, names) -> pd.DataFrame:
    def verdict(label, truth):
        return ("✓ " if label == truth else "✗ ") + str(names[label])
    t = table
    return pd.DataFrame({"#": [f"#{i + 1}" for i in range(len(pos))],
                         T("eval_seq.col.sentence"): [t["text"][p] for p in pos],
                         T("eval_seq.col.true"): [str(names[t["truth"][p]]) for p in pos],
                         T("eval_seq.col.net"): [verdict(t["net_label"][p], t["truth"][p]) for p in pos],
                         T("eval_seq.col.net_p"): [float(t["net_p"][p]) for p in pos],
                         T("eval_seq.col.bow"): [verdict(t["bow_label"][p], t["truth"][p]) for p in pos],
                         T("eval_seq.col.bow_p"): [float(t["bow_p"][p]) for p in pos],
                         T("eval_seq.col.times"): times})


def _follow(job, ex: dict, table: dict, pos: np.ndarray, thr: float) -> None:
    """One sentence: the network's and the bag of words' belief after each word, attention,
    and (folded) the hidden state heatmap of the Lab."""
    options = list(range(len(pos)))
    if st.session_state.get(Key.EVAL_SEQ_SENTENCE) not in options:
        st.session_state[Key.EVAL_SEQ_SENTENCE] = 0
    i = st.selectbox(T("eval_seq.pick"), options, key=Key.EVAL_SEQ_SENTENCE,
                     format_func=lambda k: f"#{k + 1} · {table['text'][pos[k]]}")
    p, names = pos[i], job.prepared.class_names
    keep = ~np.asarray(ex["padding"][i], bool)
    words = [w for w, k in zip(ex["words"][i], keep) if k]
    truth = int(table["truth"][p])
    net = errs.p_true_steps(table["task"], np.asarray(ex["steps"][i])[keep], truth)
    bow = errs.bow_after_each_word(job.prepared, [table["text"][p]], [len(words)], job.cfg.seed)[0]
    line = (thr if truth == 1 else 1 - thr) if table["task"] == "binary" else None
    attention = None if ex["attention"] is None else np.asarray(ex["attention"][i])[keep]
    st.plotly_chart(figs.belief_figure(words, net, errs.p_true_steps(table["task"], bow, truth), attention,
                                       str(names[truth]), line, T), key="eval_seq_belief")
    if (state := widgets.opened(T("eval_seq.state_expander"), Key.EVAL_SEQ_STATE, ":material/memory:")) is not None:
        state.plotly_chart(seq_figs.state_figure(ex, i, T), key="eval_seq_state")


def tokens_view(job, snap, pred: Predictions, cached) -> None:
    prep, split, thr = job.prepared, pred.split, _threshold(pred)
    table = cached(job, f"seq_sentences_{split}_{thr:.2f}",
                   lambda: errs.sentence_table(prep, pred.output, thr, job.cfg.seed, split))
    st.subheader(T("eval_seq.tokens_title", split=T(f"eval.split.{split}")), help=T("eval_seq.tokens_help"))
    n = errs.counts(table)
    st.caption(T("eval_seq.tokens_caption", n=n["all"], net=n["net_wrong"],
                 bow=int((table["bow_label"] != table["truth"]).sum()), t=f"{thr:.2f}"))
    _negation_table(table)
    first = next(g for g in ("net_wrong", "bow_wrong", "all") if n[g])
    group = widgets.translated_select(st.radio, T("eval_seq.group"), list(errs.GROUPS), Key.EVAL_SEQ_GROUP,
                                      lambda g: T(f"eval_seq.group.{g}", n=n[g]), default=first, horizontal=True)
    pos, times = errs.distinct(table, errs.group(table, group), SHOWN)
    if not len(pos):
        st.info(T("eval_seq.group_empty"))
        return
    if n[group] > len(pos):
        st.caption(T("eval_seq.group_more", shown=len(pos), n=n[group]))
    ex = cached(job, f"seq_examples_{split}_{group}_{thr:.2f}",
                lambda: reading.examples(_model(job, snap, cached), prep, pos, split))
    st.plotly_chart(figs.belief_strips_figure(_strips(ex, table, pos, times), T), key="eval_seq_strips")
    pct = st.column_config.NumberColumn(format="%.2f")
    st.dataframe(_sentence_rows(table, pos, times, prep.class_names), hide_index=True, width="stretch",
                 height=35 * (len(pos) + 1) + 3, column_config={T("eval_seq.col.net_p"): pct, T("eval_seq.col.bow_p"): pct})
    _follow(job, ex, table, pos, thr)


def sequence_section(job, snap, pred: Predictions, cached) -> None:
    """The sequence views of a finished run (nothing for any other run)."""
    if not isinstance(job.prepared, SequencePrepared):
        return
    (tokens_view if job.prepared.is_tokens else series_view)(job, snap, pred, cached)

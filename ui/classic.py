"""Evaluate's "classic models" section: a decision tree, a random forest, an SVM and k-nearest
neighbours fitted on the network's training rows (playground.analysis.classic), each one's
scores on the split beside the network's, one model's evaluation drawn as the network's is
(confusion matrix, probabilities, ROC and precision-recall; or predicted-vs-actual and
residuals), the tree's rules with their impurity; then k-means and an isolation forest
(ui/classic_unsupervised.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from playground.analysis import classic, evaluation, metric_names
from playground.figures import classic as classic_figs
from playground.figures import evaluation as eval_figs
from playground.figures import tree as tree_figs

from . import classic_unsupervised as unsupervised
from .lang import T
from .session import Key
from .widgets import opened, translated_select

NETWORK = "network"


def _model_name(kind: str) -> str:
    return T("classic.col_network") if kind == NETWORK else T(f"classic.model.{kind}")


def _table(task: str, rows: dict) -> pd.DataFrame:
    keys = metric_names.for_task(task)
    return pd.DataFrame({T("classic.col_model"): [_model_name(k) for k in rows],
                         **{T(f"eval.m.{m}"): [rows[k].get(m) for k in rows] for m in keys}})


def _best(task: str, rows: dict) -> tuple[str, float]:
    key = metric_names.for_task(task)[0]   # accuracy, or R²: higher is better
    scored = {k: v[key] for k, v in rows.items() if v.get(key) is not None}
    kind = max(scored, key=scored.get)
    return kind, scored[kind]


def _named(fig, kind: str):
    """The network's figure, titled with the model's name (the page has the network's own)."""
    return fig.update_layout(title_text=f"{fig.layout.title.text or ''} · {_model_name(kind)}")


def _model_views(kind: str, pred: evaluation.Predictions, prep) -> None:
    """The chosen model's evaluation, drawn as the network's is."""
    c1, c2 = st.columns(2)
    if pred.task == "regression":
        v = evaluation.regression_view(pred)
        c1.plotly_chart(_named(eval_figs.pred_actual_figure(v["actual"], v["predicted"], T, prep.dataset.target_name),
                               kind), key=f"classic_pa_{kind}")
        c2.plotly_chart(_named(eval_figs.residual_figure(v["predicted"], v["residual"], T), kind),
                        key=f"classic_res_{kind}")
        return
    if pred.task == "binary":
        _binary_views(kind, pred, c1, c2)
        return
    cm = evaluation.summary(pred)["confusion_matrix"]
    c1.plotly_chart(_named(eval_figs.confusion_figure(cm, pred.class_names, T), kind), key=f"classic_cm_{kind}")
    if roc := evaluation.curves(pred)["roc"]:
        c2.plotly_chart(_named(eval_figs.roc_figure(roc, T, class_names=pred.class_names), kind),
                        key=f"classic_roc_{kind}")


def _binary_views(kind: str, pred: evaluation.Predictions, c1, c2) -> None:
    """The network's binary views at its 0.5 threshold: the confusion matrix, how the
    probabilities fall around the threshold, ROC and precision-recall with the operating point."""
    names = pred.class_names
    point = evaluation.at_threshold(pred.y_true, pred.output, 0.5)
    c1.plotly_chart(_named(eval_figs.confusion_figure(point["confusion_matrix"], names, T), kind),
                    key=f"classic_cm_{kind}")
    prob = eval_figs.probability_figure(pred.y_true, pred.output, 0.5, names, T)
    prob.update_layout(title_text=T("classic.plot.prob_title"))   # a forest's probabilities are no sigmoid's
    c2.plotly_chart(_named(prob, kind), key=f"classic_prob_{kind}")
    cur = evaluation.curves(pred)
    c3, c4 = st.columns(2)
    if cur["roc"]:
        c3.plotly_chart(_named(eval_figs.roc_figure(cur["roc"], T, point=point), kind), key=f"classic_roc_{kind}")
    if "pr" in cur:
        c4.plotly_chart(_named(eval_figs.pr_figure(cur["pr"], T, point=point, prevalence=float(np.mean(pred.y_true))),
                               kind), key=f"classic_pr_{kind}")


def _tree(est, prep) -> None:
    crit = classic.impurity_name(est)
    size = classic.tree_size(est)
    st.markdown(T("classic.tree_caption", impurity=T.get(f"classic.impurity.{crit}", crit), **size),
                help=T.get(f"classic.impurity.{crit}.help", T("classic.impurity.help")))
    names = prep.class_names if prep.task != "regression" else None
    st.plotly_chart(tree_figs.tree_figure(est, prep.feature_names, names, T, max_depth=3), key="classic_tree",
                    config={"displayModeBar": False})
    if (rules := opened(T("classic.tree.rules"), Key.EVAL_TREE_RULES)) is not None:   # the nodes as text, to copy
        rules.code("\n".join(classic.tree_lines(est, prep.feature_names, names, max_depth=3)), language=None)


def section(job, pred: evaluation.Predictions, prep, cached) -> None:
    """`cached(job, name, fn)`: the page's per-run memo (fitted once per trained run)."""
    if not classic.applies(prep):   # sequences: their own baselines, above
        return
    st.subheader(T("classic.title"), help=T("classic.help"))
    if not classic.fits(prep):
        st.info(T("classic.too_large", rows=prep.train.X.shape[0], cols=prep.train.X.shape[1]))
        return
    try:
        with st.spinner(T("classic.fitting")):   # mnist's 3,200 digits: ~1.2 s, once per run
            models = cached(job, "classic", lambda: classic.fit_all(prep, job.cfg.seed))
            preds = cached(job, f"classic_{pred.split}",
                           lambda: {k: classic.predictions(est, prep, pred.split) for k, est in models.items()})
    except Exception as e:   # a failed classic model must not hide the network's evaluation
        st.warning(T("classic.error", msg=f"{type(e).__name__}: {e}"))
        return
    rows = {NETWORK: evaluation.summary(pred), **{k: evaluation.summary(p) for k, p in preds.items()}}
    st.caption(T("classic.caption", n=len(prep.train.y), split=T(f"eval.split.{pred.split}")))
    cols = [T(f"eval.m.{m}") for m in metric_names.for_task(pred.task)]
    st.dataframe(_table(pred.task, rows), hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="%.3f") for c in cols})
    kind, value = _best(pred.task, rows)
    st.caption(T("classic.best", model=_model_name(kind), metric=cols[0], value=f"{value:.3f}"))
    main = metric_names.for_task(pred.task)[0]
    st.plotly_chart(classic_figs.scores_figure([_model_name(k) for k in rows], [r.get(main) for r in rows.values()],
                                               cols[0], _model_name(NETWORK), T), key="classic_scores")
    if "svm" not in models:
        st.caption(T("classic.svm_skipped", rows=prep.train.X.shape[0], cols=prep.train.X.shape[1]))
    chosen = translated_select(st.segmented_control, T("classic.view"), list(models), Key.EVAL_CLASSIC,
                               _model_name, default="tree") or "tree"
    _model_views(chosen, preds[chosen], prep)
    if chosen == "tree":
        _tree(models["tree"], prep)
    unsupervised.section(job, prep, cached)

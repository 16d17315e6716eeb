"""Evaluate's classic models without labels, under the classic models' table, for the 2-D
sets and tables (not images): k-means (the elbow, the silhouette, a chosen k's clusters
beside the true classes; a table on its first two principal components) and an isolation
forest finding outliers planted in the training rows (a score map on the plane, or a
table's most anomalous rows, and the precision and recall of its flags)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from playground.analysis import classic, clustering, outliers
from playground.figures import classic as classic_figs
from playground.figures import evaluation as eval_figs
from playground.figures import outliers as outlier_figs

from .lang import T
from .session import Key
from .widgets import opened


def applies(prep) -> bool:
    """Rows of a few named inputs: a 2-D set or a table (images' pixels are not drawn here)."""
    return prep.image_shape is None


def kmeans(job, prep, cached) -> None:
    if (box := opened(T("classic.kmeans.title"), Key.EVAL_KMEANS, ":material/bubble_chart:")) is None:
        return           # fitted and drawn once opened
    with box:
        st.caption(T("classic.kmeans.caption", n=min(len(prep.train.y), classic.KMEANS_ROWS)))
        curves = cached(job, "kmeans", lambda: classic.kmeans_curves(prep, job.cfg.seed))
        st.plotly_chart(classic_figs.elbow_figure(curves, T), key="classic_elbow")
        best = curves["best_k"]
        st.caption(T("classic.kmeans.best", k=best, s=f"{curves['silhouette'][curves['k'].index(best)]:.3f}"))
        k = st.select_slider(T("classic.kmeans.k"), options=curves["k"], value=best, key=Key.EVAL_KMEANS_K,
                             help=T("classic.kmeans.k_help"))
        st.plotly_chart(classic_figs.silhouette_figure(clustering.at_k(curves, k), T, prep.dataset.target_name),
                        key="classic_knife")
        if curves["explained"]:
            st.caption(T("classic.kmeans.pca", share=f"{sum(curves['explained']):.0%}"))
        if (ari := clustering.agreement(curves, k)) is not None:
            st.caption(T("classic.kmeans.ari", k=k, ari=f"{ari:.2f}"))


def _metrics(res: dict) -> None:
    values = {"planted": res["n_planted"], "flagged": res["n_flagged"], "precision": f"{res['precision']:.3f}",
              "recall": f"{res['recall']:.3f}", "ap": f"{res['pr']['average_precision']:.3f}"}
    for col, (name, value) in zip(st.columns(len(values)), values.items()):
        col.metric(T(f"outliers.m.{name}"), value, help=T(f"outliers.m.{name}.help"))


def _top_table(res: dict) -> pd.DataFrame:
    top = res["top"]
    src = [T("outliers.src.planted") if r["source"] < 0 else T("outliers.src.row", i=r["source"]) for r in top]
    cols = {T("outliers.col.rank"): range(1, len(top) + 1), T("outliers.plot.score"): [r["score"] for r in top],
            T("outliers.col.flagged"): [r["flagged"] for r in top], T("outliers.col.planted"): [r["planted"] for r in top],
            T("outliers.col.source"): src}
    return pd.DataFrame({**cols, **{name: [r["values"][j] for r in top] for j, name in enumerate(res["features"])}})


def isolation(job, prep, cached) -> None:
    if (box := opened(T("outliers.title"), Key.EVAL_OUTLIERS, ":material/crisis_alert:")) is None:
        return
    with box:
        res = cached(job, "isolation", lambda: outliers.isolation(prep, job.cfg.seed))
        plane = outliers.on_plane(prep)
        st.caption(T("outliers.caption", n=res["n"] - res["n_planted"], planted=res["n_planted"],
                     how=T("outliers.how_plane" if plane else "outliers.how_table")))
        _metrics(res)
        pr = eval_figs.pr_figure(res["pr"], T, point=res["point"], prevalence=res["n_planted"] / res["n"])
        pr.update_layout(title_text=f"{pr.layout.title.text} · {T('outliers.plot.pr_suffix')}")
        if plane:
            c1, c2 = st.columns(2)
            c1.plotly_chart(outlier_figs.score_map_figure(res, T), key="classic_outliers_map")
            c2.plotly_chart(pr, key="classic_outliers_pr")
        else:
            st.markdown(f"**{T('outliers.top', n=len(res['top']))}**", help=T("outliers.top_help"))
            st.dataframe(_top_table(res), hide_index=True, width="stretch", height=35 * (len(res["top"]) + 1) + 3,
                         column_config={T("outliers.plot.score"): st.column_config.NumberColumn(format="%.3f"),
                                        **{f: st.column_config.NumberColumn(format="%.2f") for f in res["features"]}})
            c1, c2 = st.columns(2, vertical_alignment="center")
            c1.plotly_chart(pr, key="classic_outliers_pr")
            c2.caption(T("outliers.reading"))
            return
        st.caption(T("outliers.reading"))


def section(job, prep, cached) -> None:
    if not applies(prep):
        return
    for view in (kmeans, isolation):
        try:
            view(job, prep, cached)
        except Exception as e:   # e.g. a user's table of identical rows: the rest of the page still shows
            st.warning(T("classic.error", msg=f"{type(e).__name__}: {e}"))

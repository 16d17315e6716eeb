"""Data: what the chosen dataset looks like and what preprocessing does to each column."""
import numpy as np
import pandas as pd
import plotly.express as px
import streamlit as st

from playground.data import label_format, loaders
from playground.errors import ConfigError
from ui import data, transfer_view
from ui.lang import T, lang


def overview(ds, prep) -> None:
    info = loaders.DATASETS.get(ds.name)
    st.markdown(f"### {ds.name}")
    st.write(T(f"dataset.{ds.name}") if info else T("data.uploaded_caption", rows=ds.n_rows))
    c = st.columns(4)
    c[0].metric(T("datapage.rows"), f"{ds.n_rows:,}")
    c[1].metric(T("datapage.features"), len(ds.feature_names) if ds.image_shape is None else
                f"{ds.image_shape[0]}×{ds.image_shape[1]}")
    c[2].metric(T("datapage.task"), T(f"task.{ds.task}"))
    c[3].metric(T("datapage.target"), ds.target_name)
    st.caption(T("datapage.source", source=T.get(f"source.{ds.source}", ds.source)))
    st.caption(T("datapage.split", train=len(prep.train.y), val=len(prep.val.y), test=len(prep.test.y),
                 how=T("datapage.stratified") if prep.stratified and ds.is_classification else T("datapage.random")))


def preview(ds) -> None:
    st.subheader(T("datapage.preview"))
    if ds.image_shape is not None:
        rng = np.random.default_rng(0)
        idx = rng.choice(ds.n_rows, 24, replace=False)
        imgs = [np.asarray(ds.X[i], float).reshape(ds.image_shape) / ds.pixel_max for i in idx]
        st.image(imgs, caption=[ds.class_names[ds.y[i]] for i in idx], width=64, clamp=True)
        return
    head = ds.X.head(10).copy()
    head.insert(0, f"{ds.target_name} ({T('datapage.target')})",
                [ds.class_names[v] if ds.class_names else v for v in ds.y[:10]])
    st.dataframe(head, width="stretch")
    if list(ds.X.columns) == ["x1", "x2"]:
        fig = px.scatter(x=ds.X["x1"], y=ds.X["x2"],
                         color=[ds.class_names[v] for v in ds.y] if ds.class_names else ds.y,
                         labels={"x": "x1", "y": "x2", "color": ds.target_name}, height=360)
        fig.update_yaxes(scaleanchor="x", scaleratio=1)
        st.plotly_chart(fig)


def target_distribution(ds) -> None:
    if ds.is_classification:
        st.subheader(T("datapage.balance"))
        counts = pd.Series(ds.y).value_counts().sort_index()
        fig = px.bar(x=[ds.class_names[i] for i in counts.index], y=counts.values,
                     labels={"x": T("datapage.class"), "y": T("datapage.count")}, height=320, text_auto=True)
        fig.update_xaxes(type="category")
    else:
        st.subheader(T("datapage.target_dist"))
        fig = px.histogram(x=ds.y, nbins=30, labels={"x": ds.target_name, "y": T("datapage.count")}, height=320)
        fig.update_layout(yaxis_title=T("datapage.count"))
    st.plotly_chart(fig)


def describe_step(step: dict) -> str:
    op = step["op"]
    if op == "impute":
        value = step["value"] if isinstance(step["value"], str) else f"{step['value']:.4g}"
        return T(f"pipe.impute_{step['how']}", count=step["count"], value=value)
    if op == "scale":
        return T(f"choice.scaler.{step['how']}")
    if op == "onehot":
        text = T("pipe.onehot", n=len(step["categories"]) + bool(step.get("grouped")),
                 cats=", ".join(step["categories"][:8]))
        return text + (T("pipe.onehot_grouped", grouped=step["grouped"]) if step.get("grouped") else "")
    if op == "scale01":
        return T("pipe.scale01", max=f"{step['max']:g}")
    if op == "raw_pixels":
        return T("pipe.raw_pixels", max=f"{step['max']:g}")
    return T("pipe.keep")


def pipeline(ds, prep) -> None:
    st.subheader(T("datapage.pipeline"))
    st.caption(T("datapage.pipeline_help"))
    rows = [{T("pipe.column"): p["column"], T("pipe.kind"): T(f"pipe.kind_{p['kind']}"),
             T("pipe.missing"): p["missing"], T("pipe.steps"): " → ".join(describe_step(s) for s in p["steps"]),
             T("pipe.outputs"): len(p["outputs"]) or prep.n_features} for p in prep.pipeline]
    st.dataframe(pd.DataFrame(rows), width="stretch", hide_index=True)
    for note in ds.notes:
        st.info(T(f"pipe.note_{note['note']}", **{k: v for k, v in note.items() if k != "note"}))


def labels_line(prep, labels: str) -> None:
    """Multi-class: one training example's label as the loss sees it (config.labels), and that loss."""
    if (example := label_format.first_example(prep, labels)) is not None:
        st.caption(T("labels.datapage", format=T(f"choice.labels.{labels}"), name=example[0], label=f"`{example[1]}`",
                     loss=T(f"labels.loss_{labels}")))


def render() -> None:
    st.title(T("datapage.title"))
    cfg = data.config()
    try:
        ds = data.dataset_for(cfg)
        prep = data.prepared_for(cfg)
    except ConfigError as e:
        st.error(e.text(lang()))
        return
    overview(ds, prep)
    left, right = st.columns([3, 2])
    with left:
        preview(ds)
    with right:
        target_distribution(ds)
    pipeline(ds, prep)
    labels_line(prep, cfg.labels)
    transfer_view.data_section(cfg, prep)


render()

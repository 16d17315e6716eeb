"""Streamlit glue shared by the pages, and no page content. The engine (playground/)
stays free of Streamlit; this package is the only bridge.

session   every session-state key, declared once
lang      the session's language and `T`, a translator that follows it
data      the sidebar's config, the uploaded table, the dataset and split they name
url       the config in the link, both ways
sidebar   the controls, generated from playground.config.FIELDS
widgets   the run controls (Train / Pause / Resume / One epoch / Stop) and translated selects
runs      start a training run or a cross-validation; the guard that stops a dropped session's job
status    the sidebar's run status and the status line the pages share
"""

"""Streamlit's file uploader writes its own English ("Upload", "20MB per file • CSV") and
has no parameter for it (streamlit/streamlit#13500): its text is hidden by CSS and ours,
in the session's language, drawn in its place, on every page's uploaders."""
from __future__ import annotations

import streamlit as st

from .lang import T

BUTTON = "[data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer] p"
LIMIT = "[data-testid=stFileUploaderDropzoneInstructions] span"


def css() -> str:
    """The rules: each English text at size 0, ours after it."""
    mb = int(st.get_option("server.maxUploadSize"))
    button, limit = _quoted(T("upload.button")), _quoted(T("upload.limit", mb=mb))
    return (f"<style>{BUTTON},{LIMIT}{{font-size:0}}"
            f"{BUTTON}::after{{content:{button};font-size:0.875rem}}"
            f"{LIMIT}::after{{content:{limit};font-size:0.875rem}}</style>")


def _quoted(text: str) -> str:
    """A CSS string: only quotes and backslashes escaped (JSON's \\uXXXX is not CSS)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def apply() -> None:
    st.html(css())

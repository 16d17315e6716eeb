"""Plotly figures from plain data (numbers, arrays, dicts): no torch, no Streamlit.
Every text comes from the caller's Translator, so a figure speaks Korean or English;
colours and margins come from style.py."""

"""Streamlit glue shared by the pages: session state, the URL, the sidebar controls.
The engine (playground/) stays free of Streamlit; this package is the only bridge."""

"""Neural Network Playground engine: datasets, config, model, training, metrics.

Never imports streamlit (tests/unit/test_no_streamlit.py enforces it)."""

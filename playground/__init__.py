"""Neural Network Playground engine, grouped by responsibility, dependencies one way:

    data      datasets: registry (light), loaders, toy, table / reader (a user's file), prepare
    nn        the network: model, train (the Trainer), callbacks, checkpoint
    runs      background jobs: scheduler, job, training, crossval, task, budget
    analysis  judging a run: metrics (sklearn), evaluation, baselines, coach
    inspect   looking inside: capture, layers, graph, boundary, live
    sketch    reading a drawn digit: preprocess, digit_model, teach
    figures   plotly figures from plain data (no torch)

plus config (the one option table), errors, i18n, status and cli at the top. Never imports
streamlit (tests/unit/test_no_streamlit.py); tests/unit/test_layering.py checks the layers."""

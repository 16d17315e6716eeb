"""The Train page on sequence sets, through AppTest: the sidebar offers the recurrent cells
and their options, the preview shows the first examples and the baselines, and a run
shows what the network remembers (with attention) and, for a series, the forecast."""
from apptest import figures, open_app, texts

from playground.i18n import Translator
from ui.session import Key

EN, KO = Translator("en"), Translator("ko")


def _selectbox(at, label):
    return next(s for s in at.selectbox if s.label == label)


def test_the_sidebar_and_preview_of_a_word_task(no_exceptions):
    at = open_app(query={"lang": "en", "dataset": "seq-negation"})
    no_exceptions(at)
    assert _selectbox(at, EN("field.model")).options == ["RNN (tanh)", "GRU", "LSTM"]
    labels = {w.label for w in [*at.number_input, *at.toggle, *at.slider]}
    assert {EN("field.window"), EN("field.embedding"), EN("field.attention")} <= labels
    md = " ".join(m.value for m in at.markdown)
    assert EN("seq.first_examples") in md and EN("seq.baselines") in md
    _selectbox(at, EN("field.model")).set_value("gru").run()
    no_exceptions(at)
    assert at.session_state[Key.CONFIG].model == "gru" and at.query_params["model"] == "gru"


def test_a_run_shows_the_memory_with_attention_and_the_baselines(no_exceptions):
    at = open_app(query={"lang": "ko", "dataset": "seq-negation", "attention": "true", "epochs": "3"})
    next(b for b in at.button if b.label == KO("train.start")).click().run()
    job = at.session_state[Key.JOB]
    job.join(60)
    at.run()
    no_exceptions(at)
    memory = [f for f in figures(at) if KO("seq.attention_title") in texts(f)]
    assert len(memory) == 1 and memory[0]["data"][0]["type"] == "heatmap"
    table = next(d.value for d in at.dataframe if KO("seq.baseline.network") in list(d.value.index))
    assert KO("seq.baseline.bag_of_words") in list(table.index)


def test_a_series_run_shows_the_forecast(no_exceptions):
    at = open_app(query={"lang": "en", "dataset": "ldeaths", "epochs": "2"})
    next(b for b in at.button if b.label == "Train").click().run()
    job = at.session_state[Key.JOB]
    job.join(60)
    at.run()
    no_exceptions(at)
    names = [t.get("name") for f in figures(at) for t in f["data"]]
    assert EN("seq.truth") in names and EN("seq.split.test") in names


def test_the_other_pages_read_a_sequence_run(no_exceptions):
    at = open_app(query={"lang": "en", "dataset": "seq-negation", "epochs": "2"})
    next(b for b in at.button if b.label == "Train").click().run()
    at.session_state[Key.JOB].join(60)
    at.run()
    for page in ("inside.py", "evaluate.py", "data.py", "compare.py"):
        at.switch_page(f"views/{page}").run()
        no_exceptions(at)
        assert not at.error, (page, [e.value for e in at.error])
    at.switch_page("views/inside.py").run()
    assert any(EN("seq.belief_title") in texts(f) for f in figures(at))      # the memory figure, larger

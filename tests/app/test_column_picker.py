"""The sidebar's input columns through AppTest: a table's columns (the target left out) feed the
config and the link in the table's order; horsepower alone on auto-mpg draws the data as a
scatter, and a run adds the network's prediction line and names the column in its label and
on the Compare page."""
from __future__ import annotations

from apptest import figures, open_app, trace_names

from playground.data.columns import TABLE_COLUMNS
from playground.i18n import Translator
from playground.status import Status
from ui import run_list
from ui.session import Key, w_key

EN, KO = Translator("en"), Translator("ko")


def _one_input_figures(at, T) -> list[dict]:
    return [f for f in figures(at) if T("columns.test") in trace_names(f)]     # the curves have "training" too


def test_columns_feed_the_config_and_the_link_and_leave_with_the_table(no_exceptions):
    at = open_app("train.py", query={"lang": "ko", "dataset": "auto-mpg"})
    no_exceptions(at)
    picker = at.multiselect(key=w_key("columns"))
    assert picker.label == KO("field.columns") == "입력 열" and picker.value == []
    assert picker.options == list(TABLE_COLUMNS["auto-mpg"]) and "mpg" not in picker.options
    assert not _one_input_figures(at, KO)                          # every column: the table of rows
    picker.set_value(["weight", "horsepower"]).run()
    no_exceptions(at)
    assert at.session_state[Key.CONFIG].columns == ("horsepower", "weight")    # the table's order
    assert at.query_params["columns"] == "horsepower,weight"
    at.multiselect(key=w_key("columns")).set_value(["horsepower"]).run()
    (fig,) = _one_input_figures(at, KO)
    assert trace_names(fig) == ["훈련 세트", "테스트 세트"]                # the dots; the line comes with a run
    assert fig["layout"]["xaxis"]["title"]["text"] == "horsepower" and fig["layout"]["yaxis"]["title"]["text"] == "mpg"
    at.selectbox(key=w_key("dataset")).set_value("circle").run()
    no_exceptions(at)
    assert at.session_state[Key.CONFIG].columns == ()
    assert not [m for m in at.multiselect if m.key == w_key("columns")]     # no table, no columns


def test_a_run_on_horsepower_draws_its_prediction_line_and_names_the_column(no_exceptions):
    at = open_app("train.py", query={"lang": "en", "dataset": "auto-mpg", "columns": "horsepower", "epochs": "5",
                                     "patience": "0"})
    at.button(key=Key.RUN_START).click().run()
    job = at.session_state[Key.JOB]
    job.join(60)
    at.run()
    no_exceptions(at)
    assert job.snapshot().status == Status.COMPLETED and "fit_line" in job.snapshot().probes
    (fig,) = _one_input_figures(at, EN)
    assert trace_names(fig) == ["training", "test", "prediction"]
    assert any(EN("columns.fit_title", target="mpg", column="horsepower", epoch=5) in m.value for m in at.markdown)
    names = [r.name for r in run_list.STORE.get(at.session_state[Key.RUN_LIST_ID]).records]
    assert names == ["Run 1 · auto-mpg [horsepower] · 64-32 ReLU"]
    at.multiselect(key=w_key("columns")).set_value([]).run()     # every column, for Compare
    at.button(key=Key.RUN_START).click().run()
    at.session_state[Key.JOB].join(60)
    at.run()
    at.switch_page("views/compare.py")
    at.run()
    no_exceptions(at)
    (settings,) = [d.value for d in at.dataframe if EN("field.columns") in d.value.columns]
    assert list(settings[EN("field.columns")]) == ["horsepower", EN("columns.every")]
    assert list(settings[EN("compare.run")]) == [names[0], "Run 2 · auto-mpg · 64-32 ReLU"]

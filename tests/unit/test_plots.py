"""The training curves: the figure a live page updates in place shows the same thing as
one built fresh from the same history."""
import pytest

from playground.figures import training as training_figs
from playground.i18n import Translator


def _history(n, metric="accuracy"):
    return [{"epoch": i + 1, "loss": 1 / (i + 1), "val_loss": 1.2 / (i + 1) + 0.01 * i,
             metric: 0.5 + i / 100, "val_" + metric: 0.5 + i / 120, "seconds": 0.1} for i in range(n)]


@pytest.mark.parametrize("task,metric", [("binary", "accuracy"), ("regression", "mae")])
def test_updated_figure_equals_fresh_one(task, metric):
    T = Translator("en")
    live = training_figs.history_figure(_history(3, metric), task, T, best_epoch=2, epochs=40)
    full = _history(30, metric)
    training_figs.update_history_figure(live, full, task, best_epoch=17, epochs=40)
    fresh = training_figs.history_figure(full, task, T, best_epoch=17, epochs=40)
    assert live.to_dict() == fresh.to_dict()
    assert list(live.data[1].y) == [h["val_loss"] for h in full]
    assert list(live.data[4].x) == [17] and live.data[4].visible


def test_best_star_hidden_until_there_is_one():
    fig = training_figs.history_figure([], "binary", Translator("ko"), epochs=10)
    assert [len(t.x) for t in fig.data] == [0] * 7
    assert fig.data[4].visible is False and fig.data[5].visible is False
    assert fig.layout.xaxis.range == (0.5, 10.5)
    assert fig.layout.xaxis.title.text == Translator("ko")("plot.epoch")


def test_a_long_epoch_shows_its_loss_so_far():
    T = Translator("en")
    fig = training_figs.history_figure(_history(2), "binary", T, epochs=10)
    training_figs.update_history_figure(fig, _history(2), "binary", epochs=10, partial=(2.4, 0.31))
    so_far = fig.data[6]
    assert so_far.visible and list(so_far.x) == [2.4] and list(so_far.y) == [0.31]
    assert so_far.name == T("plot.epoch_so_far") and so_far.xaxis == "x"          # on the loss panel
    training_figs.update_history_figure(fig, _history(3), "binary", epochs=10)    # the epoch ended
    assert fig.data[6].visible is False


def test_a_long_history_is_drawn_thinned_with_its_last_epoch():
    from playground.figures.training import MAX_CURVE_POINTS, history_figure, thinned, update_history_figure
    history = [dict(epoch=i, loss=1 / i, val_loss=1.1 / i, accuracy=0.5, val_accuracy=0.5) for i in range(1, 5001)]
    shown = thinned(history)
    assert len(shown) <= MAX_CURVE_POINTS + 1 and shown[-1]["epoch"] == 5000 and shown[0]["epoch"] == 1
    assert thinned(history[:100]) == history[:100]
    fig = update_history_figure(history_figure([], "binary", lambda k, **kw: k), history, "binary", best_epoch=4321)
    assert len(fig.data[0].x) == len(shown) and list(fig.data[4].x) == [4321]   # the best epoch stays exact


def test_the_axis_spans_what_ran_with_room_ahead_while_training():
    """Early stopping at 29 of 300 epochs filled a tenth of the axis: a finished run's axis
    ends at its last epoch, a running one's a 1-2-5 step ahead, never past the limit; the
    early-stop label sits inside the plot, left of its line (it overlapped the ticks)."""
    T = Translator("en")
    fig = training_figs.history_figure(_history(29), "binary", T, best_epoch=19, stopped_epoch=29, epochs=300)
    assert fig.layout.xaxis.range == (0.5, 29.5) and fig.layout.xaxis2.range == (0.5, 29.5)
    (label,) = [a for a in fig.layout.annotations if a.text == T("plot.early_stop")]
    assert label.xanchor == "right" and label.x == 29        # its text runs left, over the curves
    for n, room in ((5, 10), (29, 50), (60, 100), (260, 300)):
        training_figs.update_history_figure(fig, _history(n), "binary", epochs=300, running=True)
        assert fig.layout.xaxis.range == (0.5, room + 0.5), n
    training_figs.update_history_figure(fig, _history(5000)[:700], "binary", epochs=0, running=True)   # endless
    assert fig.layout.xaxis.range == (0.5, 1000.5)
    assert training_figs.history_figure([], "binary", T, epochs=300).layout.xaxis.range == (0.5, 300.5)   # before a run


def test_the_stacked_titles_start_at_the_columns_left_edge():
    """The lab's narrow column cut a centred 'Accuracy (higher is better)'."""
    fig = training_figs.history_figure([], "binary", Translator("ko"), epochs=10, stacked=True)
    titles = fig.layout.annotations[:2]
    assert [t.text for t in titles] == [Translator("ko")("plot.loss_title"), Translator("ko")("plot.accuracy_title")]
    assert all(t.x == 0 and t.xanchor == "left" for t in titles)

"""The lab's header (epoch counter and scores) after early stopping restored the best
epoch's weights: the scores are the kept epoch's, and it says which epoch (issue 24)."""
from apptest import open_app, wait_for

from playground.i18n import Translator
from playground.runs.snapshot import Snapshot
from playground.status import Status
from ui.session import Key

EN, KO = Translator("en"), Translator("ko")
ROWS = tuple({"epoch": e, "loss": 1.0 / e, "accuracy": 0.5, "val_loss": v, "val_accuracy": a}
             for e, v, a in ((1, 0.6, 0.7), (2, 0.4, 0.9), (3, 0.5, 0.8)))


def test_a_snapshots_kept_scores_are_the_weights_epochs():
    done = Snapshot(Status.EARLY_STOPPED, 3, 300, ROWS, best_epoch=2, weights_epoch=2)
    assert done.restored and done.kept_scores == ROWS[1]
    for s in (Snapshot(Status.COMPLETED, 3, 3, ROWS, best_epoch=2, weights_epoch=3),    # no restore
              Snapshot(Status.RUNNING, 3, 300, ROWS, best_epoch=2, weights_epoch=3),
              Snapshot(Status.RUNNING, 3, 300, ROWS, best_epoch=2, weights_epoch=2)):   # running: the last
        assert not s.restored and s.kept_scores == ROWS[-1]
    assert Snapshot(Status.QUEUED, 0, 300, ()).kept_scores == {}


def test_the_header_shows_the_restored_epochs_scores_and_says_so(no_exceptions):
    query = {"lang": "en", "dataset": "moons", "n_samples": "100", "hidden": "64,64", "lr": "0.05",
             "patience": "5", "epochs": "300"}
    at = open_app(query=query)
    next(b for b in at.button if b.label == "Train").click().run()
    job = at.session_state[Key.JOB]
    snap = wait_for(lambda: job.snapshot().finished and job.snapshot(), what="the run to early-stop")
    at.run()
    no_exceptions(at)
    assert snap.status == Status.EARLY_STOPPED and 0 < snap.weights_epoch < snap.epoch
    kept, last = snap.history[snap.weights_epoch - 1], snap.history[-1]
    shown = {m.label: m.value for m in at.metric}
    assert shown[EN("lab.val_loss")] == f"{kept['val_loss']:.4f}" != f"{last['val_loss']:.4f}"
    assert shown[EN("lab.train_loss")] == f"{kept['loss']:.4f}"
    assert shown[EN("lab.val_accuracy")] == f"{kept['val_accuracy']:.1%}"
    note = EN("lab.kept_epoch", epoch=snap.weights_epoch, last=snap.epoch)
    assert note in [c.value for c in at.caption]
    assert f"epoch {snap.weights_epoch}" in note and "에포크 " in KO("lab.kept_epoch", epoch=2, last=3)

"""ui.take_home.script_config: the scripts of an endless run (epochs 0) train for the epochs
the run had when it was exported, and land where the run was."""
from __future__ import annotations

import json
from types import SimpleNamespace

from sklearn.metrics import accuracy_score
from unit_helpers import prepared_for, wait_for

from playground.config import make_config
from playground.export import script_text
from playground.runs.scheduler import Scheduler
from playground.runs.training import TrainingJob
from playground.status import Status
from ui.take_home import script_config


def test_an_endless_run_is_exported_as_the_epochs_it_ran(capsys):
    cfg = make_config(dataset="circle", epochs=0)
    _, prep = prepared_for(dataset="circle")
    job = TrainingJob(cfg, prep, scheduler=Scheduler(2)).start(paused=True)
    try:
        wait_for(lambda: job.snapshot().status == Status.PAUSED)
        job.step(7)
        wait_for(lambda: job.snapshot().epoch == 7 and job.snapshot().status == Status.PAUSED)
        snap = job.snapshot()
        exported = script_config(job, snap)
        assert exported.epochs == 7 and exported.replace(epochs=0) == cfg     # only the epochs differ
        text = script_text(exported)
        assert "EPOCHS = 7" in text
        ns = {"__name__": "exported_script"}
        exec(compile(text, "exported", "exec"), ns)
        capsys.readouterr()
        ns["main"]()                                        # trains 7 epochs here, prints one JSON line
        result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        with_the_runs_weights = job.model_copy()
        p = with_the_runs_weights(prep.test.X).detach().numpy()[:, 0]
        ours = accuracy_score(prep.test.y.numpy(), (p >= 0).astype(int))   # logit >= 0: P >= 0.5
        assert result["epochs_run"] == 7 and result["test"]["accuracy"] == ours
    finally:
        job.stop()
        job.join(10)


def test_a_finite_run_keeps_its_epochs_and_an_endless_one_at_epoch_zero_gets_one():
    finite = SimpleNamespace(cfg=make_config(dataset="circle", epochs=50))
    assert script_config(finite, SimpleNamespace(epoch=12)) is finite.cfg       # early stopped at 12: still 50
    endless = SimpleNamespace(cfg=make_config(dataset="circle", epochs=0))
    assert script_config(endless, SimpleNamespace(epoch=0)).epochs == 1         # a script needs an epoch
    assert script_config(endless, SimpleNamespace(epoch=30)).epochs == 30

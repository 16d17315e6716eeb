"""DivergenceCheck on synthetic loss sequences (no training): the explosion and non-finite
rules, the blow-up streak (10 epochs in a row above 1.2x the reference, no better than a
constant predictor, not falling below half the streak's first loss; the last 3 for a run
that ends inside one), and `useless`. The expected epochs are counted by hand from the
rule in callbacks.py's comments. An explosion (above 1000x the reference) is judged the
same way, on 3 epochs in a row; a run that ends by itself with a model no better than
chance ends `at_chance`."""
from __future__ import annotations

import math
from types import SimpleNamespace

import pytest
import torch

from playground.nn.callbacks import DivergenceCheck
from playground.status import Status

VAL_CONSTANT = 0.7          # the constant predictor's validation loss
GOOD = dict(val_loss=0.3, val_accuracy=0.95)      # better than the constant predictor
USELESS = dict(val_loss=0.8, val_accuracy=0.5)    # no better: the loss above, accuracy at chance (0.5)


class FakeTrainer:
    """What DivergenceCheck reads from a Trainer."""

    def __init__(self, epochs: int = 100, task: str = "binary", initial: float = 1.0, constant: float = 0.69,
                 val_y=(0, 1, 0, 1)):
        self.cfg = SimpleNamespace(epochs=epochs)
        self.task = task
        self.stop_status = None
        self.data = SimpleNamespace(val=SimpleNamespace(y=torch.tensor(val_y, dtype=torch.float32)))
        self.early_stopping = SimpleNamespace(keeps_best=False, best_epoch=0)
        self._losses = {("train", False): initial, ("train", True): constant, ("val", True): VAL_CONSTANT}

    def loss_on(self, split="train", rows=None, constant=False):
        return self._losses[(split, constant)]


def drive(logs: list[dict], **trainer) -> tuple[int | None, FakeTrainer]:
    """Feed the epochs' logs as the Trainer does; the epoch the check called diverged (None: never)."""
    tr = FakeTrainer(**trainer)
    check = DivergenceCheck()
    check.on_train_begin(tr)
    for epoch, entry in enumerate(logs, 1):
        check.on_epoch_end(tr, epoch, {"epoch": epoch, **entry})
        if tr.stop_status == Status.DIVERGED:
            return epoch, tr
        if tr.stop_status is None or epoch < len(logs):
            tr.stop_status = None
    return None, tr


def ending(logs: list[dict], **trainer) -> Status | None:
    """The status the check leaves on a run of exactly these epochs (None: completed)."""
    return drive(logs, epochs=len(logs), **trainer)[1].stop_status


def blown(loss: float = 1.5, **kw) -> dict:     # 1.5 > 1.2 x the reference (1.0), useless on validation
    return {"loss": loss, **USELESS, **kw}


def fine(loss: float = 0.5) -> dict:
    return {"loss": loss, **GOOD}


def test_ten_blown_up_useless_epochs_in_a_row_diverge():
    assert drive([blown()] * 9 + [fine()] * 5)[0] is None
    assert drive([fine()] * 4 + [blown()] * 12)[0] == 14         # the 10th of the streak (epochs 5-14)
    assert drive([blown(1.19)] * 30)[0] is None                  # not above 1.2x the reference


def test_the_reference_is_the_worse_of_the_untrained_and_the_constant_loss():
    assert drive([blown()] * 12, constant=2.0)[0] is None         # 1.5 < 1.2 x 2.0
    assert drive([blown()] * 12, initial=2.0, constant=0.5)[0] is None
    assert drive([blown()] * 12, initial=math.nan, constant=1.0)[0] == 10   # a NaN initial loss is skipped


def test_a_streak_that_keeps_falling_is_a_recovery():
    falling = [blown(10 * 0.9 ** k) for k in range(20)]    # every 10 epochs fall to 0.39x: below half
    assert drive(falling)[0] is None
    flat = [blown(10 * 0.95 ** k) for k in range(20)]      # 10 epochs fall to 0.63x only
    assert drive(flat)[0] == 10


def test_a_useful_epoch_breaks_the_streak():
    assert drive([blown()] * 9 + [fine(1.5)] + [blown()] * 9)[0] is None   # the loss as high, validation better
    assert drive([blown()] * 9 + [fine(1.5)] + [blown()] * 10)[0] == 20
    above_chance = blown(val_accuracy=0.53)                 # 0.53 > chance 0.5 + 0.02: learned something
    assert drive([blown()] * 9 + [above_chance] + [blown()] * 9)[0] is None


def test_a_run_ending_inside_a_streak_is_judged_on_its_last_three():
    assert drive([fine()] * 9 + [blown()] * 3, epochs=12)[0] == 12
    assert drive([fine()] * 10 + [blown()] * 2, epochs=12)[0] is None      # two bad epochs: noise
    assert drive([blown()] * 2, epochs=2)[0] == 2                          # a 2-epoch run: both of them
    assert drive([blown(10.0), blown(10.0), blown(4.0)], epochs=3)[0] is None   # fell below half: recovering


def test_early_stopping_inside_a_streak_is_divergence():
    tr = FakeTrainer()
    check = DivergenceCheck()
    check.on_train_begin(tr)
    for epoch in (1, 2):
        check.on_epoch_end(tr, epoch, {"epoch": epoch, **blown()})
    assert tr.stop_status is None
    tr.stop_status = Status.EARLY_STOPPED        # early stopping ends the run at epoch 3
    check.on_epoch_end(tr, 3, {"epoch": 3, **blown()})
    assert tr.stop_status == Status.DIVERGED


def test_an_endless_run_needs_the_full_streak():
    """epochs 0 never ends by itself: the 3-epoch rule for ending runs does not apply."""
    assert drive([blown()] * 9 + [fine()], epochs=0)[0] is None
    assert drive([blown()] * 10, epochs=0)[0] == 10


@pytest.mark.parametrize("logs", [
    {"loss": math.inf, **GOOD},
    {"loss": math.nan, **GOOD},
    {"loss": 0.5, "val_loss": math.nan, "val_accuracy": 0.5},
])
def test_a_non_finite_loss_diverges_at_once(logs):
    assert drive([fine(), logs])[0] == 2


def exploded(loss: float = 1001.0) -> dict:     # > 1000 x the reference (1.0)
    return {"loss": loss, **GOOD}


def test_an_explosion_that_stays_diverges():
    assert drive([fine()] + [exploded()] * 3)[0] == 4     # even while validation is fine
    assert drive([exploded(5000.0), exploded(3000.0), exploded(2600.0)])[0] == 3   # not below half
    assert drive([exploded()] * 2 + [fine()] * 5)[0] is None


def test_one_exploded_epoch_that_recovers_goes_on():
    """auto-mpg, adam, lr 3, tanh (measured): epoch 1 at ~1,260x the reference, 180x at
    epoch 2, then R² 0.86 on validation by epoch 37. It was called diverged at epoch 1."""
    recovering = [exploded(1262.0)] + [blown(x) for x in (180.0, 166.0, 90.0, 40.0, 15.0)] + [fine()] * 30
    assert drive(recovering)[0] is None
    assert drive([exploded(1e6), exploded(5e4), exploded(1.2e4), fine()])[0] is None   # falling fast: recovering


def test_a_run_that_ends_exploded_diverged():
    assert drive([fine(), exploded()], epochs=2)[0] == 2


def test_below_the_explosion_a_useful_run_goes_on():
    assert drive([{"loss": 999.0, **GOOD}] * 30)[0] is None


def test_a_run_that_ends_no_better_than_chance_ends_at_chance():
    """spiral, sgd, lr 3, tanh, seed 2 (measured): 60 epochs at chance, called 'completed'."""
    assert ending([fine()] * 5 + [blown(1.0)] * 20) == Status.AT_CHANCE      # the last one useless
    assert ending([blown(1.0)] * 20 + [fine()]) is None                     # it learned at the end
    assert ending([fine()] * 20) is None
    hundred = dict(val_y=(0, 1) * 50)          # chance 0.5, 2 standard errors: 0.1
    assert ending([blown(1.0, val_accuracy=0.6)] * 20, **hundred) == Status.AT_CHANCE   # noise
    assert ending([blown(1.0, val_accuracy=0.61)] * 20, **hundred) is None              # beyond it
    assert drive([blown(1.0)] * 20, epochs=0)[1].stop_status is None        # an endless run never ends so
    assert ending([blown(1.0)] * 9) is None and ending([blown(1.0)] * 10) == Status.AT_CHANCE   # 9: too short


def test_the_kept_epochs_model_is_the_one_judged():
    logs = [fine()] * 3 + [blown(1.0)] * 10
    tr = FakeTrainer(epochs=len(logs))
    tr.early_stopping = SimpleNamespace(keeps_best=True, best_epoch=2)   # restore-best keeps epoch 2
    check = DivergenceCheck()
    check.on_train_begin(tr)
    for epoch, entry in enumerate(logs, 1):
        check.on_epoch_end(tr, epoch, {"epoch": epoch, **entry})
    assert tr.stop_status is None
    tr.early_stopping.best_epoch = 5
    tr.stop_status = Status.EARLY_STOPPED
    check.on_epoch_end(tr, len(logs), {"epoch": len(logs), **blown(1.0)})
    assert tr.stop_status == Status.AT_CHANCE


def test_useless():
    tr = FakeTrainer(val_y=(0, 0, 0, 1))          # chance: the majority class, 3 of 4
    check = DivergenceCheck()
    check.on_train_begin(tr)
    assert check.chance == 0.75 and check.val_constant == VAL_CONSTANT and check.reference == 1.0
    assert not check.useless({"val_loss": 0.69, "val_accuracy": 0.0})   # below the constant's loss: useful
    assert check.useless({"val_loss": 0.7, "val_accuracy": 0.77})        # within 0.02 of chance
    assert not check.useless({"val_loss": 0.7, "val_accuracy": 0.78})    # more than 0.02 above chance
    reg = FakeTrainer(task="regression")
    check = DivergenceCheck()
    check.on_train_begin(reg)
    assert check.chance is None                     # regression: the loss alone decides
    assert check.useless({"val_loss": 0.7}) and not check.useless({"val_loss": 0.69})
    assert not check.beats_chance({"val_loss": 0.7}) and check.beats_chance({"val_loss": 0.69})

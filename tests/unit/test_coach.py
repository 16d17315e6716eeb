"""The coach names the case the curves show."""
import numpy as np

from playground.analysis.coach import diagnose


def hist(loss, val_loss, acc=0.9):
    return [{"epoch": i + 1, "loss": float(l), "val_loss": float(v), "accuracy": acc, "val_accuracy": acc}
            for i, (l, v) in enumerate(zip(loss, val_loss))]


E = np.arange(40)


def test_val_loss_rising_while_loss_falls_is_overfitting():
    loss = 1 / (1 + 0.2 * E)
    val = 0.5 + 0.002 * (E - 15) ** 2          # falls until epoch 16, then rises
    case, values = diagnose(hist(loss, val), "running", "binary")
    assert case == "overfitting" and values["best"] == 16


def test_a_wiggle_at_the_floor_is_not_overfitting():
    loss = 0.7 * np.exp(-E / 4) + 0.002
    val = np.maximum(0.7 * np.exp(-E / 4), 0.0) + 0.0025
    val[30:] = 0.0025 + np.linspace(0, 0.0004, 10)   # +16% of a tiny value, 0.06% of the fall
    case, _ = diagnose(hist(loss, val), "running", "binary")
    assert case != "overfitting"


def test_still_falling_says_train_longer():
    loss = val = 1 / (1 + 0.05 * E)
    assert diagnose(hist(loss, val), "running", "binary")[0] == "still_improving"


def test_jagged_curves_are_noisy():
    rng = np.random.default_rng(0)
    loss = 0.5 + 0.2 * rng.standard_normal(40)
    assert diagnose(hist(loss, loss), "running", "binary")[0] == "noisy"


def test_low_flat_accuracy_is_underfitting():
    flat = np.full(40, 0.69)
    case, values = diagnose(hist(flat, flat, acc=0.5), "completed", "binary")
    assert case == "underfitting" and values["acc"] == "50%"


def test_diverged_and_too_early():
    assert diagnose(hist([1.0], [1.0]), "diverged", "binary")[0] == "diverged"
    assert diagnose(hist([1.0, 0.9], [1.0, 0.9]), "running", "binary") == ("too_early", {"n": 5})
    assert diagnose([], "queued", "binary") == ("waiting", {})

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
    loss = 0.5 + 0.03 * rng.standard_normal(40)
    assert diagnose(hist(loss, loss), "running", "binary")[0] == "noisy"


def test_a_wildly_oscillating_loss_points_to_the_learning_rate():
    rng = np.random.default_rng(0)
    loss = 0.5 + 0.2 * rng.standard_normal(40)       # jumps of ~40% of the loss, epoch to epoch
    assert diagnose(hist(loss, loss), "running", "binary")[0] == "oscillating"


def test_tiny_wiggles_on_a_flat_curve_are_not_noise():
    rng = np.random.default_rng(0)
    flat = 0.69 + 0.001 * rng.standard_normal(40)    # a linear model on xor: flat, not jagged
    assert diagnose(hist(flat, flat, acc=0.5), "completed", "binary")[0] == "underfitting"


def test_an_exploding_first_epoch_points_to_the_learning_rate():
    loss = np.r_[662.0, 0.69 - 0.001 * E[1:]]       # circle with lr 10 and relu
    case, values = diagnose(hist(loss, loss), "completed", "binary", constant_loss=0.693)
    assert case == "exploded_start" and values["x"] == "955"
    fast = np.r_[0.67, 0.05 * np.exp(-E[1:] / 5)]   # a fast healthy fall is not an explosion
    assert diagnose(hist(fast, fast), "completed", "binary", constant_loss=0.693)[0] != "exploded_start"


def test_chance_accuracy_points_to_the_learning_rate_when_a_linear_model_learns():
    flat = np.full(40, 0.66)
    ref = dict(chance=0.62, constant_loss=0.665)
    case, values = diagnose(hist(flat, flat, acc=0.62), "completed", "binary", baseline_loss=0.46, **ref)
    assert case == "chance" and values == {"acc": "62%", "chance": "62%"}
    # where a linear model learns nothing either (xor), it is the network's size: underfitting
    assert diagnose(hist(flat, flat, acc=0.62), "completed", "binary", baseline_loss=0.66, **ref)[0] == "underfitting"


def test_flat_above_the_linear_baseline_is_underfitting():
    flat = np.full(40, 0.60)
    case, values = diagnose(hist(flat, flat, acc=0.8), "completed", "binary", chance=0.62, baseline_loss=0.46,
                            constant_loss=0.665)
    assert case == "underfitting_baseline" and values == {"loss": "0.6", "base": "0.46"}


def test_low_flat_accuracy_is_underfitting():
    flat = np.full(40, 0.69)
    case, values = diagnose(hist(flat, flat, acc=0.5), "completed", "binary")
    assert case == "underfitting" and values["acc"] == "50%"


def test_diverged_and_too_early():
    assert diagnose(hist([1.0], [1.0]), "diverged", "binary")[0] == "diverged"
    assert diagnose(hist([1.0, 0.9], [1.0, 0.9]), "running", "binary") == ("too_early", {"n": 5})
    assert diagnose([], "queued", "binary") == ("waiting", {})

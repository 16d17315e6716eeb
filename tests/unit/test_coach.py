"""The coach names the case the curves show."""
import numpy as np

from playground.analysis.coach import diagnose
from playground.i18n import t


def hist(loss, val_loss, acc=0.9):
    """Epoch rows; `acc`: one accuracy for every epoch, or one per epoch."""
    accs = np.broadcast_to(np.asarray(acc, float), (len(loss),))
    return [{"epoch": i + 1, "loss": float(l), "val_loss": float(v), "accuracy": float(a), "val_accuracy": float(a)}
            for i, (l, v, a) in enumerate(zip(loss, val_loss, accs))]


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
    assert case == "exploded_start"
    # the number is the ratio the sentence names: the first epoch's loss over the best later one
    assert "the best later one" in t("coach.exploded_start", "en", **values)
    assert values["x"] == f"{loss[0] / loss[1:].min():,.0f}"
    small = np.r_[4.0, 0.9, 0.8 - 0.001 * E[2:]]     # 5.8x the constant's loss, 5.4x the best later one
    assert diagnose(hist(small, small), "completed", "binary", constant_loss=0.693)[1]["x"] == \
        f"{small[0] / small[1:].min():.1f}"
    fast = np.r_[0.67, 0.05 * np.exp(-E[1:] / 5)]   # a fast healthy fall is not an explosion
    assert diagnose(hist(fast, fast), "completed", "binary", constant_loss=0.693)[0] != "exploded_start"


def test_chance_accuracy_points_to_the_learning_rate_when_a_linear_model_learns():
    rng = np.random.default_rng(0)
    stuck = 0.665 + 0.003 * rng.standard_normal(40)   # titanic, SGD at lr 1: wiggles at the constant's loss
    ref = dict(chance=0.62, constant_loss=0.665)
    case, values = diagnose(hist(stuck, stuck, acc=0.62), "completed", "binary", baseline_loss=0.46, **ref)
    assert case == "chance" and values == {"acc": "62%", "chance": "62%"}
    assert "lower it" in t("coach.chance", "en", **values)
    # where a linear model learns nothing either (xor), it is the network's size: underfitting
    assert diagnose(hist(stuck, stuck, acc=0.62), "completed", "binary", baseline_loss=0.66, **ref)[0] == "underfitting"


def test_a_loss_creeping_down_from_the_first_epoch_asks_for_a_larger_learning_rate():
    # titanic, SGD at lr 1e-5: 0.706 -> 0.673 in 300 epochs, in a straight line, at chance accuracy,
    # far above the linear model's 0.46; at this pace the network needs thousands of epochs
    n = np.arange(300)
    loss, val = 0.706 - 0.00011 * n, 0.7056 - 0.00011 * n
    ref = dict(chance=0.62, baseline_loss=0.46, constant_loss=0.665)
    for epochs in (5, 40, 300):                        # from the first verdict on, not only at the end
        case, values = diagnose(hist(loss[:epochs], val[:epochs], acc=0.62), "running", "binary", **ref)
        assert case == "too_slow" and values == {"n": epochs, "first": "0.706", "last": f"{loss[epochs - 1]:.4g}"}
    assert "Raise it" in t("coach.too_slow", "en", **values) and "높이세요" in t("coach.too_slow", "ko", **values)
    # breast-cancer at lr 1e-6: the same, where the linear model gets to 0.04
    loss = 0.6925 - 0.000064 * n
    assert diagnose(hist(loss, loss - 0.005, acc=0.63), "completed", "binary", chance=0.626, baseline_loss=0.041,
                    constant_loss=0.661)[0] == "too_slow"


def test_a_healthy_start_or_a_plateau_is_not_too_slow():
    fast = 0.69 * np.exp(-E / 8)                       # a healthy start: falls ~12% an epoch
    assert all(diagnose(hist(fast[:k], fast[:k]), "running", "binary")[0] != "too_slow" for k in range(5, 41))
    plateau = 0.69 + 0.04 * np.exp(-E / 3)            # levels off above the linear model: underfitting, not too slow
    case = diagnose(hist(plateau, plateau, acc=0.8), "completed", "binary", chance=0.62, baseline_loss=0.46,
                    constant_loss=0.665)[0]
    assert case == "underfitting_baseline"


def test_a_run_knocked_back_to_chance_is_not_overfitting():
    # circle, SGD at lr 3 with relu: 85% after epoch 1, then 50% for good; the loss jumps above the
    # constant's 0.693 (val_loss was lowest at epoch 1 and rose, but the loss did not fall: no overfit)
    rng = np.random.default_rng(0)
    loss = np.r_[0.63, 0.76 + 0.06 * rng.standard_normal(99)]
    val = np.r_[0.39, 0.75 + 0.06 * rng.standard_normal(99)]
    acc = np.r_[0.85, np.full(99, 0.5)]
    ref = dict(chance=0.5, baseline_loss=0.698, constant_loss=0.693)   # a linear model learns nothing on circle
    case, values = diagnose(hist(loss, val, acc=acc), "completed", "binary", **ref)
    assert case == "chance" and values == {"acc": "50%", "chance": "50%"}


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


def test_a_run_that_ended_at_chance_is_never_called_good():
    """The run's own verdict (Status.AT_CHANCE, issue 24) and the coach agree: a curve that
    would read as 'good' or 'still improving' on a run at chance says it learned nothing."""
    settled = 0.693 + 0.0001 * np.exp(-E / 4)           # settled at the constant predictor's loss
    assert diagnose(hist(settled, settled, acc=0.9), "completed", "regression")[0] == "good"
    case, values = diagnose(hist(settled, settled), "at_chance", "regression")
    assert case == "at_chance" and values == {}
    assert "learned nothing" in t("coach.at_chance", "en") and "배우지 못했습니다" in t("coach.at_chance", "ko")
    # the specific cases still speak first: a loss creeping down asks for a larger learning rate
    n = np.arange(300)
    slow = 0.706 - 0.00011 * n
    assert diagnose(hist(slow, slow, acc=0.62), "at_chance", "binary", chance=0.62, baseline_loss=0.46,
                    constant_loss=0.665)[0] == "too_slow"

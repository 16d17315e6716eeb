"""Sketch preprocessing (canvas -> MNIST / digits input) and reading a sketch with a model."""
import numpy as np
import pytest
import torch
from scipy import ndimage

from playground.config import make_config
from playground.data.loaders import load_dataset
from playground.data.prepare import prepare
from playground.nn.train import Trainer
from playground.sketch import digit_model, preprocess


def stroke_canvas(rows: slice, cols: slice, size: int = 280) -> np.ndarray:
    """An opaque black canvas with one white rectangle 'stroke'."""
    a = np.zeros((size, size, 4), np.uint8)
    a[..., 3] = 255
    a[rows, cols, :3] = 255
    return a


def test_empty_canvas_reads_as_nothing():
    blank = stroke_canvas(slice(0, 0), slice(0, 0))
    transparent = np.zeros((280, 280, 4), np.uint8)          # before the background is painted
    for shape in preprocess.SHAPES:
        assert preprocess.preprocess(None, shape) is None
        assert preprocess.preprocess(blank, shape) is None
        assert preprocess.preprocess(transparent, shape) is None


def test_transparent_pixels_carry_no_ink():
    a = np.full((10, 10, 4), 255, np.uint8)
    a[..., 3] = 0
    assert preprocess.to_gray(a).max() == 0
    a[2, 3, 3] = 255
    assert preprocess.to_gray(a)[2, 3] == 1 and preprocess.to_gray(a).sum() == 1


def test_mnist_recipe_box_range_and_centre_of_mass():
    # an L shape drawn off-centre in the top-left corner
    a = stroke_canvas(slice(20, 140), slice(30, 45))
    a[125:140, 30:110, :3] = 255
    img = preprocess.preprocess(a, (28, 28))
    assert img.shape == (28, 28) and img.dtype == np.float32
    assert img.min() >= 0 and img.max() == pytest.approx(1.0)
    rows, cols = np.flatnonzero(img.any(1) > 0), np.flatnonzero(img.any(0) > 0)
    assert max(rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1) == 20         # longer side fits 20
    cy, cx = ndimage.center_of_mass(img)
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5                       # MNIST measured 13.97, 14.01


def test_aspect_ratio_is_kept():
    img = preprocess.preprocess(stroke_canvas(slice(40, 240), slice(130, 150)), (28, 28))   # a tall '1'
    ink = img > 0.5
    height = np.ptp(np.flatnonzero(ink.any(1))) + 1
    width = np.ptp(np.flatnonzero(ink.any(0))) + 1
    assert height == 20 and width <= 3          # 200x20 px -> 20x2, not stretched to 20x20


def test_digits_recipe_counts_in_blocks():
    counts = preprocess.digits_counts(preprocess.to_gray(stroke_canvas(slice(40, 240), slice(60, 220))))
    assert counts.shape == (8, 8)
    assert set(np.unique(counts)) <= set(range(17))
    img = preprocess.preprocess(stroke_canvas(slice(40, 240), slice(60, 220)), (8, 8))
    np.testing.assert_array_equal(img, counts / 16)            # model units = counts / pixel_max
    assert counts.max() == 16 and (counts > 0).any(1).all()    # fills the 32x32 bitmap's height


def test_unknown_shape_is_refused():
    with pytest.raises(ValueError):
        preprocess.preprocess(stroke_canvas(slice(10, 50), slice(10, 50)), (16, 16))


def test_same_digit_anywhere_any_size_gives_the_same_input():
    X = load_dataset("mnist").X
    digit = X[2600].reshape(28, 28) / 255
    centred = preprocess.preprocess(preprocess.as_canvas(digit), (28, 28))
    small_corner = preprocess.preprocess(preprocess.as_canvas(digit, scale=0.45, offset=(-70, 75)), (28, 28))
    assert np.abs(centred - small_corner).mean() < 0.03
    assert np.abs(centred - digit).mean() < 0.06      # and close to the dataset's own image


@pytest.fixture(scope="module")
def default_model():
    return digit_model.shared_default()    # the app tests reuse it in the same process


def accuracy_on(dm, images, labels) -> float:
    return float(np.mean([digit_model.read(dm, im).top == y for im, y in zip(images, labels)]))


def test_sketched_mnist_digits_read_as_well_as_the_originals(default_model):
    """The issue's correctness test: held-out MNIST digits drawn on a 280x280 canvas
    (upscaled, pen-like strokes, varied size and place) and preprocessed score within
    3 points of the same model on the original 28x28 images."""
    dm = default_model
    X_te, y_te = dm.test
    n = 400
    originals = X_te[:n].numpy().reshape(-1, 28, 28)
    labels = y_te[:n].numpy()
    rng = np.random.default_rng(0)
    sketches = [preprocess.preprocess(preprocess.as_canvas(im, scale=rng.uniform(0.5, 1.0),
                                                   offset=tuple(rng.integers(-40, 41, 2))), (28, 28))
                for im in originals]
    acc_orig, acc_sketch = accuracy_on(dm, originals, labels), accuracy_on(dm, sketches, labels)
    assert acc_orig > 0.88
    assert abs(acc_sketch - acc_orig) <= 0.03, (acc_orig, acc_sketch)


def test_default_model_is_the_documented_mlp(default_model):
    dm = default_model
    assert dm.source == "default" and dm.image_shape == (28, 28) and dm.class_names == [str(i) for i in range(10)]
    assert [m.out_features for m in dm.model.modules() if isinstance(m, torch.nn.Linear)] == [128, 64, 10]
    assert dm.test_accuracy > 0.88


def test_read_matches_a_manual_forward_pass(default_model):
    dm = default_model
    img = dm.test[0][0].numpy().reshape(28, 28)
    r = digit_model.read(dm, img)
    x = torch.as_tensor(img.reshape(1, -1))
    net = dm.model
    with torch.no_grad():
        h1 = torch.relu(net.hidden1[0](x))
        h2 = torch.relu(net.hidden2[0](h1))
        probs = torch.softmax(net.output(h2), 1)[0]
    assert list(r.activations) == ["hidden1", "hidden2"]
    np.testing.assert_allclose(r.activations["hidden1"], h1[0].numpy(), atol=1e-6)
    np.testing.assert_allclose(r.activations["hidden2"], h2[0].numpy(), atol=1e-6)
    np.testing.assert_allclose(r.probs, probs.numpy(), atol=1e-6)
    assert r.top == int(probs.argmax())
    assert not net._forward_hooks and not net.hidden1._forward_hooks      # hooks removed


def digits_model(model="mlp"):
    cfg = make_config(dataset="digits", model=model, hidden=[32], epochs=12, lr=0.01, batch_size=32)
    prep = prepare(load_dataset("digits"), cfg)
    tr = Trainer(cfg, prep)
    tr.fit()
    return digit_model.DigitModel(tr.model.eval(), cfg, (8, 8), prep.class_names, "run", "digits",
                                  train=(prep.train.X, prep.train.y), test=(prep.test.X, prep.test.y))


def test_sketched_8x8_digits_keep_their_reading():
    """The 8x8 path (sklearn digits' 4x4 block counts): the test digits drawn large on the
    canvas and counted back keep most of their accuracy. 8x8 originals are too coarse to
    draw faithfully, hence a wider margin than the 28x28 test."""
    dm = digits_model()
    X_te, y_te = dm.test
    originals = X_te.numpy().reshape(-1, 8, 8)
    sketches = [preprocess.preprocess(preprocess.as_canvas(im), (8, 8)) for im in originals]
    acc_orig, acc_sketch = accuracy_on(dm, originals, y_te.numpy()), accuracy_on(dm, sketches, y_te.numpy())
    assert acc_orig > 0.9
    assert acc_sketch >= acc_orig - 0.07, (acc_orig, acc_sketch)


def test_cnn_activations_are_feature_maps():
    dm = digits_model("cnn")
    r = digit_model.read(dm, dm.test[0][0].numpy().reshape(8, 8))
    assert r.activations["conv1"].shape == (8, 4, 4) and r.activations["conv2"].shape == (16, 2, 2)
    assert r.activations["hidden1"].shape == (32,)
    assert "unflatten" not in r.activations and r.probs.sum() == pytest.approx(1, abs=1e-5)

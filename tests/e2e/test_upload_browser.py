"""Uploading a CSV in a real browser: a good table trains, a bad one gets a clear message."""
import numpy as np
import pandas as pd
from browser import screenshot, wait_for_app


def _table(tmp_path):
    rng = np.random.default_rng(0)
    n = 120
    df = pd.DataFrame({"size": rng.normal(10, 3, n), "colour": rng.choice(["red", "green", None], n),
                       "weight": rng.normal(50, 10, n)})
    df["kind"] = np.where(df["size"] + rng.normal(0, 1, n) > 10, "big", "small")
    path = tmp_path / "fruit.csv"
    df.to_csv(path, index=False)
    return path


def test_upload_csv_then_train(page, app_url, tmp_path):
    page.goto(f"{app_url}/?lang=en")
    wait_for_app(page)
    page.get_by_text("Your own table (CSV)").click()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(_table(tmp_path)))
    page.wait_for_selector("text=/Loaded 120 rows · binary classification/", timeout=30_000)
    wait_for_app(page)
    page.get_by_role("button", name="Train").click()
    page.wait_for_selector("text=/finished: \\d+ epochs|early stopping at epoch \\d+/", timeout=60_000)
    screenshot(page, "upload-trained")
    # the code behind the run, drawn once its expander is opened: the script reads the uploaded table
    main = page.locator("[data-testid='stMain']")
    assert main.locator("code", has_text="import torch").count() == 0
    main.get_by_text("The code behind this run").click()
    main.locator("code", has_text="import torch").first.wait_for(timeout=30_000)
    assert "fruit.csv" in main.locator("code").first.inner_text()
    # back to a built-in dataset while the file stays loaded: Train trains that one
    box = page.locator("[data-testid='stSidebar'] input[aria-label='Dataset']")
    box.click()
    box.fill("iris")
    box.press("Enter")
    wait_for_app(page)
    assert page.locator("[data-testid='stSidebar'] [data-testid='stAlertContentError']").count() == 0
    page.get_by_role("button", name="Train").click()
    # the run is iris's (three classes, a softmax output), not the uploaded two-class table's
    page.wait_for_selector("text=/Loss function: sparse categorical cross-entropy \\(softmax output/", timeout=60_000)
    assert "binary cross-entropy" not in page.locator("[data-testid='stMain']").inner_text()


def test_upload_bad_csv_gets_a_message(page, app_url, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("only_one_column\n1\n2\n")
    page.goto(f"{app_url}/?lang=en")
    wait_for_app(page)
    page.get_by_text("Your own table (CSV)").click()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(bad))
    try:
        page.wait_for_selector("text=/at least two columns/", timeout=30_000)
        # the Train page says the file is not what Train would use
        page.wait_for_selector("[data-testid='stMain'] >> text=/Your file 'bad.csv' cannot be used.*uses 'circle'/",
                               timeout=30_000)
    finally:
        screenshot(page, "upload-bad")
    assert page.locator("text=Traceback").count() == 0


def test_upload_a_time_series_and_read_it_in_windows(page, app_url, tmp_path):
    """A table of monthly values, rows out of order: read as a time series, an LSTM trains on
    windows of it in the order of its date column, and the forecast is drawn."""
    t = np.arange(96)
    df = pd.DataFrame({"date": pd.date_range("2010-01-01", periods=96, freq="MS").strftime("%Y-%m"),
                       "sales": 100 + t + 10 * np.sin(2 * np.pi * t / 12)})
    path = tmp_path / "sales.csv"
    df.sample(frac=1, random_state=1).to_csv(path, index=False)
    page.goto(f"{app_url}/?lang=en")
    wait_for_app(page)
    page.get_by_text("Your own table (CSV)").click()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    page.wait_for_selector("text=/no usable feature column.*Read the table as/", timeout=30_000)
    box = page.locator("[data-testid='stSidebar'] input[aria-label='Read the table as']")
    box.click()
    box.fill("Time series")
    box.press("Enter")
    page.wait_for_selector("text=/Loaded 96 rows · regression/", timeout=30_000)
    wait_for_app(page)
    assert page.locator("[data-testid='stSidebar'] input[aria-label='Model type']").input_value() == "LSTM"
    page.get_by_role("button", name="Train").click()
    try:
        page.wait_for_selector("text=/finished: \\d+ epochs|early stopping at epoch \\d+/", timeout=60_000)
        page.wait_for_selector("text=/Forecast against the truth \\(epoch [1-9]/", timeout=30_000)
    finally:
        screenshot(page, "upload-series")
    assert page.locator("text=Traceback").count() == 0

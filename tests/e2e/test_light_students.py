"""bench/classroom.py's light students (bench/light_students.py) against the shared server:
a student that speaks Streamlit's protocol without a browser must see the lab as a browser
does, or the class bench stalls at its first page (it did for three sessions: the preview
charts came only once a script in the page asked for them)."""
from __future__ import annotations

import sys
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from light_students import LightClass  # noqa: E402


def test_a_light_student_sees_the_labs_charts_then_trains_to_the_end(app_url):
    group = LightClass()
    try:
        student = group.open(urlparse(app_url).port, "lang=en&dataset=circle&epochs=5")
        student.ready(60, slowed=False)          # the preview charts, drawn after the frames' trigger
        student.click("Train", 60)
        deadline = time.monotonic() + 90
        while not (seen := student.seen())["done"] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert seen["point"] and seen["done"] and seen["point"] <= seen["done"], seen
        assert seen["exceptions"] == 0 and not seen["console"], seen
        student.close()
    finally:
        group.close()

"""Engine unit tests: one torch thread (as the app runs its training jobs); subprocesses
the tests registered run in the background from the end of collection (tests/conftest.py)
and are read by `late` tests, which run after the rest (see unit_helpers.register)."""
import pytest
import torch
from unit_helpers import stop_all

torch.set_num_threads(1)


@pytest.fixture(scope="session")
def local_ray():
    """One local Ray (2 CPUs) for every test that needs it: starting one costs seconds of
    both cores, so it starts once, with the first such test, and stops with the session."""
    ray = pytest.importorskip("ray", reason="Ray is optional: pip install -r requirements-ray.txt")
    from playground.runs import ray_job
    if not ray.is_initialized():
        ray_job.connect(ray_job.LOCAL, num_cpus=2)
    yield ray
    ray.shutdown()


@pytest.fixture
def jobs():
    """Collects the run jobs a test makes (in process or on Ray); stops them after it and waits for
    each to go, so no thread or actor outlives its test."""
    made = []
    yield made
    stop_all(made, 30)


def pytest_configure(config):
    config.addinivalue_line("markers", "late: reads registered subprocesses' results; runs after the rest")


def pytest_collection_modifyitems(session, config, items):
    items.sort(key=lambda item: item.get_closest_marker("late") is not None)   # stable: order kept otherwise

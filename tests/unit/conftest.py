"""Engine unit tests: one torch thread (as the app runs its training jobs); subprocesses
the tests registered start with the first unit test and are read by `late` tests, which
run after the rest (see unit_helpers.register)."""
import pytest
import torch
import unit_helpers

torch.set_num_threads(1)


def pytest_configure(config):
    config.addinivalue_line("markers", "late: reads registered subprocesses' results; runs after the rest")


def pytest_collection_modifyitems(session, config, items):
    items.sort(key=lambda item: item.get_closest_marker("late") is not None)   # stable: order kept otherwise


@pytest.fixture(scope="session", autouse=True)
def _start_subprocesses():
    unit_helpers.start_registered()
    yield
    unit_helpers.kill_started()

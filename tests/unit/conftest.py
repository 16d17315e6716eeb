"""Engine unit tests: one torch thread (as the app runs its training jobs); subprocesses
the tests registered run in the background from the end of collection (tests/conftest.py)
and are read by `late` tests, which run after the rest (see unit_helpers.register)."""
import torch

torch.set_num_threads(1)


def pytest_configure(config):
    config.addinivalue_line("markers", "late: reads registered subprocesses' results; runs after the rest")


def pytest_collection_modifyitems(session, config, items):
    items.sort(key=lambda item: item.get_closest_marker("late") is not None)   # stable: order kept otherwise

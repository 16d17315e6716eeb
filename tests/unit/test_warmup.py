"""runs/warmup: the first run's costs paid ahead, then what lasts frozen out of the
collector's sight (a full collection walked ~450,000 startup objects: 0.18 s of a server's
GIL each time a session ended)."""
import gc

from playground.runs import warmup


def test_the_warm_up_leaves_the_collector_only_what_comes_after():
    warmup.warm_up()
    assert gc.get_freeze_count() > 100_000 > 100 * len(gc.get_objects())

"""A local Ray instance for runs.ray_job: started on loopback, from a thread that lasts."""
from __future__ import annotations

import os
import threading

_NO_CLUSTER_ENV = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"


def start(ray, **options) -> None:
    """ray.init for an instance in this process, on 127.0.0.1, its processes tied to a thread
    that lives as long as the process."""
    _loopback_only()
    _init_in_lasting_thread(ray, dict(include_dashboard=False, configure_logging=False,
                                      _node_ip_address="127.0.0.1", **options))


def _loopback_only() -> None:
    """A local instance talks to itself on 127.0.0.1. On Linux Ray takes the LAN address for
    its node (and turns 127.0.0.1 into it) unless clusters are switched off, as they are on
    macOS and Windows: switched off here, for this process and for the workers it starts."""
    os.environ[_NO_CLUSTER_ENV] = "0"
    from ray._private import ray_constants  # read when Ray picks the node's address
    ray_constants.ENABLE_RAY_CLUSTER = False


def _init_in_lasting_thread(ray, options: dict) -> None:
    """ray.init for a local instance, from a thread that lives as long as the process. Ray
    starts its raylet and control store with PR_SET_PDEATHSIG: the kernel kills them when the
    *thread* that started them ends. Called from a page's script or the pool's warm-up thread,
    the raylet died with that thread, and the server with it (exit 1, seen on the first Train)."""
    if threading.current_thread() is threading.main_thread():
        ray.init(**options)
        return
    started, failed = threading.Event(), []

    def head():
        try:
            ray.init(**options)
        except BaseException as e:      # handed to the caller, raised there; this thread ends
            failed.append(e)
            started.set()
            return
        started.set()
        threading.Event().wait()        # never ends: Ray's processes live while this thread does

    threading.Thread(target=head, daemon=True, name="ray-head").start()
    started.wait()
    if failed:
        raise failed[0]

"""The server's heap after a class has gone.

glibc serves a block of 128 KiB or more with an mmap of its own, unmapped when it is freed;
but after the first such block is freed it raises that threshold (up to 32 MiB), so a class's
tensors, arrays and message buffers land in its arenas and stay there, scattered among live
blocks, after they are freed. Measured with 30 light students (bench/classroom.py, 2026-12-05):
the server's RSS 90 s after the tabs closed was 688-721 MB, against 530 MB after one student;
with the threshold held at 1 MiB, 609 MB, and the class as fast (first point median 3.5 vs
3.6 s) as its training (an MNIST MLP epoch 0.998x, the CNN's 1.00x, in one process A/B).
At 128 KiB the MLP's 400 KB gradients, made anew each step, cost 2-3%."""
from __future__ import annotations

import ctypes
import functools
import gc

M_MMAP_THRESHOLD = -3           # glibc's mallopt parameter; setting it also stops its raising
MAP_FROM_BYTES = 1 << 20


@functools.cache
def _libc():
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:            # not glibc (macOS, musl): its own allocator's rules hold
        return None


@functools.cache
def map_large_blocks() -> bool:
    """Hold glibc's mmap threshold at 1 MiB, once per process; False where there is no glibc."""
    libc = _libc()
    return bool(libc is not None and libc.mallopt(M_MMAP_THRESHOLD, MAP_FROM_BYTES))


def return_memory() -> None:
    """Collect garbage and hand freed heap back to the OS (glibc keeps it otherwise, so a
    server that once held 30 runs would look 30 runs big for the rest of the lesson)."""
    gc.collect()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)

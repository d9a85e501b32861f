"""`mimicmirror run` hands memory freed at start-up back to the system (glibc only)."""

from __future__ import annotations

import ctypes

import pytest

from mimicmirror.commands.run import _glibc, give_back_freed_memory

needs_glibc = pytest.mark.skipif(_glibc() is None, reason="malloc_trim and mallopt are glibc's")


def resident_anon_kb() -> int:
    for line in open("/proc/self/status"):
        if line.startswith("RssAnon:"):
            return int(line.split()[1])
    raise AssertionError("no RssAnon in /proc/self/status")


@needs_glibc
def test_memory_freed_below_a_block_still_in_use_is_given_back():
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    blocks = [libc.malloc(16 * 1024) for _ in range(3000)]     # 48 MB, below the mmap threshold: in the heap
    for b in blocks:
        ctypes.memset(b, 1, 16 * 1024)
    for b in blocks[:-1]:                                        # the last one keeps the heap from shrinking
        libc.free(b)
    before = resident_anon_kb()
    assert give_back_freed_memory()
    after = resident_anon_kb()
    libc.free(blocks[-1])
    assert before - after > 30 * 1024


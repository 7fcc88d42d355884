"""Jobs for tests/test_sandbox.py. A spawned child imports this module by name
(``"sandbox_jobs:jobs"``, tests/ on its PYTHONPATH); a forked worker gets :func:`run` from
its factory. A job is a tuple: its kind, then its argument."""

from __future__ import annotations

import ctypes
import errno
import os
import socket
import time

import pyoxigraph as ox


def jobs():
    """The factory: what the child calls before its memory cap."""
    return run


def run(job: tuple):
    kind, arg = job
    if kind == "echo":
        return arg
    if kind == "raise":
        raise ValueError(arg)
    if kind == "oserror":  # as pyoxigraph raises when a SERVICE cannot connect
        raise OSError(arg)
    if kind == "allocate":  # arg MiB, touched, in Python
        return len(bytearray(arg << 20))
    if kind == "abort":  # what an allocator does when it cannot go on
        os.abort()
    if kind == "segfault":
        ctypes.string_at(0)
    if kind == "sleep":
        time.sleep(arg)
        return os.getpid()
    if kind == "connect":  # the errno name of a connection to 127.0.0.1:arg, or "connected"
        try:
            socket.create_connection(("127.0.0.1", arg), timeout=5).close()
        except OSError as exc:
            return errno.errorcode.get(exc.errno, str(exc))
        return "connected"
    if kind == "replace":  # pyoxigraph (Rust) builds a string of arg MB, then measures it
        store = ox.Store()
        store.add(ox.Quad(ox.NamedNode("urn:x:a"), ox.NamedNode("urn:x:text"), ox.Literal("x" * 1000)))
        query = f'SELECT (STRLEN(REPLACE(?t, ".", "{"." * (arg * 1000)}")) AS ?n) {{ ?a <urn:x:text> ?t }}'
        return int(next(iter(store.query(query)))[0].value)
    raise AssertionError(f"unknown job {kind!r}")

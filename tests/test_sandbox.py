"""sco_kg.core.sandbox: every child of the server, spawned or forked, under the same limits.

A job past the memory cap is reported as memory (whether the child caught the MemoryError,
Rust's allocator aborted with its last words, or the child aborted under a cap), a crash as
a crash; a child past its time is killed; a child has no network when the OS allows it,
and dies with its parent, even when the thread that started it is gone.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sandbox_jobs import run
from sco_kg.core.confinement import Limits
from sco_kg.core.sandbox import ChildCrashed, ChildOutOfMemory, ChildTimeout, JobFailed, died_of_memory, spawn
from sco_kg.core.zygote import Zygote

TESTS = Path(__file__).resolve().parent
SERVER = TESTS.parent / "server"
JOBS = "sandbox_jobs:jobs"
GUARD = 60  # seconds: a guard against hanging, never a measure


@pytest.fixture(autouse=True)
def _jobs_importable(monkeypatch):
    """A spawned child imports the jobs by name: tests/ on its path."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")])))


@pytest.fixture
def child():
    made = []

    def make(limits: Limits = Limits(GUARD)):
        made.append(spawn(JOBS, limits))
        return made[-1]

    yield make
    for c in made:
        c.kill()


@pytest.fixture
def zygote():
    made = []

    def make(limits: Limits = Limits(GUARD), state=None, factory=lambda state: run):
        made.append(Zygote(factory, state, limits))
        return made[-1]

    yield make
    for z in made:
        z.close()


def gone(pid: int) -> bool:
    """The process ended (reaped, or a zombie nobody has reaped yet)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def wait_until_gone(pid: int) -> bool:
    deadline = time.monotonic() + GUARD
    while time.monotonic() < deadline:
        if gone(pid):
            return True
        time.sleep(0.05)
    return False


# --- jobs and failures ------------------------------------------------------------------


def test_a_failing_job_is_job_failed_and_the_child_serves_on(child):
    c = child()
    assert c.call(("echo", {"a": [1, 2]})) == {"a": [1, 2]}
    with pytest.raises(JobFailed, match="ValueError: no such thing"):
        c.call(("raise", "no such thing"))
    with pytest.raises(JobFailed, match="OSError: unreachable"):  # the job's, not the socket's
        c.call(("oserror", "unreachable"))
    assert c.alive and c.call(("echo", "next")) == "next"
    assert c.jobs == 4


def test_a_crash_is_a_crash_not_memory(child):
    c = child(Limits(GUARD, memory_mb=2048))
    with pytest.raises(ChildCrashed) as info:
        c.call(("segfault", None))
    assert not isinstance(info.value, ChildOutOfMemory)
    assert info.value.status == -signal.SIGSEGV
    assert not c.alive and gone(c.pid)


# --- memory -----------------------------------------------------------------------------


def test_past_its_cap_a_python_allocation_is_refused_as_memory(child):
    c = child(Limits(GUARD, memory_mb=400))  # a fresh interpreter holds ~30 MiB
    assert c.call(("allocate", 100)) == 100 << 20  # under the cap: served
    with pytest.raises(ChildOutOfMemory, match="400 MiB") as info:
        c.call(("allocate", 1000))
    assert info.value.status is None or info.value.status in (0, -signal.SIGKILL)  # it answered, then was ended
    assert not c.alive


def test_past_its_cap_rust_aborts_and_its_last_words_say_memory(child):
    c = child(Limits(GUARD, memory_mb=400))
    assert c.call(("replace", 50)) == 50_000_000
    with pytest.raises(ChildOutOfMemory) as info:
        c.call(("replace", 2000))  # 2 GB
    assert "memory allocation of" in info.value.words
    assert info.value.status == -signal.SIGABRT


def test_an_abort_is_memory_only_under_a_cap(child):
    with pytest.raises(ChildOutOfMemory):
        child(Limits(GUARD, memory_mb=2048)).call(("abort", None))
    with pytest.raises(ChildCrashed) as info:
        child(Limits(GUARD)).call(("abort", None))
    assert not isinstance(info.value, ChildOutOfMemory) and info.value.status == -signal.SIGABRT


@pytest.mark.parametrize("status,words,capped,memory", [
    (-signal.SIGABRT, "memory allocation of 4294967296 bytes failed\n", True, True),
    (-signal.SIGABRT, "memory allocation of 4294967296 bytes failed\n", False, True),
    (1, "Traceback (most recent call last):\n...\nMemoryError\n", False, True),
    (-signal.SIGABRT, "terminate called after throwing an instance of 'std::bad_alloc'", True, True),
    (-signal.SIGABRT, "", True, True),
    (-signal.SIGABRT, "", False, False),
    (-signal.SIGSEGV, "", True, False),
    (-signal.SIGKILL, "", True, False),
    (1, "ValueError: bad\n", True, False),
])
def test_died_of_memory_reads_the_status_and_the_last_words(status, words, capped, memory):
    assert died_of_memory(status, words, capped) is memory


# --- time -------------------------------------------------------------------------------


def test_past_its_time_a_child_is_killed(child):
    c = child()
    with pytest.raises(ChildTimeout, match="within 0.5 s"):
        c.call(("sleep", GUARD * 2), timeout=0.5)
    assert not c.alive and c.status == -signal.SIGKILL
    assert gone(c.pid)  # reaped at once: its CPU and memory are back


# --- network ----------------------------------------------------------------------------


def _os_allows_a_network_namespace() -> bool:
    code = "from sco_kg.core.confinement import isolate_network; print(isolate_network())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=GUARD,
                         env=dict(os.environ, PYTHONPATH=str(SERVER)), check=True)
    return out.stdout.strip() == "True"


def test_a_child_has_no_network_when_the_os_allows_it(child):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    try:
        c = child()
        assert c.isolated is _os_allows_a_network_namespace()  # said as it is
        if c.isolated:
            assert c.call(("connect", port)) == "ENETUNREACH"  # no interface is up
            with pytest.raises(BlockingIOError):
                listener.accept()  # nothing reached the listener
        unconfined = child(Limits(GUARD, isolate_network=False))
        assert not unconfined.isolated and unconfined.call(("connect", port)) == "connected"
    finally:
        listener.close()


# --- death with the parent ----------------------------------------------------------------

PARENT = """
import sys, time
from sco_kg.core.confinement import Limits
from sco_kg.core.sandbox import spawn
from sco_kg.core.zygote import Zygote
from sandbox_jobs import run
if sys.argv[1] == "spawn":
    print(spawn("sandbox_jobs:jobs", Limits(60)).pid, flush=True)
else:
    zygote = Zygote(lambda state: run, None, Limits(60))
    print(zygote.pid, zygote.spawn().pid, flush=True)
time.sleep(600)
"""


@pytest.mark.parametrize("how", ["spawn", "zygote"])
def test_children_die_with_their_parent(how):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(SERVER), str(TESTS)]))
    parent = subprocess.Popen([sys.executable, "-c", PARENT, how], stdout=subprocess.PIPE, text=True, env=env)
    try:
        pids = [int(p) for p in parent.stdout.readline().split()]
        assert pids and not any(gone(p) for p in pids)
        parent.send_signal(signal.SIGKILL)  # kill -9: no clean-up of its own
        parent.wait(GUARD)
        assert all(wait_until_gone(p) for p in pids), [p for p in pids if not gone(p)]
    finally:
        parent.kill()
        parent.stdout.close()


def test_a_child_outlives_the_thread_that_started_it(child):
    """PR_SET_PDEATHSIG fires when the starting *thread* ends: children start on one
    long-lived thread, so a request thread that ends takes no child with it."""
    started = []
    thread = threading.Thread(target=lambda: started.append(child()))
    thread.start()
    thread.join()
    time.sleep(0.2)
    assert started[0].call(("echo", "alive")) == "alive"


# --- forked workers (the zygote) ----------------------------------------------------------


def test_a_forked_worker_is_confined_as_a_spawned_child(zygote):
    z = zygote(Limits(GUARD, memory_mb=256, memory_above_start=True))
    worker = z.spawn()
    assert worker.isolated is z.isolated is _os_allows_a_network_namespace()
    assert worker.call(("echo", 1)) == 1
    with pytest.raises(ChildTimeout):
        worker.call(("sleep", GUARD * 2), timeout=0.5)
    assert gone(worker.pid)
    rust = z.spawn()
    with pytest.raises(ChildOutOfMemory) as info:
        rust.call(("replace", 2000))
    assert info.value.status == -signal.SIGABRT  # from the zygote, which reaps its workers
    assert "memory allocation of" in info.value.words  # its stderr, kept apart from the parent's
    crash = z.spawn()
    with pytest.raises(ChildCrashed) as info:
        crash.call(("segfault", None))
    assert not isinstance(info.value, ChildOutOfMemory) and info.value.status == -signal.SIGSEGV


def test_a_forked_workers_cap_counts_above_what_it_holds_at_start(zygote):
    """The worker shares a 600 MiB state with the zygote (as the query workers share the
    store): a cap of 128 MiB above it still lets a job take 64 MiB, not 256."""
    state = bytearray(600 << 20)
    z = zygote(Limits(GUARD, memory_mb=128, memory_above_start=True), state=state)
    worker = z.spawn()
    with open(f"/proc/{worker.pid}/statm") as f:
        assert int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE") > 600 << 20
    assert worker.call(("allocate", 64)) == 64 << 20
    with pytest.raises(ChildOutOfMemory, match="128 MiB"):
        worker.call(("allocate", 256))


def test_workers_forked_after_set_state_get_the_new_state(zygote):
    z = zygote(state="old", factory=lambda state: lambda job: state)
    first = z.spawn()
    z.set_state("new")
    second = z.spawn()
    assert (first.call(None), second.call(None)) == ("old", "new")

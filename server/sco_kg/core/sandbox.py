"""Every child process of the server is started, given its jobs and ended here: the query
workers, the validation workers, the ingest's child. One set of limits for all
(:class:`Limits`), applied inside the child by :func:`.confinement.confine`:

* **time**: the parent waits for a reply until the deadline, then SIGKILLs the child
  (:meth:`Child.call`: a runaway engine cannot be interrupted from inside);
* **memory**: a cap on the address space (RLIMIT_AS), set once the child has loaded its
  code, so that it bounds the work on a stranger's input, not the imports;
* **no network**: a new, empty network namespace when the OS allows it (root, or
  unprivileged user namespaces): even a query that slipped past the inspection of
  :mod:`sco_kg.web.limits` could reach no host;
* **death with the parent** (PR_SET_PDEATHSIG): a killed server leaves no child behind.

Two ways to start a child, the same job loop (:func:`.confinement.serve`) in both:

* :func:`spawn`: a fresh interpreter (``python -m sco_kg.core.confinement FD PARENT``), told
  over a socketpair which job function to serve: ``"package.module:factory"``, a function
  called in the child before its memory cap, which loads what the jobs need and returns
  the job function. Nothing of the threaded web process is inherited. The validation
  workers, the ingest's child.
* :class:`.zygote.Zygote`: a process forked once from the web process, which forks workers
  on request, so that they share its memory (the in-memory store) copy-on-write. The
  query workers.

One way to run a job (:meth:`Child.call`, with kill on deadline) and one way to tell a
child that died of memory from one that crashed (:func:`died_of_memory`, from its exit
status and its last words: its stderr goes to a file).

PR_SET_PDEATHSIG fires when the *thread* that started the child ends, not the process: a
child started from a request thread would die when a server ends that thread. So every
child is started from one thread that lives as long as the process
(:func:`from_spawner_thread`).

Why not :mod:`multiprocessing`: its processes take no memory cap, network namespace or
death signal; a killed worker of its Pool loses its task without a status or last words to
tell memory from a crash; and its ``forkserver`` forks from a fresh interpreter, which
would hold the store a second time (766 MiB of RSS at 1M triples, measured) instead of
sharing the web process's.
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, TypeVar

from .confinement import Limits, recv, send
from .errors import ScoKgError

T = TypeVar("T")
START_TIMEOUT = 120.0  # a validation worker (pySHACL loaded) starts in ~0.6 s; a busy machine, more
WORDS_BYTES = 16 << 10  # the end of a dead child's stderr that is read (and logged)
#: What a process writes as it runs out of memory: Rust's allocator ("memory allocation of
#: N bytes failed", then abort), CPython, glibc's strerror(ENOMEM), C++'s std::bad_alloc
OUT_OF_MEMORY_WORDS = ("memory allocation of", "MemoryError", "Cannot allocate memory", "out of memory",
                       "std::bad_alloc")
_log = logging.getLogger(__name__)


class ChildError(ScoKgError):
    """A child did not give the answer of its job."""


class ChildTimeout(ChildError):
    """The child did not answer within ``seconds`` (it was killed; or it did not start in time)."""

    def __init__(self, seconds: float):
        super().__init__(f"did not finish within {seconds:g} s and was stopped")
        self.seconds = seconds


class ChildCrashed(ChildError):
    """The child died without answering (or could not start); ``words``: the end of its stderr."""

    def __init__(self, message: str, words: str = "", status: int | None = None):
        super().__init__(message)
        self.words = words
        self.status = status


class ChildOutOfMemory(ChildCrashed):
    """The child's job needed more than its memory cap (``limit_mb`` MiB): refused or died of it."""

    def __init__(self, limit_mb: int, words: str = "", status: int | None = None):
        super().__init__(f"needed more than the {limit_mb} MiB of memory it may use", words, status)
        self.limit_mb = limit_mb


class JobFailed(ChildError):
    """The job raised (``Type: text``); the child lives on and serves the next job."""


# --- the parent's side ------------------------------------------------------------------


def died_of_memory(status: int | None, words: str, capped: bool) -> bool:
    """Whether a child that died without answering died of memory: its last words say so
    (Rust, CPython, glibc, C++: :data:`OUT_OF_MEMORY_WORDS`), or, under a cap, it aborted
    (SIGABRT: what an allocator does when it cannot go on). Anything else is a crash."""
    return any(w in words for w in OUT_OF_MEMORY_WORDS) or (capped and status == -signal.SIGABRT)


class Child:
    """One confined child process, from the parent's side: :meth:`call` runs one job.

    ``reap()`` waits for the (killed) process and gives its exit status, ``-signal`` when a
    signal ended it: :func:`subprocess.Popen.wait` for a spawned child, the zygote's answer
    for a forked one (:class:`sco_kg.core.zygote.Zygote`). ``stderr``: the file its stderr
    goes to, whose end (:attr:`words`) is read once it is dead.
    """

    def __init__(self, pid: int, sock: socket.socket, stderr, limits: Limits, reap: Callable[[], int | None]):
        self.pid = pid
        self.sock = sock
        self.limits = limits
        self.alive = True
        self.isolated = False
        self.jobs = 0
        self.status: int | None = None
        self.words = ""
        self._stderr = stderr
        self._reap = reap

    def wait_ready(self, timeout: float = START_TIMEOUT) -> Child:
        """Wait for the child's hello (its factory ran and it is confined)."""
        try:
            kind, value = recv(self.sock, time.monotonic() + timeout)
        except TimeoutError:
            self.kill()
            raise ChildTimeout(timeout) from None
        except (EOFError, OSError, pickle.UnpicklingError):
            self.kill()
            raise ChildCrashed(f"the child did not start: {_last_line(self.words)}", self.words, self.status) from None
        if kind != "ready":
            self.kill()
            raise ChildCrashed(f"the child did not start: {value}", self.words, self.status)
        self.isolated = bool(value)
        return self

    def call(self, job, timeout: float | None = None):
        """Run ``job`` in the child; its value. The child is killed at the deadline
        (ChildTimeout), when it dies (ChildCrashed, or ChildOutOfMemory when it died of
        memory) and when the job runs into the cap (ChildOutOfMemory); a job that raised
        is JobFailed, and the child serves on."""
        seconds = self.limits.seconds if timeout is None else timeout
        deadline = time.monotonic() + max(0.001, seconds)
        try:
            send(self.sock, job, deadline)
            kind, value = recv(self.sock, deadline)
        except TimeoutError:
            self.kill()
            raise ChildTimeout(seconds) from None
        except (EOFError, OSError, pickle.UnpicklingError):
            status = self.kill()
            if self.words.strip():
                _log.warning("child %s died (status %s); its last words: %s", self.pid, status, self.words.strip()[-1000:])
            if died_of_memory(status, self.words, self.limits.memory_mb > 0):
                raise ChildOutOfMemory(self.limits.memory_mb, self.words, status) from None
            raise ChildCrashed(f"died without answering (status {status}): {_last_line(self.words)}",
                               self.words, status) from None
        self.jobs += 1
        if kind == "ok":
            return value
        if kind == "memory":  # a heap that hit its cap stays near it: ended
            self.kill()
            raise ChildOutOfMemory(self.limits.memory_mb, value, self.status)
        raise JobFailed(value)

    def kill(self, wait: bool = True) -> int | None:
        """End the child (SIGKILL, if it still runs) and reap it: its exit status. Idempotent.
        ``wait=False``: the signal only (the zygote is about to end; PR_SET_PDEATHSIG does the rest)."""
        if not self.alive:
            return self.status
        self.alive = False
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        self.status = self._reap() if wait else None
        self.sock.close()
        self.words = _tail(self._stderr)
        return self.status

    def __enter__(self) -> Child:
        return self

    def __exit__(self, *exc) -> None:
        self.kill()


def _tail(file) -> str:
    """The end of a child's stderr file (then closed)."""
    try:
        file.seek(0, os.SEEK_END)
        file.seek(max(0, file.tell() - WORDS_BYTES))
        return file.read().decode("utf-8", "replace")
    except (OSError, ValueError):
        return ""
    finally:
        file.close()


def _last_line(words: str) -> str:
    lines = words.strip().splitlines()
    return lines[-1][:300] if lines else "no output"


def spawn(factory: str, limits: Limits, *, start_timeout: float = START_TIMEOUT) -> Child:
    """A fresh, confined interpreter serving the job function that ``factory``
    (``"package.module:function"``, called in the child before its memory cap) returns;
    once it said it is ready. ChildCrashed (or ChildTimeout) when it does not start."""
    mine, theirs = socket.socketpair()
    package_root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ, RUST_BACKTRACE="0")
    env["PYTHONPATH"] = os.pathsep.join([package_root, *filter(None, [env.get("PYTHONPATH")])])
    words = tempfile.TemporaryFile()
    argv = [sys.executable, "-m", "sco_kg.core.confinement", str(theirs.fileno()), str(os.getpid())]
    try:
        proc = from_spawner_thread(lambda: subprocess.Popen(
            argv, pass_fds=[theirs.fileno()], env=env, stdin=subprocess.DEVNULL, stdout=words,
            stderr=subprocess.STDOUT, close_fds=True))
    except OSError as exc:  # no interpreter to run (it was there a moment ago)
        mine.close()
        words.close()
        raise ChildCrashed(f"the child did not start: {exc}") from None
    finally:
        theirs.close()
    child = Child(proc.pid, mine, words, limits, lambda: _wait(proc))
    try:
        send(mine, (factory, limits), time.monotonic() + start_timeout)
    except (OSError, TimeoutError):
        pass  # it died already: wait_ready says so
    return child.wait_ready(start_timeout)


def _wait(proc: subprocess.Popen) -> int | None:
    try:
        return proc.wait(30)
    except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL was sent
        return None


# --- one long-lived thread starts every child ---------------------------------------------

_spawner: queue.Queue | None = None
_spawner_lock = threading.Lock()


def from_spawner_thread(start: Callable[[], T]) -> T:
    """Run ``start`` (a fork, a Popen) on the spawner thread, which lives as long as the
    process: PR_SET_PDEATHSIG fires when the thread that started a child ends, and a
    request thread may end long before the server does."""
    global _spawner
    with _spawner_lock:
        if _spawner is None:
            _spawner = queue.Queue()
            threading.Thread(target=_spawner_loop, args=(_spawner,), name="sco-kg-spawner", daemon=True).start()
        jobs = _spawner
    done, box = threading.Event(), []
    jobs.put((start, box, done))
    done.wait()
    if isinstance(box[0], BaseException):
        raise box[0]
    return box[0]


def _spawner_loop(jobs: queue.Queue) -> None:
    while True:
        start, box, done = jobs.get()
        try:
            box.append(start())
        except BaseException as exc:  # handed to the caller's thread
            box.append(exc)
        done.set()


def _forget_spawner() -> None:
    """In a forked child, the spawner thread of the parent does not exist."""
    global _spawner
    _spawner = None


os.register_at_fork(after_in_child=_forget_spawner)

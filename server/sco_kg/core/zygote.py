"""Forked children that share the memory of the process that made them: a zygote.

A fresh interpreter (:func:`.sandbox.spawn`) would have to load the store again; a fork
shares it copy-on-write. Forking the web process itself for each worker would copy its
threads' locks in whatever state they are; so the web process forks once, a **zygote**:
single-threaded, confined (no network, death with the web process; no memory cap: it holds
the store), which never runs a job and only forks workers on request. Each worker:

* gets its socket (and a file for its stderr, its last words) from the web process through
  the zygote (SCM_RIGHTS), so that it talks to the web process directly;
* calls ``factory(state)`` (for the query workers: the in-memory store inherited, or the
  on-disk store opened read-only at the path of the current generation), then runs
  :func:`.sandbox.serve` in a thread with a ``stack_mb`` stack (pyoxigraph's parser and
  evaluator recurse per bracket), which confines it with the same :class:`.sandbox.Limits`
  as any child; its memory cap counts from the address space it holds then when
  ``limits.memory_above_start`` (the store's pages, shared with the zygote, count in it).

The zygote reaps its workers when the web process asks (``W``), so the exit status of a
dead worker (SIGABRT: out of memory) reaches the web process as a spawned child's does;
when the web process closes its socket (or dies), it kills and reaps the workers left,
then ends. Requests to the zygote: ``S`` (fork a worker; its pid), ``P`` (the state of
the workers forked from now on: a pickle), ``W`` (wait for a killed worker: its status).
"""

from __future__ import annotations

import os
import signal
import socket
import struct
import tempfile
import threading
import warnings
from typing import Callable

from .confinement import Limits, confine, recv, recv_exact, send, serve
from .sandbox import START_TIMEOUT, Child, ChildCrashed, from_spawner_thread

_PID = struct.Struct("!i")
_UNKNOWN = -(1 << 31)  # the exit status of a worker that is not the zygote's child


class Zygote:
    """Forks confined workers serving the job function ``factory(state)`` returns (it runs in
    the worker, before the cap). ``state`` is given by fork at first, by pickle after
    :meth:`set_state`."""

    def __init__(self, factory: Callable[[object], Callable], state, limits: Limits, *, stack_mb: int = 0):
        self.limits = limits
        self._lock = threading.Lock()
        self._workers: dict[int, Child] = {}  # until reaped
        ctl, theirs = socket.socketpair()
        parent = os.getpid()

        def fork() -> int:
            with warnings.catch_warnings():
                # Python >= 3.12 warns about fork() in a threaded process: the zygote is the
                # answer to that warning (it only forks, and uses no lock of this process)
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
            if pid == 0:
                try:
                    ctl.close()
                    _zygote_main(theirs, factory, state, limits, stack_mb, parent)
                finally:
                    os._exit(0)
            return pid

        self.pid = from_spawner_thread(fork)
        theirs.close()
        self._ctl = ctl
        (self.isolated,) = struct.unpack("!?", recv_exact(ctl, 1))

    def spawn(self, start_timeout: float = START_TIMEOUT) -> Child:
        """A new worker, once it is ready (ChildCrashed when its factory failed)."""
        mine, theirs = socket.socketpair()
        stderr = tempfile.TemporaryFile()
        try:
            with self._lock:
                socket.send_fds(self._ctl, [b"S"], [theirs.fileno(), stderr.fileno()])
                (pid,) = _PID.unpack(recv_exact(self._ctl, _PID.size))
                worker = self._workers[pid] = Child(pid, mine, stderr, self.limits, lambda: self.reap(pid))
        except (OSError, EOFError):  # the zygote is gone
            mine.close()
            stderr.close()
            raise ChildCrashed("the zygote is gone: no worker can be forked") from None
        finally:
            theirs.close()
        return worker.wait_ready(start_timeout)

    def set_state(self, state) -> None:
        """Workers forked from now on get ``state`` (a picklable value)."""
        with self._lock:
            self._ctl.sendall(b"P")
            send(self._ctl, state)
            recv_exact(self._ctl, 1)

    def reap(self, pid: int) -> int | None:
        """Wait for worker ``pid`` (killed, or dead) to end: its exit status (-signal)."""
        with self._lock:
            self._workers.pop(pid, None)
            try:
                self._ctl.sendall(b"W" + _PID.pack(pid))
                (status,) = _PID.unpack(recv_exact(self._ctl, _PID.size))
            except (OSError, EOFError):  # the zygote is gone, and its workers with it
                return None
        return None if status == _UNKNOWN else status

    def close(self) -> None:
        """End the workers and the zygote: the workers are SIGKILLed here without waiting,
        and reaped by the zygote as it ends (it sees its socket closed); the zygote here."""
        with self._lock:
            workers, self._workers = list(self._workers.values()), {}
        for worker in workers:
            worker.kill(wait=False)
        self._ctl.close()
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def _zygote_main(ctl: socket.socket, factory, state, limits: Limits, stack_mb: int, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # workers are reaped on request (W)
    keep = {0, 1, 2, ctl.fileno()}
    for name in os.listdir("/proc/self/fd"):  # nothing of the web process: sockets, files
        fd = int(name)
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass
    isolated = confine(Limits(limits.seconds, 0, limits.isolate_network), parent)
    ctl.sendall(struct.pack("!?", isolated))
    me = os.getpid()
    workers: set[int] = set()
    while True:
        try:
            msg, fds, _flags, _addr = socket.recv_fds(ctl, 1, 2)
            if msg == b"P":
                state = recv(ctl)
                ctl.sendall(b"K")
                continue
            if msg == b"W":
                (pid,) = _PID.unpack(recv_exact(ctl, _PID.size))
                workers.discard(pid)
                ctl.sendall(_PID.pack(_wait(pid)))
                continue
        except (OSError, EOFError):
            break
        if msg != b"S" or len(fds) != 2:
            break
        pid = os.fork()
        if pid == 0:
            try:
                ctl.close()
                _worker_main(socket.socket(fileno=fds[0]), fds[1], factory, state, limits, stack_mb, me)
            finally:
                os._exit(0)
        workers.add(pid)
        for fd in fds:
            os.close(fd)
        try:
            ctl.sendall(_PID.pack(pid))
        except OSError:
            break
    for pid in workers:  # the web process closed this socket, or died: no worker outlives it
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        _wait(pid)
    os._exit(0)


def _wait(pid: int) -> int:
    try:
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    except ChildProcessError:
        return _UNKNOWN


def _worker_main(sock: socket.socket, stderr: int, factory, state, limits: Limits, stack_mb: int,
                 parent: int) -> None:
    os.dup2(stderr, 2)  # its last words, read by the web process when it dies
    os.close(stderr)
    os.environ["RUST_BACKTRACE"] = "0"  # the allocator's one line, not a backtrace
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)

    def run() -> None:
        try:
            job = factory(state)
        except Exception as exc:
            send(sock, ("failed", f"{type(exc).__name__}: {exc}"))
            return
        serve(sock, job, limits, parent)

    if stack_mb:
        threading.stack_size(stack_mb << 20)
    thread = threading.Thread(target=run, name="sco-kg-worker")
    thread.start()
    thread.join()


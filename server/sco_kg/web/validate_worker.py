"""SHACL validation of strangers' RDF away from the server: a small pool of worker processes.

Why processes: validation is CPU-heavy and grows with the data (through this route on the
2-core dev machine, busy: 0.13 s for an empty body, 0.2 s for tests/shapes/valid/base.trig's
153 triples, 0.85 s for 2,000 synthetic triples, 2-3 s for 5,000), pySHACL
flips rdflib-wide settings while it works, and a hostile body could still find a slow path
in a parser. A worker process can be killed at the deadline, and its death harms nobody.

* Each worker is ``python -m sco_kg.web.validate_worker FD``: a fresh interpreter (no fork
  of the threaded web process), talking over a socketpair with the framing of
  :mod:`.executor`. It moves into an empty network namespace when the OS allows it (as the
  query workers do), caps its address space (``validate_max_memory_mb``), then serves one
  job at a time: parse the body with :func:`sco_kg.rdf.untrusted.parse_untrusted` under the
  request's limits, validate it with the very function of ``sco-kg validate FILE``
  (:func:`sco_kg.pipeline.validate.validate_files`, so HTTP and CLI give the same verdict), and
  serialise the report.
* At most two requests per worker are running or waiting (others get 503 at once), so
  validations never tie up more than a few of the server's request threads.
* The pool starts workers lazily (the first POST /validate pays the start-up: 0.7 s measured with its validation), takes
  an idle one for each request (503 if none frees up within the timeout), and kills a worker
  that overruns the deadline or dies (503), starting a fresh one for the next request.
  A worker is replaced after ``MAX_JOBS`` jobs, so no cache or leak grows without bound.
* ``?with-kg=true`` data (the served graph's asserted data graphs) reaches the workers as an
  N-Quads file written once by the web process, loaded as an extra source file.
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
from pathlib import Path

from ..core.sandbox import die_with_parent, isolate_network, limit_memory, recv, send
from . import validate_job
from .validate_job import Outcome

MAX_JOBS = 200
START_TIMEOUT = 120.0


class ValidationTimeout(Exception):
    pass


class ValidatorBusy(Exception):
    pass


class ValidatorCrashed(Exception):
    pass


class ValidatorOutOfMemory(ValidatorCrashed):
    """The worker aborted (SIGABRT): what pyoxigraph's and Python's allocators do past the
    address-space cap (``validate_max_memory_mb``)."""


# --- the web side -----------------------------------------------------------------------


class _Worker:
    def __init__(self, memory_mb: int, isolate_network: bool):
        mine, theirs = socket.socketpair()
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ, RUST_BACKTRACE="0")
        env["PYTHONPATH"] = package_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        # its stderr kept aside: when it dies, its last words tell running out of memory
        # (Rust's "memory allocation of N bytes failed", CPython's MemoryError) from a crash
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sco_kg.web.validate_worker", str(theirs.fileno()), str(memory_mb),
             "1" if isolate_network else "0"],
            pass_fds=[theirs.fileno()], env=env, stdin=subprocess.DEVNULL, stderr=self.stderr,
            close_fds=True)
        theirs.close()
        self.sock = mine
        self.jobs = 0
        self.sock.settimeout(START_TIMEOUT)
        try:
            hello = recv(self.sock)
        except (OSError, EOFError, pickle.UnpicklingError):
            self.kill()
            raise ValidatorCrashed("the validation worker did not start") from None
        if hello[0] != "ready":
            self.kill()
            raise ValidatorCrashed(f"the validation worker did not start: {hello[1]}")
        self.isolated = bool(hello[1])

    def kill(self) -> int | None:
        """Stop the worker (if it still runs); its return code (``-signal`` if a signal ended it)."""
        try:
            self.proc.send_signal(signal.SIGKILL)
        except OSError:
            pass
        try:
            code = self.proc.wait(5)
        except subprocess.TimeoutExpired:  # pragma: no cover
            code = None
        self.sock.close()
        self.words = self._read_stderr()
        return code

    def _read_stderr(self, size: int = 4096) -> str:
        try:
            self.stderr.seek(0, os.SEEK_END)
            self.stderr.seek(max(0, self.stderr.tell() - size))
            return self.stderr.read().decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""
        finally:
            self.stderr.close()

    def last_words(self) -> str:
        """The end of what the worker wrote to stderr (after :meth:`kill`), logged."""
        text = getattr(self, "words", "")
        if text.strip():
            logging.getLogger(__name__).warning("validation worker's last words: %s", text.strip()[-1000:])
        return text


OUT_OF_MEMORY_WORDS = ("memory allocation of", "MemoryError", "Cannot allocate memory", "out of memory")

class ValidatorPool:
    """``workers`` validation processes, started on first use; :meth:`validate` runs one job."""

    def __init__(self, workers: int = 1, *, memory_mb: int = 2048, isolate_network: bool = True):
        self.size = max(1, int(workers))
        self.memory_mb = memory_mb
        self.isolate_network = isolate_network
        self._slots: queue.Queue[_Worker | None] = queue.Queue()
        for _ in range(self.size):
            self._slots.put(None)
        # requests in a worker or waiting for one: at most two per worker, so that validations
        # never hold more than a few of the server's request threads
        self._admitted = threading.BoundedSemaphore(2 * self.size)
        self._live: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.started = 0

    def validate(self, job: dict, timeout: float) -> Outcome:
        """Run ``job`` (see :func:`run_job`) in a worker within ``timeout`` seconds."""
        if not self._admitted.acquire(blocking=False):
            raise ValidatorBusy(f"{2 * self.size} validations are running or waiting: try again later")
        try:
            return self._validate(job, timeout)
        finally:
            self._admitted.release()

    def _validate(self, job: dict, timeout: float) -> Outcome:
        try:
            worker = self._slots.get(timeout=max(0.0, timeout))
        except queue.Empty:
            raise ValidatorBusy(f"all {self.size} validation workers stayed busy for {timeout:g} s") from None
        try:
            if worker is None:
                worker = self._start()
            worker.sock.settimeout(max(0.001, timeout))
            send(worker.sock, job)
            reply = recv(worker.sock)
        except (socket.timeout, TimeoutError):
            self._retire(worker)
            raise ValidationTimeout(f"the validation did not finish within {timeout:g} s and was stopped") from None
        except (EOFError, OSError, pickle.UnpicklingError):
            code = self._retire(worker)
            words = worker.last_words() if worker is not None else ""
            if code == -signal.SIGABRT or any(w in words for w in OUT_OF_MEMORY_WORDS):
                raise ValidatorOutOfMemory(
                    f"validating this input needs more memory than the limit of {self.memory_mb} MB") from None
            raise ValidatorCrashed("the validation worker died on this input (it was replaced)") from None
        except BaseException:
            self._retire(worker)
            raise
        worker.jobs += 1
        out_of_memory = isinstance(reply[1], Outcome) and reply[1].reason == "memory"
        if worker.jobs >= MAX_JOBS or out_of_memory:  # a heap that hit its cap stays near it
            self._retire(worker)
        else:
            self._slots.put(worker)
        if reply[0] == "failure":
            raise ValidatorCrashed(f"the validation failed: {reply[1]}")
        return reply[1]

    def _start(self) -> _Worker:
        worker = _Worker(self.memory_mb, self.isolate_network)
        with self._lock:
            self._live.add(worker)
            self.started += 1
        return worker

    def _retire(self, worker: _Worker | None) -> int | None:
        code = None
        if worker is not None:
            code = worker.kill()
            with self._lock:
                self._live.discard(worker)
        self._slots.put(None)  # the next request starts a fresh worker
        return code

    def close(self) -> None:
        self._closed = True
        with self._lock:
            live, self._live = list(self._live), set()
        for worker in live:
            worker.kill()


# --- the worker side --------------------------------------------------------------------


def main(argv: list[str]) -> None:  # pragma: no cover - runs in the worker process
    fd, memory_mb, isolate = int(argv[0]), int(argv[1]), argv[2] == "1"
    sock = socket.socket(fileno=fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()
    logging.getLogger("rdflib").setLevel(logging.ERROR)  # ill-typed literals: the report says so
    isolated = False
    if isolate:
        isolated = isolate_network()
    try:
        import pyshacl  # noqa: F401  (imported once, before the first job and the memory cap)

        from ..pipeline import fastshacl, validate  # noqa: F401  (loaded before the memory cap)
        from ..pipeline.sources import Sources
        from ..rdf import untrusted  # noqa: F401

        if Sources.default().shapes is None:
            raise RuntimeError("no shapes: ontology/shapes.ttl is missing")
    except Exception as exc:
        send(sock, ("failed", f"{type(exc).__name__}: {exc}"))
        return
    # Room kept aside under the cap: freed when the cap is hit, so that the refusal can
    # still be pickled and sent (without it, the worker died mid-reply or in the
    # interpreter, and the client got a 500 instead of a 413).
    reserve = bytearray(16 << 20)
    limit_memory(memory_mb)
    send(sock, ("ready", isolated))
    out_of_memory = Outcome(False, status=413, reason="memory", message=(
        f"validating this input needs more than the {memory_mb} MB a validation may use"))
    while True:
        job = None
        try:
            job = recv(sock)
            reply = ("outcome", validate_job.run_job(job))
        except (EOFError, OSError):
            return
        except (MemoryError, SystemError) as exc:  # SystemError: CPython out of memory in C code
            if isinstance(exc, SystemError) and memory_mb <= 0:
                reply = ("failure", f"{type(exc).__name__}: {exc}")
            else:
                reserve.clear()  # freed: room to answer (the pool then retires this worker)
                reply = ("outcome", out_of_memory)
        except Exception as exc:
            reply = ("failure", f"{type(exc).__name__}: {exc}")
        del job
        try:
            send(sock, reply)
        except OSError:
            return

if __name__ == "__main__":  # pragma: no cover
    # run as the module's real name, so that what it pickles (Outcome) unpickles in the server
    from sco_kg.web import validate_worker

    validate_worker.main(sys.argv[1:])

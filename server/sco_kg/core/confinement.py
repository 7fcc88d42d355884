"""What runs inside every child process of the server (:mod:`.sandbox` starts them): the
confinement (:func:`confine`: death with the parent, no network, the memory cap), the
framing of the messages exchanged with the parent (:func:`send`, :func:`recv`), and the
job loop (:func:`serve`). ``python -m sco_kg.core.confinement FD PARENT`` is the start of
every child :func:`.sandbox.spawn` makes; :mod:`.zygote`'s forked workers run :func:`serve`.

The job loop answers each job with one reply: ``("ok", value)``; ``("failure", "Type:
text")`` when the job raised (the child serves on); ``("memory", text)`` when the job ran
into the cap (a MemoryError; then the child ends: a heap that hit its cap stays near it).
"""

from __future__ import annotations

import ctypes
import importlib
import os
import pickle
import resource
import signal
import socket
import struct
import sys
import time
from dataclasses import dataclass
from typing import Callable

_LEN = struct.Struct("!Q")
PR_SET_PDEATHSIG = 1
#: Kept aside by every child before its cap and freed when the cap is hit, so that the
#: refusal can still be pickled and sent (without it the worker died mid-reply: a 500)
RESERVE_BYTES = 16 << 20


@dataclass(frozen=True)
class Limits:
    """What one child may use.

    ``seconds``: the default deadline of :meth:`.sandbox.Child.call`. ``memory_mb``: the cap
    on the address space in MiB (0: no cap), counted from zero or, with
    ``memory_above_start``, above the address space the child holds when it is confined: a
    forked worker's address space already holds all of the process it was forked from (the
    in-memory store, the interpreter, the libraries, the other threads' stacks), a size its
    operator cannot know.
    """

    seconds: float
    memory_mb: int = 0
    isolate_network: bool = True
    memory_above_start: bool = False


# --- framing ----------------------------------------------------------------------------


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


def send(sock: socket.socket, obj, deadline: float | None = None) -> None:
    """One message: its pickled length, then the pickle (TimeoutError past ``deadline``)."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    if deadline is not None:
        sock.settimeout(_remaining(deadline))
    sock.sendall(_LEN.pack(len(data)) + data)


def recv_exact(sock: socket.socket, n: int, deadline: float | None = None) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        if deadline is not None:  # the deadline bounds the whole message, not each chunk
            sock.settimeout(_remaining(deadline))
        chunk = sock.recv(min(n - len(buf), 1 << 20))
        if not chunk:
            raise EOFError
        buf += chunk
    return bytes(buf)


def recv(sock: socket.socket, deadline: float | None = None):
    """One message sent by :func:`send`; EOFError when the other end closed."""
    (n,) = _LEN.unpack(recv_exact(sock, _LEN.size, deadline))
    return pickle.loads(recv_exact(sock, n, deadline))

# --- confinement ------------------------------------------------------------------------

_network_isolated = False  # this process's: a forked child inherits its parent's namespace


def isolate_network() -> bool:
    """Move this process into a new, empty network namespace (no interface is up).
    Best effort: False when the OS does not allow it (no root, no user namespaces, or,
    without root, a process that already runs threads)."""
    global _network_isolated
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000
        if os.geteuid() == 0 and libc.unshare(CLONE_NEWNET) == 0:
            _network_isolated = True
            return True
        uid, gid = os.geteuid(), os.getegid()
        if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
            return False
        try:  # keep our own uid inside the namespace (file permissions unchanged)
            with open("/proc/self/setgroups", "w") as f:
                f.write("deny")
            with open("/proc/self/uid_map", "w") as f:
                f.write(f"{uid} {uid} 1")
            with open("/proc/self/gid_map", "w") as f:
                f.write(f"{gid} {gid} 1")
        except OSError:
            pass
        _network_isolated = True
        return True
    except Exception:
        return False


def die_with_parent(parent: int | None = None) -> None:
    """SIGKILL this process when its parent dies (a killed server leaves no child behind).
    With ``parent``, exit at once if that parent is already gone."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux
        return
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def address_space_mb() -> int:
    """This process's address space (what RLIMIT_AS counts), in MiB; 0 where /proc is absent."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE") >> 20


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space (RLIMIT_AS) at ``megabytes`` MiB; 0: no cap."""
    if megabytes > 0:
        limit = megabytes << 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def confine(limits: Limits, parent: int | None = None) -> bool:
    """Confine this process (every child calls it before it touches a stranger's input):
    death with ``parent``, no network, the memory cap. True when the network is isolated."""
    die_with_parent(parent)
    isolated = _network_isolated or (limits.isolate_network and isolate_network())
    if limits.memory_mb > 0:
        limit_memory(limits.memory_mb + (address_space_mb() if limits.memory_above_start else 0))
    return isolated


def serve(sock: socket.socket, job: Callable, limits: Limits, parent: int | None = None) -> None:
    """The job loop of every child: confine, say ready, then answer job after job with
    ``job(it)`` until the parent closes the socket (or the cap is hit: then answer and end)."""
    reserve = bytearray(RESERVE_BYTES)  # held until the cap is hit: see RESERVE_BYTES
    send(sock, ("ready", confine(limits, parent)))
    memory = ("memory", f"past the cap of {limits.memory_mb} MiB")
    while True:
        try:
            request = recv(sock)
        except (EOFError, OSError):  # the parent closed the socket, or died
            return
        except MemoryError:  # a job too large to unpickle under the cap
            reply = memory
        else:
            reply = _answer(job, request, memory, capped=limits.memory_mb > 0)
            del request
        if reply is memory:
            reserve.clear()  # freed: room to answer; the parent then ends this child
        try:
            send(sock, reply)
        except MemoryError:  # the reply itself does not fit under the cap
            reserve.clear()
            reply = memory
            send(sock, memory)
        except OSError:
            return
        if reply is memory:
            return


def _answer(job: Callable, request, memory: tuple, capped: bool) -> tuple:
    """The reply to one job (``memory`` when it ran out of memory)."""
    try:
        return ("ok", job(request))
    except MemoryError:
        return memory
    except SystemError as exc:  # how CPython may say it is out of memory in C code, under a cap
        return memory if capped else ("failure", f"{type(exc).__name__}: {exc}")
    except Exception as exc:
        return ("failure", f"{type(exc).__name__}: {exc}")


def main(argv: list[str]) -> None:  # pragma: no cover - runs in the child
    """``python -m sco_kg.core.confinement FD PARENT``: the start of every child that
    :func:`.sandbox.spawn` makes. The first message names the factory and the limits."""
    fd, parent = int(argv[0]), int(argv[1])
    die_with_parent(parent)  # at once: the imports of the factory may take a while
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sock = socket.socket(fileno=fd)
    try:
        factory, limits = recv(sock)
        module, _, name = factory.partition(":")
        job = getattr(importlib.import_module(module), name)()
    except Exception as exc:
        send(sock, ("failed", f"{type(exc).__name__}: {exc}"))
        return
    serve(sock, job, limits, parent)


if __name__ == "__main__":  # pragma: no cover
    # run as the module's real name, so that its state (the network flag) and what it
    # pickles are those of sco_kg.core.confinement, the module the jobs' code imports
    from sco_kg.core import confinement

    confinement.main(sys.argv[1:])

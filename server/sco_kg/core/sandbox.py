"""What confines the server's child processes (query workers, validation workers, the
ingest child): no network, a cap on the address space, death with the parent; and the
framing of the messages they exchange with the server over a socket.

Every child calls :func:`confine` before it touches a stranger's input.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import resource
import signal
import socket
import struct

_LEN = struct.Struct("!Q")
PR_SET_PDEATHSIG = 1


# --- framing ----------------------------------------------------------------------------


def send(sock: socket.socket, obj) -> None:
    """One message: its pickled length, then the pickle."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_LEN.pack(len(data)) + data)


def recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(min(n - len(buf), 1 << 20))
        if not chunk:
            raise EOFError
        buf += chunk
    return bytes(buf)


def recv(sock: socket.socket):
    """One message sent by :func:`send`; EOFError when the other end closed."""
    (n,) = _LEN.unpack(recv_exact(sock, _LEN.size))
    return pickle.loads(recv_exact(sock, n))


# --- confinement ------------------------------------------------------------------------


def isolate_network() -> bool:
    """Move this process into a new, empty network namespace (no interface is up).
    Best effort: False when the OS does not allow it (no root, no user namespaces)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000
        if os.geteuid() == 0 and libc.unshare(CLONE_NEWNET) == 0:
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


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space (RLIMIT_AS) at ``megabytes`` MiB; 0: no cap."""
    if megabytes > 0:
        limit = megabytes << 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

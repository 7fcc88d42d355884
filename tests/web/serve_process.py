"""A real ``sco-kg serve`` process for tests that must go through waitress and survive
hostile requests (tests/web/test_hostile_serve.py, tests/load/): started on a free port,
its URL read from its own "serving on" line, its memory and its workers found in /proc."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVING = re.compile(r"serving on (http://[^/\s]+)/")


class ServeProcess:
    def __init__(self, *args: str, env: dict | None = None, startup_timeout: float = 600):
        self.args = args
        self.env = {**os.environ, "PYTHONPATH": str(ROOT / "server"), **(env or {})}
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen | None = None
        self.url = ""
        self.log: list[str] = []

    def __enter__(self) -> "ServeProcess":
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sco_kg", "serve", "--port", "0", *self.args],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=self.env, cwd=ROOT,
            start_new_session=True, text=True, errors="replace")
        found = threading.Event()

        def drain():
            for line in self.proc.stderr:
                self.log.append(line)
                m = SERVING.search(line)
                if m and not found.is_set():
                    self.url = m.group(1)
                    found.set()

        self._drain = threading.Thread(target=drain, daemon=True)
        self._drain.start()
        deadline = time.monotonic() + self.startup_timeout
        while not found.wait(0.2):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError("sco-kg serve did not start:\n" + "".join(self.log[-40:]))
        return self

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def pids(self) -> list[int]:
        """The server and all its descendants (query workers, their zygote)."""
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
        out, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo.extend(children.get(pid, ()))
        return out

    def rss_kib(self) -> int:
        """VmRSS of the server and its descendants, summed (KiB)."""
        total = 0
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return total

    @staticmethod
    def cpu_ticks(pid: int) -> int | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return int(fields[11]) + int(fields[12])  # utime + stime

    def __exit__(self, *exc) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self._drain.join(5)
        self.proc.stderr.close()

"""Commands a test session runs in the background (see tests/conftest.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# a session serves the site on its TEST_PORT and test servers on the next three ports
PORTS_PER_SESSION = 4


def free_port_block(start: int, count: int = PORTS_PER_SESSION, avoid: set[int] = frozenset(),
                    tries: int = 200) -> int:
    """The first port from ``start`` (stepping by ``count``) where ``count`` ports in a row are free on
    127.0.0.1 and none is in ``avoid``: a port another program holds would otherwise fail a run by chance."""
    for base in range(start, start + tries * count, count):
        block = range(base, base + count)
        if avoid.intersection(block):
            continue
        if all(_free(port) for port in block):
            return base
    raise RuntimeError(f"no {count} free ports in a row between {start} and {start + tries * count}")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class Background:
    """A command that the session starts as soon as its tests are collected, so that it runs on
    the machine's second core while the first runs the tests that need nothing built (the tests
    that need it are ordered after those, see ``pytest_collection_modifyitems``). A test module
    declares its commands in ``BACKGROUND = {name: Background(...)}``; a test calls ``result()``,
    which starts the command if the session has not (a single test run on its own) and waits."""

    def __init__(self, args: list[str], *, stdin: str = "", env: dict[str, str] | None = None,
                 timeout: float = 900) -> None:
        self.args, self.stdin, self.env, self.timeout = args, stdin, env, timeout
        self.proc: subprocess.Popen[bytes] | None = None
        self._done: subprocess.CompletedProcess[str] | None = None

    def start(self) -> None:
        if self.proc is not None:
            return
        self.started = time.perf_counter()
        self._out, self._err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
        self.proc = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdin=subprocess.PIPE,
                                     stdout=self._out, stderr=self._err)
        assert self.proc.stdin is not None
        self.proc.stdin.write(self.stdin.encode())
        self.proc.stdin.close()

    def result(self) -> subprocess.CompletedProcess[str]:
        """The finished command (output as text), and how long it ran in ``self.seconds``."""
        if self._done is None:
            self.start()
            assert self.proc is not None
            expired = False
            try:
                self.proc.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                expired = True
            self.seconds = time.perf_counter() - self.started
            self._out.seek(0)
            self._err.seek(0)
            err = self._err.read().decode(errors="replace")
            if expired:  # say so: the output alone would read as a failure of the command itself
                err += (f"\n[stopped after {self.timeout:.0f} s, its time limit, at a load average of "
                        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores]")
            self._done = subprocess.CompletedProcess(
                self.args, self.proc.returncode, self._out.read().decode(errors="replace"), err)
        return self._done

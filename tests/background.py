"""Commands a test session runs in the background, the site build and the site's server (see
tests/conftest.py; scripts/run_tests.py builds and serves the site once for all its sessions)."""

from __future__ import annotations

import functools
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
# a session serves the site on its TEST_PORT and test servers on the next three ports
PORTS_PER_SESSION = 4
# the niceness of background commands that no test waits for early (see ``Background``)
BACKGROUND_NICE = 5
#: every Background started in this process, in order (``background_report``)
STARTED: list[Background] = []


def site_dir(port: int) -> Path:
    """Where the site built for ``http://127.0.0.1:<port>/`` goes."""
    return ROOT / "build" / f"test-site-{port}"


def build_record(site: Path) -> Path:
    """Where scripts/run_tests.py records how its shared build of ``site`` ended (``SharedBuild``)."""
    return site.with_name(site.name + ".json")


def site_build(site: Path, port: int, *, quiet: bool = False, nice: int = 0) -> Background:
    """The strict site build into ``site`` for the origin ``http://127.0.0.1:<port>/`` (its
    ``SITE_URL``: the sitemap, canonical links and previews name it, and the theme's instant
    navigation only follows links to the port the sitemap names); ``nice``: see ``Background``."""
    args = [sys.executable, "-m", "mkdocs", "build", "--strict", *(["--quiet"] if quiet else []), "--clean",
            "--site-dir", str(site)]
    env = dict(os.environ, SITE_URL=f"http://{HOST}:{port}/", NO_MKDOCS_2_WARNING="1",
               DISABLE_MKDOCS_2_WARNING="true")
    # a guard against a hung build, not a speed test: about 2 min on an idle 2-core machine, over
    # 10 min when the cores are shared many times over (it was killed at 600 s at a load of 24)
    return Background(args, env=env, timeout=1800, nice=nice)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site, quietly and with ``Cache-Control: no-cache``."""

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()


class SiteServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A browser that navigates away mid-download resets the connection: not a test failure.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve(directory: Path, port: int) -> SiteServer:
    """Serve ``directory`` on 127.0.0.1:``port`` from a thread (stop it with ``shutdown()`` and
    ``server_close()``); the folder may be built after the server starts."""
    httpd = SiteServer((HOST, port), functools.partial(SiteHandler, directory=str(directory)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


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
    which starts the command if the session has not (a single test run on its own) and waits.

    ``nice``: how much lower the command's CPU priority is (``BACKGROUND_NICE`` for a command that
    no test waits for until late in its session, such as the second build and the Pyodide runs):
    on a busy machine it then takes the CPU that the site build, which every browser test waits
    for, leaves over, instead of a share of it."""

    def __init__(self, args: list[str], *, stdin: str = "", env: dict[str, str] | None = None,
                 timeout: float = 900, nice: int = 0) -> None:
        self.args, self.stdin, self.env, self.timeout, self.nice = args, stdin, env, timeout, nice
        self.proc: subprocess.Popen[bytes] | None = None
        self._done: subprocess.CompletedProcess[str] | None = None
        self._starting = threading.Lock()  # start() is called from a test and from start_after()'s thread

    def start(self) -> None:
        with self._starting:
            if self.proc is None:
                self._start()

    def start_after(self, ready: Path) -> None:
        """Start the command once the file ``ready`` exists (from a thread; ``result()`` starts it
        at once if a test asks first). A session under scripts/run_tests.py starts its low-priority
        commands once the shared site build has ended (its record): the build is what the browser
        tests wait for, and three low-priority commands together took about as much CPU from it
        as one at full priority (it ran 48 s instead of 25 on 2026-12-06)."""
        def wait() -> None:
            while not ready.exists() and self.proc is None:
                time.sleep(0.2)
            self.start()

        threading.Thread(target=wait, daemon=True).start()

    def _start(self) -> None:
        STARTED.append(self)
        self.started = time.perf_counter()
        self._out, self._err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
        self.proc = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdin=subprocess.PIPE,
                                     stdout=self._out, stderr=self._err,
                                     preexec_fn=(lambda: os.nice(self.nice)) if self.nice else None)
        assert self.proc.stdin is not None
        self.proc.stdin.write(self.stdin.encode())
        self.proc.stdin.close()

    def result(self) -> subprocess.CompletedProcess[str]:
        """The finished command (output as text), how long it ran in ``self.seconds`` and how long
        the first caller waited for it in ``self.waited``."""
        if self._done is None:
            self.start()
            assert self.proc is not None
            asked = time.perf_counter()
            expired = False
            try:
                self.proc.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                expired = True
            self.seconds = time.perf_counter() - self.started
            self.waited = time.perf_counter() - asked
            self._out.seek(0)
            self._err.seek(0)
            err = self._err.read().decode(errors="replace")
            if expired:  # say so: the output alone would read as a failure of the command itself
                err += (f"\n[stopped after {self.timeout:.0f} s, its time limit, at a load average of "
                        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores]")
            self._done = subprocess.CompletedProcess(
                self.args, self.proc.returncode, self._out.read().decode(errors="replace"), err)
        return self._done


def background_report() -> list[str]:
    """A line per background command this process started: how long it ran (or that it still runs)
    and how long its test waited for it; ``make test``'s log shows where a session's time went."""
    lines = []
    for job in STARTED:
        what = " ".join(Path(a).name if "/" in a else a for a in map(str, job.args[:4]))
        if job._done is None:
            lines.append(f"{what}: still running after {time.perf_counter() - job.started:.0f} s (no test waited)")
        else:
            lines.append(f"{what}: ran {job.seconds:.0f} s (nice {job.nice}); its test waited {job.waited:.0f} s")
    return lines


def write_build_record(record: Path, proc: subprocess.CompletedProcess[str], seconds: float) -> None:
    """Record how a shared site build ended, for ``SharedBuild`` (written whole, then renamed)."""
    record.parent.mkdir(parents=True, exist_ok=True)
    partial = record.with_name(record.name + ".partial")
    partial.write_text(json.dumps({"args": [str(a) for a in proc.args], "returncode": proc.returncode,
                                   "stdout": proc.stdout, "stderr": proc.stderr, "seconds": seconds}),
                       encoding="utf-8")
    partial.replace(record)


class SharedBuild:
    """The site build that scripts/run_tests.py runs once for all its sessions, seen from one
    session: ``start()`` does nothing (the runner started it), ``result()`` waits for the record
    the runner writes when the build ends (``write_build_record``) and reads it like
    ``Background.result()``."""

    def __init__(self, record: Path, timeout: float = 2400) -> None:
        self.record, self.timeout = record, timeout
        self._done: subprocess.CompletedProcess[str] | None = None

    def start(self) -> None:
        pass

    def result(self) -> subprocess.CompletedProcess[str]:
        if self._done is None:
            deadline = time.monotonic() + self.timeout
            while not self.record.exists():
                if time.monotonic() > deadline:
                    return subprocess.CompletedProcess([], 1, "", f"no record of the shared build at {self.record} "
                                                                  f"after {self.timeout:.0f} s")
                time.sleep(0.5)
            data = json.loads(self.record.read_text(encoding="utf-8"))
            self.seconds = float(data["seconds"])
            self._done = subprocess.CompletedProcess(data["args"], data["returncode"], data["stdout"],
                                                     data["stderr"])
        return self._done

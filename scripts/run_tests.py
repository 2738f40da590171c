"""Run every test in two pytest sessions at once, one per core (``make test``).

A single session kept a 2-core machine about half busy (6.7 min of CPU in 13.7 min): most of a
browser test's time is waiting (Pyodide starting in a page, frames, the network). The first
session runs the browser files (or single tests) listed in FIRST; the second runs everything else (core, fuzz,
pandas, Pyodide parity, the site's build tests and the other browser files), so a new test file
runs without being listed here. FIRST is chosen so that both take about the same time (the
accessibility, phone and catalogue tests are the longest). On 2026-12-06 the sessions took 609 s and
613 s on an idle machine; the first then lost most of its full page loads (the hostile-values,
random-typing and policy tests go by instant navigation, the frictions tests share a context per
profile, the API reference's axe run goes in a second tab at the same time as the other pages'),
measured back to back under a load of 8 to 19 at 21 to 85 % less per test, and the reader's files
(tests/browser/test_files.py, whose four longest tests took 57 s of the second's 613) moved to it.
Later that day the catalogue's tests lost 90 of their 110 s of CPU (the recompute walk had made a full
load of every page, and four more tests one each), and the use-in-Python and liquidation-compare
files (about 28 s in the second session) moved to the first; after the next fresh-clone run (the
sessions 532 and 557 s) the percent-list file (about 15 s) moved too. On 2026-12-07 the service-worker
file (about 40 s of calls alone) was moved to the first session after two runs whose second session took
570 and 609 s against the first's 459 and 464, but a process left running took one core during those runs,
and the second session (core, fuzz and Pyodide tests: CPU-bound) is the one such load slows most. On the
idle machine the move gave 549 and 451 s, so the file went back.
Three sessions were tried twice: 14.0 min against 13.6 for two, with the core tests up to ten
times slower under the load, and again on 2026-12-06 with the site built once (hardening, search,
files and runtime in the third): 11.3 min against 10.4, the session with the core, fuzz and
Pyodide tests starved of CPU while two others drove browsers.

The site is built once per run, here, as the sessions start (``mkdocs build --strict`` into
build/test-site-<port>, for ``http://127.0.0.1:<port>/``), and served from here on that port to both
sessions (``TEST_SITE_PORT``): the theme's instant navigation only follows links to the port its
sitemap names, so a site is served where it was built for. Each session waits for the build in its
``built_site`` fixture (the record ``build/test-site-<port>.json``); the second session's
reproducibility test makes the one other build, a full one, to compare; it and the Pyodide runs
start once this build has ended, at a lower priority (``BACKGROUND_NICE`` and ``Background.start_after``
in tests/background.py), so that they take the CPU the tests leave over rather than delay the build
every browser test waits for. The log ends with the share of the machine's CPU in use per 30 s.
Ports: ``TEST_PORT`` if set (the second session at TEST_PORT + 10), otherwise the first free blocks
of ports from 8765 (a port held by another program would fail a run by chance); the site is on the
first session's port and the tests' extra servers sit at + 1 to + 3 of their session's. The first
session reports each test (-v: it has few and slow ones), the second its dots; each line is
prefixed with its session and the seconds since the run started, and the exit status is the first
non-zero one.

    python scripts/run_tests.py [pytest options]
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from background import (  # noqa: E402
    PORTS_PER_SESSION,
    Background,
    build_record,
    free_port_block,
    serve,
    site_build,
    site_dir,
    write_build_record,
)

FIRST = [
    "tests/browser/test_reader.py",
    "tests/browser/test_catalog.py",
    "tests/browser/test_hardening.py",
    # one test of a file (``path::name``) where the whole file would tip the balance the other way
    "tests/browser/test_search.py::test_every_query_finds_its_page_in_the_top_three",
    "tests/browser/test_frictions.py",
    "tests/browser/test_files.py",
    "tests/browser/test_use_in_python.py",
    "tests/browser/test_liquidation_compare.py",
    "tests/browser/test_percent_list_fields.py",
]


def _relay(name: str, proc: subprocess.Popen[str], lock: threading.Lock, started: float) -> None:
    """Copy a session's output, each line prefixed with the session and the seconds since the run
    started (``[2 315s]``): where a session's wall time goes shows in the log of any run."""
    assert proc.stdout is not None
    for line in proc.stdout:
        with lock:
            sys.stdout.write(f"[{name} {time.perf_counter() - started:3.0f}s] {line}")
            sys.stdout.flush()


def _cpu_times() -> tuple[int, int]:
    """The machine's (busy, total) CPU jiffies since boot, from /proc/stat (0, 0 where there is none)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def _sample_cpu(samples: list[float], stop: threading.Event, every: float = 30.0) -> None:
    """Append the share of the machine's CPU in use over each ``every`` seconds until ``stop``: the
    log then shows when the cores were busy and when the sessions were only waiting."""
    busy, total = _cpu_times()
    while not stop.wait(every):
        now_busy, now_total = _cpu_times()
        if now_total > total:
            samples.append((now_busy - busy) / (now_total - total))
        busy, total = now_busy, now_total


def _record_build(build: Background, record: Path, lock: threading.Lock) -> None:
    """Wait for the site build and record how it ended, for the sessions' ``built_site`` (which
    would otherwise wait for the record until its time limit)."""
    try:
        proc = build.result()
    except Exception as exc:  # the command could not run at all
        proc, build.seconds = subprocess.CompletedProcess(build.args, 1, "", f"the site build did not run: {exc}"), 0.0
    write_build_record(record, proc, build.seconds)
    with lock:
        print(f"[build] the site build ended after {build.seconds:.0f} s (exit status {proc.returncode})", flush=True)


def main(argv: list[str]) -> int:
    if os.environ.get("TEST_PORT"):
        port = int(os.environ["TEST_PORT"])
        second = port + 10
    else:
        port = free_port_block(8765)
        second = free_port_block(port + 10, avoid=set(range(port, port + PORTS_PER_SESSION)))
    missing = [f for f in FIRST if not (ROOT / f.split("::")[0]).exists()]
    if missing:
        print(f"error: scripts/run_tests.py lists files that do not exist: {missing}", file=sys.stderr)
        return 2
    base = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--durations=15", *argv]
    sessions = {
        "1": ([*base, "-v", *FIRST], port),
        "2": ([*base, "-q", "tests", *(f"--deselect={f}" if "::" in f else f"--ignore={f}" for f in FIRST)],
              second),
    }
    lock = threading.Lock()
    started = time.perf_counter()
    site = site_dir(port)
    record = build_record(site)
    record.unlink(missing_ok=True)
    try:
        httpd = serve(site, port)
    except OSError as exc:
        print(f"error: cannot serve the site on port {port} ({exc}); free it or set TEST_PORT", file=sys.stderr)
        return 2
    build = site_build(site, port)
    build.start()
    print(f"==> building the site once for http://127.0.0.1:{port}/ into {site.relative_to(ROOT)}, served "
          "from here to both sessions", flush=True)
    threading.Thread(target=_record_build, args=(build, record, lock), daemon=True).start()
    procs, relays = {}, []
    cpu: list[float] = []
    stop_sampling = threading.Event()
    threading.Thread(target=_sample_cpu, args=(cpu, stop_sampling), daemon=True).start()
    try:
        for name, (cmd, session_port) in sessions.items():
            env = dict(os.environ, TEST_PORT=str(session_port), TEST_SITE_PORT=str(port), PYTHONUNBUFFERED="1")
            procs[name] = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                           text=True, bufsize=1)
            relay = threading.Thread(target=_relay, args=(name, procs[name], lock, started), daemon=True)
            relay.start()
            relays.append(relay)
        codes = {name: proc.wait() for name, proc in procs.items()}
        for relay in relays:
            relay.join()
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
        if build.proc is not None and build.proc.poll() is None:  # the sessions ended without waiting for it
            build.proc.kill()
        httpd.shutdown()
        httpd.server_close()
    stop_sampling.set()
    seconds = time.perf_counter() - started
    if cpu:
        print(f"==> the machine's {os.cpu_count()} cores were in use, per 30 s: "
              + " ".join(f"{share:.0%}" for share in cpu)
              + f" (mean {sum(cpu) / len(cpu):.0%}; any other program's use included)")
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    verdict = "passed" if not any(codes.values()) else "FAILED"
    print(f"==> {len(codes)} sessions {verdict} in {seconds / 60:.1f} min, {(used.ru_utime + used.ru_stime) / 60:.1f} "
          "min of CPU (exit status: " + ", ".join(f"session {n}: {c}" for n, c in codes.items()) + ")")
    return next((c for c in codes.values() if c), 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

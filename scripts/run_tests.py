"""Run every test in three pytest sessions at once (``make test``).

A single session kept a 2-core machine less than half busy: most of a browser test's time is
waiting (Pyodide starting in a page, frames, the network), while the core, fuzz and site tests
want a core to themselves. So the browser test files are split between two sessions and a
third runs everything else (core, fuzz, pandas, Pyodide parity, the site's build tests), so a
new test file runs without being listed here. Each session builds the site for its own origin
(``TEST_PORT``, + 10, + 20; the tests' extra servers sit at + 1 and + 2) into its own folder.

BROWSER holds the two browser sessions' files, chosen so that they take about the same time
(the accessibility and phone tests are the longest). Each line of output is prefixed with its
session; the exit status is the first non-zero one.

    python scripts/run_tests.py [pytest options]
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BROWSER = [
    [
        "tests/browser/test_reader.py",
        "tests/browser/test_search.py",
        "tests/browser/test_use_in_python.py",
    ],
    [
        "tests/browser/test_catalog.py",
        "tests/browser/test_hardening.py",
        "tests/browser/test_files.py",
        "tests/browser/test_e2e.py",
        "tests/browser/test_runtime.py",
    ],
]


def _relay(name: str, proc: subprocess.Popen[str], lock: threading.Lock) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        with lock:
            sys.stdout.write(f"[{name}] {line}")
            sys.stdout.flush()


def main(argv: list[str]) -> int:
    port = int(os.environ.get("TEST_PORT", "8765"))
    listed = [f for files in BROWSER for f in files]
    missing = [f for f in listed if not (ROOT / f).exists()]
    if missing:
        print(f"error: scripts/run_tests.py lists files that do not exist: {missing}", file=sys.stderr)
        return 2
    base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--durations=8", *argv]
    commands = [[*base, *files] for files in BROWSER]
    commands.append([*base, "tests", *(f"--ignore={f}" for f in listed)])
    sessions = {str(i + 1): (cmd, port + 10 * i) for i, cmd in enumerate(commands)}
    lock = threading.Lock()
    started = time.perf_counter()
    procs, relays = {}, []
    for name, (cmd, session_port) in sessions.items():
        env = dict(os.environ, TEST_PORT=str(session_port), PYTHONUNBUFFERED="1")
        procs[name] = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       text=True, bufsize=1)
        relay = threading.Thread(target=_relay, args=(name, procs[name], lock), daemon=True)
        relay.start()
        relays.append(relay)
    codes = {name: proc.wait() for name, proc in procs.items()}
    for relay in relays:
        relay.join()
    seconds = time.perf_counter() - started
    verdict = "passed" if not any(codes.values()) else "FAILED"
    print(f"==> {len(codes)} sessions {verdict} in {seconds / 60:.1f} min (exit status: "
          + ", ".join(f"session {n}: {c}" for n, c in codes.items()) + ")")
    return next((c for c in codes.values() if c), 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

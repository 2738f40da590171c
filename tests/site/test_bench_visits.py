"""The bench's visits part says where a missed visit's time and bytes go (scripts/bench.py): each
request sorted into a kind of file, a visit's steps in the order reached with what each took, and
a missed target printed with its rows, a met one not."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import bench


@pytest.fixture(autouse=True)
def no_breakdowns() -> None:
    bench.BREAKDOWNS.clear()
    yield
    bench.BREAKDOWNS.clear()


@pytest.mark.parametrize(("path", "part"), [
    ("/assets/runtime/pyodide/pyodide.asm.wasm", "runtime pyodide.asm.wasm"),
    ("/assets/runtime/python_stdlib-e37d3252168cc638.zip", "runtime python_stdlib.zip"),
    ("/assets/runtime/snapshot-074dd9c1cacc1121.bin", "runtime snapshot.bin"),
    ("/search/search_index.json", "search index (theme)"),
    ("/assets/javascripts/bundle.a5f9d56c.min.js", "theme scripts"),
    ("/assets/perpcalc/worker.js", "site scripts"),
    ("/assets/stylesheets/main.57a0d79d.min.css", "stylesheets"),
    ("/assets/katex/fonts/KaTeX_Main-Regular.woff2", "fonts"),
    ("/terms/funding-rate-exposure/", "page HTML"),
    ("/sitemap.xml", "other (sitemap.xml)"),
])
def test_each_request_is_a_kind_of_file(path: str, part: str) -> None:
    assert bench.part_of(path) == part


def test_bytes_add_up_by_kind_largest_first_and_empty_answers_left_out() -> None:
    requests = [bench.Request(1.0, "/assets/perpcalc/form.js", 300), bench.Request(2.0, "/terms/x/", 5000),
                bench.Request(3.0, "/assets/perpcalc/render.js", 200), bench.Request(4.0, "/terms/y/", 0)]
    assert bench.bytes_by_part(requests) == {"page HTML": 5000, "site scripts": 500}


def test_a_visits_steps_come_in_the_order_reached_with_what_each_took() -> None:
    steps = {"html": 20.0, "boot": 30.0, "worker": 50.0, "start": 90.0, "wasm-ready": 900.0, "modules": 400.0,
             "python": 1500.0, "ready": 1600.0, "page": 1610.0, "domready": 700.0,
             "get pyodide.asm.wasm": 100.0, "got pyodide.asm.wasm": 800.0}
    rows = bench.steps_rows(steps, bench.STEPS)
    order = [label for label, _, _ in rows if not label.startswith("  ")]
    assert order == [bench.STEPS[k] for k in ("html", "boot", "worker", "start", "modules", "wasm-ready", "python",
                                              "ready", "page")]
    took = {label: value for label, value, _ in rows}
    assert took[bench.STEPS["modules"]] == 310.0 and took[bench.STEPS["wasm-ready"]] == 500.0
    assert took["  meanwhile: pyodide.asm.wasm downloaded"] == 700.0
    assert took["  meanwhile on the page: DOMContentLoaded done"] == 700.0


def test_a_missed_visit_target_is_printed_with_its_steps_and_bytes(capsys: pytest.CaptureFixture[str]) -> None:
    figures = {
        "local_first_ratio": 0.8, "local_return_ratio": 0.2, "local_first_visit_server_bytes": 6_300_000,
        "local_first_site_steps": {"html": 20.0, "worker": 60.0, "python": 1800.0, "page": 2000.0},
        "local_first_bare_steps": {"html": 10.0, "worker": 40.0, "python": 2400.0, "page": 2500.0},
        "local_return_site_steps": {"html": 20.0, "page": 500.0},
        "local_return_bare_steps": {"html": 10.0, "page": 2500.0},
        "local_first_visit_parts": {"runtime pyodide.asm.wasm": 3_000_000, "page HTML": 30_000},
    }
    bench.visit_breakdowns("local_", figures)
    missed = bench.print_table({k: v for k, v in figures.items() if not isinstance(v, dict)}, {})
    assert missed == ["local_first_ratio", "local_first_visit_server_bytes"]
    capsys.readouterr()
    bench.print_misses(figures, missed)
    out = capsys.readouterr().out
    assert "local_first_ratio = 0.800, target ≤ 0.75: missed by 7%" in out
    assert "site, first visit: Python started" in out and "bare, first visit: Python started" in out
    assert "runtime pyodide.asm.wasm" in out and "3,000,000 bytes" in out
    assert "return visit" not in out  # met: not printed
    assert bench.BREAKDOWNS["local_return_ratio"], "a met target's breakdown is still written to latest.json"

"""Python users' way in: the wheel the site serves, installed offline into a fresh virtual env,
runs the code a calculator's "Copy as Python" button gives and prints what the page shows."""

from __future__ import annotations

import ast
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path
from urllib.parse import urlparse

from bs4 import BeautifulSoup
from helpers import Tab


def test_wheel_from_the_site_runs_the_copied_snippet(tab: Tab, built_site: dict, tmp_path: Path) -> None:
    site: Path = built_site["dir"]
    page = BeautifulSoup((site / "use-in-python" / "index.html").read_text(encoding="utf-8"), "html.parser")
    link = page.select_one('a[download][href$=".whl"]')
    assert link is not None, "the Use it in Python page links no wheel"
    wheel = (site / "use-in-python" / link["href"]).resolve()
    assert wheel.is_file() and wheel.is_relative_to(site.resolve())
    commands = [c.get_text() for c in page.select("pre code") if 'pip install "http' in c.get_text()]
    assert commands, "the page gives no pip install command with the wheel's address"
    address = urlparse(commands[0].split("pip install ")[1].split()[0].strip('"'))
    assert address.path.endswith("/" + wheel.name)
    # pinned by hash: the address ends with the wheel's sha256, which the page also shows
    sha256 = hashlib.sha256(wheel.read_bytes()).hexdigest()
    assert address.fragment == f"sha256={sha256}" and sha256 in page.get_text()

    tab.goto("/terms/funding-rate-exposure/")
    tab.wait_ready("funding_payment")
    form = tab.form("funding_payment")
    form.locator('[name="size"]').fill("3.5")
    tab.wait("() => document.querySelector('form.perpcalc[data-calculator=funding_payment]').dataset.stale === 'false'")
    form.locator('[data-action="python"]').click()
    code = tab.wait("() => document.querySelector('form.perpcalc[data-calculator=funding_payment]').dataset.python")
    assert "use-in-python" in code, "the copied code should say where to get perpcalc"
    page_values = {k: v["value"] for k, v in tab.outputs("funding_payment").items()}

    env = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(env)
    python = env / ("Scripts" if sys.platform == "win32" else "bin") / "python"
    # the page's command, with the site's address swapped for the file: pip checks the hash
    pinned = f"{wheel.as_uri()}#{address.fragment}"
    tampered = tmp_path / wheel.name
    tampered.write_bytes(wheel.read_bytes() + b"\0")
    refused = subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps",
                              f"{tampered.as_uri()}#{address.fragment}"], capture_output=True, text=True, timeout=300)
    assert refused.returncode != 0 and "hash" in (refused.stdout + refused.stderr).lower()
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps", pinned],
                   check=True, capture_output=True, timeout=300)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}  # only the env's packages
    where = subprocess.run([python, "-c", "import perpcalc; print(perpcalc.__file__)"], capture_output=True,
                           text=True, timeout=60, cwd=tmp_path, env=clean, check=True)
    assert Path(where.stdout.strip()).resolve().is_relative_to(env.resolve()), where.stdout
    script = tmp_path / "copied.py"
    script.write_text(code, encoding="utf-8")
    run = subprocess.run([python, str(script)], capture_output=True, text=True, timeout=60, cwd=tmp_path, env=clean)
    assert run.returncode == 0, run.stderr
    assert ast.literal_eval(run.stdout.strip()) == page_values
    assert tab.errors == []

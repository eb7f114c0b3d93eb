"""The documentation in ``docs/`` matches the code: generated pages are current, and every
"wire doc §N" a docstring cites is a section of ``docs/wire.md``."""

from __future__ import annotations

import importlib.util
import re
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


def test_every_public_method_is_in_the_api_map() -> None:
    script = _docs_script()
    api_map = script._api_map_module()
    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `(\w+\.\w+)` \|", page, re.M))
    public = {
        f"{klass.__name__}.{name}"
        for klass in api_map.public_classes()
        for name, _ in api_map._public_methods(klass)
    }
    assert "AsyncClient.create_dataset" in public
    missing = sorted(public - listed)
    assert not missing, (
        f"public methods missing from docs/api.md (python scripts/docs.py): {missing}"
    )


def test_generated_pages_are_current() -> None:
    script = _docs_script()
    for name, render in script.PAGES.items():
        written = (ROOT / name).read_text(encoding="utf-8")
        assert written == render(), f"{name} is stale: run python scripts/docs.py"


def _wire_sections() -> dict[str, str]:
    """``{"1.7": section text, "1": chapter heading, ...}`` of docs/wire.md."""
    text = (ROOT / "docs" / "wire.md").read_text(encoding="utf-8")
    sections: dict[str, str] = {}
    for match in re.finditer(r"^#{2,3} (\d+(?:\.\d+)?)\.? .*?(?=^#{2,3} \d|\Z)", text, re.M | re.S):
        sections[match.group(1)] = match.group(0)
    return sections


def _citing_files() -> list[Path]:
    """The SDK, the emulator and the wire tests: every file that cites docs/wire.md by number."""
    return sorted(
        [*(ROOT / "src" / "aiolabel").rglob("*.py"), *(ROOT / "tests" / "wire").glob("*.py")]
    )


def test_every_wire_section_the_code_cites_exists() -> None:
    sections = _wire_sections()
    assert {"1.7", "2.2", "3.7", "11.2"} <= set(sections)
    cited: set[tuple[str, str]] = set()
    for path in _citing_files():
        for number in re.findall(r"§ ?(\d+(?:\.\d+)?)", path.read_text(encoding="utf-8")):
            cited.add((number, str(path.relative_to(ROOT))))
    assert cited, "no wire citations found"
    missing = sorted((n, p) for n, p in cited if n not in sections)
    assert not missing, f"cited sections absent from docs/wire.md: {missing}"


def test_every_numbered_item_the_code_cites_exists() -> None:
    sections = _wire_sections()
    cited = set()
    for path in _citing_files():
        text = path.read_text(encoding="utf-8")
        cited |= set(re.findall(r"§(\d+\.\d+) items? (\d+)", text))
    assert cited, "no numbered items cited"
    for section, item in sorted(cited):
        assert re.search(rf"^{item}\. ", sections[section], re.M), (section, item)

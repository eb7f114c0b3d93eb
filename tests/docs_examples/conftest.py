"""The Labelbox documents' code examples, with ``await`` / ``async for`` added, run against the
in-process emulator (``client`` is the documents' ``client``, ``lb`` is ``aiolabel``).

Each test is one example, written as the document shows it; where the scraped document lost
lines, the missing arguments are filled in from the example's own comments. What an example needs
beyond ``await`` is listed in the README ("Documented examples that need more than await").
"""

from __future__ import annotations

import pytest

from aiolabel.emulator import Emulator


@pytest.fixture
def keys(emu: Emulator) -> list[str]:
    """Global keys of six image rows already in the catalog."""
    emu.control("bulk_create_data_rows", count=6, global_key_prefix="key")
    return [f"key{i}" for i in range(6)]

"""The README's quickstart runs as written, against the emulator."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from aiolabel.emulator import Emulator

README = Path(__file__).resolve().parents[2] / "README.md"


def _quickstart() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Quickstart") :]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None
    return match.group(1)


async def test_quickstart_runs_against_the_emulator(emu: Emulator) -> None:
    code = _quickstart()
    assert "AsyncClient()" in code
    assert "asyncio.run(main())" in code
    code = code.replace(
        "AsyncClient()",
        "AsyncClient(api_key=EMU.api_key, endpoint=EMU.endpoint, transport=EMU.transport)",
    )
    code = code.replace("20_000", "2_000").replace("asyncio.run(main())", "")
    namespace: dict[str, Any] = {"EMU": emu}
    exec(compile(code, str(README), "exec"), namespace)
    await namespace["main"]()
    with emu.state.store.reading() as conn:
        rows = conn.execute("SELECT count(*) FROM data_rows WHERE deleted = 0").fetchone()[0]
        batches = [r[0] for r in conn.execute("SELECT name FROM batches ORDER BY name")]
        lpos = conn.execute(
            "SELECT d.global_key, p.lpo_priority FROM project_data_rows p"
            " JOIN data_rows d ON d.id = p.data_row_id WHERE p.lpo_priority IS NOT NULL"
            " ORDER BY d.global_key"
        ).fetchall()
        exports = conn.execute(
            "SELECT count(*) FROM tasks WHERE type = 'export-data-rows' AND status = 'COMPLETE'"
        ).fetchone()[0]
    assert rows == 2_000
    assert batches == ["cats-0000"]
    assert [tuple(r) for r in lpos] == [("cat-1", 1), ("cat-2", 1)]
    assert exports == 1


async def test_ontologies_example_runs_against_the_emulator(emu: Emulator) -> None:
    from aiolabel import AsyncClient, MediaType

    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Ontologies") :]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None
    namespace: dict[str, Any] = {}
    exec(compile(match.group(1), str(README), "exec"), namespace)
    async with AsyncClient(
        api_key=emu.api_key, endpoint=emu.endpoint, transport=emu.transport
    ) as client:
        project = await client.create_project("readme", MediaType.Image)
        await namespace["set_up"](client, project.uid)
    with emu.state.store.reading() as conn:
        features = [r[0] for r in conn.execute("SELECT name FROM feature_schemas ORDER BY seq")]
        connected = conn.execute("SELECT ontology_id FROM project_setup").fetchall()
    assert features == ["cat", "quality"]
    assert len(connected) == 1

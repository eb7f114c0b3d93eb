"""The emulator's share of requests answered 429 (``rate_limited_rate``, ``retry_after_s``)."""

from __future__ import annotations

import httpx
import pytest

from aiolabel.emulator import Emulator
from aiolabel.emulator.config import FaultConfig

QUERY = {"query": "query { user { id } }"}


@pytest.mark.parametrize(
    "changes",
    [
        {"rate_limited_rate": 1.5},
        {"rate_limited_rate": -0.1},
        {"rate_limited_rate": 0.6, "error_rate": 0.6},  # shares add up to more than 1
        {"retry_after_s": -1},
        {"retry_after_s": True},
    ],
)
def test_bad_knobs_are_refused(changes: dict[str, float]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message names the knob
        FaultConfig(**changes).validate()


async def test_a_share_of_requests_is_answered_429_with_retry_after_and_not_applied() -> None:
    async with (
        Emulator(rate_limited_rate=1.0, retry_after_s=7, seed=1) as emu,
        httpx.AsyncClient(transport=emu.transport, base_url="http://emulator.localhost") as http,
    ):
        headers = {"Authorization": f"Bearer {emu.api_key}"}
        create = {
            "query": "mutation($n: String!) { createDataset(data: {name: $n}) { id } }",
            "variables": {"n": "never"},
        }
        answer = await http.post("/graphql", json=create, headers=headers)
        assert answer.status_code == 429
        assert answer.headers["retry-after"] == "7"
        assert "You have exceeded" in answer.json()["message"]
        assert (await http.get("/files/none")).status_code == 429  # downloads too
        emu.set_faults(rate_limited_rate=0.25)
        statuses = [
            (await http.post("/graphql", json=QUERY, headers=headers)).status_code
            for _ in range(200)
        ]
        assert 20 < statuses.count(429) < 80
        assert set(statuses) == {200, 429}
        assert emu.stats()["faults"]["rate_limited"] == 2 + statuses.count(429)
        with emu.state.store.reading() as conn:
            assert conn.execute("SELECT count(*) FROM datasets").fetchone()[0] == 0

"""Shared set-up of the compatibility tests: datasets and data rows made through the official SDK's
own create and upsert paths (small sets) or the emulator's bulk control (the 100,000-row cases)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import labelbox

from aiolabel.emulator import EmulatorServer


@dataclass
class Rows:
    dataset: labelbox.Dataset
    ids: list[str]
    global_keys: list[str]


def sdk_rows(client: labelbox.Client, count: int, prefix: str, extension: str = "jpg") -> Rows:
    """``count`` rows created with ``dataset.create_data_rows`` (global keys ``prefix{i}``)."""
    dataset = client.create_dataset(name=f"ds {prefix}", iam_integration=None)
    keys = [f"{prefix}{i}" for i in range(count)]
    task = dataset.create_data_rows(
        [
            {"row_data": f"https://assets.example.com/{key}.{extension}", "global_key": key}
            for key in keys
        ]
    )
    task.wait_till_done()
    assert task.status == "COMPLETE", task.errors
    by_key = {row["global_key"]: row["id"] for row in task.result}
    return Rows(dataset, [by_key[key] for key in keys], keys)


def bulk_ids(emulator: EmulatorServer, count: int, **kwargs: object) -> tuple[str, list[str]]:
    """``count`` rows inserted by the emulator's bulk control: (dataset id, row ids)."""
    made = emulator.control("bulk_create_data_rows", count=count, **kwargs)
    return made["dataset_id"], made["ids"]


def new_dataset(client: labelbox.Client, name: str = "compat") -> labelbox.Dataset:
    return client.create_dataset(name=name, iam_integration=None)


def created_rows(dataset: labelbox.Dataset, count: int, prefix: str = "r") -> list[dict[str, Any]]:
    task = dataset.create_data_rows(
        [
            {
                "row_data": f"https://x/{prefix}{i}.jpg",
                "global_key": f"{prefix}{i}",
                "external_id": f"{prefix}-ext-{i}",
            }
            for i in range(count)
        ]
    )
    task.wait_till_done()
    assert task.status == "COMPLETE"
    result: list[dict[str, Any]] = task.result
    return result

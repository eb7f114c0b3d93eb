"""Fixtures of the wire tests."""

from __future__ import annotations

from tests.wire.recorder import official_sdk

__all__ = ["official_sdk"]

"""Names of the Labelbox documents that aiolabel spells differently or deliberately does not
provide (SDK 7.17 removed them and no current operation stands in): reading one fails at once
with an ``AttributeError`` saying what to write instead, and ``hasattr`` stays false.

Models list theirs in ``Model._OTHER_SPELLINGS`` (``aiolabel.models.base``); plain classes
inherit :class:`OtherSpellings` and list theirs the same way; the package lists its own in
``aiolabel._OTHER_SPELLINGS``. ``docs/coverage.md`` marks them **not provided** and its test
checks each is listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

__all__ = ["OtherSpellings"]


class OtherSpellings:
    """Mixin for plain (non-model) classes: ``_OTHER_SPELLINGS`` maps a documented attribute
    name to what to write instead."""

    __slots__ = ()

    _OTHER_SPELLINGS: ClassVar[Mapping[str, str]] = {}

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            hint = type(self)._OTHER_SPELLINGS.get(name)
            if hint is not None:
                raise AttributeError(f"{type(self).__name__} has no {name}: {hint}")
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

"""Names the Labelbox documents show that aiolabel deliberately does not provide.

``not_provided(instead, reason)`` is a class attribute that raises
:class:`~aiolabel.errors.OperationNotSupportedException` as soon as an instance's attribute is
read (so both ``obj.name`` and ``obj.name(...)`` fail at once), with the reason and what to use
instead. Reading it from the class gives the descriptor itself, so the coverage test can tell a
refusal from an implementation (``docs/coverage.md``, rows marked **not provided**).
"""

from __future__ import annotations

from typing import Any, NoReturn

from aiolabel.errors import OperationNotSupportedException

__all__ = ["MODULE_NAMES", "NotProvided", "module_attribute", "not_provided"]


class NotProvided:
    """A documented name that fails loudly, naming what to use instead."""

    def __init__(self, instead: str, reason: str) -> None:
        self.instead = instead
        self.reason = reason
        self.name = "?"
        self.owner = "?"

    def __set_name__(self, owner: type, name: str) -> None:
        self.owner = owner.__name__
        self.name = name

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:
            return self
        self.refuse()

    def refuse(self) -> NoReturn:
        raise OperationNotSupportedException(
            f"{self.owner}.{self.name} is not provided by aiolabel: {self.reason}. "
            f"Use {self.instead} instead."
        )


def not_provided(instead: str, reason: str) -> Any:
    """A class attribute refusing a documented name (typed ``Any`` so subclasses may narrow)."""
    return NotProvided(instead, reason)


def _module_name(name: str, instead: str, reason: str) -> NotProvided:
    refusal = NotProvided(instead, reason)
    refusal.owner, refusal.name = "aiolabel", name
    return refusal


_CONVERTERS = "labelbox 7.17 removed the export converters with get_stream's converter argument"
MODULE_NAMES: dict[str, NotProvided] = {
    name: _module_name(
        name, "async for output in task.get_buffered_stream() (output.json per line)", _CONVERTERS
    )
    for name in ("FileConverter", "FileConverterOutput", "JsonConverter", "JsonConverterOutput")
}
"""Top-level names of the documents that ``aiolabel`` refuses (``from aiolabel import X``)."""


def module_attribute(name: str) -> NoReturn:
    """The ``aiolabel`` module's ``__getattr__``: refuse a documented name, else AttributeError."""
    refusal = MODULE_NAMES.get(name)
    if refusal is None:
        raise AttributeError(f"module 'aiolabel' has no attribute {name!r}")
    refusal.refuse()

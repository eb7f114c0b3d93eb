"""An export's result or error stream, as the official ``ExportTask.get_buffered_stream()``
gives it, asynchronously: ``async for output in stream`` (``output.json`` is one exported
object) or ``await stream.start(stream_handler=fn)``."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from aiolabel._spellings import OtherSpellings

__all__ = ["BufferedJsonOutput", "ExportStream"]


@dataclass(frozen=True)
class BufferedJsonOutput:
    """One exported object (the official ``BufferedJsonConverterOutput``)."""

    json: dict[str, Any]


class ExportStream(OtherSpellings):
    """One pass over an export stream; each item is a :class:`BufferedJsonOutput`."""

    __slots__ = ("_source",)

    _OTHER_SPELLINGS: ClassVar[dict[str, str]] = {
        name: "SDK 7.17 removed the line and offset reads of export streams: iterate"
        " `async for output in task.get_buffered_stream()` and skip the lines before"
        for name in ("with_line", "with_offset")
    }

    def __init__(self, source: AsyncIterator[dict[str, Any]]) -> None:
        self._source = source

    def __aiter__(self) -> AsyncIterator[BufferedJsonOutput]:
        return self._outputs()

    async def _outputs(self) -> AsyncIterator[BufferedJsonOutput]:
        async for obj in self._source:
            yield BufferedJsonOutput(obj)

    async def start(
        self, stream_handler: Callable[[BufferedJsonOutput], Awaitable[None] | None] | None = None
    ) -> None:
        """Read the whole stream, calling ``stream_handler(output)`` (sync or async) for each
        object, as the official ``start``."""
        async for output in self:
            if stream_handler is not None:
                result = stream_handler(output)
                if inspect.isawaitable(result):
                    await result

"""The immutable pydantic base of every model, bound to the client that fetched it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, NoReturn, Self, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, PrivateAttr, ValidationError
from pydantic._internal._model_construction import ModelMetaclass as _ModelMeta
from pydantic.alias_generators import to_camel

from aiolabel._base_client import BaseClient
from aiolabel._operations._builder import And, Comparison, FieldRef, Where
from aiolabel._operations._entities import ENTITIES
from aiolabel.errors import InputTypeError, LabelboxError

if TYPE_CHECKING:
    from aiolabel.client import AsyncClient

__all__ = ["DateTime", "Model", "WhereArg", "as_where", "listed_as_relationship"]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


DateTime = Annotated[datetime, AfterValidator(_aware)]
"""A timezone-aware datetime; the wire's ``2024-01-01T00:00:00.000Z`` parses to UTC and a value
without an offset is taken as UTC."""


class _FilterableMeta(_ModelMeta):
    """Class attribute access to a filterable field gives a :class:`FieldRef`, so
    ``Project.name == "x"`` builds a where clause, as in the official SDK."""

    def __getattr__(cls, name: str) -> Any:
        entity = cls.__dict__.get("__entity__")
        if (
            entity is not None
            and not name.startswith("_")
            and any(f.name == name for f in ENTITIES[entity].fields)
        ):
            return FieldRef(name)
        return super().__getattr__(name)  # type: ignore[misc]  # defined at run time only


_F = TypeVar("_F", bound=Callable[..., Any])


def listed_as_relationship(method: _F) -> _F:
    """Mark a method that returns a paginator and that the documents call as an old
    relationship attribute (``dataset.data_rows.list()``): that spelling fails naming this one.

    A bound method forwards attribute lookups to its function, so ``list`` is set there.
    """
    name = method.__name__

    def refuse(*args: object, **kwargs: object) -> NoReturn:
        raise TypeError(
            f"{name} is a method returning an async paginator: write"
            f" `[x async for x in obj.{name}()]` or `await obj.{name}().to_list()`"
            f" instead of `obj.{name}.list()`"
        )

    method.list = refuse  # type: ignore[attr-defined]
    return method


WhereArg = Where | bool
"""What a ``where=`` parameter takes. ``Project.name == "x"`` is a where clause at run time;
type checkers see pydantic's field type and call it ``bool``, so that spelling is accepted too."""


def as_where(value: object, entity: str) -> Where | None:
    """Check a ``where=`` argument (``None`` for no filter) against one entity's fields."""
    if value is None:
        return None
    if not isinstance(value, Comparison | And):
        raise InputTypeError(
            f"where must compare {entity} fields, e.g. {entity}.name == 'x';"
            f" got {type(value).__name__}"
        )
    return value


class Model(BaseModel, metaclass=_FilterableMeta):
    """Frozen model with snake_case fields and the wire's camelCase names as aliases.

    Build from a response with :meth:`from_wire`; the client reference is private, so it is
    neither in ``repr`` nor in ``model_dump``. Unknown wire keys are ignored.
    """

    model_config = ConfigDict(
        frozen=True,
        populate_by_name=True,
        alias_generator=to_camel,
        extra="ignore",
    )

    _client: AsyncClient | None = PrivateAttr(default=None)
    __entity__: ClassVar[str | None] = None
    """The official ORM entity this model mirrors; its fields become filterable on the class."""
    _OTHER_SPELLINGS: ClassVar[Mapping[str, str]] = {}
    """Attributes the Labelbox documents use on this class that aiolabel spells differently
    (or that SDK 7.x removed), each with the aiolabel spelling: using one raises
    ``AttributeError`` saying what to write instead."""

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            hint = type(self)._OTHER_SPELLINGS.get(name)
            if hint is not None:
                raise AttributeError(f"{type(self).__name__} has no {name}: {hint}")
            return super().__getattr__(name)

    @classmethod
    def from_wire(cls, client: AsyncClient | None, data: Mapping[str, Any]) -> Self:
        """Parse a response object (camelCase keys) and bind it to ``client``."""
        if type(data) is not dict and not isinstance(data, Mapping):  # (dict: no ABC check)
            raise LabelboxError(f"expected an object for {cls.__name__}, got {type(data).__name__}")
        try:
            model = cls.model_validate(data)
        except ValidationError as exc:
            raise LabelboxError(f"unexpected {cls.__name__} in the response: {exc}") from exc
        model._client = client
        return model

    def _refresh_from(self, fresh: Self) -> Self:
        """Take ``fresh``'s field values and return ``self``: what the official SDK's
        ``update`` does in place (the fields stay frozen against assignment)."""
        for name in type(self).model_fields:
            self.__dict__[name] = getattr(fresh, name)
        return self

    @property
    def client(self) -> AsyncClient:
        """The client this object was fetched with."""
        if self._client is None:
            raise LabelboxError(f"this {type(self).__name__} is not bound to a client")
        return self._client

    def _bind(self, client: AsyncClient) -> Self:
        if not isinstance(client, BaseClient):
            raise InputTypeError("client must be an AsyncClient")
        self._client = client
        return self

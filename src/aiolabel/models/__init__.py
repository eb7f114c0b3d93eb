"""Models: immutable pydantic v2 objects bound to the client that fetched them."""

from aiolabel.models.base import DateTime, Model
from aiolabel.models.task import DataUpsertTask, Task
from aiolabel.models.user import Organization, User

__all__ = ["DataUpsertTask", "DateTime", "Model", "Organization", "Task", "User"]

"""Models: immutable pydantic v2 objects bound to the client that fetched them.

Each model lives in its own module (``aiolabel.models.project`` ...); the package itself stays
light so that modules can import one another. ``aiolabel`` exports every public model.
"""

from aiolabel.models.base import DateTime, Model
from aiolabel.models.task import DataUpsertTask, Task
from aiolabel.models.user import Organization, User

__all__ = ["DataUpsertTask", "DateTime", "Model", "Organization", "Task", "User"]

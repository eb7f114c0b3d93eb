"""The dataset and project of a run: found by name or id (of several with one name, the
oldest), checked against the manifest's media type, and created only when the manifest has a
line to ingest; a creation whose answer was lost is looked up before it is tried again."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol, TypeVar

from aiolabel.enums import MediaType
from aiolabel.errors import InputError, LabelboxError, ResourceNotFoundError
from aiolabel.ingest._manifest import Manifest, ManifestError, ManifestRow
from aiolabel.ingest._types import IngestError
from aiolabel.models.dataset import Dataset
from aiolabel.models.project import Project

if TYPE_CHECKING:
    from aiolabel.ingest._pipeline import _Run

_CUID = re.compile(r"c[a-z0-9]{24}")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class _Named(Protocol):
    @property
    def uid(self) -> str: ...
    @property
    def created_at(self) -> datetime | None: ...


_N = TypeVar("_N", bound=_Named)


class TargetStage:
    """Finds, checks and creates the dataset and project of one run (stored on the run)."""

    def __init__(self, run: _Run) -> None:
        self.run = run

    # -- dataset and project -----------------------------------------------------------------

    async def resolve(self) -> None:
        """Find the dataset and project, check the project fits, then create what is missing
        (so a refusal creates nothing)."""
        self.run.dataset = await self._find_dataset(self.run.dataset_name)
        self.run.project = await self._find_project(self.run.project_name)
        project = self.run.project
        if project is not None:
            have = project.media_type
            media = self.run.media
            if media is not None and have is not None and MediaType(have) != media:
                raise IngestError(
                    f"project {project.name!r} ({project.uid}) is for {have.value} "
                    f"assets, not {media.value}; pick another --project or --media-type"
                )
            if self.run.media is None and have is not None and MediaType.is_supported(have):
                self.run.media = MediaType(have)
        if self.run.media is None:
            self.run.media = MediaType.Image
        if self.run.options.dry_run:
            return
        if (
            self.run.dataset is None or self.run.project is None
        ) and not await self._any_valid_row():
            self.run.nothing = True
            self.run.say("the manifest has no line that can be ingested: nothing was created")
            return
        if self.run.dataset is None:
            name = self.run.dataset_name
            self.run.dataset = await _create_once(
                lambda: self.run.client.create_dataset(name, iam_integration=None),
                lambda: self._find_dataset(name),
            )
            self.run.dataset_created = True
            self.run.say(f"created dataset {self.run.dataset_name!r} ({self.run.dataset.uid})")
        if self.run.project is None:
            name, media = self.run.project_name, self.run.media
            self.run.project = await _create_once(
                lambda: self.run.client.create_project(name, media),
                lambda: self._find_project(name),
            )
            self.run.project_created = True
            self.run.say(f"created project {self.run.project_name!r} ({self.run.project.uid})")

    async def _any_valid_row(self) -> bool:
        """Whether the manifest has a line that passes every check (read up to the first
        one): an empty, header-only or wholly invalid manifest creates nothing."""
        if self.run.ontology is None:
            self.run.ontology = await self.run.client.get_data_row_metadata_ontology()
        try:
            with Manifest(
                self.run.manifest.path,
                format=self.run.manifest.format,
                allow_missing_global_keys=self.run.options.allow_missing_global_keys,
            ) as scan:
                for item in scan:
                    if isinstance(item, ManifestRow) and self.run.check_row(item) is None:
                        return True
        except ManifestError as exc:
            raise IngestError(str(exc)) from None
        return False

    async def _find_dataset(self, name_or_id: str) -> Dataset | None:
        found = await self.run.client.get_datasets(where=Dataset.name == name_or_id).get_many(100)
        if found:
            return self._oldest(found, "dataset", name_or_id)
        if _CUID.fullmatch(name_or_id):
            try:
                return await self.run.client.get_dataset(name_or_id)
            except (ResourceNotFoundError, InputError):
                raise IngestError(f"no dataset has the id or name {name_or_id!r}") from None
        return None

    async def _find_project(self, name_or_id: str) -> Project | None:
        found = await self.run.client.get_projects(where=Project.name == name_or_id).get_many(100)
        if found:
            return self._oldest(found, "project", name_or_id)
        if _CUID.fullmatch(name_or_id):
            try:
                return await self.run.client.get_project(name_or_id)
            except (ResourceNotFoundError, InputError):
                raise IngestError(f"no project has the id or name {name_or_id!r}") from None
        return None

    def _oldest(self, found: Sequence[_N], kind: str, name: str) -> _N:
        """Of several with one name, the oldest: every run picks the same one (a create whose
        answer was lost and was sent again can leave two)."""
        chosen = min(found, key=lambda f: (f.created_at or _EPOCH, f.uid))
        if len(found) > 1:
            self.run.say(
                f"several {kind}s are named {name!r}; using the oldest, {chosen.uid} "
                f"(pass --{kind} ID to choose another)"
            )
        return chosen


CREATE_ATTEMPTS = 3
"""Creations of the dataset (or project) tried when the answers are lost and a lookup by name
shows the earlier tries were not applied."""


async def _create_once(
    create: Callable[[], Awaitable[_N]], find: Callable[[], Awaitable[_N | None]]
) -> _N:
    """Create a dataset or project by name, exactly once.

    The SDK does not resend a creation whose answer was lost (``maybe_applied``): names are not
    unique, so it cannot tell. Here the name is the identity: look it up, and create again
    only if the lost creation was not applied.
    """
    for attempt in range(1, CREATE_ATTEMPTS + 1):
        try:
            return await create()
        except LabelboxError as exc:
            found = await find()
            if found is not None:
                return found
            if not exc.maybe_applied or attempt == CREATE_ATTEMPTS:
                raise
    raise AssertionError("unreachable")  # pragma: no cover

"""AsyncClient: options, lifecycle, and the official top-level methods.

The request contract that resources and models use (execute, get one, paginate, run chunks,
poll, download, upload, cached ids, tasks) is :class:`aiolabel._base_client.BaseClient`'s.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import anyio

from aiolabel._base_client import BaseClient
from aiolabel._concurrency import Progress
from aiolabel._operations import Operation
from aiolabel._options import (
    DEFAULT_APP_URL,
    DEFAULT_ENDPOINT,
    DEFAULT_REST_ENDPOINT,
    api_key_option,
    check_key_destination,
    endpoint_option,
    is_loopback,
    rest_endpoint_for,
)
from aiolabel._polling import POLL_INTERVAL
from aiolabel._ratelimit import RateLimiter
from aiolabel._resources._base import BoundResource
from aiolabel._resources.admin import Admin
from aiolabel._resources.annotation_imports import AnnotationImports
from aiolabel._resources.attachments import Attachments
from aiolabel._resources.batch_creation import BatchCreation
from aiolabel._resources.batches import Batches
from aiolabel._resources.data_rows import DataRows
from aiolabel._resources.datasets import DEFAULT_IAM_INTEGRATION, Datasets, _DefaultIAM
from aiolabel._resources.exports import Exports
from aiolabel._resources.global_keys import GlobalKeyJobs
from aiolabel._resources.labels import Labels
from aiolabel._resources.legacy_exports import LegacyExports
from aiolabel._resources.metadata import Metadata
from aiolabel._resources.models import Models
from aiolabel._resources.ontologies import Ontologies
from aiolabel._resources.priorities import Priorities
from aiolabel._resources.project_activity import ProjectActivity
from aiolabel._resources.projects import _DEFAULT_QUALITY, Projects
from aiolabel._resources.slices import Slices, build_catalog_query
from aiolabel._resources.tasks import Tasks
from aiolabel._resources.upserts import Upserts
from aiolabel._resources.users import Users
from aiolabel._resources.webhooks import Webhooks
from aiolabel._retry import RetryPolicy, RetryStats
from aiolabel._spellings import OtherSpellings
from aiolabel._timeouts import check_timeout_option
from aiolabel._transport import (
    Transport,
    TransportOption,
    check_transport_option,
)
from aiolabel._validation import check_integer, check_number, check_str, check_url
from aiolabel.enums import MediaType, OntologyKind, QualityMode
from aiolabel.errors import (
    InputTypeError,
)
from aiolabel.identifiers import GlobalKeys, UniqueIds
from aiolabel.models.base import WhereArg
from aiolabel.models.batch import Batch
from aiolabel.models.data_row import DataRow
from aiolabel.models.dataset import Dataset, IAMIntegration
from aiolabel.models.member import Role
from aiolabel.models.metadata import DataRowMetadataOntology
from aiolabel.models.model import Model, ModelRun
from aiolabel.models.ontology import (
    DeleteFeatureFromOntologyResult,
    FeatureSchema,
    LabelingFrontend,
    Ontology,
)
from aiolabel.models.project import Project
from aiolabel.models.slice import CatalogSlice, ModelSlice, SendToAnnotateFromCatalogParams
from aiolabel.models.task import Task
from aiolabel.models.user import Organization, User
from aiolabel.pagination import CursorPaginator, OffsetPaginator

if TYPE_CHECKING:
    import httpx

__all__ = [
    "DEFAULT_APP_URL",
    "DEFAULT_ENDPOINT",
    "DEFAULT_REST_ENDPOINT",
    "AsyncClient",
    "is_loopback",
]

T = TypeVar("T")
R = TypeVar("R")

_OPERATION_NAME = re.compile(r"\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)")


class AsyncClient(BaseClient, OtherSpellings):
    """An asyncio client for the Labelbox API.

    ``async with AsyncClient() as client:`` opens one shared ``httpx.AsyncClient`` and closes it
    at the end (``await client.aclose()`` does the same). The API key comes from ``api_key`` or
    ``LABELBOX_API_KEY`` (missing: :class:`AuthenticationError`), the endpoint from ``endpoint``
    or ``LABELBOX_ENDPOINT``.

    * ``timeout``: seconds per HTTP request, an ``httpx.Timeout`` (per phase) or ``None`` (no
      timeout); operations with an official timeout use theirs;
    * ``max_retries``, ``retry_deadline``: the retry policy's bounds (see :mod:`aiolabel._retry`);
    * ``max_concurrency``: requests in flight at once, across everything this client does; the
      connection pool is sized from it;
    * ``requests_per_minute``: optional client-side rate limit (token bucket);
    * ``task_poll_interval``: the longest pause between two polls of a task while few tasks are
      awaited (0.3 s; a wait starts at 0.1 s, and many tasks or a long wait lengthen the pause,
      see :func:`aiolabel.models.task.poll_cap`);
    * ``transport``: an ``httpx.AsyncBaseTransport`` (tests, ASGI apps; it brings its own pool),
      ``"aiohttp"`` (httpx-aiohttp, the ``aiolabel[aiohttp]`` extra) or ``"httpx"`` (httpx's own
      pool). ``None`` (default) picks ``"aiohttp"`` when httpx-aiohttp is installed, else
      ``"httpx"`` (``client.transport_kind`` says which);
    * ``allow_insecure_http``: the key is refused over plain ``http://`` to any host but this
      machine (127.0.0.0/8, ::1, localhost, ``*.localhost``) unless this is True. TLS
      certificates are always verified. An emulator key (``lbemu_...``) is never sent to
      ``*.labelbox.com``.
    """

    _OTHER_SPELLINGS: ClassVar[dict[str, str]] = {
        "get_data_rows_for_global_keys": "the guide's name is in no SDK 7.x release: the lookup is"
        " `await client.get_data_row_ids_for_global_keys(global_keys)` (ids under 'results')",
    }

    def __init__(
        self,
        api_key: str | None = None,
        endpoint: str | None = None,
        *,
        rest_endpoint: str | None = None,
        app_url: str = DEFAULT_APP_URL,
        timeout: float | httpx.Timeout | None = 60.0,
        max_retries: int = 5,
        max_concurrency: int = 20,
        requests_per_minute: float | None = None,
        transport: TransportOption = None,
        retry_deadline: float = 120.0,
        allow_insecure_http: bool = False,
        task_poll_interval: float = POLL_INTERVAL,
    ) -> None:
        api_key = api_key_option(api_key)
        self.endpoint = check_url("endpoint", endpoint_option(endpoint))
        if not isinstance(allow_insecure_http, bool):
            raise InputTypeError("allow_insecure_http must be a bool")
        if rest_endpoint is None:  # beside a non-default endpoint (the emulator): that host's
            rest_endpoint = rest_endpoint_for(self.endpoint)
        self.rest_endpoint = check_url("rest_endpoint", rest_endpoint)
        self.app_url = check_url("app_url", app_url)
        self.timeout = check_timeout_option(timeout)
        max_concurrency = check_integer("max_concurrency", max_concurrency, low=1, high=10_000)
        task_poll_interval = check_number(
            "task_poll_interval", task_poll_interval, low=0, high=3600
        )
        transport = check_transport_option(transport)
        check_key_destination(api_key, self.endpoint, transport, allow_insecure_http)
        check_key_destination(api_key, self.rest_endpoint, transport, allow_insecure_http)
        retry = RetryPolicy(max_retries=max_retries, deadline=retry_deadline)
        rate_limiter = None if requests_per_minute is None else RateLimiter(requests_per_minute)
        limiter = anyio.CapacityLimiter(max_concurrency)
        super().__init__(
            transport=Transport(
                api_key=api_key,
                endpoint=self.endpoint,
                timeout=self.timeout,
                retry=retry,
                limiter=limiter,
                rate_limiter=rate_limiter,
                transport=transport,
                max_connections=max_concurrency,
            ),
            retry=retry,
            limiter=limiter,
            rate_limiter=rate_limiter,
            max_concurrency=max_concurrency,
            task_poll_interval=task_poll_interval,
        )

    def __repr__(self) -> str:
        return (
            f"AsyncClient(endpoint={self.endpoint!r}, max_concurrency={self.max_concurrency}, "
            f"max_retries={self._retry.max_retries})"
        )

    # -- resources ------------------------------------------------------------------------

    _datasets = BoundResource(Datasets)
    _exports = BoundResource(Exports)
    _data_rows = BoundResource(DataRows)
    _attachments = BoundResource(Attachments)
    _global_keys = BoundResource(GlobalKeyJobs)
    _metadata = BoundResource(Metadata)
    _upserts = BoundResource(Upserts)
    _projects = BoundResource(Projects)
    _batches = BoundResource(Batches)
    _priorities = BoundResource(Priorities)
    _tasks = BoundResource(Tasks)
    _users = BoundResource(Users)
    _batch_creation = BoundResource(BatchCreation)
    _ontologies = BoundResource(Ontologies)
    _labels = BoundResource(Labels)
    _annotation_imports = BoundResource(AnnotationImports)

    # -- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> AsyncClient:
        self._transport.http  # noqa: B018 - opens the shared httpx client now
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool and fail any pending task waits. Idempotent."""
        await self._poller.aclose()
        await self._transport.aclose()

    @property
    def closed(self) -> bool:
        return self._transport.closed

    @property
    def transport_kind(self) -> str:
        """``"aiohttp"``, ``"httpx"``, or the class name of the transport object given."""
        return self._transport.kind

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        """The client's concurrency limiter (``max_concurrency`` requests in flight)."""
        return self._limiter

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._retry

    @property
    def retry_stats(self) -> RetryStats:
        """What the retry policy did for this client: requests sent, retries, reconciliations
        (``client.retry_stats.as_dict()`` for a report)."""
        return self._retry.stats

    # -- GraphQL -----------------------------------------------------------------------------

    async def execute(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        experimental: bool = False,
        timeout: float | None = None,  # noqa: ASYNC109 - an HTTP timeout, per request
        expect_one: bool = False,
    ) -> dict[str, Any]:
        """Send any GraphQL document and return the response's ``data``.

        A mutation is retried only when safe (see :mod:`aiolabel._retry`); queries always are.
        ``expect_one``: a RESOURCE_NOT_FOUND answer raises :class:`ResourceNotFoundError`;
        otherwise the ``data`` is returned with the missing object as ``None``.
        """
        if not isinstance(query, str):
            raise InputTypeError(f"query must be a str, got {type(query).__name__}")
        for flag, value in (("experimental", experimental), ("expect_one", expect_one)):
            if not isinstance(value, bool):
                raise InputTypeError(f"{flag} must be a bool, got {type(value).__name__}")
        match = _OPERATION_NAME.search(query)
        op = Operation(name=match.group(1) if match else "", document=query)
        return await self._execute_operation(
            op,
            variables,
            sdk_method="Client:execute",
            expect_one=expect_one,
            timeout=timeout,
            experimental=experimental,
        )

    # -- datasets ----------------------------------------------------------------------------------

    async def create_dataset(
        self,
        name: str,
        description: str | None = None,
        *,
        iam_integration: IAMIntegration | _DefaultIAM | None = DEFAULT_IAM_INTEGRATION,
    ) -> Dataset:
        """Create a dataset.

        As in the official SDK the default ``iam_integration`` looks up the organisation's
        default IAM integration and, when there is one, sets it as the dataset's signer and
        validates it (3 more requests; the official SDK also fetches the organisation, which
        aiolabel skips). Pass ``iam_integration=None`` for the cheap path: one request.
        The lookup runs before the dataset is created, so a refusal (several defaults, an
        invalid integration) creates nothing; a failed signer or validation deletes the new
        dataset again, as the official SDK does.
        """
        return await self._datasets.create(name, description, iam_integration=iam_integration)

    async def get_dataset(self, dataset_id: str) -> Dataset:
        """A dataset by id (ResourceNotFoundError if there is none)."""
        return await self._datasets.get(dataset_id)

    def get_datasets(self, where: WhereArg | None = None) -> OffsetPaginator[Dataset]:
        """The datasets the user can see (``async for``), e.g. ``where=Dataset.name == "x"``."""
        return self._datasets.get_all(where)

    # -- data rows ---------------------------------------------------------------------------------

    async def get_data_row(self, data_row_id: str) -> DataRow:
        """A data row by id (ResourceNotFoundError if there is none)."""
        return await self._data_rows.get(data_row_id)

    async def get_data_row_by_global_key(self, global_key: str) -> DataRow:
        """A data row by global key (ResourceNotFoundError if the lookup is not a SUCCESS)."""
        return await self._data_rows.get_by_global_key(global_key)

    async def get_data_row_ids_for_external_ids(
        self,
        external_ids: Sequence[str],
        *,
        max_concurrency: int | None = None,
        progress: Progress | None = None,
    ) -> dict[str, list[str]]:
        """``{external_id: [data row ids]}`` for the given external ids (ids without a row are
        absent). Requests of 100 ids, as the official SDK, run concurrently."""
        return await self._data_rows.ids_for_external_ids(
            external_ids, max_concurrency=max_concurrency, progress=progress
        )

    # -- global keys -------------------------------------------------------------------------------

    async def get_data_row_ids_for_global_keys(
        self,
        global_keys: Sequence[str] | GlobalKeys,
        timeout_seconds: float = 60,
    ) -> dict[str, Any]:
        """Data row ids for global keys: ``{"status", "results", "errors"}``.

        ``results`` lists an id per key in input order (``""`` where none was found);
        ``errors`` lists ``{"global_key", "error"}``; ``status`` is ``SUCCESS``,
        ``PARTIAL SUCCESS`` or ``FAILURE``. The job is polled on the task poller's schedule
        (0.1 s growing to ``task_poll_interval``).
        """
        return await self._global_keys.ids_for_global_keys(global_keys, timeout_seconds)

    async def assign_global_keys_to_data_rows(
        self,
        global_key_to_data_row_inputs: Sequence[Mapping[str, str]],
        timeout_seconds: float = 60,
    ) -> dict[str, Any]:
        """Assign global keys: ``[{"data_row_id", "global_key"}]`` in, ``{"status", "results",
        "errors"}`` out.

        ``results``: ``{"data_row_id", "global_key", "sanitized"}`` (sanitised keys first, then
        unchanged ones); ``errors``: ``{"data_row_id", "global_key", "error"}``. A data row or a
        key may appear once per call.
        """
        return await self._global_keys.assign(global_key_to_data_row_inputs, timeout_seconds)

    async def clear_global_keys(
        self,
        global_keys: Sequence[str] | GlobalKeys,
        timeout_seconds: float = 60,
    ) -> dict[str, Any]:
        """Remove global keys from their data rows: ``{"status", "results": [cleared keys],
        "errors": [{"global_key", "error"}]}``."""
        return await self._global_keys.clear(global_keys, timeout_seconds)

    # -- metadata ----------------------------------------------------------------------------------

    async def get_data_row_metadata_ontology(self) -> DataRowMetadataOntology:
        """The organisation's metadata schemas, fetched once per client (``await
        ontology.refresh_ontology()`` to fetch them again)."""
        return await self._metadata.ontology()

    # -- projects and batches ----------------------------------------------------------------------

    async def create_project(
        self,
        name: str,
        media_type: MediaType | str,
        description: str | None = None,
        quality_modes: Iterable[QualityMode] | None = _DEFAULT_QUALITY,
        is_benchmark_enabled: bool | None = None,
        is_consensus_enabled: bool | None = None,
    ) -> Project:
        """Create a project.

        ``quality_modes`` (default: benchmark and consensus) sets the auto-audit fields and
        overrides ``is_benchmark_enabled`` / ``is_consensus_enabled``; pass ``None`` or an empty
        set to send those two as given.
        """
        return await self._projects.create(
            name, media_type, description, quality_modes, is_benchmark_enabled, is_consensus_enabled
        )

    async def get_project(self, project_id: str) -> Project:
        """A project by id (:class:`ResourceNotFoundError` if there is none)."""
        return await self._projects.get(project_id)

    def get_projects(self, where: WhereArg | None = None) -> OffsetPaginator[Project]:
        """The projects the user can see, optionally filtered:
        ``self.get_all(where=(Project.name == "x") & (Project.description == "y"))``."""
        return self._projects.get_all(where)

    async def get_batch(self, project_id: str, batch_id: str) -> Batch:
        """One batch of a project (:class:`ResourceNotFoundError` if there is none; the official
        SDK raises IndexError)."""
        return await self._batches.get_batch(
            check_str("project_id", project_id),
            check_str("batch_id", batch_id),
            sdk_method="Client:get_batch",
        )

    # -- ontologies, feature schemas, labelling frontends -----------------------------------

    async def create_ontology(
        self,
        name: str,
        normalized: dict[str, Any],
        media_type: MediaType | None = None,
        ontology_kind: OntologyKind | None = None,
    ) -> Ontology:
        """Create an ontology from normalized JSON (``OntologyBuilder(...).asdict()``)."""
        return await self._ontologies.create_ontology(name, normalized, media_type, ontology_kind)

    async def create_ontology_from_feature_schemas(
        self,
        name: str,
        feature_schema_ids: Iterable[str],
        media_type: MediaType | None = None,
        ontology_kind: OntologyKind | None = None,
    ) -> Ontology:
        """Create an ontology whose tools and classifications are existing feature schemas."""
        return await self._ontologies.create_ontology_from_feature_schemas(
            name, feature_schema_ids, media_type, ontology_kind
        )

    async def get_ontology(self, ontology_id: str) -> Ontology:
        return await self._ontologies.get_ontology(ontology_id)

    def get_ontologies(self, name_contains: str | None) -> CursorPaginator[Ontology]:
        """Ontologies whose names contain ``name_contains`` (any case)."""
        return self._ontologies.get_ontologies(name_contains)

    async def create_feature_schema(self, normalized: dict[str, Any]) -> FeatureSchema:
        """Create a feature schema from one tool's or classification's normalized dict."""
        return await self._ontologies.create_feature_schema(normalized)

    async def get_feature_schema(self, feature_schema_id: str) -> FeatureSchema:
        return await self._ontologies.get_feature_schema(feature_schema_id)

    def get_feature_schemas(self, name_contains: str | None) -> CursorPaginator[FeatureSchema]:
        """Root feature schemas whose names contain ``name_contains`` (any case)."""
        return self._ontologies.get_feature_schemas(name_contains)

    async def upsert_feature_schema(self, feature_schema: dict[str, Any]) -> FeatureSchema:
        """Create a feature schema, or update the one ``featureSchemaId`` names."""
        return await self._ontologies.upsert_feature_schema(feature_schema)

    async def update_feature_schema_title(
        self, feature_schema_id: str, title: str
    ) -> FeatureSchema:
        return await self._ontologies.update_feature_schema_title(feature_schema_id, title)

    async def insert_feature_schema_into_ontology(
        self, feature_schema_id: str, ontology_id: str, position: int
    ) -> None:
        """Insert a feature schema at ``position`` (or move it there if already present)."""
        await self._ontologies.insert_feature_schema_into_ontology(
            feature_schema_id, ontology_id, position
        )

    async def delete_feature_schema_from_ontology(
        self, ontology_id: str, feature_schema_id: str
    ) -> DeleteFeatureFromOntologyResult:
        """Remove a feature from an ontology, or archive it when labels use it."""
        return await self._ontologies.delete_feature_schema_from_ontology(
            ontology_id, feature_schema_id
        )

    async def delete_unused_feature_schema(self, feature_schema_id: str) -> None:
        await self._ontologies.delete_unused_feature_schema(feature_schema_id)

    async def delete_unused_ontology(self, ontology_id: str) -> None:
        await self._ontologies.delete_unused_ontology(ontology_id)

    async def get_unused_feature_schemas(self, after: str | None = None) -> list[str]:
        """One page (100) of ids of feature schemas no ontology uses, after the id ``after``."""
        return await self._ontologies.get_unused_feature_schemas(after)

    async def get_unused_ontologies(self, after: str | None = None) -> list[str]:
        """One page (100) of ids of ontologies no project uses, after the id ``after``."""
        return await self._ontologies.get_unused_ontologies(after)

    async def is_feature_schema_archived(self, ontology_id: str, feature_schema_id: str) -> bool:
        return await self._ontologies.is_feature_schema_archived(ontology_id, feature_schema_id)

    async def unarchive_feature_schema_node(
        self, ontology_id: str, root_feature_schema_id: str
    ) -> None:
        await self._ontologies.unarchive_feature_schema_node(ontology_id, root_feature_schema_id)

    def get_labeling_frontends(
        self, where: WhereArg | None = None
    ) -> OffsetPaginator[LabelingFrontend]:
        """Labelling editors (``where=LabelingFrontend.name == "Editor"``)."""
        return self._ontologies.get_labeling_frontends(where)

    # -- user and organization ---------------------------------------------------------------

    async def get_user(self) -> User:
        """The API key's user (and cache its id for task lookups)."""
        return await self._users.get_user()

    async def get_organization(self) -> Organization:
        """The user's organization (and cache its id)."""
        return await self._users.get_organization()

    _admin = BoundResource(Admin)
    _webhooks = BoundResource(Webhooks)
    _project_activity = BoundResource(ProjectActivity)
    _legacy_exports = BoundResource(LegacyExports)
    # -- models, slices, send to annotate ---------------------------------------------------

    _models = BoundResource(Models)
    _slices = BoundResource(Slices)

    async def create_model(self, name: str, ontology_id: str) -> Model:
        """A model bound to an ontology."""
        return await self._models.create_model(name, ontology_id)

    async def get_model(self, model_id: str) -> Model:
        return await self._models.get_model(model_id)

    def get_models(self, where: WhereArg | None = None) -> OffsetPaginator[Model]:
        return self._models.get_models(where)

    async def get_model_run(self, model_run_id: str) -> ModelRun:
        return await self._models.get_model_run(model_run_id)

    async def get_catalog_slice(
        self, slice_id: str | None = None, slice_name: str | None = None
    ) -> CatalogSlice | list[CatalogSlice]:
        """A catalog slice by id, or by name (a list when several share it)."""
        return await self._slices.get_catalog_slice(slice_id, slice_name)

    async def get_catalog_slices(self) -> list[CatalogSlice]:
        return await self._slices.get_catalog_slices()

    async def get_model_slice(self, slice_id: str) -> ModelSlice:
        return await self._slices.get_model_slice(slice_id)

    async def send_to_annotate_from_catalog(
        self,
        destination_project_id: str,
        task_queue_id: str | None,
        batch_name: str,
        data_rows: UniqueIds | GlobalKeys,
        params: SendToAnnotateFromCatalogParams | dict[str, Any],
    ) -> Task:
        """Send catalog data rows (with a source project's labels or a run's predictions) to a
        project's task queue (``None``: Done) in a new batch; the task reports per-row errors."""
        return await self._slices.send_to_annotate_from_catalog(
            destination_project_id, task_queue_id, batch_name, data_rows, params
        )

    build_catalog_query = staticmethod(build_catalog_query)

    async def run_foundry_app(
        self, model_run_name: str, data_rows: UniqueIds | GlobalKeys, app_id: str
    ) -> Task:
        """Run a Foundry app over data rows into a new model run (its task)."""
        return await self._models.run_foundry_app(model_run_name, data_rows, app_id)

    async def get_roles(self) -> dict[str, Role]:
        """Every role by its official key (``(await client.get_roles())["LABELER"]``)."""
        return await self._admin.get_roles()

    # -- tasks -------------------------------------------------------------------------------

    def _task_from_wire(self, data: dict[str, Any]) -> Task:
        return Task._build(self, data)

    async def get_task_by_id(self, task_id: str) -> Task:
        """A task by id (``DataUpsertTask`` for upserts). Only tasks created by the key's user
        are visible, as in the official SDK."""
        return await self._tasks.get(task_id)

    async def wait_for_tasks(
        self, tasks: Iterable[Task], *, timeout_seconds: float = 300.0
    ) -> list[Task]:
        """Wait until every task is done; raise :class:`TaskTimeout` naming those that are not.

        All waits of a client share one polling loop; each task is refreshed on its own
        exponential, jittered schedule (0.1 s growing to ``task_poll_interval``, longer with many
        tasks or a long wait: see :class:`TaskPoller`; a task just started and known by its id
        only is first asked for at once), one request per task id per tick.
        """
        return await self._tasks.wait(tasks, timeout_seconds)

    async def cancel_task(self, task_id: str) -> bool:
        """Cancel an in-progress task of a cancelable type; True when the server agreed."""
        return await self._tasks.cancel(task_id)

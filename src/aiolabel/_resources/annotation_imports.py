"""Annotation imports: create (objects, file, URL), look up by name, refresh, wait, read the
status, error and input files, delete; and bulk imports of any size.

An import's NDJSON is sent with ``uploadFile`` (streamed, spooled to disk when large) and the
import created from its URL (``create...ByUrlPyApi``); the official SDK sends the file inside the
``create...ByFilePyApi`` multipart request instead (both are the service's own operations).

A bulk import (:meth:`AnnotationImports.bulk`) checks each annotation client-side, splits the
stream into imports of at most ``annotations_per_import`` lines named ``{name}-{first:09d}``
(``first``: the 0-based position of its first annotation), and
runs them with the client's chunk runner: upload, create, wait (the shared poller), count the
failed lines. Memory holds the chunks in flight only. A rerun with the same name finds the
imports that already exist by name and does not send them again.
"""

from __future__ import annotations

import json
import os
import pathlib
import warnings
from collections import Counter, defaultdict
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Iterable,
    Mapping,
    Sequence,
)
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiolabel._content import parse_json
from aiolabel._operations import Operation
from aiolabel._operations import annotation_imports as ops
from aiolabel._resources._base import Resource
from aiolabel._validation import check_timeout
from aiolabel.enums import AnnotationImportState
from aiolabel.errors import (
    InputError,
    InputTypeError,
    LabelboxError,
    ResourceNotFoundError,
)
from aiolabel.models.annotation_import import (
    AnnotationImport,
    BulkImportRequest,
    LabelImport,
    MALPredictionImport,
    MEAPredictionImport,
    MEAToMALPredictionImport,
)

if TYPE_CHECKING:
    from aiolabel.models.project import Project

__all__ = ["AnnotationImportReport", "AnnotationImports", "ImportFailure", "encode_annotation"]

_CREATE = {
    "mal": ops.CREATE_MAL_IMPORT_BY_URL,
    "label": ops.CREATE_LABEL_IMPORT_BY_URL,
    "mea": ops.CREATE_MEA_IMPORT_BY_URL,
}
_GET = {
    "mal": ops.GET_MAL_IMPORT,
    "label": ops.GET_LABEL_IMPORT,
    "mea": ops.GET_MEA_IMPORT,
    "mea_to_mal": ops.GET_MEA_TO_MAL_IMPORT,
}
_PARENT = {"mal": "projectId", "label": "projectId", "mea": "modelRunId", "mea_to_mal": "projectId"}
_CLASSES: dict[str, type[AnnotationImport]] = {
    "mal": MALPredictionImport,
    "label": LabelImport,
    "mea": MEAPredictionImport,
    "mea_to_mal": MEAToMALPredictionImport,
}

MAX_IMPORT_BYTES = 64 * 1024 * 1024
"""Bytes aiolabel puts in one import when it splits a large one."""
DEFAULT_ANNOTATIONS_PER_IMPORT = 20_000
"""Annotations per import of a bulk import: in flight, each part holds its lines (about 6 MB
for 20,000 boxes) and its upload buffer, so four parts stay well inside 150 MB."""
DEFAULT_IMPORT_CONCURRENCY = 4


_ENCODER = json.JSONEncoder(separators=(",", ":"), allow_nan=False)
"""``json.dumps(..., separators=(",", ":"), allow_nan=False)`` without an encoder per call."""
_BODY_LINES = 1_000
"""Lines joined per piece of an upload body."""


def _root(op: Operation) -> str:
    return op.document.split("{", 2)[1].split("(")[0].strip()


def _is_mapping(value: object) -> bool:
    return type(value) is dict or isinstance(value, Mapping)


def encode_annotation(annotation: object, line: int) -> bytes:
    """One annotation as an NDJSON line, or a typed error naming the line (1-based)."""
    if not _is_mapping(annotation):
        raise InputTypeError(
            f"line {line}: an annotation must be a dict, got {type(annotation).__name__}"
        )
    assert isinstance(annotation, Mapping)
    uid = annotation.get("uuid")
    if not isinstance(uid, str) or not uid:
        raise InputError(f"line {line}: 'uuid' is missing (a unique string per annotation)")
    ref = annotation.get("dataRow")
    if not _is_mapping(ref):
        raise InputError(f"line {line}: 'dataRow' is missing in annotation {uid}")
    assert isinstance(ref, Mapping)
    row_id, key = ref.get("id"), ref.get("globalKey")
    if (row_id is None) == (key is None):
        raise InputError(
            f"line {line}: must provide only one of 'id' or 'globalKey' for 'dataRow' ({uid})"
        )
    if not isinstance(key if row_id is None else row_id, str):
        field = "id" if key is None else "globalKey"
        raise InputTypeError(f"line {line}: dataRow.{field} must be a str ({uid})")
    for name in ("name", "schemaId"):
        if name in annotation and not isinstance(annotation[name], str):
            raise InputTypeError(f"line {line}: {name} must be a str ({uid})")
    try:
        text = _ENCODER.encode(annotation)
    except (TypeError, ValueError) as exc:
        raise InputTypeError(f"line {line}: annotation {uid} is not JSON: {exc}") from None
    return text.encode() + b"\n"


def _decode_line(raw: str, line: int) -> dict[str, Any]:
    try:
        value = parse_json(raw)
    except ValueError:
        raise InputError(f"line {line}: malformed JSON") from None
    if not isinstance(value, dict):
        raise InputTypeError(f"line {line}: each line must be a JSON object")
    return value


@dataclass(frozen=True)
class ImportFailure:
    """One annotation the service refused: its 1-based line in the input, uuid and reasons."""

    line: int
    uuid: str | None
    data_row: dict[str, Any] | None
    reasons: list[str]
    import_name: str


@dataclass
class AnnotationImportReport:
    """What a bulk import did: its imports (in input order), lines sent, lines refused.

    :meth:`failures` streams every refused line from the imports' status files.
    """

    name: str
    imports: list[AnnotationImport] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    annotations: int = 0
    failed: int = 0
    reused: int = 0
    """Imports found by name from an earlier run and not sent again."""
    failed_per_import: list[int] = field(default_factory=list, repr=False)
    """Refused lines of each import (its error file's lines), in the order of ``imports``."""

    @property
    def succeeded(self) -> int:
        return self.annotations - self.failed

    async def failures(self) -> AsyncIterator[ImportFailure]:
        counts: list[int | None] = [*self.failed_per_import] or [None] * len(self.imports)
        for imp, start, count in zip(self.imports, self.starts, counts, strict=True):
            if count == 0:  # nothing refused: its status file is not read
                continue
            if imp.state == AnnotationImportState.FAILED:  # every line of it, from its input
                index = 0
                async for row in imp.inputs():
                    reason = f"the import {imp.name} failed as a whole"
                    yield ImportFailure(
                        start + index, row.get("uuid"), row.get("dataRow"), [reason], imp.name
                    )
                    index += 1
                continue
            index = found = 0
            async with aclosing(imp.client._annotation_imports.rows(imp, "status")) as rows:
                async for row in rows:
                    if row.get("status") != "SUCCESS":
                        reasons = [str(e.get("message")) for e in row.get("errors") or []]
                        yield ImportFailure(
                            start + index, row.get("uuid"), row.get("dataRow"), reasons, imp.name
                        )
                        found += 1
                        if found == count:  # the last refused line: the rest succeeded
                            break
                    index += 1


class AnnotationImports(Resource):
    """The behaviour behind the AnnotationImport classes and ``Project.upload_annotations``."""

    __slots__ = ()

    # -- one import --------------------------------------------------------------------------

    def _parse(self, cls: type[AnnotationImport], raw: Any, parent_id: str) -> Any:
        if not isinstance(raw, dict):
            raise LabelboxError(f"no {cls.__name__} in the response")
        return cls._build(self._client, raw, parent_id)

    async def _create_by_url(
        self, cls: type[AnnotationImport], parent_id: str, name: str, url: str
    ) -> Any:
        kind = cls.KIND
        if kind not in _CREATE:
            raise InputTypeError(f"{cls.__name__} cannot be created from a file")
        _check_names(parent_id, name)
        op = _CREATE[kind]

        async def reconcile(error: LabelboxError) -> dict[str, Any] | None:
            """After an ambiguous failure: the import of this name, if it was made."""
            try:
                raw = await self.from_name(cls, parent_id, name, as_json=True)
            except ResourceNotFoundError:
                return None
            return {_root(op): raw}

        data = await self._client._execute_operation(
            op,
            {_PARENT[kind]: parent_id, "name": name, "fileUrl": url},
            sdk_method=f"{cls.__name__}:create",
            reconcile=reconcile,
            expect_one=True,
        )
        return self._parse(cls, data.get(_root(op)), parent_id)

    async def create_from_url(
        self, cls: type[AnnotationImport], parent_id: str, name: str, url: str
    ) -> Any:
        if not isinstance(url, str) or not url:
            raise InputTypeError("url must be a non-empty str")
        return await self._create_by_url(cls, parent_id, name, url)

    async def _upload(self, lines: AsyncIterable[bytes] | bytes, parent_id: str, name: str) -> str:
        return await self._client.upload_data(
            lines, f"{parent_id}__{name}.ndjson", ops.NDJSON_MIME_TYPE
        )

    async def create_from_objects(
        self, cls: type[AnnotationImport], parent_id: str, name: str, predictions: Any
    ) -> Any:
        _check_names(parent_id, name)
        if isinstance(predictions, Mapping | str | bytes):
            raise InputTypeError("annotations must be a list (or iterable) of dicts")
        if isinstance(predictions, AsyncIterable):
            predictions = [a async for a in predictions]
        elif isinstance(predictions, Iterable):
            predictions = list(predictions)
        else:
            raise InputTypeError("annotations must be a list (or iterable) of dicts")
        if not predictions:
            raise InputError("annotations cannot be empty")
        _check_size(len(predictions))
        body = b"".join(_checked(predictions))
        url = await self._upload(body, parent_id, name)
        return await self._create_by_url(cls, parent_id, name, url)

    async def create_from_file(
        self, cls: type[AnnotationImport], parent_id: str, name: str, path: str | os.PathLike[str]
    ) -> Any:
        _check_names(parent_id, name)
        file = _ndjson_path(path)
        count = 0
        for _ in _file_annotations(file):  # every line checked before anything is sent
            count += 1
        if count == 0:
            raise InputError(f"{file} holds no annotations")
        _check_size(count)
        url = await self._client.upload_data(
            file, f"{parent_id}__{name}.ndjson", ops.NDJSON_MIME_TYPE
        )
        return await self._create_by_url(cls, parent_id, name, url)

    async def create_mea_to_mal(
        self, model_run_id: str, data_row_ids: list[str], project_id: str, name: str
    ) -> MEAToMALPredictionImport:
        _check_names(project_id, name)
        ids = list(data_row_ids)
        if not ids or not all(isinstance(i, str) and i for i in ids):
            raise InputError("data_row_ids must be a non-empty list of ids")
        op = ops.CREATE_MEA_TO_MAL_IMPORT
        data = await self._client._execute_operation(
            op,
            {"dataRowIds": ids, "modelRunId": model_run_id, "projectId": project_id, "name": name},
            sdk_method="MEAToMALPredictionImport:create_for_model_run_data_rows",
            expect_one=True,
        )
        made: MEAToMALPredictionImport = self._parse(
            MEAToMALPredictionImport, data.get(_root(op)), project_id
        )
        return made

    async def from_name(
        self, cls: type[AnnotationImport], parent_id: str, name: str, *, as_json: bool = False
    ) -> Any:
        _check_names(parent_id, name)
        kind = cls.KIND
        op = _GET[kind]
        variables = {_PARENT[kind]: parent_id, "name": name}
        data = await self._client._execute_operation(
            op, variables, sdk_method=f"{cls.__name__}:from_name", expect_one=True
        )
        raw = data.get(_root(op))
        if raw is None:
            raise ResourceNotFoundError(cls.__name__, variables)
        return raw if as_json else self._parse(cls, raw, parent_id)

    async def refresh(self, imp: AnnotationImport) -> None:
        fresh = await self.from_name(type(imp), imp.parent_id, imp.name)
        imp._apply(fresh)

    async def refresh_same(self, same: Sequence[AnnotationImport]) -> None:
        await self.refresh(same[0])
        for other in same[1:]:
            other._apply(same[0])

    async def wait(self, imports: list[AnnotationImport], timeout_seconds: float) -> None:
        """Wait in the client's one poller (0.1 s growing to ``task_poll_interval``)."""
        await self._client._poller.wait(imports, timeout_seconds)  # type: ignore[arg-type]

    async def rows(self, imp: AnnotationImport, which: str) -> AsyncGenerator[dict[str, Any], None]:
        """Stream one of the import's NDJSON files (status and error files once it is done)."""
        if which != "input":
            await self.wait([imp], 24 * 3600.0)
            if imp.state == AnnotationImportState.FAILED:
                raise LabelboxError(f"Import {imp.name} failed.")
        url = {
            "input": imp.input_file_url,
            "status": imp.status_file_url,
            "error": imp.error_file_url,
        }[which]
        if not url:
            raise LabelboxError(f"import {imp.name} has no {which} file")
        async for line in self._client._download_lines(url):
            if line.strip():
                yield parse_json(line)

    async def project_of(self, imp: AnnotationImport) -> Project:
        from aiolabel.models.project import Project

        if imp.project_data is not None:
            return Project.from_wire(self._client, imp.project_data)
        return await self._client.get_project(imp.parent_id)

    async def delete(self, imp: MALPredictionImport) -> None:
        await self._client._execute_operation(
            ops.DELETE_MAL_IMPORT, {"id": imp.uid}, sdk_method="MALPredictionImport:delete"
        )

    # -- project entry points ----------------------------------------------------------------

    async def import_annotations(
        self,
        project: Project,
        name: str,
        annotations: Any,
        kind: str = "mal",
        annotations_per_import: int = DEFAULT_ANNOTATIONS_PER_IMPORT,
        max_concurrency: int = DEFAULT_IMPORT_CONCURRENCY,
        timeout_seconds: float = 24 * 3600.0,
    ) -> AnnotationImportReport:
        """``project.import_annotations(name, annotations)``: a bulk MAL (``kind="mal"``) or
        label (``kind="label"``) import; ``annotations`` is an iterable, an async iterable or a
        ``pathlib.Path`` of an NDJSON file."""
        if kind not in ("mal", "label"):
            raise InputError("kind must be 'mal' or 'label'")
        return await self.bulk(
            _CLASSES[kind],
            project.uid,
            name,
            annotations,
            annotations_per_import=annotations_per_import,
            max_concurrency=max_concurrency,
            timeout_seconds=timeout_seconds,
        )

    async def upload_annotations(
        self, project: Project, name: str, annotations: Any, validate: bool = False
    ) -> BulkImportRequest:
        """Deprecated ``Project.upload_annotations``: one MAL import from a URL, a local NDJSON
        path or an iterable of annotation dicts, returned as a :class:`BulkImportRequest`."""
        if not isinstance(validate, bool):
            raise InputTypeError("validate must be a bool")
        warnings.warn(
            "Project.upload_annotations and BulkImportRequest are deprecated: use"
            " MALPredictionImport (or project.import_annotations for large imports)",
            DeprecationWarning,
            stacklevel=3,
        )
        if isinstance(annotations, str | pathlib.Path):
            text = str(annotations)
            if text.startswith(("http://", "https://")):
                made = await self.create_from_url(BulkImportRequest, project.uid, name, text)
            else:
                made = await self.create_from_file(BulkImportRequest, project.uid, name, text)
        else:
            made = await self.create_from_objects(BulkImportRequest, project.uid, name, annotations)
        result: BulkImportRequest = made
        return result

    # -- bulk --------------------------------------------------------------------------------

    async def bulk(
        self,
        cls: type[AnnotationImport],
        parent_id: str,
        name: str,
        annotations: Any,
        *,
        annotations_per_import: int = DEFAULT_ANNOTATIONS_PER_IMPORT,
        max_concurrency: int = DEFAULT_IMPORT_CONCURRENCY,
        timeout_seconds: float = 24 * 3600.0,
    ) -> AnnotationImportReport:
        """Import annotations of any number, split into imports; see the module docstring."""
        _check_names(parent_id, name)
        if cls.KIND not in _CREATE:
            raise InputTypeError(f"{cls.__name__} cannot be imported in bulk")
        if (
            isinstance(annotations_per_import, bool)
            or not isinstance(annotations_per_import, int)
            or not 1 <= annotations_per_import <= ops.MAX_ANNOTATIONS_PER_IMPORT
        ):
            raise InputError(f"annotations_per_import must be 1..{ops.MAX_ANNOTATIONS_PER_IMPORT}")
        check_timeout(timeout_seconds)
        if isinstance(max_concurrency, bool) or not isinstance(max_concurrency, int):
            raise InputTypeError("max_concurrency must be an int")
        if max_concurrency < 1:
            raise InputError("max_concurrency must be >= 1")
        if isinstance(annotations, Mapping | str | bytes | int | float) or annotations is None:
            raise InputTypeError("annotations must be an iterable of dicts or a pathlib.Path")
        lines = _numbered_lines(annotations)
        report = AnnotationImportReport(name)
        parts: dict[int, tuple[AnnotationImport, int, int, int]] = {}

        async def run(chunk: list[tuple[int, bytes, int]]) -> None:
            start = chunk[0][0]
            part = f"{name}-{start:09d}"
            _check_per_row(chunk)
            imp: AnnotationImport | None = None
            reused = 0
            try:
                imp = await self.from_name(cls, parent_id, part)
                reused = 1
            except ResourceNotFoundError:
                pass
            if imp is None:

                async def body() -> AsyncIterator[bytes]:
                    for first in range(0, len(chunk), _BODY_LINES):
                        yield b"".join(line for _, line, _ in chunk[first : first + _BODY_LINES])

                url = await self._upload(body(), parent_id, part)
                imp = await self._create_by_url(cls, parent_id, part, url)
            await self.wait([imp], timeout_seconds)
            failed = len(chunk)
            if imp.state != AnnotationImportState.FAILED:
                failed = 0
                async for _ in self.rows(imp, "error"):
                    failed += 1
            parts[start] = (imp, len(chunk), failed, reused)

        await self._client._run_chunks(
            lines,
            run,
            chunk_size=annotations_per_import,
            max_concurrency=max_concurrency,
            weight=lambda item: len(item[1]),
            max_weight=MAX_IMPORT_BYTES,
        )
        for start in sorted(parts):
            imp, count, failed, reused = parts[start]
            report.imports.append(imp)
            report.starts.append(start + 1)
            report.failed_per_import.append(failed)
            report.annotations += count
            report.failed += failed
            report.reused += reused
        return report


def _check_size(count: int) -> None:
    if count > ops.MAX_ANNOTATIONS_PER_IMPORT:
        raise InputError(
            f"{count:,} annotations is over the {ops.MAX_ANNOTATIONS_PER_IMPORT:,} of one import:"
            " use project.import_annotations(), which splits them"
        )


def _check_names(parent_id: object, name: object) -> None:
    if not isinstance(parent_id, str) or not parent_id:
        raise InputTypeError("the project (or model run) id must be a non-empty str")
    if not isinstance(name, str) or not name.strip():
        raise InputTypeError("name must be a non-empty str")


def _row_key(annotation: Mapping[str, Any]) -> int:
    """A hash of (data row, feature name): what the per-row limit counts."""
    ref = annotation["dataRow"]
    return hash((ref.get("globalKey") or ref.get("id"), annotation.get("name") or ""))


def _checked(annotations: list[Any]) -> list[bytes]:
    encoded = [encode_annotation(a, i + 1) for i, a in enumerate(annotations)]
    pairs = enumerate(zip(annotations, encoded, strict=True))
    _check_per_row([(i, e, _row_key(a)) for i, (a, e) in pairs])
    return encoded


def _check_per_row(chunk: list[tuple[int, bytes, int]]) -> None:
    """At most ``ANNOTATION_PER_LABEL_LIMIT`` annotations per data row and feature name in one
    import. Counted by hash; a count over the limit is confirmed on the decoded lines."""
    limit = ops.ANNOTATION_PER_LABEL_LIMIT
    if len(chunk) <= limit:
        return
    counts = Counter(key for _, _, key in chunk)
    suspects = {key for key, n in counts.items() if n > limit}
    if not suspects:
        return
    exact: dict[tuple[str, str], int] = defaultdict(int)
    for line, encoded, key in chunk:
        if key not in suspects:
            continue
        value = json.loads(encoded)
        ref = value["dataRow"]
        name = value.get("name") or ""
        row = (ref.get("globalKey") or ref.get("id"), name)
        exact[row] += 1
        if name and exact[row] > limit:
            raise InputError(
                f"line {line + 1}: data row {row[0]} has more than {limit} annotations named"
                f" {name!r} in one import"
            )


def _ndjson_path(path: object) -> pathlib.Path:
    if not isinstance(path, str | os.PathLike):
        raise InputTypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    file = pathlib.Path(path)
    if not file.is_file():
        raise InputError(f"File {file} is not accessible")
    return file


def _file_annotations(file: pathlib.Path) -> Iterable[dict[str, Any]]:
    with file.open("r", encoding="utf-8") as handle:
        for number, raw in enumerate(handle, 1):
            if raw.strip():
                value = _decode_line(raw, number)
                encode_annotation(value, number)
                yield value


async def _numbered_lines(source: Any) -> AsyncIterator[tuple[int, bytes, int]]:
    """``(0-based position, NDJSON bytes, row key hash)`` of every annotation, checked as it
    is read."""
    if isinstance(source, str | os.PathLike) and not isinstance(source, str):
        source = _ndjson_path(source)
    if isinstance(source, pathlib.Path):
        for index, value in enumerate(_file_annotations(source)):
            encoded = _ENCODER.encode(value).encode() + b"\n"
            yield index, encoded, _row_key(value)
        return
    if isinstance(source, Mapping | str | bytes):
        raise InputTypeError("annotations must be an iterable of dicts or a pathlib.Path")
    index = 0
    if isinstance(source, AsyncIterable):
        async for value in source:
            yield index, encode_annotation(value, index + 1), _row_key(value)
            index += 1
    elif isinstance(source, Iterable):
        for value in source:
            yield index, encode_annotation(value, index + 1), _row_key(value)
            index += 1
    else:
        raise InputTypeError("annotations must be an iterable of dicts or a pathlib.Path")
    if index == 0:
        raise InputError("annotations cannot be empty")

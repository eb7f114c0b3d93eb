"""The table of every code example of document 004 (the API reference), by the line it starts
on, with the test that runs it (``test_004_client.py``, ``test_004_objects.py``) and what it needs
beyond ``await`` / ``async for`` (empty: nothing). The README's "Documented examples that need
more than await" lists the non-empty ones.
"""

from __future__ import annotations

import pytest

from tests.docs_examples import test_004_client, test_004_objects

C, O = "test_004_client", "test_004_objects"  # noqa: E741

EXAMPLES: list[tuple[int, str, str, str]] = [
    (19, "Client('<APIKEY>')", f"{C}::test_l19_client", "AsyncClient (lb.Client names it)"),
    (
        54,
        "client.assign_global_keys_to_data_rows(...)",
        f"{C}::test_l54_assign_global_keys_to_data_rows",
        "status is 'PARTIAL SUCCESS', as 7.17",
    ),
    (
        95,
        "client.clear_global_keys([...])",
        f"{C}::test_l95_clear_global_keys",
        "status is 'PARTIAL SUCCESS', as 7.17",
    ),
    (123, "client.create_dataset(name=..., description=...)", f"{C}::test_l123_create_dataset", ""),
    (
        127,
        "client.create_feature_schema({'tool': ...})",
        f"{C}::test_l127_create_feature_schema",
        "",
    ),
    (
        130,
        "client.create_feature_schema(Tool(...).asdict())",
        f"{C}::test_l127_create_feature_schema",
        "",
    ),
    (
        133,
        "client.create_feature_schema(Tool(...))",
        f"{C}::test_l127_create_feature_schema",
        "Tool(...).asdict() (the error names it)",
    ),
    (
        160,
        "client.create_model(<model_name>, <ontology_id>)",
        f"{C}::test_l160_l443_l460_l485_models",
        "",
    ),
    (176, "client.create_ontology('ontology-name', {...})", f"{C}::test_l176_create_ontology", ""),
    (
        179,
        "client.create_ontology(..., OntologyBuilder(...).asdict())",
        f"{C}::test_l176_create_ontology",
        "",
    ),
    (
        216,
        "client.create_project(..., queue_mode=QueueMode.Batch)",
        f"{C}::test_l216_create_project",
        "no queue_mode (lb.QueueMode says so)",
    ),
    (
        260,
        "client.delete_feature_schema_from_ontology(...)",
        f"{C}::test_l260_delete_feature_schema_from_ontology",
        "",
    ),
    (
        267,
        "client.delete_unused_feature_schema(...)",
        f"{C}::test_l267_delete_unused_feature_schema",
        "",
    ),
    (274, "client.delete_unused_ontology(...)", f"{C}::test_l274_delete_unused_ontology", ""),
    (
        356,
        "client.get_data_row_ids_for_global_keys([...])",
        f"{C}::test_l356_get_data_row_ids_for_global_keys",
        "status is 'PARTIAL SUCCESS', as 7.17",
    ),
    (376, "client.get_dataset('<dataset_id>')", f"{C}::test_l376_get_dataset", ""),
    (
        393,
        "client.get_datasets(where=(Dataset.name == ...) & ...)",
        f"{C}::test_l393_get_datasets",
        "async for over the result",
    ),
    (
        430,
        "client.get_labeling_frontends(where=LabelingFrontend.name == 'Editor')",
        f"{C}::test_l430_get_labeling_frontends",
        "async for over the result",
    ),
    (443, "client.get_model('<model_id>')", f"{C}::test_l160_l443_l460_l485_models", ""),
    (460, "client.get_model_run('<model_run_id>')", f"{C}::test_l160_l443_l460_l485_models", ""),
    (
        485,
        "client.get_models(where=(Model.name == ...))",
        f"{C}::test_l160_l443_l460_l485_models",
        "async for over the result",
    ),
    (522, "client.get_organization()", f"{C}::test_l522_l590_organization_and_user", ""),
    (
        527,
        "client.get_project('<project_id>')",
        f"{C}::test_l527_l544_get_project_and_projects",
        "",
    ),
    (
        544,
        "client.get_projects(where=(Project.name == ...) & ...)",
        f"{C}::test_l527_l544_get_project_and_projects",
        "async for over the result",
    ),
    (
        572,
        "client.get_unused_feature_schemas([after])",
        f"{C}::test_l572_get_unused_feature_schemas",
        "",
    ),
    (584, "client.get_unused_ontologies([after])", f"{C}::test_l584_get_unused_ontologies", ""),
    (590, "client.get_user()", f"{C}::test_l522_l590_organization_and_user", ""),
    (
        597,
        "client.insert_feature_schema_into_ontology(..., 2)",
        f"{C}::test_l597_insert_feature_schema_into_ontology",
        "",
    ),
    (
        627,
        "client.send_to_annotate_from_catalog(...); task.wait_till_done()",
        f"{C}::test_l627_send_to_annotate_from_catalog",
        "",
    ),
    (
        670,
        "client.update_feature_schema_title(..., 'New Title')",
        f"{C}::test_l670_update_feature_schema_title",
        "",
    ),
    (
        681,
        "client.upsert_feature_schema(Tool(..., Tool.Type.BOUNDING_BOX).asdict())",
        f"{C}::test_l681_upsert_feature_schema",
        "Tool.Type.BBOX (the error names it)",
    ),
    (
        1060,
        "datarow.create_attachment('TEXT', ...)",
        f"{O}::test_l1060_create_attachment",
        "'RAW_TEXT' (the error names it)",
    ),
    (
        1080,
        "DataRow.export(data_rows=[... dataset.data_rows.list()], params=...)",
        f"{O}::test_l1080_l1097_data_row_export",
        "client first; data_rows() async; await task.result",
    ),
    (1097, "DataRow.export_v2(...)", f"{O}::test_l1080_l1097_data_row_export", "as 1080"),
    (
        1121,
        "db_object.update(name='New name', title='A title')",
        f"{O}::test_l1121_update",
        "fields of the object only (title is refused)",
    ),
    (1187, "dataset.create_data_row(row_data=...)", f"{O}::test_l1187_create_data_row", ""),
    (
        1263,
        "dataset.data_rows(where={'external_id': 'my_external_id'}) (a parameter's example)",
        f"{O}::test_l1263_data_rows_where",
        "where=DataRow.external_id == '...' (the error names it)",
    ),
    (
        1290,
        "dataset.export(filters=..., params=...); task.result",
        f"{O}::test_l1290_l1326_dataset_export",
        "await task.result",
    ),
    (1326, "dataset.export_v2(...)", f"{O}::test_l1290_l1326_dataset_export", "await task.result"),
    (
        1605,
        "list(client.get_labeling_frontends())[0]; project.setup(frontend, builder.asdict())",
        f"{O}::test_l1605_ontology_builder_and_setup",
        "to_list(); connect_ontology (both errors name it)",
    ),
    (
        1674,
        "organization.create_resource_tag({'text': 'tag-1', 'color': 'ffffff'})",
        f"{O}::test_l1674_create_resource_tag",
        "",
    ),
    (
        1940,
        "project.export(filters={..., 'batch_ids': [...]}, params=...)",
        f"{O}::test_l1940_l2011_project_export",
        "a missing comma; await task.result",
    ),
    (2011, "project.export_v2(...)", f"{O}::test_l1940_l2011_project_export", "as 1940"),
    (
        2119,
        "project.set_labeling_parameter_overrides([(data_row_id1, 2), ...])",
        f"{O}::test_l2119_l2122_set_labeling_parameter_overrides",
        "UniqueId(...) around ids, as 7.17",
    ),
    (
        2122,
        "project.set_labeling_parameter_overrides([(data_row_gk1, 2), ...])",
        f"{O}::test_l2119_l2122_set_labeling_parameter_overrides",
        "GlobalKey(...) around keys, as 7.17",
    ),
    (
        2905,
        "model_run.export('my_export_task', params={'media_attributes': True})",
        f"{O}::test_l2905_l2924_model_run_export",
        "data_row_details (the error names it)",
    ),
    (2924, "model_run.export_v2(...)", f"{O}::test_l2905_l2924_model_run_export", "as 2905"),
    (
        2938,
        "model_run.send_to_annotate_from_model(...); task.wait_till_done()",
        f"{O}::test_l2938_send_to_annotate_from_model",
        "",
    ),
    (
        3001,
        "upsert_predictions_and_send_to_project(...); print(job.status, job.errors)",
        f"{O}::test_l3001_upsert_predictions_and_send_to_project",
        "job.state; await job.errors",
    ),
    (
        3085,
        "client.get_data_row_metadata_ontology()",
        f"{O}::test_l3085_metadata_ontology_schemas",
        "",
    ),
    (
        3090,
        "DeleteDataRowMetadata(UniqueId(...)); mdo.batch_delete([metadata])",
        f"{O}::test_l3090_l3099_l3108_bulk_delete",
        "bulk_delete([delete]) (the error names it)",
    ),
    (
        3099,
        "DeleteDataRowMetadata(GlobalKey(...)); mdo.batch_delete(...)",
        f"{O}::test_l3090_l3099_l3108_bulk_delete",
        "as 3090",
    ),
    (
        3108,
        "DeleteDataRowMetadata('global-key'); mdo.batch_delete(...)",
        f"{O}::test_l3090_l3099_l3108_bulk_delete",
        "as 3090; a str is a data row id",
    ),
    (
        3130,
        "mdo.bulk_export([data_row.uid for data_row in data_rows])",
        f"{O}::test_l3146_bulk_upsert",
        "",
    ),
    (
        3146,
        "DataRowMetadata(...); mdo.batch_upsert([metadata])",
        f"{O}::test_l3146_bulk_upsert",
        "bulk_upsert (the error names it)",
    ),
    (
        3166,
        "mdo.create_schema(name, kind, options)",
        f"{O}::test_l3085_metadata_ontology_schemas",
        "",
    ),
    (3186, "mdo.delete_schema(name)", f"{O}::test_l3085_metadata_ontology_schemas", ""),
    (3203, "mdo.get_by_name(name)", f"{O}::test_l3085_metadata_ontology_schemas", "no await"),
    (3220, "mdo.parse_metadata([metadata])", f"{O}::test_l3220_l3237_parse_metadata", "no await"),
    (
        3237,
        "mdo.parse_metadata_fields([metadata_fields])",
        f"{O}::test_l3220_l3237_parse_metadata",
        "no await",
    ),
    (
        3271,
        "mdo.update_enum_option(name, option, new_option)",
        f"{O}::test_l3085_metadata_ontology_schemas",
        "",
    ),
    (3291, "mdo.update_schema(name, new_name)", f"{O}::test_l3085_metadata_ontology_schemas", ""),
    (
        3759,
        "slice.export(params=...); task.result",
        f"{O}::test_l3759_l3763_slice_export",
        "await task.result",
    ),
    (
        3763,
        "slice.export_v2(params=...); task.result",
        f"{O}::test_l3759_l3763_slice_export",
        "await task.result",
    ),
]
"""(004 line, the example as documented, its test, what it needs beyond await)."""

MODULES = {C: test_004_client, O: test_004_objects}


def test_one_entry_per_example_in_document_order() -> None:
    lines = [line for line, *_ in EXAMPLES]
    assert lines == sorted(set(lines))
    assert len(EXAMPLES) == 64


@pytest.mark.parametrize(("line", "test"), [(line, test) for line, _, test, _ in EXAMPLES])
def test_each_example_has_its_test(line: int, test: str) -> None:
    module, name = test.split("::")
    assert callable(getattr(MODULES[module], name, None)), f"004 line {line}: {test} is missing"


def test_every_test_runs_a_listed_example() -> None:
    listed = {test for _, _, test, _ in EXAMPLES}
    for key, module in MODULES.items():
        tests = {f"{key}::{n}" for n in dir(module) if n.startswith("test_l")}
        extra = {t for t in tests - listed if "nothing_imported" not in t}
        assert not extra, f"tests not in the table: {sorted(extra)}"

"""The JSON Schemas in resources/schemas/ are what the program writes: they match the models, and a real
package, acknowledgement and key file validate against them."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from assist_desktop.paths import resource_path
from assist_desktop.sync import keys as sync_keys
from assist_desktop.sync.ack import make_ack
from assist_desktop.sync.package import MANIFEST
from assist_desktop.sync.schemas import SCHEMAS, render

from .conftest import Network, open_package


def _validator(name: str) -> Draft202012Validator:
    schema = json.loads(resource_path("schemas", name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_the_shipped_schema_is_the_generated_one(name: str) -> None:
    shipped = resource_path("schemas", name).read_text(encoding="utf-8")
    assert shipped == render(name), f"run: python -m assist_desktop.sync.schemas  ({name} is out of date)"


def test_a_citys_package_validates_member_by_member(net: Network) -> None:
    net.carry("suide", "yulin")
    net.carry("mizhi", "yulin")
    package = net.export("yulin")
    opened = open_package(package.path, net["shaanxi"])
    manifest_errors = list(_validator("sync-manifest.schema.json").iter_errors(json.loads(opened.members[MANIFEST])))
    assert manifest_errors == []
    tables = _validator("sync-table.schema.json")
    schema = tables.schema
    checked = 0
    for name, data in opened.members.items():
        if not name.startswith("tables/"):
            continue
        lines = data.decode("utf-8").splitlines()
        header = json.loads(lines[0])
        assert list(tables.iter_errors(header)) == []
        row_schema = Draft202012Validator({**schema["$defs"][header["table"]], "$defs": schema["$defs"]},
                                          format_checker=Draft202012Validator.FORMAT_CHECKER)
        for line in lines[1:]:
            row = dict(zip(header["columns"], json.loads(line)))
            errors = list(row_schema.iter_errors(row))
            assert errors == [], f"{header['table']}: {errors[0].message}"
            checked += 1
    assert checked == package.rows > 500


def test_an_acknowledgement_and_a_key_file_validate(net: Network) -> None:
    result = net.carry("suide", "yulin", ack=False)
    with net["yulin"].session() as s:
        ack = json.loads(make_ack(s, result.package_id))  # type: ignore[arg-type]
        key_file = json.loads(sync_keys.export_key_file(s, None))
    assert list(_validator("sync-ack.schema.json").iter_errors(ack)) == []
    assert list(_validator("unit-key.schema.json").iter_errors(key_file)) == []
    broken = dict(ack, request_full="yes")
    assert list(_validator("sync-ack.schema.json").iter_errors(broken))

"""JSON Schemas (draft 2020-12) of the sync files, for other systems that read them; shipped in
``resources/schemas/`` and generated from the models and formats here, so they cannot drift (a test
compares the files with this output). Regenerate with ``python -m assist_desktop.sync.schemas``.

- ``sync-manifest.schema.json``: ``manifest.json`` of a package;
- ``sync-table.schema.json``: a table's JSON Lines file — the header line, and under ``$defs`` each table's
  row as an object (zip the header's ``columns`` with a row's values to get it);
- ``sync-ack.schema.json``: the acknowledgement;
- ``unit-key.schema.json``: a unit's public-key file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assist_desktop.paths import resource_path
from assist_desktop.sync.ack import ACK_FORMAT, ACK_VERSION
from assist_desktop.sync.keys import KEY_FILE_FORMAT, KEY_FILE_VERSION, LEVEL_RANK
from assist_desktop.sync.package import FORMAT, FORMAT_VERSION
from assist_desktop.sync.tables import PATTERNS, TABLE_LABELS, ColumnSpec, specs
from assist_desktop.sync.trust import STATEMENT_FORMAT, STATEMENT_VERSION

DRAFT = "https://json-schema.org/draft/2020-12/schema"
BASE = "https://assist-desktop.invalid/schemas/"
SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
KEY_ID = {"type": "string", "pattern": "^[0-9A-F]{8}$"}
UUID = {"type": "string", "pattern": f"^{PATTERNS['uuid']}$"}
LEVELS = sorted(LEVEL_RANK, key=LEVEL_RANK.get)  # type: ignore[arg-type]


def _unit(extra_levels: bool = False) -> dict[str, Any]:
    return {"type": "object", "required": ["unit_id", "code", "name", "level"],
            "properties": {"unit_id": UUID, "code": {"type": "string", "minLength": 1},
                           "name": {"type": "string", "minLength": 1},
                           "level": {"enum": LEVELS + (["grassroots"] if extra_levels else [])}}}


def _head() -> dict[str, Any]:
    return {"type": "object", "required": ["seq", "hash"], "additionalProperties": False,
            "properties": {"seq": {"type": "integer", "minimum": 0}, "hash": SHA256}}


def manifest_schema() -> dict[str, Any]:
    tables = list(specs())
    return {
        "$schema": DRAFT, "$id": BASE + "sync-manifest.schema.json", "title": "同步文件清单 manifest.json",
        "description": "The manifest of an Assist Desktop sync package; signature.json holds the source unit's "
                       "Ed25519 signature over its exact bytes. Trust rule (what a receiver accepts): the source "
                       "keeps the code, name and level it was enrolled with from its key file (in `source`, in "
                       "`units[0]` and in its own org_unit row); a name or level changes only through a new key "
                       "file and fingerprint check. Every row is owned by the source, or - from a unit that "
                       "enrolled lower units (a city to its province) - by one of those lower units, each listed "
                       "in `units` and in `lower_units`, the source's signed statement of the units it enrolled "
                       "(their codes, names, levels and public keys, fingerprints checked). A unit already known "
                       "through another unit, one enrolled at the receiver directly, the receiver itself and a "
                       "unit below a lower unit are refused. Every other org_unit row is a grassroots union of "
                       "its owner, and a row naming a union (user.unit_id, hardship_file.unit_id, "
                       "employer.union_unit_id, unfiled_household.unit_id) names one of its owner's. Each unit's "
                       "`audit` head must extend the head the receiver last accepted from it: not shorter, the "
                       "same hash at the same number, and for the source that head found among `anchors`. A "
                       "package breaking any of this is refused whole, naming the unit and the row.",
        "type": "object",
        "required": ["format", "format_version", "package_id", "made_at", "schema_revision", "program_version",
                     "source", "target", "seq", "base_seq", "full", "full_reason", "usn", "sign_key_id", "units",
                     "members"],
        "properties": {
            "format": {"const": FORMAT},
            "format_version": {"type": "integer", "minimum": 1, "maximum": FORMAT_VERSION},
            "package_id": UUID,
            "made_at": {"type": "string", "format": "date-time"},
            "schema_revision": {"type": "string", "description": "the database schema (Alembic revision) it was made at"},
            "program_version": {"type": "string"},
            "source": _unit(), "target": _unit(),
            "seq": {"type": "integer", "minimum": 1, "description": "this package's number from source to target"},
            "base_seq": {"type": "integer", "minimum": 0,
                         "description": "everything up to this number was acknowledged when the package was made; "
                                        "an incremental package follows on from it"},
            "full": {"type": "boolean", "description": "a full snapshot of every row the source holds"},
            "full_reason": {"type": ["string", "null"]},
            "usn": {"type": "object", "required": ["since", "assign"], "additionalProperties": False,
                    "properties": {"since": {"type": "integer", "minimum": 0},
                                   "assign": {"type": "integer", "minimum": 1,
                                              "description": "the usn the carried rows take once acknowledged"}}},
            "sign_key_id": KEY_ID,
            "units": {"type": "array", "minItems": 1,
                      "description": "the source first, then each unit whose rows the package carries",
                      "items": {**_unit(), "required": ["unit_id", "code", "name", "level", "audit", "anchor"],
                                "properties": {**_unit()["properties"], "audit": _head(),
                                               "anchor": {"oneOf": [{"type": "null"}, _head()]},
                                               "anchors": {"type": "array", "maxItems": 1000, "items": _head(),
                                                           "description": "the source only: its chain's hash now "
                                                           "at the head of each package it sent since (and "
                                                           "including) the last one acknowledged"}}}},
            "lower_units": {"oneOf": [{"type": "null"}, _statement()],
                            "description": "the source's signed statement of the lower units it enrolled; null "
                                           "for a unit that enrolled none (a county)"},
            "members": {"type": "array", "items": {
                "type": "object", "required": ["name", "table", "rows", "bytes", "sha256"], "additionalProperties": False,
                "properties": {"name": {"type": "string", "pattern": "^tables/[a-z_]+\\.jsonl$"},
                               "table": {"enum": tables}, "rows": {"type": "integer", "minimum": 0},
                               "bytes": {"type": "integer", "minimum": 0}, "sha256": SHA256}}},
        },
    }


def _statement() -> dict[str, Any]:
    entry = {"type": "object", "required": ["unit_id", "code", "name", "level", "sign_key_id", "sign_public_key",
                                            "encrypt_public_key", "fingerprint"], "additionalProperties": False,
             "properties": {**_unit()["properties"], "sign_key_id": KEY_ID,
                            "sign_public_key": {"type": "string", "contentEncoding": "base64"},
                            "encrypt_public_key": {"type": "string", "contentEncoding": "base64"},
                            "fingerprint": {"type": "string", "pattern": "^\\d{4}( \\d{4}){4}$"}}}
    return {"type": "object", "required": ["format", "format_version", "unit", "made_at", "units", "signature"],
            "description": "signed like a key file: the signature covers the canonical JSON (sorted keys, no "
                           "spaces, UTF-8) of every other field",
            "properties": {"format": {"const": STATEMENT_FORMAT},
                           "format_version": {"type": "integer", "minimum": 1, "maximum": STATEMENT_VERSION},
                           "unit": _unit(), "made_at": {"type": "string", "format": "date-time"},
                           "units": {"type": "array", "maxItems": 500, "items": entry},
                           "signature": _signature()}}


def _value(col: ColumnSpec) -> dict[str, Any]:
    kind = col.kind
    if kind == "int":
        schema: dict[str, Any] = {"type": "integer"}
    elif kind == "bool":
        schema = {"enum": [0, 1]}
    elif kind in ("str", "uuid"):
        schema = {"type": "string"}
        if kind == "uuid":
            schema["pattern"] = f"^{PATTERNS['uuid']}$"
        if col.max_length:
            schema["maxLength"] = col.max_length
        if col.choices is not None:
            schema["enum"] = sorted(col.choices)
    else:
        schema = {"type": "string", "pattern": f"^{PATTERNS[kind]}$"}
        schema["description"] = {"date": "YYYY-MM-DD", "datetime": "UTC, YYYY-MM-DD HH:MM:SS.ffffff",
                                 "hex": "binary content as upper-case hex"}[kind]
    if col.nullable:
        return {"oneOf": [{"type": "null"}, schema]}
    return schema


def table_schema() -> dict[str, Any]:
    defs: dict[str, Any] = {}
    for name, spec in specs().items():
        defs[name] = {"title": f"{TABLE_LABELS.get(name, name)}（{name}）", "type": "object",
                      "required": sorted(spec.required), "additionalProperties": False,
                      "properties": {c.name: _value(c) for c in spec.columns}}
    return {
        "$schema": DRAFT, "$id": BASE + "sync-table.schema.json", "title": "同步文件中一张表的 JSON Lines 文件",
        "description": "tables/<table>.jsonl: the first line is the header (#/$defs/header); every further line is "
                       "one row as a JSON array of values in the header's column order. Zipped with the columns, "
                       "a row is an object valid against #/$defs/<table>. A user row's password_hash is always '!' "
                       "(sign-in secrets never leave their unit) and its username is qualified with its unit's code.",
        "$defs": {"header": {"type": "object", "required": ["table", "columns"], "additionalProperties": False,
                             "properties": {"table": {"enum": list(specs())},
                                            "columns": {"type": "array", "items": {"type": "string"},
                                                        "uniqueItems": True, "minItems": 1}}},
                  "row": {"type": "array"}, **defs},
        "$ref": "#/$defs/header",
    }


def _signature() -> dict[str, Any]:
    return {"type": "object", "required": ["algorithm", "key_id", "value"], "additionalProperties": False,
            "properties": {"algorithm": {"const": "ed25519"}, "key_id": KEY_ID,
                           "value": {"type": "string", "contentEncoding": "base64"}}}


def ack_schema() -> dict[str, Any]:
    return {
        "$schema": DRAFT, "$id": BASE + "sync-ack.schema.json", "title": "同步确认文件",
        "description": "The upper unit's signed acknowledgement of an applied package; the signature covers the "
                       "canonical JSON (sorted keys, no spaces, UTF-8) of every other field.",
        "type": "object",
        "required": ["format", "format_version", "from", "to", "package", "counts", "rows", "received_at",
                     "last_received_seq", "request_full", "signature"],
        "properties": {
            "format": {"const": ACK_FORMAT}, "format_version": {"type": "integer", "minimum": 1, "maximum": ACK_VERSION},
            "from": _unit(), "to": _unit(),
            "package": {"type": "object", "required": ["seq", "usn", "full", "file_sha256", "manifest_sha256"],
                        "properties": {"seq": {"type": "integer", "minimum": 1}, "usn": {"type": "integer"},
                                       "full": {"type": "boolean"}, "file_sha256": SHA256, "manifest_sha256": SHA256}},
            "counts": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
            "rows": {"type": "integer", "minimum": 0},
            "received_at": {"type": "string", "format": "date-time"},
            "last_received_seq": {"type": "integer", "minimum": 0},
            "request_full": {"type": "boolean"},
            "audit": {**_head(), "description": "the head of the lower unit's audit chain the package carried, as "
                                                "accepted: the lower unit's check finds it in its chain"},
            "signature": _signature(),
        },
    }


def key_file_schema() -> dict[str, Any]:
    key = {"type": "object", "required": ["purpose", "algorithm", "key_id", "public_key", "created_at", "retired_at"],
           "additionalProperties": False,
           "properties": {"purpose": {"enum": ["sign", "encrypt"]}, "algorithm": {"enum": ["ed25519", "x25519"]},
                          "key_id": KEY_ID, "public_key": {"type": "string", "contentEncoding": "base64"},
                          "created_at": {"type": "string", "format": "date-time"},
                          "retired_at": {"oneOf": [{"type": "null"}, {"type": "string", "format": "date-time"}]}}}
    return {
        "$schema": DRAFT, "$id": BASE + "unit-key.schema.json", "title": "单位公钥文件",
        "description": "A unit's public keys, self-signed with its current signing key over the canonical JSON of "
                       "every other field. The fingerprint is read out over the phone before the file is trusted.",
        "type": "object",
        "required": ["format", "format_version", "unit", "keys", "fingerprint", "made_at", "signature"],
        "properties": {
            "format": {"const": KEY_FILE_FORMAT},
            "format_version": {"type": "integer", "minimum": 1, "maximum": KEY_FILE_VERSION},
            "unit": {"type": "object", "required": ["id", "code", "name", "level"],
                     "properties": {"id": UUID, "code": {"type": "string"}, "name": {"type": "string"},
                                    "level": {"enum": LEVELS}, "region_code": {"type": ["string", "null"]}}},
            "keys": {"type": "array", "minItems": 2, "items": key},
            "fingerprint": {"type": "string", "pattern": "^\\d{4}( \\d{4}){4}$"},
            "made_at": {"type": "string", "format": "date-time"},
            "signature": _signature(),
        },
    }


SCHEMAS = {"sync-manifest.schema.json": manifest_schema, "sync-table.schema.json": table_schema,
           "sync-ack.schema.json": ack_schema, "unit-key.schema.json": key_file_schema}


def render(name: str) -> str:
    return json.dumps(SCHEMAS[name](), ensure_ascii=False, indent=2) + "\n"


def write_all(folder: Path | None = None) -> list[Path]:
    folder = folder or resource_path("schemas")
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name in SCHEMAS:
        path = folder / name
        path.write_text(render(name), encoding="utf-8")
        out.append(path)
    return out


if __name__ == "__main__":  # pragma: no cover
    for written in write_all():
        print(written)

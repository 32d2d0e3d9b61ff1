"""Migration 0004: a county's database from revision 0003 (as that program wrote it) gains the unit keys and the
voucher print record, keeps every row, and prints signed vouchers at once (its key made on first need)."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlmodel import select

from assist_desktop.services import printing
from assist_desktop.services.audit import verify_audit
from assist_desktop.storage import models as m
from assist_desktop.storage.schema import FileState, ensure_schema, head_revision, open_database
from tests.reports import pdftools

FIXTURE = Path(__file__).parent / "fixtures" / "revision-0003.sqlite.gz"

# The SQLite file itself (pragmas, file bytes, the backup API, its key): the server's own is in
# test_server_engine.py and test_server_backup.py.
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def county_at_0003(tmp_path: Path) -> Path:
    path = tmp_path / "assist.sqlite"
    with gzip.open(FIXTURE) as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return path


def _tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_0004_adds_the_key_and_print_tables_to_a_0003_file(county_at_0003: Path, tmp_path: Path) -> None:
    assert not {"unit_key", "voucher_print"} & _tables(county_at_0003)
    with closing(sqlite3.connect(county_at_0003)) as conn:
        disbursements = conn.execute("SELECT count(*) FROM disbursement").fetchone()[0]
    assert ensure_schema(county_at_0003, tmp_path / "backups") == FileState("older", "0003")
    assert {"unit_key", "voucher_print"} <= _tables(county_at_0003)
    with closing(sqlite3.connect(county_at_0003)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (head_revision(),)
        assert conn.execute("SELECT count(*) FROM unit_key").fetchone() == (0,)  # no secret made by a migration
        assert conn.execute("SELECT count(*) FROM disbursement").fetchone() == (disbursements,)
        indexes = {r[1]: r[4] for r in conn.execute("SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master "
                                                    "WHERE type = 'index' AND tbl_name IN ('unit_key', 'voucher_print')")}
        assert "retired_at IS NULL" in indexes["uq_unit_key_current"]
        assert {"ix_unit_key_key_id", "ix_voucher_print_disbursement_id", "ix_voucher_print_batch_id"} <= set(indexes)
        fks = {(r[2], r[3]) for r in conn.execute("PRAGMA foreign_key_list(voucher_print)")}
        assert ("disbursement", "disbursement_id") in fks and ("user", "printed_by") in fks


def test_an_upgraded_county_prints_and_verifies_its_vouchers(county_at_0003: Path, tmp_path: Path) -> None:
    ensure_schema(county_at_0003, tmp_path / "backups")
    with open_database(county_at_0003) as db, db.session() as s:
        campaign = s.exec(select(m.Campaign)).first()
        clerk = s.exec(select(m.User).where(m.User.username == "jingban")).one()
        job = printing.issue_vouchers(s, clerk, printing.VoucherSelection(campaign_id=campaign.id))
        assert job.count > 0 and job.first_prints == job.count
        keys = s.exec(select(m.UnitKey).where(m.UnitKey.purpose == "sign")).all()
        assert len(keys) == 1 and keys[0].private_key and keys[0].retired_at is None
        (code,) = pdftools.qr_codes(job.pdf, slots=3)[0]
        assert printing.verify_voucher(s, code).on_record
        assert verify_audit(s).ok


def test_a_unit_has_one_current_key_per_purpose(county_at_0003: Path, tmp_path: Path) -> None:
    ensure_schema(county_at_0003, tmp_path / "backups")
    with open_database(county_at_0003) as db:
        with db.session() as s:
            unit_id = s.get(m.Meta, "local_unit_id").value
        row = dict(unit_id=unit_id, purpose="sign", algorithm="ed25519", public_key=b"\0" * 32)
        with db.transaction() as s:
            s.add(m.UnitKey(key_id="00000001", **row))
        with pytest.raises(Exception, match="UNIQUE"), db.transaction() as s:
            s.add(m.UnitKey(key_id="00000002", **row))
        with db.transaction() as s:  # a retired key beside the current one is how rotation keeps old keys
            s.add(m.UnitKey(key_id="00000003", retired_at=m.utcnow(), **row))
            s.add(m.UnitKey(key_id="00000004", **{**row, "purpose": "encrypt", "algorithm": "x25519"}))

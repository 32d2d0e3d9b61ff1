"""Foreign keys checked once a key after a bulk write on the server (storage.deferred_keys): a row referring
to data not here is found, the rows referred to are locked as the per-row checks lock them, the per-row
checks come back on, and only a login allowed to set replica mode with every trigger ENABLE ALWAYS uses it."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy.exc import OperationalError

from assist_desktop.storage import deferred_keys
from assist_desktop.storage.models import Campaign, CampaignFundSource, OrgUnit
from assist_desktop.storage.schema import open_database

pytestmark = pytest.mark.postgresql_only


def _unit_and_campaign(db):  # type: ignore[no-untyped-def]
    unit = str(uuid.uuid4())
    with db.session() as s:
        s.add(OrgUnit(id=unit, owner_unit_id=unit, code="532331", name="禄丰市总工会", level="county"))
        s.flush()
        campaign = Campaign(owner_unit_id=unit, year=2027, name="2027年春节送温暖", budget_fen=12_000_000,
                            visit_start=date(2027, 1, 10), visit_end=date(2027, 2, 5))
        s.add(campaign)
        s.commit()
        return unit, campaign.id


def test_a_missing_parent_is_found_and_a_present_one_locked_until_the_commit(tmp_db, engine) -> None:  # type: ignore[no-untyped-def]
    with open_database(tmp_db) as db:
        unit, campaign = _unit_and_campaign(db)
        with db.engine.connect() as conn, conn.begin():
            assert deferred_keys.available(conn)  # the tests' login is a superuser
            deferred_keys.switch_off(conn)
            nowhere = str(uuid.uuid4())
            conn.execute(CampaignFundSource.__table__.insert(), [  # type: ignore[attr-defined]
                {"id": str(uuid.uuid4()), "owner_unit_id": unit, "usn": -1, "mtime": 1, "version": 1,
                 "campaign_id": cid, "name": name, "amount_fen": 500_000}
                for cid, name in ((campaign, "上级工会拨款"), (nowhere, "本级工会经费"))])  # accepted: keys off
            refs = deferred_keys.Refs(conn, ["campaign", "campaign_fund_source"])
            refs.note("campaign_fund_source", ["owner_unit_id", "campaign_id"], [[unit, campaign], [unit, nowhere]])
            missing = deferred_keys.check(conn, refs)
            assert missing is not None
            assert (missing.key.table, missing.key.column, missing.key.parent, missing.value) == (
                "campaign_fund_source", "campaign_id", "campaign", nowhere)
            conn.rollback()
        with db.engine.connect() as conn, conn.begin():
            deferred_keys.switch_off(conn)
            conn.execute(CampaignFundSource.__table__.insert(), [  # type: ignore[attr-defined]
                {"id": str(uuid.uuid4()), "owner_unit_id": unit, "usn": -1, "mtime": 1, "version": 1,
                 "campaign_id": campaign, "name": "上级工会拨款", "amount_fen": 500_000}])
            refs = deferred_keys.Refs(conn, ["campaign", "campaign_fund_source"])
            refs.note("campaign_fund_source", ["owner_unit_id", "campaign_id"], [[unit, campaign]])
            assert deferred_keys.check(conn, refs) is None
            assert conn.exec_driver_sql("SHOW session_replication_role").scalar() == "origin"
            # another desk cannot delete the campaign referred to before this write commits
            with db.engine.connect() as other, other.begin():
                other.exec_driver_sql("SET LOCAL lock_timeout = '300ms'")
                with pytest.raises(OperationalError, match="lock timeout"):
                    other.exec_driver_sql(f"DELETE FROM campaign_fund_source WHERE campaign_id = '{campaign}'; "
                                          f"DELETE FROM campaign WHERE id = '{campaign}'")
            # and with the checks back on, a bad key in the same transaction fails at once
            with pytest.raises(Exception, match="foreign key"):
                with conn.begin_nested():
                    conn.execute(CampaignFundSource.__table__.insert(), [  # type: ignore[attr-defined]
                        {"id": str(uuid.uuid4()), "owner_unit_id": unit, "usn": -1, "mtime": 1, "version": 1,
                         "campaign_id": str(uuid.uuid4()), "name": "社会捐助", "amount_fen": 1}])


def test_only_a_login_allowed_replica_mode_with_every_trigger_always_uses_it(tmp_db, engine, pg_cluster) -> None:  # type: ignore[no-untyped-def]
    role = f"desk_{uuid.uuid4().hex[:8]}"
    database = tmp_db.database
    pg_cluster.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'desk-pass-2026'",
                       f'GRANT CONNECT ON DATABASE "{database}" TO {role}')
    try:
        from assist_desktop.storage.location import ServerAddress
        from assist_desktop.storage.server import make_server_engine

        desk = ServerAddress.parse(pg_cluster.url(database, user=role, password="desk-pass-2026"))
        engine_ = make_server_engine(desk)
        try:
            with engine_.connect() as conn:
                assert deferred_keys.available(conn) is False  # not granted: the keys are checked row by row
                conn.rollback()
            pg_cluster.execute(f"GRANT SET ON PARAMETER session_replication_role TO {role}")
            with engine_.connect() as conn:
                assert deferred_keys.available(conn) is True
                conn.rollback()
            with open_database(tmp_db) as db, db.engine.connect() as conn, conn.begin():
                # a trigger the replica mode would skip: no deferring
                conn.exec_driver_sql("ALTER TABLE member ENABLE TRIGGER name_gram_member_insert")
                assert deferred_keys.available(conn) is False
                conn.rollback()
        finally:
            engine_.dispose()
            pg_cluster.execute(f"REVOKE SET ON PARAMETER session_replication_role FROM {role}")
    finally:
        pg_cluster.execute(f'REVOKE ALL ON DATABASE "{database}" FROM {role}', f"DROP ROLE {role}")

"""Money rows under the audit chain: a payment's amount or payee changed behind the program's back (sqlite3)
is found by ``check`` — against its own payment event, or the seal of the bulk import that wrote it — and no
voucher is ever signed again for it."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from assist_desktop.services import payments, printing
from assist_desktop.services.demo import generate_demo
from assist_desktop.services.maintenance import check_database
from assist_desktop.services.printing import VoucherRefused, VoucherSelection
from assist_desktop.storage.schema import open_database

from tests.dbtools import connect

from .conftest import TODAY, County
from .conftest_scholarships import approved, daughter_input, family, family_input, round26  # noqa: F401


def lines(path: Path) -> tuple[bool, str]:
    report = check_database(path)
    return report.ok, "\n".join(report.lines)


def sql(path: Path, statement: str, *params: object) -> None:
    with closing(connect(path)) as conn:  # sqlite3, or psycopg on a server: behind the program's back
        conn.execute(statement, params)
        conn.commit()


@pytest.mark.tally_unchecked  # records changed with raw SQL, as the program never writes them
def test_a_payment_edited_behind_the_programs_back_is_found_and_never_signed_again(
        county: County, family, round26) -> None:  # type: ignore[no-untyped-def]
    app = approved(county, daughter_input(round26.id, family))
    with county.session() as s:
        d = payments.pay(s, county.users["jingban"], "scholarship", app.id, paid_on=TODAY, method="transfer",
                         today=TODAY)
    ok, said = lines(county.path)
    assert ok and "发放凭证与审计日志一致：1 张" in said, said
    selection = VoucherSelection(round_id=round26.id)
    with county.session() as s:
        assert printing.prepare_vouchers(s, county.users["jingban"], selection).count == 1

    sql(county.path, "UPDATE disbursement SET amount_fen = 900000 WHERE id = ?", d.id)
    ok, said = lines(county.path)
    assert not ok and "审计链完整" in said  # the chain itself is untouched …
    assert f"发放凭证 {d.voucher_no}（王丽）与审计日志中的发放记录不符：金额现为9,000.00元，发放时为5,000.00元" in said
    with county.session() as s, pytest.raises(VoucherRefused) as refused:  # … and no voucher says 9,000
        printing.prepare_vouchers(s, county.users["jingban"], selection)
    assert d.voucher_no in refused.value.message and "与审批的 5,000.00 元不符" in refused.value.message

    # the grant's amount changed along with it: the payment's own event still says 5,000
    sql(county.path, "UPDATE scholarship SET amount_fen = 900000 WHERE id = ?", app.id)
    with county.session() as s, pytest.raises(VoucherRefused, match="与审计日志中的发放记录不符"):
        printing.prepare_vouchers(s, county.users["jingban"], selection)
    sql(county.path, "UPDATE disbursement SET amount_fen = 500000, recipient_name = '王莉' WHERE id = ?", d.id)
    ok, said = lines(county.path)
    assert not ok and "领款人现为“王莉”，发放时为“王丽”" in said


@pytest.mark.tally_unchecked  # records changed with raw SQL, as the program never writes them
def test_payments_written_in_bulk_are_sealed_in_their_import_event(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    with open_database(path) as db:
        summary = generate_demo(db, 60, seed=7, today=TODAY)
    ok, said = lines(path)
    assert ok and f"发放凭证与审计日志一致：{summary.disbursements} 张" in said and "历史凭证" not in said, said
    with closing(sqlite3.connect(path)) as conn:
        voucher, amount = conn.execute("SELECT voucher_no, amount_fen FROM disbursement WHERE grant_type = 'visit' "
                                       "ORDER BY voucher_no LIMIT 1").fetchone()
    sql(path, "UPDATE disbursement SET amount_fen = amount_fen + 100000 WHERE voucher_no = ?", voucher)
    ok, said = lines(path)
    assert not ok and "中有金额、领款人或身份证号在程序之外被改动过" in said and "合计现为" in said
    sql(path, "UPDATE disbursement SET amount_fen = ? WHERE voucher_no = ?", amount, voucher)
    assert lines(path)[0]
    sql(path, "DELETE FROM voucher_print WHERE disbursement_id IN (SELECT id FROM disbursement WHERE voucher_no = ?)",
        voucher)
    sql(path, "DELETE FROM disbursement WHERE voucher_no = ?", voucher)
    ok, said = lines(path)
    assert not ok and "有凭证被删除或添加" in said

"""Scanned materials of a file: stored with their SHA-256, audited, refused cleanly (nothing written)."""

from __future__ import annotations

import hashlib
import json
from contextlib import closing

from tests.dbtools import connect
import pytest

from assist_desktop.domain.errors import DomainError
from assist_desktop.services import approvals, registry
from assist_desktop.services.attachments import (
    MAX_ATTACHMENT_BYTES,
    AttachmentError,
    DuplicateAttachment,
    add_attachment,
    attachment_content,
    format_size,
    list_attachments,
    remove_attachment,
)
from assist_desktop.services.audit import verify_audit
from assist_desktop.services.base import NotFound, PermissionDenied
from assist_desktop.services.file_history import file_history
from assist_desktop.services.registry import FileInput
from assist_desktop.services.units import list_grassroots_units

from .conftest import TODAY, County
from .conftest_scholarships import family, family_input  # noqa: F401 - fixtures: 王建国's file with his daughter

SCAN = b"%PDF-1.4 scanned ID card " + bytes(range(256)) * 40


def _file(county: County, household: FileInput) -> str:
    with county.session() as s:
        return registry.create_file(s, county.users["jingban"], household, today=TODAY).id


def _add(county: County, file_id: str, content: bytes = SCAN, *, user: str = "jingban", kind: str = "id_card",
         name: str = "身份证正反面.pdf"):
    with county.session() as s:
        return add_attachment(s, county.users[user], file_id, kind=kind, name=name, content=content,
                              mime_type="application/pdf")


def _rows(county: County) -> list[tuple]:
    with closing(connect(county.path)) as conn:
        return conn.execute("SELECT file_id, kind, name, size, sha256, length(content), usn FROM attachment").fetchall()


def test_adding_stores_content_and_sha256_and_is_audited(county: County, household: FileInput) -> None:
    file_id = _file(county, household)
    with county.session() as s:
        version_before = registry.get_file(s, county.users["jingban"], file_id)[0].version
    att = _add(county, file_id)
    digest = hashlib.sha256(SCAN).hexdigest()
    assert att.sha256 == digest and att.size == len(SCAN)
    assert _rows(county) == [(file_id, "id_card", "身份证正反面.pdf", len(SCAN), digest, len(SCAN), -1)]
    with closing(connect(county.path)) as conn:
        action, changes = conn.execute("SELECT action, changes FROM audit_event WHERE entity_type = 'attachment'"
                                       ).fetchone()
        file_version = conn.execute("SELECT version FROM hardship_file WHERE id = ?", (file_id,)).fetchone()[0]
    assert action == "create" and json.loads(changes)["sha256"] == digest
    assert file_version == version_before  # an editor open on the file is not made stale by a new material
    with county.session() as s:
        listed = list_attachments(s, county.users["shenhe"], file_id)
    assert [(a.name, a.kind_label, a.sha256) for a in listed] == [("身份证正反面.pdf", "身份证", digest)]
    assert "content" not in vars(listed[0])


def test_a_label_or_a_path_is_accepted(county: County, household: FileInput) -> None:
    file_id = _file(county, household)
    att = _add(county, file_id, kind="户口簿", name="C:\\扫描\\户口簿.jpg")
    assert (att.kind, att.name) == ("hukou_book", "户口簿.jpg")


def test_reading_the_content_is_audited_and_checked(county: County, household: FileInput) -> None:
    file_id = _file(county, household)
    att = _add(county, file_id)
    with county.session() as s:
        assert attachment_content(s, county.users["shenhe"], file_id, att.id) == SCAN
    with closing(connect(county.path)) as conn:
        assert conn.execute("SELECT count(*) FROM audit_event WHERE entity_type = 'attachment' AND action = 'view'"
                            ).fetchone()[0] == 1
        conn.execute("UPDATE attachment SET content = ? WHERE id = ?", (b"tampered", att.id))
        conn.commit()
    with county.session() as s, pytest.raises(AttachmentError, match="SHA-256"):
        attachment_content(s, county.users["shenhe"], file_id, att.id)
    with county.session() as s, pytest.raises(NotFound):
        attachment_content(s, county.users["shenhe"], "other-file", att.id)


@pytest.mark.parametrize("case", ["too large", "empty", "wrong role", "unknown kind", "no name"])
def test_bad_input_is_refused_and_nothing_written(county: County, household: FileInput, case: str) -> None:
    file_id = _file(county, household)
    before = county.counts()
    kwargs: dict = {}
    if case == "too large":
        kwargs["content"] = b"x" * (MAX_ATTACHMENT_BYTES + 1)
    elif case == "empty":
        kwargs["content"] = b""
    elif case == "wrong role":
        kwargs["user"] = "shenhe"
    elif case == "unknown kind":
        kwargs["kind"] = "照片"
    else:
        kwargs["name"] = "  /  "
    with pytest.raises(DomainError) as caught:
        _add(county, file_id, **kwargs)
    message = caught.value.message
    assert any("\u4e00" <= c <= "\u9fff" for c in message)
    if case == "too large":
        assert "20.0 MB" in message and "超过上限" in message
    if case == "wrong role":
        assert isinstance(caught.value, PermissionDenied)
    assert _rows(county) == []
    after = county.counts()
    if case == "wrong role":  # the refusal itself is logged, nothing else
        assert after["audit_event"] == before["audit_event"] + 1
        after["audit_event"] = before["audit_event"]
    assert after == before


def test_the_same_content_twice_is_refused_naming_the_first(county: County, household: FileInput) -> None:
    file_id = _file(county, household)
    _add(county, file_id)
    with pytest.raises(DuplicateAttachment, match="身份证正反面.pdf"):
        _add(county, file_id, kind="other", name="copy.pdf")
    assert len(_rows(county)) == 1


@pytest.mark.tally_unchecked  # the file exited with raw SQL, as the program never writes it
def test_an_exited_file_takes_no_materials_and_keeps_its_own(county: County, household: FileInput) -> None:
    file_id = _file(county, household)
    att = _add(county, file_id)
    with closing(connect(county.path)) as conn:
        conn.execute("UPDATE hardship_file SET status = 'exited' WHERE id = ?", (file_id,))
        conn.commit()
    with pytest.raises(AttachmentError, match="已撤档"):
        _add(county, file_id, content=b"another scan")
    with county.session() as s, pytest.raises(AttachmentError, match="已撤档"):
        remove_attachment(s, county.users["jingban"], file_id, att.id)
    assert len(_rows(county)) == 1


def test_removing_leaves_a_tombstone_only_while_draft_or_active(county: County, household: FileInput) -> None:
    file_id = _file(county, household)
    first = _add(county, file_id)
    second = _add(county, file_id, content=b"bank card scan", kind="bank_card", name="银行卡.jpg")
    with county.session() as s:
        approvals.submit(s, county.users["jingban"], "hardship_file", file_id, today=TODAY)
    with county.session() as s, pytest.raises(AttachmentError, match="已提交"):
        remove_attachment(s, county.users["jingban"], file_id, first.id)
    with county.session() as s:
        approvals.return_to_draft(s, county.users["shenhe"], "hardship_file", file_id, "材料不清晰", today=TODAY)
    with county.session() as s, pytest.raises(PermissionDenied):
        remove_attachment(s, county.users["shenhe"], file_id, first.id)
    with county.session() as s:
        remove_attachment(s, county.users["jingban"], file_id, first.id)
    assert [r[2] for r in _rows(county)] == ["银行卡.jpg"]
    assert county.count("tombstone", f"table_name = 'attachment' AND row_id = '{first.id}'") == 1
    with county.session() as s, pytest.raises(NotFound):
        remove_attachment(s, county.users["jingban"], file_id, first.id)
    # the history names the material even though its row is gone
    with county.session() as s:
        entries = file_history(s, county.users["shenhe"], file_id)
    titles = [e.title for e in entries]
    assert titles[0] == "删除附件" and "身份证正反面.pdf" in entries[0].detail
    assert {"添加附件", "新建档案", "提交", "退回"} <= set(titles)
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    assert second.id
    with county.session() as s:
        assert verify_audit(s).ok


def test_history_describes_changes_in_chinese(county: County, household: FileInput) -> None:
    from dataclasses import replace

    file_id = _file(county, household)
    with county.session() as s:
        hf, members = registry.get_file(s, county.users["jingban"], file_id)
        kept = replace(household.members[0], id=members[0].id, monthly_income_fen=50_000)
        changed = replace(household, phone="13800001111", health="ill", members=[kept])
        registry.update_file(s, county.users["jingban"], file_id, changed, expected_version=hf.version, today=TODAY)
        registry.reveal_sensitive(s, county.users["shenhe"], file_id, ("bank_account",))
        entries = file_history(s, county.users["jingban"], file_id)
    view, update = entries[0], entries[1]
    assert view.title == "查看敏感信息" and view.detail == "查看了：银行卡号" and view.actor == "王建军"
    assert update.title == "修改档案"
    assert "手机号码：13912345678 → 13800001111" in update.detail
    assert "健康状况（已修改）" in update.detail and "患病" not in update.detail
    assert "删除家庭成员：王浩" in update.detail and "修改家庭成员：李秀英（月收入）" in update.detail
    assert "新增家庭成员" not in update.detail


def test_units_for_the_combo(county: County) -> None:
    with county.session() as s:
        units = list_grassroots_units(s)
    assert [u.name for u in units] == ["绥德县总工会", "名州镇总工会"]
    assert units[1].level_label == "基层工会"


def test_format_size() -> None:
    assert [format_size(n) for n in (900, 12_800, 3 * 1024 * 1024)] == ["900 B", "12.5 KB", "3.0 MB"]


def test_an_applications_material_is_read_checked_and_audited_like_a_files(county: County, family) -> None:  # noqa: ANN001
    """The same reading as a file's (one function): its own application only, the SHA-256 checked."""
    from assist_desktop.services.attachments import add_application_attachment, application_attachment_content

    from .conftest_scholarships import apply, daughter_input, make_round

    app = apply(county, daughter_input(make_round(county).id, family))
    with county.session() as s:
        att = add_application_attachment(s, county.users["jingban"], app.id, kind="id_card", name="录取通知书.pdf",
                                         content=SCAN, mime_type="application/pdf")
    with county.session() as s:
        assert application_attachment_content(s, county.users["shenhe"], app.id, att.id) == SCAN
    with closing(connect(county.path)) as conn:
        [(changes,)] = conn.execute("SELECT changes FROM audit_event WHERE entity_type = 'attachment' "
                                    "AND action = 'view'").fetchall()
        assert json.loads(changes) == {"scholarship_id": app.id, "name": "录取通知书.pdf"}
    with county.session() as s, pytest.raises(NotFound):  # another application's id does not open it
        application_attachment_content(s, county.users["shenhe"], "other-application", att.id)
    with county.session() as s, pytest.raises(NotFound):  # nor does the file's way
        attachment_content(s, county.users["shenhe"], app.id, att.id)
    with closing(connect(county.path)) as conn:
        conn.execute("UPDATE attachment SET content = ? WHERE id = ?", (b"tampered", att.id))
        conn.commit()
    with county.session() as s, pytest.raises(AttachmentError, match="SHA-256"):
        application_attachment_content(s, county.users["shenhe"], app.id, att.id)

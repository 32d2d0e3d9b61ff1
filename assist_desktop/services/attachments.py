"""Scanned materials of a hardship file (DOMAIN.md, "Materials a file needs") and of a scholarship
application, kept in the database.

Rules kept here: only a clerk adds or removes materials; an exited file takes no new materials, and
materials are removed only while the file is a draft or active (a file under review keeps what the
reviewer saw); a file is at most 20 MB; the SHA-256 of the content is stored, and the same content is
not filed twice in one file; every addition, look and removal is in the audit log. Removing leaves a
tombstone so that the upper unit learns of it. Lists never load the content column.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, select

from assist_desktop.domain.enums import MaterialKind
from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.lifecycle import FileStatus, GrantStatus, Role
from assist_desktop.services.base import (
    NotFound, Refusal, audit, require_own, require_role, tombstone, touch, unit_of_work, fetch,
)
from assist_desktop.storage.models import Attachment, HardshipFile, Scholarship, User

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_NAME_LENGTH = 200
REMOVABLE_STATES = frozenset({FileStatus.draft.value, FileStatus.active.value})


class AttachmentError(DomainError):
    pass


class DuplicateAttachment(AttachmentError):
    pass


@dataclass(frozen=True)
class AttachmentInfo:
    """One material as a list shows it (the content stays in the database)."""

    id: str
    file_id: str  # the file, or the application, the material belongs to
    kind: str
    name: str
    mime_type: str
    size: int
    sha256: str
    added_at: datetime

    @property
    def kind_label(self) -> str:
        try:
            return MaterialKind(self.kind).label
        except ValueError:
            return self.kind


def format_size(size: int) -> str:
    """Bytes as a caseworker reads them: 900 B, 12.5 KB, 3.2 MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def check_size(name: str, size: int) -> None:
    """Refuse an empty or too large file before it is read or stored."""
    if size <= 0:
        raise AttachmentError(f"附件“{name}”是空文件，请检查扫描件", field="文件")
    if size > MAX_ATTACHMENT_BYTES:
        raise AttachmentError(
            f"附件“{name}”大小为 {format_size(size)}，超过上限 {format_size(MAX_ATTACHMENT_BYTES)}，"
            "请降低扫描分辨率或分拆后再添加", field="文件")


def _kind(kind: str) -> str:
    value = (kind or "").strip()
    if not value:
        raise AttachmentError("请选择材料类型", field="材料类型")
    try:
        return MaterialKind(value).value
    except ValueError:
        try:
            return MaterialKind.from_label(value).value
        except ValueError:
            raise AttachmentError(f"材料类型“{value}”不在可选范围内", field="材料类型") from None


def _name(name: str) -> str:
    # A path picked in a file dialog keeps only its last part; control characters are dropped.
    base = re.split(r"[\\/]", (name or "").strip())[-1]
    base = "".join(c for c in base if c.isprintable()).strip()
    if not base:
        raise AttachmentError("附件文件名不能为空", field="文件名")
    if len(base) > MAX_NAME_LENGTH:
        raise AttachmentError(f"附件文件名过长（{len(base)}字，最多{MAX_NAME_LENGTH}字），请改短后再添加",
                              field="文件名")
    return base


def _load_file(session: Session, file_id: str) -> HardshipFile:
    hf = fetch(session, HardshipFile, file_id)
    if hf is None:
        raise NotFound(f"找不到档案（编号 {file_id}）。")
    return hf


def _info(row: tuple) -> AttachmentInfo:  # type: ignore[type-arg]
    att_id, file_id, kind, name, mime, size, sha, mtime = row
    return AttachmentInfo(att_id, file_id, kind, name, mime, size, sha, datetime.fromtimestamp(mtime / 1000, UTC))


_COLUMNS = (Attachment.id, Attachment.file_id, Attachment.kind, Attachment.name, Attachment.mime_type,
            Attachment.size, Attachment.sha256, Attachment.mtime)


def add_attachment(session: Session, user: User, file_id: str, *, kind: str, name: str, content: bytes,
                   mime_type: str | None = None) -> Attachment:
    """File one scanned material; refused (nothing written) if too large, empty, a duplicate, or the file exited."""
    if not isinstance(content, (bytes, bytearray, memoryview)):
        raise TypeError("content must be bytes")
    content = bytes(content)
    with unit_of_work(session, user, Refusal("attachment", None, "create")):
        require_role(session, user, Role.clerk, doing="添加档案附件")
        hf = _load_file(session, file_id)
        require_own(session, hf, f"档案 {hf.file_no}")
        if hf.status == FileStatus.exited.value:
            raise AttachmentError(f"档案 {hf.file_no}（{hf.name}）已撤档，不能再添加附件。")
        kind_code = _kind(kind)
        clean_name = _name(name)
        check_size(clean_name, len(content))
        mime = (mime_type or mimetypes.guess_type(clean_name)[0] or "application/octet-stream").strip()[:100]
        digest = hashlib.sha256(content).hexdigest()
        existing = session.exec(select(Attachment.name, Attachment.kind).where(
            Attachment.file_id == file_id, Attachment.sha256 == digest)).first()
        if existing is not None:
            other_name, other_kind = existing
            try:
                other_kind = MaterialKind(other_kind).label
            except ValueError:
                pass
            raise DuplicateAttachment(f"附件“{clean_name}”与本档案已有的附件“{other_name}”（{other_kind}）内容完全相同，"
                                      "不必重复添加。", field="文件")
        attachment = Attachment(owner_unit_id=hf.owner_unit_id, file_id=file_id, kind=kind_code, name=clean_name,
                                mime_type=mime, size=len(content), sha256=digest, content=content)
        session.add(attachment)
        touch(hf, bump_version=False)  # the file is marked changed; an editor open on it is not made stale
        session.flush()
        audit(session, user, attachment, "create", {"file_id": file_id, "file_no": hf.file_no, "kind": kind_code,
                                                    "name": clean_name, "size": len(content), "sha256": digest})
        return attachment


def list_attachments(session: Session, user: User, file_id: str) -> list[AttachmentInfo]:
    """The materials of a file, oldest first, without their content."""
    require_role(session, user, *Role, doing="查看档案附件")
    rows = session.exec(select(*_COLUMNS).where(Attachment.file_id == file_id)
                        .order_by(Attachment.mtime, Attachment.name)).all()
    return [_info(tuple(r)) for r in rows]


def attachment_content(session: Session, user: User, file_id: str, attachment_id: str) -> bytes:
    """The stored bytes of one material; each look is an audit event. Corrupted content is refused."""
    return _content(session, user, attachment_id, Attachment.file_id, "file_id", file_id, doing="查看档案附件")


def _content(session: Session, user: User, attachment_id: str, owner_column: Any, owner_key: str, owner_id: str,
             *, doing: str) -> bytes:
    """One material's bytes, of the file or application ``owner_id``: checked against its SHA-256, the look audited."""
    with unit_of_work(session, user, Refusal("attachment", attachment_id, "view")):
        require_role(session, user, Role.clerk, Role.reviewer, Role.approver, doing=doing)
        row = session.exec(select(Attachment.name, Attachment.sha256, Attachment.content).where(
            Attachment.id == attachment_id, owner_column == owner_id)).first()
        if row is None:
            raise NotFound("找不到该附件，可能已被删除，请刷新列表。")
        name, digest, content = row
        if hashlib.sha256(content).hexdigest() != digest:
            raise AttachmentError(f"附件“{name}”的内容与登记的 SHA-256 校验值不符，文件可能已损坏，请重新扫描添加。")
        audit(session, user, None, "view", {owner_key: owner_id, "name": name},
              entity_type="attachment", entity_id=attachment_id)
        return bytes(content)


def remove_attachment(session: Session, user: User, file_id: str, attachment_id: str) -> None:
    """Remove one material of a draft or active file; a tombstone tells the upper unit."""
    with unit_of_work(session, user, Refusal("attachment", attachment_id, "delete")):
        require_role(session, user, Role.clerk, doing="删除档案附件")
        hf = _load_file(session, file_id)
        require_own(session, hf, f"档案 {hf.file_no}")
        if hf.status not in REMOVABLE_STATES:
            raise AttachmentError(f"档案 {hf.file_no} 当前状态为“{FileStatus(hf.status).label}”，不能删除附件"
                                  + ("（已撤档的档案只读）。" if hf.status == FileStatus.exited.value
                                     else "；如需更换材料，请审核人退回后再删。"))
        row = session.exec(select(*_COLUMNS, Attachment.owner_unit_id).where(
            Attachment.id == attachment_id, Attachment.file_id == file_id)).first()
        if row is None:
            raise NotFound("找不到该附件，可能已被删除，请刷新列表。")
        info = _info(tuple(row)[:-1])
        ghost = Attachment(id=info.id, owner_unit_id=row[-1], file_id=file_id, kind=info.kind, name=info.name,
                           sha256=info.sha256, content=b"")
        tombstone(session, ghost)  # built from the columns only: the content is never loaded to delete it
        session.execute(delete(Attachment).where(Attachment.id == attachment_id))
        touch(hf, bump_version=False)
        audit(session, user, None, "delete", {"file_id": file_id, "file_no": hf.file_no, "kind": info.kind,
                                              "name": info.name, "size": info.size, "sha256": info.sha256},
              entity_type="attachment", entity_id=attachment_id)


# --- materials of a scholarship application ----------------------------------------------------------------
# The admission notice, the fee standard, the hardship proof (DOMAIN.md 金秋助学): kept with the application
# as a file's are with the file, under the same rules — a clerk adds them while the application is not
# cancelled, removes them only while it is a draft (a reviewer saw what was sent), each look is audited.


def _load_application(session: Session, scholarship_id: str) -> Scholarship:
    s = session.get(Scholarship, scholarship_id, populate_existing=True)
    if s is None:
        raise NotFound(f"找不到该助学申请（编号 {scholarship_id}）。")
    return s


_APP_COLUMNS = (Attachment.id, Attachment.scholarship_id, Attachment.kind, Attachment.name, Attachment.mime_type,
                Attachment.size, Attachment.sha256, Attachment.mtime)


def add_application_attachment(session: Session, user: User, scholarship_id: str, *, kind: str, name: str,
                               content: bytes, mime_type: str | None = None) -> Attachment:
    """Keep one scanned material with an application; refused (nothing written) as ``add_attachment``."""
    if not isinstance(content, (bytes, bytearray, memoryview)):
        raise TypeError("content must be bytes")
    content = bytes(content)
    with unit_of_work(session, user, Refusal("attachment", None, "create")):
        require_role(session, user, Role.clerk, doing="添加助学申请附件")
        app = _load_application(session, scholarship_id)
        what = f"助学申请 {app.application_no}（{app.student_name}）"
        require_own(session, app, what)
        if app.status == GrantStatus.cancelled.value:
            raise AttachmentError(f"{what}已取消，不能再添加附件。")
        kind_code = _kind(kind)
        clean_name = _name(name)
        check_size(clean_name, len(content))
        mime = (mime_type or mimetypes.guess_type(clean_name)[0] or "application/octet-stream").strip()[:100]
        digest = hashlib.sha256(content).hexdigest()
        existing = session.exec(select(Attachment.name).where(
            Attachment.scholarship_id == scholarship_id, Attachment.sha256 == digest)).first()
        if existing is not None:
            raise DuplicateAttachment(f"附件“{clean_name}”与本申请已有的附件“{existing}”内容完全相同，不必重复添加。",
                                      field="文件")
        attachment = Attachment(owner_unit_id=app.owner_unit_id, file_id=None, scholarship_id=scholarship_id,
                                kind=kind_code, name=clean_name, mime_type=mime, size=len(content), sha256=digest,
                                content=content)
        session.add(attachment)
        touch(app, bump_version=False)
        session.flush()
        audit(session, user, attachment, "create", {"scholarship_id": scholarship_id,
                                                    "application_no": app.application_no, "kind": kind_code,
                                                    "name": clean_name, "size": len(content), "sha256": digest})
        return attachment


def list_application_attachments(session: Session, user: User, scholarship_id: str) -> list[AttachmentInfo]:
    """The materials of an application, oldest first, without their content."""
    require_role(session, user, *Role, doing="查看助学申请附件")
    rows = session.exec(select(*_APP_COLUMNS).where(Attachment.scholarship_id == scholarship_id)
                        .order_by(Attachment.mtime, Attachment.name)).all()
    return [_info(tuple(r)) for r in rows]


def application_attachment_content(session: Session, user: User, scholarship_id: str, attachment_id: str) -> bytes:
    """The stored bytes of one material of an application; each look is an audit event."""
    return _content(session, user, attachment_id, Attachment.scholarship_id, "scholarship_id", scholarship_id,
                    doing="查看助学申请附件")


def remove_application_attachment(session: Session, user: User, scholarship_id: str, attachment_id: str) -> None:
    """Remove one material of a draft application; a tombstone tells the upper unit."""
    with unit_of_work(session, user, Refusal("attachment", attachment_id, "delete")):
        require_role(session, user, Role.clerk, doing="删除助学申请附件")
        app = _load_application(session, scholarship_id)
        what = f"助学申请 {app.application_no}"
        require_own(session, app, what)
        if app.status != GrantStatus.draft.value:
            raise AttachmentError(f"{what}当前状态为“{GrantStatus(app.status).label}”，不能删除附件；"
                                  "如需更换材料，请退回后再删。")
        row = session.exec(select(*_APP_COLUMNS, Attachment.owner_unit_id).where(
            Attachment.id == attachment_id, Attachment.scholarship_id == scholarship_id)).first()
        if row is None:
            raise NotFound("找不到该附件，可能已被删除，请刷新列表。")
        info = _info(tuple(row)[:-1])
        ghost = Attachment(id=info.id, owner_unit_id=row[-1], file_id=None, scholarship_id=scholarship_id,
                           kind=info.kind, name=info.name, sha256=info.sha256, content=b"")
        tombstone(session, ghost)
        session.execute(delete(Attachment).where(Attachment.id == attachment_id))
        touch(app, bump_version=False)
        audit(session, user, None, "delete", {"scholarship_id": scholarship_id, "application_no": app.application_no,
                                              "kind": info.kind, "name": info.name, "size": info.size,
                                              "sha256": info.sha256},
              entity_type="attachment", entity_id=attachment_id)

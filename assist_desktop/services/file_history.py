"""The history of one hardship file as a caseworker reads it: approval steps and logged changes.

Merges the file's ``WorkflowEvent`` rows (the opinion boxes of the printed forms) with the audit events
of the file, of its members and of its attachments, newest first, each described in Chinese: which
step, which fields changed (sensitive values never shown), which material was added, looked at or
removed, who looked at sensitive fields.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from assist_desktop.domain import enums
from assist_desktop.domain.hardship import HardshipCategory, HardshipCause
from assist_desktop.domain.lifecycle import Action, FileStatus, Role
from assist_desktop.domain.money import format_amount
from assist_desktop.services.attachments import format_size
from assist_desktop.services.base import require_role
from assist_desktop.storage.models import AuditEvent, Member, User, WorkflowEvent
from assist_desktop.storage.sql import json_text

WORKFLOW = "workflow"
AUDIT = "audit"

# Column → the name the national form gives it.
FIELD_LABELS: dict[str, str] = {
    "file_no": "档案编号", "filing_year": "建档年度", "unit_id": "所属工会", "status": "状态",
    "category": "困难类别", "category_proposed": "公式建议类别", "category_override_reason": "类别调整理由",
    "file_type": "档案类型", "file_origin": "档案来源", "name": "姓名", "name_initials": "姓名简拼",
    "id_number": "身份证号", "id_tail": "身份证号后六位", "sex": "性别", "birth_date": "出生日期",
    "ethnicity": "民族", "political_status": "政治面貌", "health": "健康状况", "illness": "所患疾病",
    "disability_type": "残疾类别", "disability_grade": "残疾等级", "work_status": "工作状态",
    "model_worker_type": "劳模类型", "marital_status": "婚姻状况", "single_parent": "是否单亲",
    "zero_employment": "是否零就业家庭", "self_help_ability": "是否有一定自救能力", "medical_insurance": "医保状况",
    "is_migrant_worker": "是否农民工", "is_new_employment_form": "是否新就业形态", "housing_type": "住房类型",
    "floor_area": "建筑面积", "phone": "手机号码", "other_contact": "其他联系方式", "postal_code": "邮政编码",
    "address": "家庭住址", "hukou_type": "户口类型", "hukou_region_code": "户口所在地行政区划",
    "employer_id": "工作单位（登记）", "employer_name": "工作单位", "work_start_date": "参加工作时间",
    "worker_monthly_income_fen": "本人月平均收入", "other_annual_income_fen": "家庭其他非薪资年收入",
    "household_annual_income_fen": "家庭年度总收入", "household_size": "家庭人口",
    "medical_expenses_fen": "医疗支出", "schooling_expenses_fen": "教育支出", "hardship_costs_fen": "致困支出",
    "disaster_or_accident": "遭受灾害或意外事故", "per_capita_monthly_income_fen": "家庭月人均收入",
    "subsistence_line_fen": "低保标准", "primary_cause": "主要致困原因", "secondary_causes": "次要致困原因",
    "other_cause_text": "其他致困原因", "bank_name": "开户银行", "bank_branch": "支行名称", "bank_account": "银行卡号",
    "exit_target": "解困脱困对象", "exit_target_since": "列为解困脱困对象时间",
    "civil_affairs_check_date": "民政核对日期", "civil_affairs_check_result": "民政核对结果",
    "filed_by_name": "建档人", "reviewed_by_name": "审核人", "entered_by_name": "录入人", "opened_on": "建档日期",
    "notice_start": "公示开始日期", "last_review_date": "最近复核日期", "exit_reason": "撤档原因",
    "exit_note": "撤档说明", "exit_date": "撤档日期", "created_by": "建档用户",
    "declared_household_size": "台账登记家庭人口", "declared_annual_income_fen": "台账登记家庭年收入",
    "members_pending": "成员待补录", "filed_on": "台账建档时间", "former_file_no": "原档案编号",
    "import_batch_id": "台账导入批次",
    # members
    "seq": "序号", "relation": "与职工关系", "monthly_income_fen": "月收入", "identity": "身份",
    "unit_or_school": "单位或学校", "education_level": "当前学历", "admission_year": "入学年份",
    "study_years": "学制年限",
}
_ENUM_OF: dict[str, Any] = {
    "file_type": enums.FileType, "file_origin": enums.FileOrigin, "political_status": enums.PoliticalStatus,
    "work_status": enums.WorkStatus, "model_worker_type": enums.ModelWorkerType,
    "marital_status": enums.MaritalStatus, "medical_insurance": enums.MedicalInsurance,
    "housing_type": enums.HousingType, "floor_area": enums.FloorArea, "hukou_type": enums.HukouType,
    "exit_reason": enums.ExitReason, "relation": enums.Relation, "identity": enums.MemberIdentity,
    "education_level": enums.EducationLevel, "category": HardshipCategory, "category_proposed": HardshipCategory,
    "status": FileStatus,
}
# Shown by name only: health data is sensitive, ids are technical, derived columns follow from others.
_VALUE_HIDDEN = {"health", "illness", "disability_type", "disability_grade", "employer_id", "created_by", "unit_id",
                 "name_initials", "id_tail", "sex", "birth_date", "import_batch_id"}
_NOT_LISTED = {"name_initials", "id_tail", "usn", "mtime", "version"}

_AUDIT_TITLES = {
    ("hardship_file", "create"): "新建档案",
    ("hardship_file", "update"): "修改档案",
    ("hardship_file", "view_sensitive"): "查看敏感信息",
    ("hardship_file", "annual_review"): "年度复核结论",
    ("attachment", "create"): "添加附件",
    ("attachment", "view"): "查看附件",
    ("attachment", "delete"): "删除附件",
    ("member", "create"): "新增家庭成员",
    ("member", "update"): "修改家庭成员",
}
_REFUSED_ACTIONS = {"create": "新建", "update": "修改", "view_sensitive": "查看敏感信息", "view": "查看附件",
                    "delete": "删除附件", "annual_review": "年度复核", "exit": "撤档"}
MAX_VALUE_CHARS = 40


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime  # aware, UTC
    actor: str
    source: str  # "workflow" or "audit"
    action: str  # the stored action code
    title: str  # what happened, in Chinese
    detail: str  # states, opinion, changed fields …


def _aware(value: datetime | str) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _state_label(state: str) -> str:
    try:
        return FileStatus(state).label
    except ValueError:
        return state


def _causes(text: str) -> str:
    labels = []
    for part in str(text).split(","):
        part = part.strip()
        if part:
            try:
                labels.append(HardshipCause(int(part)).label)
            except ValueError:
                labels.append(part)
    return "、".join(labels) or "无"


def describe_value(key: str, value: Any) -> str:
    """A stored value as the form shows it."""
    if value is None or value == "":
        return "空"
    if isinstance(value, bool):
        return "是" if value else "否"
    if key.endswith("_fen") and isinstance(value, int):
        return f"{format_amount(value)}元"
    if key == "primary_cause":
        return _causes(str(value))
    if key == "secondary_causes":
        return _causes(str(value))
    if key == "disability_grade":
        try:
            return enums.DisabilityGrade(str(value)).label
        except ValueError:
            return str(value)
    enum_type = _ENUM_OF.get(key)
    if enum_type is not None:
        try:
            return enum_type(value).label
        except ValueError:
            pass
    text = str(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS] + "…"


def describe_changes(changes: dict[str, Any]) -> str:
    """{field: [before, after]} → '手机号码：139… → 138…；所患疾病（已修改）'."""
    parts = []
    for key, pair in changes.items():
        if key in _NOT_LISTED or not isinstance(pair, list) or len(pair) != 2:
            continue
        label = FIELD_LABELS.get(key, key)
        if key in _VALUE_HIDDEN:
            parts.append(f"{label}（已修改）")
        else:
            parts.append(f"{label}：{describe_value(key, pair[0])} → {describe_value(key, pair[1])}")
    return "；".join(parts)


def _member_changes(changed: dict[str, Any]) -> str:
    parts = []
    for name, delta in changed.items():
        fields = "、".join(FIELD_LABELS.get(k, k) for k in delta if k not in _NOT_LISTED)
        parts.append(f"{name}（{fields}）" if fields else name)
    return "修改家庭成员：" + "，".join(parts)


def _file_detail(action: str, changes: dict[str, Any]) -> str:
    if action == "create":
        out = []
        if changes.get("file_no"):
            out.append(f"档案编号 {changes['file_no'][1]}")
        if changes.get("category"):
            out.append(f"困难类别 {describe_value('category', changes['category'][1])}")
        members = changes.get("members_added") or []
        out.append(f"家庭成员：{'、'.join(members)}" if members else "无家庭成员")
        return "；".join(out)
    if action == "view_sensitive":
        return "查看了：" + "、".join(changes.get("fields", []))
    if action == "annual_review":
        outcome = str(changes.get("outcome", ""))
        try:
            outcome = enums.ReviewOutcome(outcome).label
        except ValueError:
            pass
        text = f"结论：{outcome}"
        category = changes.get("category")
        if isinstance(category, list) and len(category) == 2 and category[0] != category[1]:
            text += f"；困难类别：{describe_value('category', category[0])} → {describe_value('category', category[1])}"
        return text
    parts = []
    plain = {k: v for k, v in changes.items() if k not in ("members_added", "members_removed", "members_changed")}
    if plain:
        parts.append(describe_changes(plain))
    if changes.get("members_added"):
        parts.append("新增家庭成员：" + "、".join(changes["members_added"]))
    if changes.get("members_removed"):
        parts.append("删除家庭成员：" + "、".join(changes["members_removed"]))
    if changes.get("members_changed"):
        parts.append(_member_changes(changes["members_changed"]))
    return "；".join(p for p in parts if p) or "无实质修改"


def _attachment_detail(changes: dict[str, Any]) -> str:
    kind = changes.get("kind")
    try:
        kind = enums.MaterialKind(kind).label if kind else None
    except ValueError:
        pass
    parts = [f"{kind}：{changes.get('name', '')}" if kind else str(changes.get("name", ""))]
    if isinstance(changes.get("size"), int):
        parts.append(format_size(changes["size"]))
    if changes.get("sha256"):
        parts.append(f"SHA-256 {str(changes['sha256'])[:12]}…")
    return "，".join(p for p in parts if p)


def _audit_entry(event: AuditEvent) -> HistoryEntry | None:
    try:
        changes = json.loads(event.changes or "{}")
    except ValueError:
        changes = {}
    action = event.action
    if action.startswith("workflow:"):
        return None  # the WorkflowEvent of the same step is listed, with its opinion
    if action.startswith("refused:"):
        attempted = action.split(":", 1)[1]
        title = f"操作被拒绝（{_REFUSED_ACTIONS.get(attempted, _workflow_title(attempted))}）"
        detail = str(changes.get("reason", ""))
    else:
        title = _AUDIT_TITLES.get((event.entity_type, action), action)
        if event.entity_type == "attachment":
            detail = _attachment_detail(changes)
        elif event.entity_type == "member":
            detail = describe_changes(changes)
        else:
            detail = _file_detail(action, changes)
    return HistoryEntry(_aware(event.at), event.actor_name, AUDIT, action, title, detail)


def _workflow_title(action: str) -> str:
    try:
        return Action(action).label
    except ValueError:
        return action


def _workflow_entry(event: WorkflowEvent) -> HistoryEntry:
    detail = f"{_state_label(event.from_state)} → {_state_label(event.to_state)}"
    if event.opinion:
        detail += f"；意见：{event.opinion}"
    return HistoryEntry(_aware(event.at), event.actor_name, WORKFLOW, event.action, _workflow_title(event.action),
                        detail)


def file_history(session: Session, user: User, file_id: str) -> list[HistoryEntry]:
    """Workflow steps and audit events of the file, its members and its attachments, newest first."""
    require_role(session, user, *Role, doing="查看档案历史")
    steps = session.exec(select(WorkflowEvent).where(WorkflowEvent.entity_type == "hardship_file",
                                                     WorkflowEvent.entity_id == file_id)).all()
    member_ids = list(session.exec(select(Member.id).where(Member.file_id == file_id)))
    conditions = [
        and_(AuditEvent.entity_type == "hardship_file", AuditEvent.entity_id == file_id),
        # attachments name their file in the event, so removed ones are still found
        and_(AuditEvent.entity_type == "attachment", json_text(AuditEvent.changes, "file_id") == file_id),
    ]
    if member_ids:
        conditions.append(and_(AuditEvent.entity_type == "member", AuditEvent.entity_id.in_(member_ids)))
    events = session.exec(select(AuditEvent).where(or_(*conditions)).order_by(AuditEvent.seq)).all()
    ordered: list[tuple[datetime, int, HistoryEntry]] = []
    for step in steps:
        ordered.append((_aware(step.at), 0, _workflow_entry(step)))
    for event in events:
        entry = _audit_entry(event)
        if entry is not None:
            ordered.append((entry.at, event.seq or 0, entry))
    ordered.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [entry for _, _, entry in ordered]


def local_time_text(at: datetime) -> str:
    """For lists: the local time to the minute."""
    return _aware(at).astimezone().strftime("%Y-%m-%d %H:%M")



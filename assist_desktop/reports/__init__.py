"""Printed forms (ReportLab): one module per document over a shared renderer; PDF bytes out, no Qt.

Each document is a plain dataclass and a renderer whose ``render(data, progress=, cancelled=)`` returns
the PDF as bytes (``services.printing`` builds the dataclasses from the database):

- ``file_form``: 困难职工家庭建档申请审批表
- ``scholarship_form``: 金秋助学申请审批表
- ``voucher``: 发放凭证 (1, 2 or 3 to a sheet, signed QR code)
- ``signoff``: 签领表
- ``notice``: 公示名单
- ``statistics``: 年度帮扶工作统计表
"""

from assist_desktop.reports.base import MissingData, Opinion, RenderCancelled, Renderer
from assist_desktop.reports.file_form import FileForm, FileFormRenderer, MemberLine
from assist_desktop.reports.notice import NoticeLine, NoticeRenderer, PublicNotice
from assist_desktop.reports.scholarship_form import ScholarshipForm, ScholarshipFormRenderer
from assist_desktop.reports.signoff import RosterLine, SignoffRenderer, SignoffSheet
from assist_desktop.reports.statistics import (
    StatColumn,
    StatisticsRenderer,
    StatisticsSummary,
    StatRow,
    StatSection,
)
from assist_desktop.reports.voucher import PayloadInvalid, Voucher, VoucherPayload, VoucherRenderer, VoucherSheet

__all__ = [
    "FileForm", "FileFormRenderer", "MemberLine", "MissingData", "NoticeLine", "NoticeRenderer", "Opinion",
    "PayloadInvalid", "PublicNotice", "RenderCancelled", "Renderer", "RosterLine", "ScholarshipForm",
    "ScholarshipFormRenderer", "SignoffRenderer", "SignoffSheet", "StatColumn", "StatRow", "StatSection",
    "StatisticsRenderer", "StatisticsSummary", "Voucher", "VoucherPayload", "VoucherRenderer", "VoucherSheet",
]

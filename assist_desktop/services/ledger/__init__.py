"""Excel ledgers (台账) in and out: import of hardship files, past scholarships and past visits from
.xlsx/.xls/.csv, and export of the roster, scholarship lists and visit lists to .xlsx. No Qt.

For the import wizard::

    sheet = read_sheet(path, sheet_name)            # SheetData: rows, merged ranges, sheet names, SHA-256
    kind = guess_kind(sheet)                        # 'files' | 'scholarships' | 'visits'
    guess = detect_header(sheet, kind)              # HeaderGuess: header rows, column names, mapping
    fields_for(kind)                                # FieldSpec list for the mapping combo boxes
    plan = prepare_import(session, user, sheet, kind, mapping={3: "phone"}, options=ImportOptions(...),
                          progress=cb, cancelled=cb)  # checks every row; writes nothing
    plan.records / plan.issues / plan.duplicates / plan.summary()
    save_report(plan, "报告.xlsx")
    commit_import(session, user, plan, skip_invalid=False, progress=cb, cancelled=cb)  # one transaction
"""

from assist_desktop.services.ledger.export import ExportError, ExportResult, export_roster, export_scholarships, export_visits
from assist_desktop.services.ledger.importer import commit_import, prepare_import
from assist_desktop.services.ledger.mapping import (
    KINDS,
    FieldSpec,
    HeaderGuess,
    MappingError,
    apply_mapping,
    detect_header,
    fields_for,
    guess_kind,
)
from assist_desktop.services.ledger.model import (
    Duplicate,
    ImportOptions,
    ImportPlan,
    ImportResult,
    Issue,
    LedgerImportError,
    Record,
)
from assist_desktop.services.ledger.reading import LedgerReadError, SheetData, read_sheet
from assist_desktop.services.ledger.report import report_lines, save_report

__all__ = [
    "KINDS", "Duplicate", "ExportError", "ExportResult", "FieldSpec", "HeaderGuess", "ImportOptions", "ImportPlan",
    "ImportResult", "Issue", "LedgerImportError", "LedgerReadError", "MappingError", "Record", "SheetData",
    "apply_mapping", "commit_import", "detect_header", "export_roster", "export_scholarships", "export_visits",
    "fields_for", "guess_kind", "prepare_import", "read_sheet", "report_lines", "save_report",
]

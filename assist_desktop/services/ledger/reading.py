"""Reading a ledger file into plain rows: .xlsx (python-calamine, and a scan of the sheet XML for its layout), .xls (python-calamine; xlrd for its hidden rows and columns), .csv (UTF-8 or GBK).

Cells keep the type the file gives them (str, int, float, datetime, date, bool, None), so the checks can
tell an ID number Excel stored as a number from one typed as text. Merged ranges are read too: a
header cell merged over several columns or rows names each of them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from collections.abc import Callable
from typing import Any

from assist_desktop.domain.errors import DomainError

MAX_ROWS = 500_000  # a county ledger is 1k–20k rows, a province's 300k; more is a wrong file (or blank formatting)
PROGRESS_EVERY = 2000  # rows read between progress reports and cancel checks
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and also an encrypted .xlsx (Office wraps it in OLE)
_ZIP = b"PK\x03\x04"


class LedgerReadError(DomainError):
    """The file cannot be read as a ledger; the message says why, in Chinese."""


@dataclass
class SheetData:
    """One sheet as rows of cell values; row ``i`` of ``rows`` is Excel row ``i + 1``."""

    path: Path
    name: str
    sheet_names: list[str]
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, first col, last row, last col (0-based)
    sha256: str = ""
    file_format: str = ""  # xlsx / xls / csv
    encoding: str | None = None  # csv only
    hidden_rows: frozenset[int] = frozenset()  # 0-based rows hidden in the sheet (.xlsx)
    hidden_cols: frozenset[int] = frozenset()  # 0-based columns hidden (old templates' leftovers)
    hidden_sheets: tuple[str, ...] = ()  # sheets of the workbook that are hidden (not read)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


def _tick(done: int, total: int, progress: Progress | None, cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        from assist_desktop.services.approvals import BatchCancelled

        raise BatchCancelled("已取消读取台账，没有写入任何数据。")
    if progress is not None:
        progress(done, max(total, done))


class WorkbookPasswordRequired(LedgerReadError):
    """An encrypted .xlsx (a protected export of this program, or any workbook with an opening password)."""


def _decrypted(path: Path, password: str) -> Any:
    """The plain .xlsx of an encrypted workbook, in memory only (never a decrypted copy on disk)."""
    import io

    import msoffcrypto
    from msoffcrypto.exceptions import InvalidKeyError

    out = io.BytesIO()
    try:
        with open(path, "rb") as f:
            office = msoffcrypto.OfficeFile(f)
            office.load_key(password=password)
            office.decrypt(out)
    except InvalidKeyError:
        raise WorkbookPasswordRequired(f"工作簿 {path.name} 的打开密码不对，请核对后重新输入") from None
    except Exception:  # noqa: BLE001 - a damaged or foreign OLE container fails in many ways
        raise LedgerReadError(f"工作簿 {path.name} 已加密但无法解密（文件可能已损坏），请用 Excel 或 WPS 打开后另存再导入") from None
    out.seek(0)
    return out


def read_sheet(path: Path | str, sheet: str | None = None, *, progress: Progress | None = None,
               cancelled: Cancelled | None = None, password: str | None = None) -> SheetData:
    """The named sheet (default: the first visible one) of the ledger at ``path``."""
    return read_sheets(path, sheet, progress=progress, cancelled=cancelled, password=password)[0]


def read_sheets(path: Path | str, sheet: str | None = None, *, all_sheets: bool = False,
                progress: Progress | None = None, cancelled: Cancelled | None = None,
                password: str | None = None) -> list[SheetData]:
    """The ledger at ``path``: the named sheet, or the first visible one, or with ``all_sheets`` every
    visible sheet that holds anything (a county keeps one sheet per township beside a 汇总 sheet).
    ``progress(rows read, rows in the workbook)``; ``cancelled()`` True stops the read. ``password``
    opens a workbook encrypted with one (such as a full-ID list this program exported)."""
    path = Path(path)
    if not path.is_file():
        raise LedgerReadError(f"找不到文件 {path}")
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError as exc:
        raise LedgerReadError(f"无法打开文件 {path.name}：{exc.strerror or exc}") from None
    if not head:
        raise LedgerReadError(f"文件 {path.name} 是空文件")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        if head.startswith(_OLE):
            if not password:
                raise WorkbookPasswordRequired(f"工作簿 {path.name} 设置了打开密码（已加密）：请输入打开密码，"
                                               "或在 Excel 或 WPS 中取消密码后另存再导入")
            found = _read_xlsx(path, sheet, all_sheets, progress, cancelled, _decrypted(path, password))
        else:
            found = _read_xlsx(path, sheet, all_sheets, progress, cancelled)
    elif suffix == ".xls":
        if head.startswith(_ZIP):  # an .xlsx saved under the old name
            found = _read_xlsx(path, sheet, all_sheets, progress, cancelled)
        else:
            found = _read_xls(path, sheet, all_sheets, progress, cancelled)
    elif suffix in (".csv", ".txt"):
        found = [_read_csv(path, progress, cancelled)]
    else:
        raise LedgerReadError(f"不支持的文件类型“{path.suffix or '无扩展名'}”：请选择 Excel 工作簿（.xlsx、.xls）或 CSV 文件")
    digest = file_sha256(path)
    out = []
    for data in found:
        data.sha256 = digest
        _trim(data)
        if any(any(_filled(v) for v in row) for row in data.rows):
            out.append(data)
    if not out:
        name = found[0].name if len(found) == 1 else path.name
        raise LedgerReadError(f"工作表“{name}”是空的，没有可导入的内容" if len(found) == 1 else
                              f"工作簿 {name} 的工作表都是空的，没有可导入的内容")
    return out


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _trim(data: SheetData) -> None:
    """Drop trailing empty cells and rows (sheets often carry formatting far past the data)."""
    rows = data.rows
    for row in rows:
        while row and not _filled(row[-1]):
            row.pop()
    while rows and not rows[-1]:
        rows.pop()


def _check_size(count: int, name: str) -> None:
    if count > MAX_ROWS:
        raise LedgerReadError(f"工作表“{name}”超过{MAX_ROWS:,}行，不像是台账；请检查是否选错了文件或工作表")


def _pick(names: list[str], wanted: str | None, path: Path) -> str:
    if not names:
        raise LedgerReadError(f"工作簿 {path.name} 中没有工作表")
    if wanted is None:
        return names[0]
    if wanted not in names:
        raise LedgerReadError(f"工作簿 {path.name} 中没有名为“{wanted}”的工作表（有：{'、'.join(names)}）")
    return wanted


# --- .xlsx ------------------------------------------------------------------------------------------------


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_ROW_TAG = re.compile(rb'<(?:\w+:)?row\b([^>]*)>')
_COL_TAG = re.compile(rb'<(?:\w+:)?col\b([^>]*)/?>')
_ATTR = re.compile(rb'(\w+)="([^"]*)"')
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*\bt="e"[^>]*)>(.*?)</(?:\w+:)?c>', re.S)
_VALUE = re.compile(rb'<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>')
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_EXACT = float(2 ** 53)  # floats below this that are whole numbers came from an integer in the XML


def _col_index(letters: bytes) -> int:
    n = 0
    for c in letters:
        n = n * 26 + (c - 64)
    return n - 1


@dataclass
class _Layout:
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) → #N/A, #DIV/0! …


def _hidden(attrs: bytes) -> dict[bytes, bytes] | None:
    values = dict(_ATTR.findall(attrs))
    return values if values.get(b"hidden") in (b"1", b"true") else None


def _cut(buf: bytes) -> int:
    """Where to end this round's scan: before the last row's start tag, so no cell is split between rounds."""
    at = max(buf.rfind(b"<row"), buf.rfind(b":row "))
    at = buf.rfind(b"<", 0, at + 1) if at > 0 else -1
    if at <= 0:  # no row in the block (the merged ranges after the data): any tag boundary will do
        at = buf.rfind(b"<", 0, max(0, len(buf) - 400))
    return max(at, 0)


def _xlsx_layout(archive: zipfile.ZipFile, part: str) -> _Layout:
    """Merged ranges, hidden rows and columns, and error cells (#N/A …, which calamine reads as empty) of a
    sheet part, scanned in blocks for their tags without parsing the XML."""
    out = _Layout()

    def scan(buf: bytes, end: int) -> None:
        for m in _MERGE.finditer(buf, 0, end):
            c1, r1 = _col_index(m.group(1)), int(m.group(2)) - 1
            c2, r2 = (_col_index(m.group(3)), int(m.group(4)) - 1) if m.group(3) else (c1, r1)
            out.merged.append((r1, c1, r2, c2))
        if b't="e"' in buf:
            for m in _ERROR_CELL.finditer(buf, 0, end):
                ref, value = _REF.search(m.group(1)), _VALUE.search(m.group(2))
                if ref and value:
                    out.errors[(int(ref.group(2)) - 1, _col_index(ref.group(1)))] = value.group(1).decode("utf-8", "replace")
        if b'hidden="' not in buf:
            return
        for m in _ROW_TAG.finditer(buf, 0, end):
            values = _hidden(m.group(1))
            if values and values.get(b"r", b"").isdigit():
                out.hidden_rows.add(int(values[b"r"]) - 1)
        for m in _COL_TAG.finditer(buf, 0, end):
            values = _hidden(m.group(1))
            if values and values.get(b"min", b"").isdigit() and values.get(b"max", b"").isdigit():
                out.hidden_cols.update(range(int(values[b"min"]) - 1, min(int(values[b"max"]), 16384)))

    tail = b""
    with archive.open(part) as f:
        while block := f.read(1 << 20):
            buf = tail + block
            cut = _cut(buf)
            scan(buf, cut)
            tail = buf[cut:]
    scan(tail, len(tail))
    return out


_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _xlsx_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part in the archive (xl/worksheets/sheet1.xml), from the workbook and its relationships."""
    from xml.etree import ElementTree

    def rels(of: str) -> dict[str, str]:
        folder, name = posixpath.split(of)
        try:
            root = ElementTree.fromstring(archive.read(posixpath.join(folder, "_rels", name + ".rels")))
        except KeyError:
            return {}
        out = {}
        for rel in root:
            target = rel.get("Target", "")
            out[rel.get("Id", "")] = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join(folder, target))
        return out

    book = next((t for t in rels("").values() if t.endswith(".xml") and "workbook" in t.rsplit("/", 1)[-1]),
                "xl/workbook.xml")
    targets = rels(book)
    root = ElementTree.fromstring(archive.read(book))
    return {s.get("name", ""): targets.get(s.get(_REL_ID, ""), "") for s in root.iter() if s.tag.endswith("}sheet")}


def _normal(row: list[Any]) -> list[Any]:
    """Calamine's cells as openpyxl gives them (the checks and the wizard were built on these): an empty cell
    None, a whole number an int, a date a datetime."""
    for i, v in enumerate(row):
        kind = type(v)
        if kind is str:
            if not v:
                row[i] = None
        elif kind is float:
            if v.is_integer() and -_EXACT < v < _EXACT:
                row[i] = int(v)
        elif kind is date:
            row[i] = datetime(v.year, v.month, v.day)
    return row


def _read_xlsx(path: Path, sheet: str | None, all_sheets: bool, progress: Progress | None,
               cancelled: Cancelled | None, content: Any = None) -> list[SheetData]:
    """Values by python-calamine (Rust; several times faster than openpyxl's read-only mode, which is what a
    10,000-household ledger spent half its import on); merged ranges, hidden rows and columns and error cells
    by a scan of the sheet's XML (``_xlsx_layout``)."""
    import python_calamine as pc

    source = content if content is not None else path
    archive: zipfile.ZipFile | None = None
    try:
        archive = zipfile.ZipFile(source)
        parts = _xlsx_parts(archive)
        if content is not None:
            content.seek(0)
        wb = pc.CalamineWorkbook.from_object(source if content is not None else str(path))
    except (zipfile.BadZipFile, pc.CalamineError, KeyError, OSError, ValueError, TypeError):
        if archive is not None:
            archive.close()
        raise LedgerReadError(f"工作簿 {path.name} 已损坏或不是有效的 Excel 文件，无法读取。"
                              "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入") from None
    except BaseException as exc:  # noqa: BLE001 - a file from outside: a damaged zip or XML fails in many ways
        # (zlib.error, XML parse errors, a panic inside calamine); each is the same answer to the caseworker
        if archive is not None:
            archive.close()
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise
        raise LedgerReadError(f"工作簿 {path.name} 已损坏，无法读取。请用 Excel 或 WPS 打开后另存为 .xlsx 再导入") from None
    try:
        kinds = {m.name: m for m in wb.sheets_metadata}
        sheet_names = list(wb.sheet_names)
        worksheets = [n for n in sheet_names if kinds[n].typ == pc.SheetTypeEnum.WorkSheet]
        visible = [n for n in worksheets if kinds[n].visible == pc.SheetVisibleEnum.Visible] or sheet_names
        hidden = tuple(n for n in sheet_names if n not in visible)
        if sheet is not None:
            names = [_pick(sheet_names, sheet, path)]
        else:
            names = visible if all_sheets else [_pick(visible, None, path)]
        out = []
        done = 0
        loaded = []
        try:
            for name in names:
                ws = wb.get_sheet_by_name(name)
                _check_size(ws.height, name)
                loaded.append((name, ws))
                _tick(done, done, None, cancelled)
            total = sum(ws.height for _, ws in loaded)
            for name, ws in loaded:
                rows: list[list[Any]] = []
                for row in ws.to_python(skip_empty_area=False):
                    rows.append(_normal(row))
                    done += 1
                    if done % PROGRESS_EVERY == 0:
                        _tick(done, total, progress, cancelled)
                part = parts.get(name)
                layout = _xlsx_layout(archive, part) if part in archive.NameToInfo else _Layout()
                for (r, c), value in layout.errors.items():
                    while len(rows) <= r:
                        rows.append([])
                    rows[r].extend([None] * (c + 1 - len(rows[r])))
                    rows[r][c] = value
                out.append(SheetData(path, name, sheet_names, rows, layout.merged, file_format="xlsx",
                                     hidden_rows=frozenset(layout.hidden_rows),
                                     hidden_cols=frozenset(layout.hidden_cols), hidden_sheets=hidden))
        except LedgerReadError:
            raise
        except BaseException as exc:  # noqa: BLE001 - damaged compressed data or XML inside the workbook
            from assist_desktop.services.approvals import BatchCancelled

            if isinstance(exc, BatchCancelled) or (not isinstance(exc, Exception)
                                                   and type(exc).__name__ != "PanicException"):
                raise
            raise LedgerReadError(f"工作簿 {path.name} 已损坏，读取工作表“{name}”时出错。"
                                  "请用 Excel 或 WPS 打开后另存再导入") from None
        _tick(done, total, progress, None)
        return out
    finally:
        wb.close()
        archive.close()


# --- .xls -------------------------------------------------------------------------------------------------


def _xls_hidden(path: Path) -> dict[str, tuple[frozenset[int], frozenset[int]]]:
    """Hidden rows and columns of each sheet of an .xls. Calamine reads values only; xlrd's formatting pass
    reads the BIFF ROW and COLINFO records that carry the hidden flag. A file xlrd cannot read (calamine
    could) has its hidden rows and columns left unnamed rather than being refused."""
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True, logfile=io.StringIO())
    except Exception:  # noqa: BLE001 — xlrd raises many kinds on files calamine already accepted
        return {}
    try:
        out = {}
        for name in book.sheet_names():
            ws = book.sheet_by_name(name)
            rows = frozenset(r for r, info in ws.rowinfo_map.items() if info.hidden)
            cols = frozenset(c for c, info in ws.colinfo_map.items() if info.hidden)
            out[name] = (rows, cols)
            book.unload_sheet(name)
        return out
    except Exception:  # noqa: BLE001
        return {}
    finally:
        book.release_resources()


def _read_xls(path: Path, sheet: str | None, all_sheets: bool, progress: Progress | None,
              cancelled: Cancelled | None) -> list[SheetData]:
    import python_calamine as pc

    try:
        wb = pc.load_workbook(str(path))
    except pc.PasswordError:
        raise LedgerReadError(f"工作簿 {path.name} 设置了打开密码（已加密），请在 Excel 或 WPS 中取消密码后另存再导入") from None
    except (pc.CalamineError, OSError, ValueError):
        raise LedgerReadError(f"工作簿 {path.name} 已损坏或不是有效的 Excel 97-2003 文件（.xls），无法读取。"
                              "请用 Excel 或 WPS 打开后另存再导入") from None
    try:
        visible = [m.name for m in wb.sheets_metadata if str(m.visible).lower().endswith("visible")] or wb.sheet_names
        hidden = tuple(n for n in wb.sheet_names if n not in visible)
        if sheet is not None:
            names = [_pick(wb.sheet_names, sheet, path)]
        else:
            names = visible if all_sheets else [_pick(visible, None, path)]
        out = []
        done = 0
        layouts = _xls_hidden(path)
        for name in names:
            ws = wb.get_sheet_by_name(name)
            _check_size(ws.height, name)
            rows = []
            for row in ws.to_python(skip_empty_area=False):
                rows.append([None if v == "" else v for v in row])
                done += 1
                if done % PROGRESS_EVERY == 0:
                    _tick(done, done, progress, cancelled)
            merged = [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in (ws.merged_cell_ranges or [])]
            hidden_rows, hidden_cols = layouts.get(name, (frozenset(), frozenset()))
            out.append(SheetData(path, name, list(wb.sheet_names), rows, merged, file_format="xls",
                                 hidden_rows=hidden_rows, hidden_cols=hidden_cols, hidden_sheets=hidden))
    except (pc.CalamineError, ValueError):
        raise LedgerReadError(f"工作簿 {path.name} 已损坏，读取工作表时出错。请用 Excel 或 WPS 打开后另存再导入") from None
    finally:
        wb.close()
    return out


# --- .csv -------------------------------------------------------------------------------------------------


def _decode(raw: bytes, name: str) -> tuple[str, str]:
    unreadable = LedgerReadError(f"文件 {name} 的文字无法读取（编码标记与内容不符，文件可能已损坏），"
                                 "请在 Excel 或 WPS 中另存为“CSV UTF-8”或 Excel 工作簿后再导入")
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8", errors="strict"), "utf-8-sig"
        except UnicodeDecodeError:
            raise unreadable from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise unreadable from None
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:  # GB18030 is a superset of GBK and GB2312, which Excel and WPS write for Chinese Windows
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise LedgerReadError(f"无法识别文件 {name} 的文字编码（既不是 UTF-8 也不是 GBK），"
                              "请在 Excel 或 WPS 中另存为“CSV UTF-8”或 Excel 工作簿后再导入") from None


def _read_csv(path: Path, progress: Progress | None = None, cancelled: Cancelled | None = None) -> SheetData:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LedgerReadError(f"文件 {path.name} 不是文本格式的 CSV 文件（可能是改了扩展名的其他文件）")
    text, encoding = _decode(raw, path.name)
    sample = text[:8192]
    counts = {d: sample.count(d) for d in (",", "\t", ";", "，")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    total = text.count("\n") + 1
    rows = []
    for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        rows.append([v if v.strip() else None for v in r])
        if len(rows) % PROGRESS_EVERY == 0:
            _check_size(len(rows), path.name)
            _tick(len(rows), total, progress, cancelled)
    _check_size(len(rows), path.name)
    _tick(len(rows), len(rows), progress, None)
    return SheetData(path, path.stem, [path.stem], rows, [], file_format="csv", encoding=encoding)

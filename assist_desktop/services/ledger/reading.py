"""Reading a ledger file into plain rows: .xlsx (openpyxl, read-only), .xls (python-calamine; xlrd for its hidden rows and columns), .csv (UTF-8 or GBK).

Cells keep the type the file gives them (str, int, float, datetime, date, bool, None), so the checks can
tell an ID number Excel stored as a number from one typed as text. Merged ranges are read too: a
header cell merged over several columns or rows names each of them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
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


def _hidden(attrs: bytes) -> dict[bytes, bytes] | None:
    values = dict(_ATTR.findall(attrs))
    return values if values.get(b"hidden") in (b"1", b"true") else None


def _xlsx_layout(archive: zipfile.ZipFile, part: str) -> _Layout:
    """Merged ranges and hidden rows and columns of a sheet part. Read-only openpyxl parses none of them; the
    part is scanned in blocks for the tags without parsing the XML."""
    out = _Layout()

    def scan(buf: bytes, end: int) -> None:
        for m in _MERGE.finditer(buf, 0, end):
            c1, r1 = _col_index(m.group(1)), int(m.group(2)) - 1
            c2, r2 = (_col_index(m.group(3)), int(m.group(4)) - 1) if m.group(3) else (c1, r1)
            out.merged.append((r1, c1, r2, c2))
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
            cut = max(0, len(buf) - 400)  # a tag split across blocks is matched in the next round
            cut = buf.rfind(b"<", 0, cut) if buf.rfind(b"<", 0, cut) > 0 else cut
            scan(buf, cut)
            tail = buf[cut:]
    scan(tail, len(tail))
    return out


def _read_xlsx(path: Path, sheet: str | None, all_sheets: bool, progress: Progress | None,
               cancelled: Cancelled | None, content: Any = None) -> list[SheetData]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(content if content is not None else path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        raise LedgerReadError(f"工作簿 {path.name} 已损坏或不是有效的 Excel 文件，无法读取。"
                              "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入") from None
    except Exception:  # noqa: BLE001 - a file from outside: a damaged zip or XML fails in many ways
        # (zlib.error, XML parse errors, openpyxl internals); each is the same answer to the caseworker
        raise LedgerReadError(f"工作簿 {path.name} 已损坏，无法读取。请用 Excel 或 WPS 打开后另存为 .xlsx 再导入") from None
    try:
        visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"] or wb.sheetnames
        hidden = tuple(n for n in wb.sheetnames if n not in visible)
        if sheet is not None:
            names = [_pick(wb.sheetnames, sheet, path)]
        else:
            names = visible if all_sheets else [_pick(visible, None, path)]
        wanted = [wb[n] for n in names]
        total = 0
        for ws in wanted:
            try:
                total += ws.max_row or 0
            except Exception:  # noqa: BLE001 - a damaged dimension: no total, progress still counts
                pass
        out = []
        done = 0
        for name, ws in zip(names, wanted):
            rows: list[list[Any]] = []
            try:
                for values in ws.iter_rows(values_only=True):
                    rows.append(list(values))
                    done += 1
                    if done % PROGRESS_EVERY == 0:
                        _tick(done, total, progress, cancelled)
                    if len(rows) > MAX_ROWS and any(_filled(v) for v in values):
                        _check_size(len(rows), name)
                layout = _xlsx_layout(wb._archive, ws._worksheet_path)  # type: ignore[attr-defined]
            except LedgerReadError:
                raise
            except Exception as exc:  # noqa: BLE001 - damaged compressed data or XML inside the workbook
                from assist_desktop.services.approvals import BatchCancelled

                if isinstance(exc, BatchCancelled):
                    raise
                raise LedgerReadError(f"工作簿 {path.name} 已损坏，读取工作表“{name}”时出错。"
                                      "请用 Excel 或 WPS 打开后另存再导入") from None
            out.append(SheetData(path, name, list(wb.sheetnames), rows, layout.merged, file_format="xlsx",
                                 hidden_rows=frozenset(layout.hidden_rows), hidden_cols=frozenset(layout.hidden_cols),
                                 hidden_sheets=hidden))
        _tick(done, total, progress, None)
        return out
    finally:
        wb.close()


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

"""Reading a ledger file into plain rows: .xlsx (openpyxl, read-only), .xls (python-calamine), .csv (UTF-8 or GBK).

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
from typing import Any

from assist_desktop.domain.errors import DomainError

MAX_ROWS = 200_000  # a county ledger is 1k–20k rows; more is a wrong file (or a sheet of blank formatting)
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

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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


def read_sheet(path: Path | str, sheet: str | None = None, password: str | None = None) -> SheetData:
    """The named sheet (default: the first visible one with data) of the ledger at ``path``; ``password``
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
            data = _read_xlsx(path, sheet, _decrypted(path, password))
        else:
            data = _read_xlsx(path, sheet)
    elif suffix == ".xls":
        if head.startswith(_ZIP):  # an .xlsx saved under the old name
            data = _read_xlsx(path, sheet)
        else:
            data = _read_xls(path, sheet)
    elif suffix in (".csv", ".txt"):
        data = _read_csv(path)
    else:
        raise LedgerReadError(f"不支持的文件类型“{path.suffix or '无扩展名'}”：请选择 Excel 工作簿（.xlsx、.xls）或 CSV 文件")
    data.sha256 = file_sha256(path)
    _trim(data)
    if not any(any(_filled(v) for v in row) for row in data.rows):
        raise LedgerReadError(f"工作表“{data.name}”是空的，没有可导入的内容")
    return data


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


def _col_index(letters: bytes) -> int:
    n = 0
    for c in letters:
        n = n * 26 + (c - 64)
    return n - 1


def _xlsx_merged(archive: zipfile.ZipFile, part: str) -> list[tuple[int, int, int, int]]:
    """Merged ranges of a sheet part. Read-only openpyxl does not parse them; they sit after the cells,
    so the part is scanned in blocks for ``<mergeCell ref=…>`` without parsing the XML."""
    out = []
    tail = b""
    with archive.open(part) as f:
        while block := f.read(1 << 20):
            buf = tail + block
            cut = max(0, len(buf) - 200)  # a tag split across blocks is matched in the next round
            for m in _MERGE.finditer(buf, 0, cut):
                c1, r1 = _col_index(m.group(1)), int(m.group(2)) - 1
                c2, r2 = (_col_index(m.group(3)), int(m.group(4)) - 1) if m.group(3) else (c1, r1)
                out.append((r1, c1, r2, c2))
            tail = buf[cut:]
    for m in _MERGE.finditer(tail):
        c1, r1 = _col_index(m.group(1)), int(m.group(2)) - 1
        c2, r2 = (_col_index(m.group(3)), int(m.group(4)) - 1) if m.group(3) else (c1, r1)
        out.append((r1, c1, r2, c2))
    return out


def _read_xlsx(path: Path, sheet: str | None, content: Any = None) -> SheetData:
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
        name = _pick(wb.sheetnames if sheet else visible, sheet, path)
        ws = wb[name]
        rows: list[list[Any]] = []
        try:
            for values in ws.iter_rows(values_only=True):
                rows.append(list(values))
                if len(rows) > MAX_ROWS and any(_filled(v) for v in values):
                    _check_size(len(rows), name)
            merged = _xlsx_merged(wb._archive, ws._worksheet_path)  # type: ignore[attr-defined]
        except LedgerReadError:
            raise
        except Exception:  # noqa: BLE001 - damaged compressed data or XML inside the workbook
            raise LedgerReadError(f"工作簿 {path.name} 已损坏，读取工作表“{name}”时出错。"
                                  "请用 Excel 或 WPS 打开后另存再导入") from None
        return SheetData(path, name, list(wb.sheetnames), rows, merged, file_format="xlsx")
    finally:
        wb.close()


# --- .xls -------------------------------------------------------------------------------------------------


def _read_xls(path: Path, sheet: str | None) -> SheetData:
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
        name = _pick(wb.sheet_names if sheet else visible, sheet, path)
        ws = wb.get_sheet_by_name(name)
        _check_size(ws.height, name)
        rows = [[None if v == "" else v for v in row] for row in ws.to_python(skip_empty_area=False)]
        merged = [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in (ws.merged_cell_ranges or [])]
    except (pc.CalamineError, ValueError):
        raise LedgerReadError(f"工作簿 {path.name} 已损坏，读取工作表时出错。请用 Excel 或 WPS 打开后另存再导入") from None
    finally:
        wb.close()
    return SheetData(path, name, list(wb.sheet_names), rows, merged, file_format="xls")


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


def _read_csv(path: Path) -> SheetData:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LedgerReadError(f"文件 {path.name} 不是文本格式的 CSV 文件（可能是改了扩展名的其他文件）")
    text, encoding = _decode(raw, path.name)
    sample = text[:8192]
    counts = {d: sample.count(d) for d in (",", "\t", ";", "，")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    _check_size(len(rows), path.name)
    rows = [[v if v.strip() else None for v in r] for r in rows]
    return SheetData(path, path.stem, [path.stem], rows, [], file_format="csv", encoding=encoding)

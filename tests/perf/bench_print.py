"""Benchmark P4: a campaign of Yulin's size (3,406 households) printed as vouchers into one PDF.

A demo county (7,000 households) is generated with last Spring Festival's campaign paid with vouchers;
the campaign is cut to exactly 3,406 vouchers (the others moved to a second campaign). Timed:

- ``ours_s``: ``services.printing.prepare_vouchers`` as the 打印 page runs it — read the vouchers, sign
  each payload (Ed25519), lay out three to an A4 sheet with ruling, QR codes and embedded fonts;
- ``raw_s``: what a careful hand-written ReportLab program would draw from the same data already in memory
  (``_raw_canvas``: the frame once as a form, the values per voucher, the same QR codes), in the same run,
  with the same PDF settings;
- ``record_s``: recording the print of the 3,406 copies (one transaction), reported, not compared.

Goals: ``ours_s`` ≤ 6 s and ≤ 1.5 × ``raw_s``, on the medians of five interleaved runs.
"""

from __future__ import annotations

import io
import sqlite3
import time
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

from figures import Figure, Result

YULIN = 3406
COUNTY = 7000  # households; last year's campaign visits about 3,800 of them


def _campaign_of_yulin_size(path: Path) -> str:
    """The demo campaign, cut to its first 3,406 vouchers; returns its id."""
    with closing(sqlite3.connect(path)) as conn:
        campaign_id, owner = conn.execute("SELECT id, owner_unit_id FROM campaign").fetchone()
        ids = [r[0] for r in conn.execute(
            "SELECT v.id FROM visit v JOIN disbursement d ON d.grant_type = 'visit' AND d.grant_id = v.id "
            "WHERE v.campaign_id = ? ORDER BY d.voucher_no", (campaign_id,))]
        assert len(ids) >= YULIN, f"the demo campaign has {len(ids)} vouchers, fewer than {YULIN}"
        other = "00000000-0000-4000-8000-000000000001"
        conn.execute("INSERT INTO campaign (id, owner_unit_id, usn, mtime, version, year, name, budget_fen, "
                     "visit_start, visit_end, closed) SELECT ?, owner_unit_id, usn, mtime, version, year, "
                     "name || '（其余）', 0, visit_start, visit_end, closed FROM campaign WHERE id = ?",
                     (other, campaign_id))
        conn.executemany("UPDATE visit SET campaign_id = ? WHERE id = ?", [(other, i) for i in ids[YULIN:]])
        conn.commit()
    return campaign_id


def _raw_canvas(sheet: Any, *, keep: bool = False) -> Any:
    """What a careful hand-written ReportLab program would do for the same sheet: the frame (title, labels,
    ruling, signature lines) drawn once into a form XObject and placed on every voucher; each voucher's
    values with plain text calls in one text object (bold as fill-and-stroke, as WenQuanYi has no bold face;
    a rare character in a name from the rare-character font); the same QR codes — the same signed payloads,
    encoded by the fastest encoder there is here (``reports.qr``: ReportLab's own takes 14 ms a symbol, which
    would flatter ours) and drawn as one image mask each; the cut lines; the same PDF settings. Returns the
    seconds taken, or with ``keep`` the PDF (the paper benchmark hands it to a printer)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from assist_desktop.domain.money import amount_in_words, format_amount
    from assist_desktop.reports import fonts, qr
    from assist_desktop.reports.base import LABEL_SIZE, LINE, THICK, cn_date
    from assist_desktop.reports.voucher import (_COLS, _HEIGHT, _QR, _ROW, _ROWS, _SIGN_Y, _TABLE_BOTTOM, _TABLE_TOP,
                                                _TABLE_W, _W, TITLE)

    fonts.register()
    started = time.perf_counter()
    out = io.BytesIO()
    c = Canvas(out, pagesize=A4, initialFontName=fonts.REGULAR, pageCompression=1)
    page_w, page_h = A4
    slot_h = page_h / 3
    x0 = (page_w - _W) / 2

    def text(x: float, y: float, s: str, size: float, align: str = "left") -> float:
        w = fonts.string_width(s, size)
        c.setFont(fonts.REGULAR, size)
        c.drawString(x - (w / 2 if align == "center" else w if align == "right" else 0), y, s)
        return w

    # the frame, once (the layout of reports.voucher: five table rows, the seal's line)
    c.beginForm("frame", lowerx=0, lowery=-_HEIGHT - 2 * mm, upperx=_W, uppery=2 * mm)
    c.saveState()
    c.setLineWidth(15 * 0.035)
    title = f"{sheet.unit_name}{TITLE}"
    t = c.beginText(_W / 2 - fonts.string_width(title, 15) / 2, -6 * mm)
    t.setTextRenderMode(2)  # bold as fill and stroke
    t.setFont(fonts.REGULAR, 15)
    t.textOut(title)
    c.drawText(t)
    c.restoreState()
    text(_TABLE_W - 58 * mm, -12.5 * mm, "凭证号：", LABEL_SIZE)
    c.setLineWidth(LINE)
    labels = (("发放项目", None), ("领款人", "身份证号"), ("资金项目", "发放日期"), ("金额（小写）", "发放方式"),
              ("金额（大写）", None))
    for r, (a, b) in enumerate(labels):
        top = _TABLE_TOP - r * _ROW
        text(_COLS[0] / 2, top - _ROW / 2 - 1.2 * mm, a, LABEL_SIZE, "center")
        if b:
            text(_COLS[0] + _COLS[1] + _COLS[2] / 2, top - _ROW / 2 - 1.2 * mm, b, LABEL_SIZE, "center")
        if r < _ROWS - 1:
            c.line(0, top - _ROW, _TABLE_W, top - _ROW)
    c.line(_COLS[0], _TABLE_TOP, _COLS[0], _TABLE_BOTTOM)
    for x in (_COLS[0] + _COLS[1], _COLS[0] + _COLS[1] + _COLS[2]):
        c.line(x, _TABLE_TOP - _ROW, x, _TABLE_BOTTOM + _ROW)
    c.setLineWidth(THICK)
    c.rect(0, _TABLE_BOTTOM, _TABLE_W, _ROWS * _ROW)
    text(_W - _QR / 2, _TABLE_BOTTOM + 0.5 * mm, "扫码验真", 7.5, "center")
    c.setLineWidth(0.5)
    for i, who in enumerate(("领款人（签字）", "经办", "审核")):
        x = i * _W / 3
        w = text(x, _SIGN_Y, f"{who}：", LABEL_SIZE)
        c.line(x + w, _SIGN_Y - 1.2 * mm, x + _W / 3 - 6 * mm, _SIGN_Y - 1.2 * mm)
    y = _SIGN_Y - 16 * mm
    text(0, y, "领取日期：      年    月    日", LABEL_SIZE)
    text(_W / 3, y, "发放单位（盖章）：", LABEL_SIZE)
    text(_W, y, "领款时请出示本人身份证；二维码可离线验真", 7.5, "right")
    c.endForm()

    def base(row: int) -> float:
        return _TABLE_TOP - row * _ROW - _ROW + 2.8 * mm

    x1, x3 = _COLS[0] + 2 * mm, _COLS[0] + _COLS[1] + _COLS[2] + 2 * mm
    for index, v in enumerate(sheet.vouchers):
        slot = index % 3
        if slot == 0:
            if index:
                c.showPage()
            c.setLineWidth(0.4)
            c.setDash(3, 3)
            for k in (1, 2):
                c.line(8 * mm, page_h - k * slot_h, page_w - 8 * mm, page_h - k * slot_h)
            c.setDash()
        c.saveState()
        c.translate(x0, page_h - slot * slot_h - (slot_h - _HEIGHT) / 2)
        c.doForm("frame")
        method = f"{v.method}（账号尾号{v.account[-4:]}）" if v.account else v.method
        t = c.beginText()
        for x, y_, s, size, bold in ((_TABLE_W - 44 * mm, -12.5 * mm, v.voucher_no, 10.5, True),
                                      (x1, base(0), v.activity, 9.5, False),
                                      (x1, base(1), v.recipient_name, 11, True),
                                      (x3, base(1), v.masked_id, 10.5, False),
                                      (x1, base(2), v.programme, 9.5, False),
                                      (x3, base(2), cn_date(v.paid_on), 10, False),
                                      (x1, base(3), f"¥{format_amount(v.amount_fen)}", 11, True),
                                      (x3, base(3), method, 9.5, False),
                                      (x1, base(4), f"人民币{amount_in_words(v.amount_fen)}", 11, True)):
            t.setTextOrigin(x, y_)
            t.setTextRenderMode(2 if bold else 0)
            for name, piece in fonts.runs(s):
                t.setFont(name, size)
                t.textOut(piece)
        t.setTextRenderMode(0)
        c.setLineWidth(0.38)
        c.drawText(t)
        c.addLiteral(qr.pdf_operators(qr.encode(v.payload), _W - _QR + 1 * mm, _TABLE_BOTTOM + 4 * mm, _QR - 2 * mm))
        c.restoreState()
    c.save()
    return out.getvalue() if keep else time.perf_counter() - started


def bench_print(families: int, workdir: Path, runs: int = 5) -> Result:
    from sqlmodel import select

    from assist_desktop.reports.voucher import VoucherRenderer
    from assist_desktop.services import printing
    from assist_desktop.services.demo import generate_demo
    from assist_desktop.storage import models as m
    from assist_desktop.storage.schema import open_database

    path = workdir / "print.sqlite"
    started = time.perf_counter()
    with open_database(path) as db:
        generate_demo(db, COUNTY, seed=17, today=date(2026, 11, 20))
    t_gen = time.perf_counter() - started
    campaign_id = _campaign_of_yulin_size(path)
    selection = printing.VoucherSelection(campaign_id=campaign_id)
    with open_database(path) as db:
        with db.session() as s:
            clerk = s.exec(select(m.User).where(m.User.username == "jingban")).one()
            s.expunge(clerk)
        with db.session() as s:  # warm: fonts registered, QR templates built, key made
            sheet, _, _ = printing.voucher_sheet_data(s, clerk, selection)
            VoucherRenderer().render(sheet)
        ours, raws = Figure("ours: prepare_vouchers", "s"), Figure("raw careful canvas", "s")
        ratio = Figure("ours ÷ raw canvas", "×")
        job = None
        for _ in range(runs):  # interleaved, so that the machine's load touches both alike
            with db.session() as s:
                t0 = time.perf_counter()
                job = printing.prepare_vouchers(s, clerk, selection)
                ours.add(time.perf_counter() - t0)
            raws.add(_raw_canvas(sheet))
            ratio.add(ours.values[-1] / raws.values[-1])
        record = Figure("recording the prints", "s")
        for n in range(runs):
            if n:  # a job records once: its 补打 marks are those of the prints before it (prepared, not timed)
                with db.session() as s:
                    job = printing.prepare_vouchers(s, clerk, selection)
            with db.session() as s:
                t0 = time.perf_counter()
                printing.record_printed(s, clerk, job)
                record.add(time.perf_counter() - t0)
    assert job is not None
    print(f"  {job.count} vouchers, {job.sheets} sheets, {len(job.pdf) / 1e6:.1f} MB")
    result = Result("print")
    result.goal("P4 3,406 vouchers ≤ 6 s", ours, 6.0)
    result.goal("P4 ≤ 1.5 × a careful raw ReportLab canvas", ratio, 1.5)
    result.figure(raws)
    result.figure(record)
    result.notes.update({"households": COUNTY, "generate_county_s": round(t_gen, 1), "vouchers": job.count,
                         "sheets": job.sheets, "pdf_mb": round(len(job.pdf) / 1e6, 1)})
    return result

"""The voucher QR encoder: the same symbols as ReportLab's reference encoder, read by a real decoder."""

from __future__ import annotations

import random

import pytest
from reportlab.graphics.barcode import qrencoder
from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm

from assist_desktop.reports import qr
from assist_desktop.reports.base import Pen, Renderer, Ticker

from . import pdftools


def _reference(text: str, version: int) -> list[list[bool]]:
    code = qrencoder.QRCode(version, qrencoder.QRErrorCorrectLevel.M)
    code.addData(qrencoder.QRAlphaNum(text))
    code.makeImpl(False, qr.MASK)
    return [[bool(m) for m in row] for row in code.modules]


@pytest.mark.parametrize("seed", range(6))
def test_symbols_equal_reportlabs_module_for_module(seed):
    rnd = random.Random(seed)
    for _ in range(25):
        text = "".join(rnd.choice(qr.ALPHANUMERIC) for _ in range(rnd.randint(1, 400)))
        symbol = qr.encode(text)
        reference = _reference(text, symbol.version)
        assert symbol.size == len(reference) == 17 + 4 * symbol.version
        got = [[symbol.is_dark(r, c) for c in range(symbol.size)] for r in range(symbol.size)]
        assert got == reference, text


@pytest.mark.parametrize("length", [700, 1500, 2500, 3391])
def test_large_versions_too(length):  # alignment patterns on the timing lines, version information
    text = "".join(qr.ALPHANUMERIC[(i * 7) % 45] for i in range(length))
    symbol = qr.encode(text)
    assert symbol.version >= 17
    got = [[symbol.is_dark(r, c) for c in range(symbol.size)] for r in range(symbol.size)]
    assert got == _reference(text, symbol.version)


def test_smallest_version_that_holds_the_text():
    assert qr.encode("A").version == 1
    assert qr.encode("A" * 20).version == 1  # 1-M holds 20 alphanumeric characters
    assert qr.encode("A" * 21).version == 2
    assert qr.encode("A" * 180).version == 8
    assert qr.encode("A" * 3391).version == 40
    with pytest.raises(ValueError):
        qr.encode("A" * 3392)


def test_only_alphanumeric_payloads():
    for bad in ("adv1", "王建国", "A\nB", "A_B"):
        with pytest.raises(ValueError):
            qr.encode(bad)


class _Codes(Renderer[list[str]]):
    document = "测试"
    pagesize = A6

    def draw(self, pen: Pen, data: list[str], ticker: Ticker) -> None:
        for i, text in enumerate(data):
            pen.c.addLiteral(qr.pdf_operators(qr.encode(text), 20 * mm, (95 - 75 * i) * mm, 30 * mm))


def test_drawn_symbols_decode_with_zbar():
    texts = ["ADV1:0F0F0F0F:610826-2027-V000001:W:4W4LDZ2KB6YB6:6108**********1234:150000:20270115:" + "AB" * 51,
             "HELLO $%*+-./: 0123456789"]
    pdf = _Codes().render(texts)
    found = pdftools.qr_codes(pdf, dpi=150, slots=2)
    assert found == [[texts[0]], [texts[1]]]

"""发放凭证 as printed: the fields, the capitals, the masking, three, two or one to a sheet, 补打 on a
reprint, and a QR code on each voucher that decodes to its own signed payload."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from assist_desktop.reports.base import MissingData, RenderCancelled
from assist_desktop.reports.voucher import PayloadInvalid, VoucherPayload, VoucherRenderer, VoucherSheet

from . import pdftools
from .conftest import SIGNING_KEY, voucher


def _render(vouchers, per_sheet=3, **kw) -> bytes:
    return VoucherRenderer().render(VoucherSheet("绥德县总工会", vouchers, per_sheet), **kw)


def test_a_voucher_shows_every_field_amount_in_capitals_and_the_id_masked():
    vs = [voucher(1, name="王建国", amount_fen=150_000),
          voucher(2, name="李秀英", amount_fen=140_950, method="转账", account="***************9012"),
          voucher(3, name="欧阳㐂䶮", amount_fen=600_714)]
    pdf = _render(vs)
    text = pdftools.assert_printable(pdf)
    flat = pdftools.squeeze(text)
    assert flat.count("绥德县总工会帮扶资金发放凭证") == 3
    for v in vs:
        assert v.voucher_no in flat and v.recipient_name in flat and v.masked_id in flat
    # figures and the capitals of the bill-writing rules (DESIGN.md §3)
    assert "¥1,500.00" in flat and "人民币壹仟伍佰元整" in flat
    assert "¥1,409.50" in flat and "人民币壹仟肆佰零玖元伍角" in flat
    assert "¥6,007.14" in flat and "人民币陆仟零柒元壹角肆分" in flat
    assert "2027年1月15日" in flat and "春节送温暖慰问金" in flat and "2027年春节送温暖活动" in flat
    assert "转账（账号尾号9012）" in flat and "9012" in flat and "*" * 15 not in flat
    for label in ("领款人（签字）", "经办：", "审核：", "扫码验真"):
        assert flat.count(label) == 3, label
    assert not re.search(r"\d{17}[\dX]", flat), "a full ID number was printed"
    assert "补打" not in flat


@pytest.mark.parametrize(("per_sheet", "pages", "size"), [(3, 3, "A4"), (2, 4, "A4"), (1, 7, "A5")])
def test_three_two_or_one_to_a_sheet(per_sheet, pages, size):
    pdf = _render([voucher(n) for n in range(1, 8)], per_sheet)
    meta = pdftools.info(pdf)
    assert meta["Pages"] == str(pages)
    assert f"({size})" in meta["Page size"] if size == "A4" else meta["Page size"].startswith("595.276 x 419.528")
    texts = pdftools.pages(pdf)
    assert [len(re.findall(r"610826-2027-V\d{6}", pdftools.squeeze(t))) for t in texts] == \
        [min(per_sheet, 7 - per_sheet * i) for i in range(pages)]
    pdftools.assert_printable(pdf)


def test_each_voucher_carries_its_own_signed_qr_code():
    vs = [voucher(n, name=name, amount_fen=amount) for n, name, amount in
          ((11, "王建国", 150_000), (12, "张𡈽强", 100_000), (13, "刘䶮", 32_504))]
    codes = pdftools.qr_codes(_render(vs), slots=3)
    assert codes == [[v.payload] for v in vs]
    public = SIGNING_KEY.public_key()
    for v, (code,) in zip(vs, codes):
        payload, message = VoucherPayload.parse(code)
        public.verify(payload.signature, message)  # raises if not signed by the key
        assert (payload.voucher_no, payload.recipient_name, payload.masked_id, payload.amount_fen,
                payload.paid_on) == (v.voucher_no, v.recipient_name, v.masked_id, v.amount_fen, v.paid_on)


def test_a_reprint_is_marked_with_its_copy_number():
    pdf = _render([voucher(1), voucher(2, copy_no=3), voucher(3)])
    slots = pdftools.qr_codes(pdf, slots=3)
    assert all(len(s) == 1 for s in slots)  # the mark does not cover the code
    flat = pdftools.squeeze(pdftools.text(pdf))
    assert flat.count("补打") == 1 and "第3次打印" in flat
    # the mark sits on the second voucher: between its neighbours' numbers in reading order
    assert flat.index("V000001") < flat.index("补打") < flat.index("V000003")


def test_missing_data_is_refused_naming_the_field_and_the_voucher():
    with pytest.raises(MissingData) as caught:
        _render([voucher(1), replace(voucher(2), recipient_name="")])
    assert "第2张" in caught.value.message and "领款人" in caught.value.message and "V000002" in caught.value.message
    with pytest.raises(MissingData, match="金额"):
        _render([replace(voucher(1), amount_fen=0)])
    with pytest.raises(MissingData, match="没有可打印"):
        _render([])
    with pytest.raises(MissingData, match="每页张数"):
        _render([voucher(1)], per_sheet=4)


def test_progress_and_cancel():
    seen = []
    _render([voucher(n) for n in range(1, 61)], progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 60) and seen[-1] == (60, 60) and seen == sorted(seen)
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(RenderCancelled, match="已取消"):
        _render([voucher(n) for n in range(1, 200)], cancelled=cancelled)


def test_payload_round_trip_and_damage():
    payload = VoucherPayload("1A2B3C4D", "610826-2027-V000042", "W", "王𠀀", "6108**********1234", 150_000,
                             date(2027, 1, 15), b"\x01" * 64)
    text = payload.text()
    assert re.fullmatch(r"[0-9A-Z:*\-]+", text), "alphanumeric QR characters only"
    parsed, message = VoucherPayload.parse(text)
    assert parsed == payload and message == payload.message()
    for damaged in ("", "hello", text.replace("ADV1", "ADV2"), text.rsplit(":", 1)[0], text + ":X",
                    text.replace(":150000:", ":15O000:"), text.replace("20270115", "20271315")):
        with pytest.raises(PayloadInvalid, match="不是本系统出具"):
            VoucherPayload.parse(damaged)

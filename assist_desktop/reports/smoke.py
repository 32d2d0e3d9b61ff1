"""A sample voucher without a database, for the program's self-check (``assist-desktop --smoke``): it
proves the fonts load and embed, the QR encoder runs and ReportLab writes a PDF in a frozen build."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from assist_desktop.reports.voucher import Voucher, VoucherPayload, VoucherRenderer, VoucherSheet


def sample_voucher_pdf() -> bytes:
    key = Ed25519PrivateKey.generate()  # thrown away: the sample verifies against nothing
    payload = VoucherPayload("00000000", "000000-2000-V000001", "W", "样张䶮", "0000**********0000", 150000,
                             date(2000, 1, 1))
    payload = replace(payload, signature=key.sign(payload.message()))
    voucher = Voucher("000000-2000-V000001", "春节送温暖慰问金", "自检样张（不作凭证）", "样张䶮", payload.masked_id, 150000,
                      date(2000, 1, 1), "现金", payload.text())
    return VoucherRenderer().render(VoucherSheet("自检", [voucher], per_sheet=1))


__all__ = ["sample_voucher_pdf"]

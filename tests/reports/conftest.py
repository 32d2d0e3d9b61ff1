"""Sample data for the renderers, as the services would build it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from assist_desktop.reports.voucher import Voucher, VoucherPayload

SIGNING_KEY = Ed25519PrivateKey.generate()


def signed_payload(voucher_no: str, name: str, masked: str, amount_fen: int, paid_on: date, kind: str = "W") -> str:
    payload = VoucherPayload("1A2B3C4D", voucher_no, kind, name, masked, amount_fen, paid_on)
    return replace(payload, signature=SIGNING_KEY.sign(payload.message())).text()


def voucher(n: int, *, name: str = "王建国", amount_fen: int = 150_000, copy_no: int = 1,
            method: str = "现金", account: str = "") -> Voucher:
    number = f"610826-2027-V{n:06d}"
    masked = f"6108**********{1000 + n:04d}"
    paid = date(2027, 1, 15)
    return Voucher(number, "春节送温暖慰问金", "2027年春节送温暖活动", name, masked, amount_fen, paid, method,
                   signed_payload(number, name, masked, amount_fen, paid), account=account, copy_no=copy_no)


@pytest.fixture
def make_voucher():
    return voucher

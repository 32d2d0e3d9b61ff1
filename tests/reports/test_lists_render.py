"""签领表 and 公示名单 as printed: the header on every page, subtotals per page adding up to the total,
page x of y, masked IDs, and nothing of a household beyond name, unit, category and amount."""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import date

import pytest

from assist_desktop.domain.money import amount_in_words, format_amount
from assist_desktop.reports.base import MissingData
from assist_desktop.reports.notice import NoticeLine, NoticeRenderer, PublicNotice
from assist_desktop.reports.signoff import RosterLine, SignoffRenderer, SignoffSheet

from . import pdftools

NAMES = ("王建国", "李秀英", "欧阳㐂", "张𠀀", "刘䶮", "赵敏", "高强")
CATEGORIES = ("深度困难", "相对困难", "意外致困")


def _lines(n: int) -> list[RosterLine]:
    return [RosterLine(NAMES[i % len(NAMES)], "绥德县兴业建筑工程有限公司工会" if i % 2 else "名州镇总工会",
                       CATEGORIES[i % 3], f"6108**********{i:04d}", 100_000 + 50_000 * (i % 3) + i, 30_000 + i * 7)
            for i in range(n)]


def _money(text: str) -> int:
    yuan, fen = text.replace(",", "").split(".")
    return int(yuan) * 100 + int(fen)


ROW = re.compile(r"^\s*(\d+)\s+(\S+)\s.*?(6108\*{10}\d{4})\s+([\d,]+\.\d\d)\s+([\d,]+\.\d\d)\s*$", re.M)
SUBTOTAL = re.compile(r"本页小计（(\d+)户）\s+([\d,]+\.\d\d)\s+([\d,]+\.\d\d)")
TOTAL = re.compile(r"合计（共(\d+)户）\s+([\d,]+\.\d\d)\s+([\d,]+\.\d\d)")


def test_signoff_subtotals_per_page_add_up_to_the_total_across_pages():
    lines = _lines(40)
    sheet = SignoffSheet("绥德县总工会", "2027年春节送温暖活动慰问金（品）签领表", lines, date(2027, 1, 10),
                         note="慰问品：米、面、油（按标准折价）")
    pdf = SignoffRenderer().render(sheet)
    pdftools.assert_printable(pdf)
    pages = pdftools.pages(pdf)
    assert len(pages) == 3
    assert pdftools.info(pdf)["Page size"].startswith("841.89 x 595.276")  # A4 landscape
    numbers, cash_sum, goods_sum = [], 0, 0
    for index, page in enumerate(pages, start=1):
        flat = pdftools.squeeze(page)
        # the header on every page
        assert "2027年春节送温暖活动慰问金（品）签领表" in flat and f"第{index}页共3页" in flat
        for head in ("序号", "姓名", "单位", "类别", "身份证号", "联系电话", "凭证号", "发放方式", "慰问金（元）",
                     "慰问品（元）", "领取人签名", "领取日期", "经办人：", "审核人：", "单位负责人："):
            assert head in flat, (index, head)
        rows = ROW.findall(page)
        sub = SUBTOTAL.findall(page)
        assert len(sub) == 1
        count, cash, goods = int(sub[0][0]), _money(sub[0][1]), _money(sub[0][2])
        assert count == len(rows) >= 2  # the last page never holds the total alone
        assert cash == sum(_money(r[3]) for r in rows) and goods == sum(_money(r[4]) for r in rows)
        numbers += [int(r[0]) for r in rows]
        cash_sum += cash
        goods_sum += goods
        assert (TOTAL.search(page) is not None) == (index == 3)  # the total on the last page only
    assert numbers == list(range(1, 41))
    total = TOTAL.search(pages[-1])
    assert int(total.group(1)) == 40
    assert _money(total.group(2)) == cash_sum == sum(line.cash_fen for line in lines)
    assert _money(total.group(3)) == goods_sum == sum(line.goods_fen for line in lines)
    last = pdftools.squeeze(pages[-1])
    assert f"慰问金合计（大写）：人民币{amount_in_words(cash_sum)}" in last
    assert f"慰问品折价合计：{format_amount(goods_sum)}元" in last
    every = pdftools.squeeze(pdftools.text(pdf))
    for name in ("欧阳㐂", "张𠀀", "刘䶮"):
        assert name in every
    assert not re.search(r"\d{17}[\dX]", every)


def test_signoff_of_a_round_has_no_goods_column():
    lines = [RosterLine("王浩", "绥德中学", "高中/中职", "6108**********3312", 300_000),
             RosterLine("王丽", "西北大学", "本科", "6108**********4421", 500_000)]
    sheet = SignoffSheet("绥德县总工会", "2026年金秋助学助学金签领表", lines, date(2026, 9, 20), cash_label="助学金",
                         goods_label=None, unit_label="就读学校", category_label="学历层次", who="人")
    text = pdftools.assert_printable(SignoffRenderer().render(sheet))
    flat = pdftools.squeeze(text)
    assert "助学金（元）" in flat and "慰问品" not in flat and "就读学校" in flat
    assert "本页小计（2人）8,000.00" in flat and "合计（共2人）8,000.00" in flat
    assert "助学金合计（大写）：人民币捌仟元整" in flat


def test_signoff_refuses_an_empty_roster_or_a_line_without_a_name():
    with pytest.raises(MissingData, match="没有可列入"):
        SignoffRenderer().render(SignoffSheet("绥德县总工会", "签领表", [], date(2027, 1, 10)))
    with pytest.raises(MissingData, match="第2行.*姓名"):
        SignoffRenderer().render(SignoffSheet("绥德县总工会", "签领表", [_lines(1)[0], RosterLine(
            "", "名州镇总工会", "深度困难", "6108**********0001", 100_000)], date(2027, 1, 10)))


def _notice(n: int, **kw) -> PublicNotice:
    lines = [NoticeLine(NAMES[i % len(NAMES)], "名州镇总工会", CATEGORIES[i % 3], f"6108**********{i:04d}",
                        200_000 - 70_000 * (i % 2)) for i in range(n)]
    return PublicNotice("绥德县总工会", "2027年春节送温暖活动慰问对象公示名单", lines, date(2026, 12, 20),
                        intro="\u3000\u3000经基层工会推荐、县总工会审核，拟对以下困难职工家庭走访慰问，现予公示。"
                              "公示期为2026年12月21日至2026年12月25日（5个工作日）。", contact_phone="0912-5621234",
                        amount_label="慰问金额", who="户", **kw)


def test_notice_shows_name_unit_category_amount_and_the_masked_id_only():
    # the document cannot carry an address, health or a bank account: it has no field for them
    assert {f.name for f in fields(NoticeLine)} == {"name", "unit", "category", "masked_id", "amount_fen"}
    data = _notice(60)
    pdf = NoticeRenderer().render(data)
    pdftools.assert_printable(pdf)
    pages = pdftools.pages(pdf)
    assert len(pages) >= 3
    flat = pdftools.squeeze(pdftools.text(pdf))
    total = sum(line.amount_fen for line in data.lines)
    assert f"以上共60户，慰问金额合计{format_amount(total)}元。" in flat
    assert "监督电话：0912-5621234" in flat and "绥德县总工会（盖章）" in flat and "2026年12月20日" in flat
    for i, page in enumerate(pages, start=1):
        squeezed = pdftools.squeeze(page)
        assert f"第{i}页共{len(pages)}页" in squeezed
        if "序号" not in squeezed:
            continue
        for head in ("姓名", "单位", "类别", "身份证号", "慰问金额（元）"):
            assert head in squeezed
    rows = re.findall(r"^\s*(\d+)\s+\S+\s+名州镇总工会\s+\S+\s+(6108\*{10}\d{4})\s+([\d,]+\.\d\d)\s*$",
                      pdftools.text(pdf), re.M)
    assert [int(r[0]) for r in rows] == list(range(1, 61))
    assert sum(_money(r[2]) for r in rows) == total
    assert not re.search(r"\d{17}[\dX]", flat)


def test_notice_refuses_an_unmasked_id_number():
    data = _notice(3)
    bad = PublicNotice(data.unit_name, data.title, [*data.lines[:2], NoticeLine("高强", "名州镇总工会", "深度困难",
                                                                                  "610826198003151234", 100_000)],
                       data.printed_on)
    with pytest.raises(MissingData, match="第3行（高强）的身份证号未遮挡"):
        NoticeRenderer().render(bad)

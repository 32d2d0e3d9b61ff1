"""The screens at a city, which holds its own records and those its counties reported (DESIGN.md §6): a county's
file opens read-only with the banner naming the county; a county's campaign or round is labelled with its unit
and every action that writes is disabled while it is chosen, its dashboard, list and export still there; the
registry filters by 上报单位; the statistics break every programme down by 上报单位 and open the records behind
each figure. The city's own records behave as before, and a county sees none of the new controls.

The offices are the sync tests' network (tests/sync/conftest.py): 绥德 and 米脂 report to 榆林. Outcomes are
checked against sqlite3 on the database files; screenshots of each screen are saved (``UI_SHOTS=DIR``)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.sync.conftest import Network, Unit, net, network_template  # noqa: F401 - the fixtures
from tests.ui.conftest import assert_chinese

pytestmark = pytest.mark.usefixtures("qapp")

TODAY = date(2026, 11, 20)
TIMEOUT = 20_000
FILE_BANNER = "此档案属于绥德县总工会，在本单位只能查看（须由该单位修改后报送）。"


@pytest.fixture
def city(net: Network) -> Network:  # noqa: F811
    """榆林 after taking in both counties' packages; 绥德 first files one scanned material on a file, so that the
    city holds a county's attachment too."""
    from sqlmodel import select

    from assist_desktop.services import attachments
    from assist_desktop.storage import models as m

    suide = net["suide"]
    with suide.session() as s:
        file_id = s.exec(select(m.HardshipFile.id).where(m.HardshipFile.status == "active")
                         .order_by(m.HardshipFile.file_no)).first()
        attachments.add_attachment(s, suide.user("jingban"), file_id, kind="id_card", name="身份证.jpg",
                                   content=b"\xff\xd8\xff\xe0 scanned id card")
    net.carry("suide", "yulin")
    net.carry("mizhi", "yulin")
    return net


def sql(unit: Unit, query: str, *args: Any) -> list[tuple]:
    with closing(sqlite3.connect(unit.path)) as conn:
        return conn.execute(query, args).fetchall()


def context(unit: Unit, username: str):  # type: ignore[no-untyped-def]
    from assist_desktop.services.setup import local_unit
    from assist_desktop.services.users import user_roles
    from assist_desktop.ui.context import AppContext

    user = unit.user(username)
    with unit.session() as s:
        here = local_unit(s)
        roles = user_roles(s, user)
    return AppContext(db=unit.db, user=user, unit=here, roles=roles, clock=lambda: TODAY)


def show(qtbot, widget, width: int = 1280, height: int = 760):  # type: ignore[no-untyped-def]
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    return widget


def combo_items(combo) -> list[str]:  # type: ignore[no-untyped-def]
    return [combo.itemText(i) for i in range(combo.count())]


def choose(combo, data: Any) -> None:  # type: ignore[no-untyped-def]
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


# --- the file editor ----------------------------------------------------------------------------------------


def open_editor(qtbot, ctx, file_id: str):  # type: ignore[no-untyped-def]
    from assist_desktop.ui.editor import FileEditor

    editor = show(qtbot, FileEditor(ctx, file_id, today=TODAY), 1180, 820)
    qtbot.waitUntil(lambda: editor.ready and editor.idle, timeout=TIMEOUT)
    return editor


def test_a_countys_file_opens_read_only_at_the_city_and_the_citys_own_stays_editable(qtbot, city, shot,
                                                                                   monkeypatch) -> None:
    yulin = city["yulin"]
    ctx = context(yulin, "jingban")  # a clerk: at the county's office this file would be hers to change
    ((file_id, version),) = sql(yulin, "SELECT f.id, f.version FROM hardship_file f JOIN attachment a ON "
                                       "a.file_id = f.id WHERE f.owner_unit_id = ?", city["suide"].unit_id)
    audit_before = sql(yulin, "SELECT count(*) FROM audit_event")[0][0]
    editor = open_editor(qtbot, ctx, file_id)
    assert editor.read_only and editor.owner_name == "绥德县总工会"
    assert editor.banner.text() == FILE_BANNER and editor.banner.isVisibleTo(editor)
    assert not editor.save_button.isVisibleTo(editor)
    assert all(field.widget.isReadOnly() if hasattr(field.widget, "isReadOnly") else not field.widget.isEnabled()
               for key, field in editor.fields.items() if key in ("name", "phone", "address", "employer_name"))
    # members: no rows added or removed, no cell edited
    members = editor.members
    assert members.add_button.isHidden() and members.remove_button.isHidden()  # (on a tab not shown: not isVisible)
    if members.model.rowCount():
        assert not members.model.flags(members.model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    # attachments: the county's material is listed and can be opened, but none added or removed
    editor.go_to_tab(4)
    qtbot.waitUntil(lambda: editor.attachments.loaded and editor.idle, timeout=TIMEOUT)
    tab = editor.attachments
    assert [i.name for i in tab.items] == ["身份证.jpg"]
    tab.table.selectRow(0)
    assert not tab.add_button.isEnabled() and not tab.kind.isEnabled() and not tab.remove_button.isEnabled()
    assert tab.open_button.isEnabled() and tab.save_button.isEnabled()
    monkeypatch.setattr(tab.dialogs, "open_files", lambda *a: pytest.fail("no file dialog for a county's file"))
    tab.choose_and_add()
    # Ctrl+S does nothing: nothing written, not even a refusal in the audit log
    assert editor.save() is False
    assert sql(yulin, "SELECT version FROM hardship_file WHERE id = ?", file_id) == [(version,)]
    assert sql(yulin, "SELECT count(*) FROM audit_event")[0][0] == audit_before
    assert sql(yulin, "SELECT count(*) FROM attachment WHERE file_id = ?", file_id) == [(1,)]
    assert_chinese(editor)
    editor.go_to_tab(0)
    shot(editor, "city_county_file")
    editor.close()

    ((own_id,),) = sql(yulin, "SELECT id FROM hardship_file WHERE owner_unit_id = ? AND status = 'active' "
                              "ORDER BY file_no LIMIT 1", yulin.unit_id)
    own = open_editor(qtbot, ctx, own_id)
    assert not own.read_only and own.owner_name is None
    assert own.save_button.isVisibleTo(own) and not own.banner.isVisibleTo(own)
    assert not own.fields["name"].widget.isReadOnly()
    assert own.attachments.can_add and not own.members.add_button.isHidden()
    own.close()


# --- 春节送温暖 ---------------------------------------------------------------------------------------------


def campaigns_page(qtbot, ctx):  # type: ignore[no-untyped-def]
    from assist_desktop.ui.campaigns.page import CampaignsPage

    page = show(qtbot, CampaignsPage(ctx))
    qtbot.waitUntil(page.idle, timeout=TIMEOUT)
    return page


def _open_city_campaign(city: Network) -> str:
    from assist_desktop.services import campaigns

    yulin = city["yulin"]
    with yulin.session() as s:
        c = campaigns.create_campaign(s, yulin.user("shenpi"), campaigns.CampaignInput(
            year=2027, name=None, visit_start=date(2027, 1, 5), visit_end=date(2027, 2, 5),
            fund_sources=[("市总工会送温暖资金", 80_000_00)]), today=TODAY)
        return c.id


def test_a_countys_campaign_is_labelled_and_view_only_at_the_city(qtbot, city, shot) -> None:
    yulin, suide = city["yulin"], city["suide"]
    own_id = _open_city_campaign(city)
    chair = campaigns_page(qtbot, context(yulin, "shenpi"))
    assert combo_items(chair.campaign_combo) == [
        "2027年春节送温暖活动", "2026年春节送温暖活动（已结束）", "",  # a separator before each other unit
        "2026年春节送温暖活动（绥德县总工会，已结束）", "", "2026年春节送温暖活动（米脂县总工会，已结束）"]
    ((county_id,),) = sql(yulin, "SELECT id FROM campaign WHERE owner_unit_id = ?", suide.unit_id)

    # the city's own open campaign: everything as before
    assert chair.campaign_id() == own_id and chair.own()
    for button in (chair.edit_campaign_button, chair.close_campaign_button, chair.standards_button,
                   chair.export_button):
        assert button.isEnabled(), button.objectName()
    assert not chair.owner_note.isVisibleTo(chair)
    assert chair.close_campaign_button.text() == "结束活动"

    # 绥德's campaign: its dashboard, list and export; nothing that writes
    choose(chair.campaign_combo, county_id)
    qtbot.waitUntil(lambda: chair.idle() and chair.board is not None and chair.board.campaign_id == county_id,
                    timeout=TIMEOUT)
    assert not chair.own()
    assert chair.close_campaign_button.text() == "重开活动" and not chair.close_campaign_button.isEnabled()
    for button in (chair.edit_campaign_button, chair.standards_button, chair.opinion):
        assert not button.isEnabled(), button.objectName()
    assert chair.new_campaign_button.isEnabled() and chair.export_button.isEnabled()
    assert chair.owner_note.isVisibleTo(chair) and chair.owner_note.text() == (
        "此活动属于绥德县总工会，在本单位只能查看（概况、名单和导出名单），修改和办理须由该单位进行后报送。")
    visits = sql(yulin, "SELECT count(*) FROM visit WHERE campaign_id = ? AND status != 'cancelled'", county_id)[0][0]
    assert visits and chair.dashboard.cell(chair.dashboard.sources_table, "total", 3) == str(visits)
    chair.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: chair.idle() and chair.model.total > 0, timeout=TIMEOUT)
    assert chair.model.total == sql(yulin, "SELECT count(*) FROM visit WHERE campaign_id = ?", county_id)[0][0]
    chair.table.selectRow(0)
    assert chair.open_button.isEnabled()
    assert not any(b.isEnabled() for b in chair.step_buttons.values())
    # a step called anyway (a shortcut, a script) does nothing: no write, not even a refusal
    before = sql(yulin, "SELECT count(*) FROM audit_event")[0][0]
    chair.take_step("approve", opinion="同意")
    chair.toggle_closed()
    assert chair.edit_campaign(new=False, exec_dialog=False) is None
    qtbot.waitUntil(chair.idle, timeout=TIMEOUT)
    assert sql(yulin, "SELECT count(*) FROM audit_event")[0][0] == before
    assert sql(yulin, "SELECT closed FROM campaign WHERE id = ?", county_id) == [(1,)]
    assert_chinese(chair)
    shot(chair, "city_county_campaign_list")
    chair.tabs.setCurrentIndex(0)
    shot(chair, "city_county_campaign")
    # its visit opens read-only
    editor = chair.open_visit()
    qtbot.waitUntil(lambda: editor.idle() and editor.loaded is not None, timeout=TIMEOUT)
    assert editor.banner.text() == "此走访记录属于绥德县总工会，在本单位只能查看（须由该单位修改后报送）。"
    assert not editor.save_button.isVisibleTo(editor) and not editor.choose_photo_button.isEnabled()
    assert editor.cadres.isReadOnly() and not editor.notes.isEnabled() and editor.cash.isReadOnly()
    shot(editor, "city_county_visit")
    editor.close()
    # the list of every campaign names each one's unit
    chair.tabs.setCurrentIndex(2)
    table = chair.campaign_table
    assert not table.isColumnHidden(8)
    assert sorted(table.item(r, 8).text() for r in range(table.rowCount())) == \
        sorted(["本单位", "本单位", "绥德县总工会", "米脂县总工会"])
    shot(chair, "city_campaigns_all")

    # back to the own campaign: the writes come back, the note goes
    choose(chair.campaign_combo, own_id)
    qtbot.waitUntil(chair.idle, timeout=TIMEOUT)
    assert chair.own() and chair.edit_campaign_button.isEnabled() and chair.standards_button.isEnabled()
    assert not chair.owner_note.isVisibleTo(chair)

    # the clerk at the city: adding by hand and generating only on the own campaign
    clerk = campaigns_page(qtbot, context(yulin, "jingban"))
    assert clerk.add_button.isEnabled() and clerk.generate_button.isEnabled()
    choose(clerk.campaign_combo, county_id)
    qtbot.waitUntil(clerk.idle, timeout=TIMEOUT)
    assert not clerk.add_button.isEnabled() and not clerk.generate_button.isEnabled()
    assert clerk.add_visit() is None and clerk.open_wizard() is None


# --- 金秋助学 -----------------------------------------------------------------------------------------------


def scholarships_page(qtbot, ctx):  # type: ignore[no-untyped-def]
    from assist_desktop.ui.scholarships.page import ScholarshipsPage

    page = show(qtbot, ScholarshipsPage(ctx))
    qtbot.waitUntil(page.idle, timeout=TIMEOUT)
    return page


def test_a_countys_round_and_installments_are_view_only_at_the_city(qtbot, city, shot) -> None:
    from assist_desktop.services import scholarships

    yulin, suide = city["yulin"], city["suide"]
    with yulin.session() as s:
        own_id = scholarships.create_round(s, yulin.user("shenpi"), scholarships.RoundInput(
            2027, date(2027, 7, 1), date(2027, 9, 30), 60_000_00), today=TODAY).id
    ((county_id,),) = sql(yulin, "SELECT id FROM scholarship_round WHERE owner_unit_id = ? AND year = 2026",
                          suide.unit_id)
    page = scholarships_page(qtbot, context(yulin, "jingban"))
    assert combo_items(page.round_combo) == [
        "2027年金秋助学", "2026年金秋助学（已结束）", "2025年金秋助学（已结束）", "",
        "2026年金秋助学（绥德县总工会，已结束）", "2025年金秋助学（绥德县总工会，已结束）", "",
        "2026年金秋助学（米脂县总工会，已结束）", "2025年金秋助学（米脂县总工会，已结束）"]
    assert page.round_id() == own_id and page.own() and page.new_button.isEnabled()
    assert not page.owner_note.isVisibleTo(page)

    choose(page.round_combo, county_id)
    qtbot.waitUntil(lambda: page.idle() and page.summary is not None, timeout=TIMEOUT)
    n = sql(yulin, "SELECT count(*) FROM scholarship WHERE round_id = ?", county_id)[0][0]
    assert n and page.model.total == n
    page.table.selectRow(0)
    assert page.open_button.isEnabled() and page.export_button.isEnabled()
    assert not page.new_button.isEnabled() and not page.pay_button.isEnabled() and not page.opinion.isEnabled()
    assert not any(b.isEnabled() for b in page.step_buttons.values())
    assert page.owner_note.isVisibleTo(page) and page.owner_note.text().startswith("此轮次属于绥德县总工会，在本单位只能查看")
    before = sql(yulin, "SELECT count(*) FROM audit_event")[0][0]
    from assist_desktop.domain.lifecycle import Action

    page.take_step(Action.cancel, opinion="重复")
    assert page.new_application() is None
    qtbot.waitUntil(page.idle, timeout=TIMEOUT)
    assert sql(yulin, "SELECT count(*) FROM audit_event")[0][0] == before
    assert_chinese(page)
    shot(page, "city_county_round")
    editor = page.open_application()
    qtbot.waitUntil(lambda: editor.idle() and editor.banner.isVisibleTo(editor), timeout=TIMEOUT)
    assert editor.banner.text() == "此申请属于绥德县总工会，在本单位只能查看（须由该单位修改后报送）。"
    assert not editor.save_button.isVisibleTo(editor) and editor.student_name.isReadOnly()
    shot(editor, "city_county_application")
    editor.close()

    # installments due: the counties' are listed with their unit, only the city's own can be acted on
    page.tabs.setCurrentIndex(1)
    page.due_year.setValue(2029)  # the later years of the plans
    qtbot.waitUntil(lambda: page.idle() and bool(page.installments), timeout=TIMEOUT)
    owners = {i.owner_unit_id for i in page.installments}
    assert {yulin.unit_id, suide.unit_id} <= owners
    assert not page.due_table.isColumnHidden(7)
    for row, item in enumerate(page.installments):
        page.due_table.selectRow(row)
        own = item.owner_unit_id == yulin.unit_id
        assert page.enrolled_button.isEnabled() == (own and item.status == "pending"), item
        assert page.pay_due_button.isEnabled() == (own and item.status == "released"), item
        assert (page.due_note.text() == "") == own
        assert page.due_table.item(row, 7).text() == ("本单位" if own else
                                                      {suide.unit_id: "绥德县总工会"}.get(item.owner_unit_id, "米脂县总工会"))
    county_row = next(r for r, i in enumerate(page.installments) if i.owner_unit_id == suide.unit_id)
    page.due_table.selectRow(county_row)
    assert page.due_note.text() == "此笔分年发放属于绥德县总工会，在本单位只能查看。"
    page.check_enrolment(True)
    qtbot.waitUntil(page.idle, timeout=TIMEOUT)
    assert sql(yulin, "SELECT count(*) FROM audit_event")[0][0] == before
    shot(page, "city_installments")


# --- the registry -------------------------------------------------------------------------------------------


def test_the_registry_filters_by_reporting_unit_at_the_city(qtbot, city, shot) -> None:
    from assist_desktop.ui.registry.page import RegistryPage

    yulin = city["yulin"]
    page = show(qtbot, RegistryPage(context(yulin, "shenhe")), 1180, 680)
    assert page.wait()
    bar = page.filter_bar
    qtbot.waitUntil(lambda: bar.owner.count() > 1, timeout=TIMEOUT)
    assert bar.owner.isVisibleTo(page)
    assert combo_items(bar.owner) == ["全部上报单位", "本单位", "绥德县总工会", "米脂县总工会"]
    assert page.model.total == sql(yulin, "SELECT count(*) FROM hardship_file")[0][0]

    def unions_held(owner: str | None) -> set[str]:
        """The unions holding files (of one reporting unit), named as the 所属工会 box names them at a city:
        another unit's union with its unit, since the city and its counties may have unions of one name."""
        rows = sql(yulin, "SELECT DISTINCT u.name, k.name, k.id FROM hardship_file f JOIN org_unit u ON "
                          "u.id = f.unit_id JOIN org_unit k ON k.id = u.owner_unit_id")
        if owner is not None:
            return {union for union, _keeper, keeper_id in rows if keeper_id == owner}
        return {union if keeper_id == yulin.unit_id else f"{union}（{keeper}）" for union, keeper, keeper_id in rows}

    assert set(combo_items(bar.unit)[1:]) == unions_held(None)
    assert "名州镇总工会（绥德县总工会）" in combo_items(bar.unit)
    for key in ("yulin", "suide", "mizhi"):
        choose(bar.owner, city[key].unit_id)
        assert page.wait()
        n = sql(yulin, "SELECT count(*) FROM hardship_file WHERE owner_unit_id = ?", city[key].unit_id)[0][0]
        assert page.model.total == n and page.count_label.text() == f"共 {n} 户", key
        shown = {page.model.data(page.model.index(r, 0), Qt.ItemDataRole.DisplayRole)
                 for r in range(page.model.rowCount())}
        assert shown == {no for (no,) in sql(yulin, "SELECT file_no FROM hardship_file WHERE owner_unit_id = ?",
                                                 city[key].unit_id)}
        assert sorted(combo_items(bar.unit)[1:]) == sorted(unions_held(city[key].unit_id)), key
    # with 所属工会: one of 米脂's unions, chosen among every county's
    unit_id, held = sql(yulin, "SELECT unit_id, count(*) FROM hardship_file WHERE owner_unit_id = ? GROUP BY unit_id "
                               "ORDER BY count(*) DESC LIMIT 1", city["mizhi"].unit_id)[0]
    choose(bar.unit, unit_id)
    assert page.wait() and page.model.total == held
    assert bar.unit.currentText() != combo_items(bar.unit)[0]
    shot(page, "city_registry")
    # another reporting unit: 米脂's union is not one of 绥德's, so the union filter goes back to all
    choose(bar.owner, city["suide"].unit_id)
    assert page.wait() and bar.unit.currentIndex() == 0
    n = sql(yulin, "SELECT count(*) FROM hardship_file WHERE owner_unit_id = ?", city["suide"].unit_id)[0][0]
    assert page.model.total == n
    bar.clear()
    assert page.wait() and bar.owner.currentIndex() == 0
    assert page.model.total == sql(yulin, "SELECT count(*) FROM hardship_file")[0][0]
    assert_chinese(page)


# --- statistics ---------------------------------------------------------------------------------------------


def statistics_page(qtbot, ctx):  # type: ignore[no-untyped-def]
    from assist_desktop.ui.statistics.page import StatisticsPage

    page = show(qtbot, StatisticsPage(ctx), 1280, 720)
    qtbot.waitUntil(page.idle, timeout=TIMEOUT)
    return page


def table_texts(page) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return {page.table.item(r, 0).text(): [page.table.item(r, c).text() for c in range(1, page.table.columnCount())]
            for r in range(page.table.rowCount())}


OWNER_SQL = {  # programme → (entity, sqlite3 count and sum per owner over every year)
    "files": ("hardship_file", "SELECT owner_unit_id, count(*), sum(household_size) FROM hardship_file "
                               "WHERE status = 'active' GROUP BY owner_unit_id"),
    "scholarships": ("scholarship", "SELECT owner_unit_id, count(*), sum(amount_fen) FROM scholarship "
                                    "WHERE status IN ('approved', 'paid') GROUP BY owner_unit_id"),
    "visits": ("visit", "SELECT owner_unit_id, count(*), sum(cash_fen) FROM visit "
                        "WHERE status IN ('approved', 'paid') GROUP BY owner_unit_id"),
    "payments": ("disbursement", "SELECT owner_unit_id, count(*), sum(amount_fen) FROM disbursement "
                                 "GROUP BY owner_unit_id"),
}


def test_statistics_by_reporting_unit_at_the_city(qtbot, city, shot) -> None:
    from assist_desktop.domain.money import format_amount

    yulin = city["yulin"]
    page = statistics_page(qtbot, context(yulin, "shenhe"))
    names = dict(sql(yulin, "SELECT id, name FROM org_unit"))
    for program, (entity, query) in OWNER_SQL.items():
        page.set_choice(year=None, program=program, dimension="owner")
        qtbot.waitUntil(page.idle, timeout=TIMEOUT)
        assert "上报单位" in combo_items(page.dimension_combo)
        assert page.table_title.text().endswith("按上报单位）")
        texts = table_texts(page)
        expected = {names[o]: (n, amount) for o, n, amount in sql(yulin, query)}
        assert list(texts)[:-1] == ["榆林市总工会", "绥德县总工会", "米脂县总工会"]  # then 合计
        for label, (n, amount) in expected.items():
            assert texts[label][0] == f"{n:,}", (program, label)
            second = f"{amount:,}" if program == "files" else format_amount(amount)
            assert texts[label][1] == second, (program, label)
        # a click on 绥德's count opens exactly 绥德's records
        row = list(texts).index("绥德县总工会")
        cell = page.cell_at(row, 1)
        assert cell is not None and cell.dimension == "owner" and cell.key == city["suide"].unit_id
        page._cell_clicked(row, 1)
        dialog = page.dialog
        qtbot.waitUntil(dialog.idle, timeout=TIMEOUT)
        assert dialog.records.entity == entity and len(dialog.records.ids) == expected["绥德县总工会"][0]
        owners = {o for (o,) in sql(yulin, f"SELECT DISTINCT owner_unit_id FROM {entity} WHERE id IN "
                                           f"({','.join('?' * len(dialog.records.ids))})", *dialog.records.ids)}
        assert owners == {city["suide"].unit_id}
        assert "上报单位：绥德县总工会" in page.describe(cell)
        if program == "visits":
            shot(dialog, "city_statistics_records")
        dialog.close()
    assert_chinese(page)
    shot(page, "city_statistics")
    # by 所属工会: a county's union carries its county's name (the city has a 名州镇总工会 of its own too)
    page.set_choice(year=None, program="files", dimension="unit")
    qtbot.waitUntil(page.idle, timeout=TIMEOUT)
    labels = list(table_texts(page))[:-1]
    assert "名州镇总工会（绥德县总工会）" in labels and len(set(labels)) == len(labels)
    shot(page, "city_statistics_unions")


# --- at a county: nothing new ---------------------------------------------------------------------------------


def test_a_county_sees_none_of_the_new_controls(qtbot, city, shot) -> None:
    from assist_desktop.ui.registry.page import RegistryPage

    suide = city["suide"]
    registry = show(qtbot, RegistryPage(context(suide, "shenhe")), 1180, 680)
    assert registry.wait()
    qtbot.waitUntil(lambda: registry.filter_bar.year.count() > 1, timeout=TIMEOUT)
    assert not registry.filter_bar.owner.isVisibleTo(registry)
    assert combo_items(registry.filter_bar.owner) == ["全部上报单位", "本单位"]
    stats = statistics_page(qtbot, context(suide, "shenhe"))
    for program in OWNER_SQL:
        stats.set_choice(program=program)
        assert "上报单位" not in combo_items(stats.dimension_combo)
    chair = campaigns_page(qtbot, context(suide, "shenpi"))
    assert combo_items(chair.campaign_combo) == ["2026年春节送温暖活动（已结束）"]
    assert chair.own() and chair.close_campaign_button.isEnabled() and not chair.owner_note.isVisibleTo(chair)
    chair.tabs.setCurrentIndex(2)
    assert chair.campaign_table.isColumnHidden(8)
    rounds = scholarships_page(qtbot, context(suide, "jingban"))
    assert "绥德县总工会" not in "".join(combo_items(rounds.round_combo))
    assert rounds.own() and not rounds.owner_note.isVisibleTo(rounds)
    rounds.tabs.setCurrentIndex(1)
    rounds.due_year.setValue(2029)
    qtbot.waitUntil(lambda: rounds.idle() and bool(rounds.installments), timeout=TIMEOUT)
    assert rounds.due_table.isColumnHidden(7)
    ((file_id,),) = sql(suide, "SELECT id FROM hardship_file WHERE status = 'active' ORDER BY file_no LIMIT 1")
    editor = open_editor(qtbot, context(suide, "jingban"), file_id)
    assert not editor.read_only and not editor.banner.isVisibleTo(editor) and editor.attachments.can_add
    editor.close()

"""Importing a ledger of hardship files: header below a title, merged header cells, members under their
worker, every kind of ledger damage repaired or refused with a Chinese message naming row and column,
duplicates within the sheet and against the registry, nothing written before commit."""

from __future__ import annotations

import json
from contextlib import closing

from datetime import date, timedelta
from pathlib import Path

import pytest

from assist_desktop.services import registry
from assist_desktop.services.approvals import BatchCancelled
from assist_desktop.services.ledger import (
    ImportOptions,
    LedgerImportError,
    commit_import,
    prepare_import,
    read_sheet,
    save_report,
)
from tests.dbtools import connect
from tests.services.conftest import TODAY, County, make_id

from .conftest import write_csv, write_xlsx

WORKER = make_id("19800315", 123)
WIFE = make_id("19820611", 224)
SON = make_id("20090901", 331)
HEADER = ["序号", "姓名", "与户主关系", "性别", "身份证号码", "联系电话", "家庭住址", "工作单位", "所属工会", "困难类别",
          "致困原因", "次要致困原因", "家庭人口", "月收入（元）", "家庭其他年收入", "医疗支出", "建档日期"]


def person(seq, name, relation, sex, id_number, *, phone="13912345678", category="深度困难", cause="6", secondary="9",
           size=None, income="800", other="1,200元", medical="10000", opened="2019年3月1日"):
    return [seq, name, relation, sex, id_number, phone, "陕西省榆林市绥德县名州镇张家村12号", "绥德县兴业建筑工程有限公司",
            "名州镇总工会", category, cause, secondary, size, income, other, medical, opened]


def member(name, relation, sex, id_number, income=None):
    return [None, name, relation, sex, id_number, None, None, None, None, None, None, None, None, income, None, None, None]


def ledger(tmp_path: Path, rows, name="台账.xlsx") -> Path:
    """A title row merged across; a header over two rows: most names merged down over both, 收入情况
    merged across over its three columns, which are named in the second row."""
    top = ["绥德县困难职工档案台账（2024年）"] + [None] * (len(HEADER) - 1)
    upper = HEADER[:13] + ["收入情况", None, None, HEADER[16]]
    lower = [None] * 13 + HEADER[13:16] + [None]
    merges = ["A1:Q1", "N2:P2"] + [f"{c}2:{c}3" for c in "ABCDEFGHIJKLMQ"]
    return write_xlsx(tmp_path / name, [top, upper, lower, *rows], merges=merges)


def good_household():
    return [person(1, "王建国", "本人", "男", WORKER, size=3),
            member("李秀英", "妻子", "女", WIFE),
            member("王浩", "儿子", "男", SON)]


def test_a_clean_ledger_is_checked_then_written_in_one_go(county: County, tmp_path: Path) -> None:
    path = ledger(tmp_path, good_household())
    before = county.counts()
    with county.session() as s:
        plan = prepare_import(s, county.users["jingban"], path, "files",
                              options=ImportOptions(), today=TODAY)
    assert plan.header.first_data_row == 3  # below the title and both header rows
    assert {"name", "id_number", "monthly_income", "other_annual_income", "opened_on"} <= set(plan.header.mapping.values())
    assert plan.ok, [i.line() for i in plan.issues]
    assert plan.valid_count == 1 and plan.data_rows == 3
    assert county.counts() == before  # nothing written by the check
    with county.session() as s:
        result = commit_import(s, county.users["jingban"], plan)
    assert result.written == 1
    assert county.count("hardship_file") == before["hardship_file"] + 1
    assert county.count("member") == before["member"] + 2
    assert county.count("audit_event") == before["audit_event"] + 1
    with closing(connect(county.path)) as conn:  # the changes as JSON (text on a file, JSONB on a server)
        events = [json.loads(r[0]) for r in conn.execute(
            "SELECT changes FROM audit_event WHERE action = 'import_files' AND entity_type = 'ledger'").fetchall()]
    assert [(e["sha256"], e["file"], e["written"]) for e in events] == [(plan.sha256, "台账.xlsx", 1)]
    with county.session() as s:
        _, ids = registry.search(s, county.users["jingban"], "王建国")  # the name-piece triggers ran
        hf, members = registry.get_file(s, county.users["jingban"], ids[0])
    assert hf.status == "draft" and hf.category == "deep" and hf.household_size == 3
    assert hf.file_origin == "carried" and hf.unit_id == county.grassroots_id
    assert hf.worker_monthly_income_fen == 80_000 and hf.other_annual_income_fen == 120_000
    assert [(m.name, m.relation) for m in members] == [("李秀英", "spouse"), ("王浩", "son")]


def _plan(county: County, path: Path, **kwargs):
    with county.session() as s:
        return prepare_import(s, county.users["jingban"], path, "files", today=TODAY, **kwargs)


def _messages(plan, row: int) -> list[str]:
    return [f"{i.column}：{i.message}" for i in plan.issues if i.row == row]


def test_ledger_damage_is_repaired_or_refused_with_the_row_and_column(county: County, tmp_path: Path) -> None:
    rows = good_household()  # rows 4-6
    rows.append([None] * len(HEADER))  # 7: blank
    rows.append(person(2, "张  伟", "户主", "男", 6.10826197501024E+17, phone="13800000001"))  # 8: ID stored as a number
    rows.append(person(3, "陳建國", "本人", "男", "６１０８２６\n" + make_id("19700101", 451)[6:],  # 9: full width, break
                       phone="138 0000 0002", income="1,000.50元", other=None, opened=43525))
    rows.append(person(4, "赵敏", None, "女", "6.10826E+17", phone="13800000003"))  # 10: scientific text
    rows.append(person(5, "刘强", "本人", "女", make_id("19720202", 613), phone="13800000004"))  # 11: sex vs ID
    rows.append(person(6, "孙丽", "本人", "女", make_id("19750505", 222), phone="13800000005", income="800.555"))  # 12
    rows.append(person(7, "周洁", "本人", "女", WIFE, phone="13800000006"))  # 13: the wife of row 5 again
    rows.append(["合  计", None, None, None, None, None, None, None, None, None, None, None, None, "3,600", None,
                 None, None])  # 14: subtotal
    rows.append(HEADER)  # 15: the header repeated (a ledger printed page by page)
    rows.append(["填表人：李娜", None, None, "审核人：王建军"] + [None] * 13)  # 16: signatures
    plan = _plan(county, ledger(tmp_path, rows))
    assert plan.valid_count == 2  # 王建国's household and 陈建国
    assert plan.skipped_rows == 4
    assert _messages(plan, 15) == ["：重复的表头行，已跳过"] and _messages(plan, 16) == ["：签字或说明行，已跳过"]
    assert any("合计（小计）行，已跳过" in m for m in _messages(plan, 14))
    assert _messages(plan, 8) == ["E列“身份证号码”：身份证号被 Excel 存成了数字（显示为 6.10826E+17），第16位以后的数字已丢失，"
                                  "无法恢复；请把该列设为“文本”格式后重新录入号码"]
    assert _messages(plan, 9) == ["B列“姓名”：姓名“陳建國”含繁体字，已转为简体“陈建国”"]
    assert "科学计数法" in _messages(plan, 10)[0] and _messages(plan, 10)[0].startswith("E列“身份证号码”")
    assert _messages(plan, 11) == ["D列“性别”：性别填写为“女”，但身份证号第17位表示男性，请核对性别或身份证号"]
    assert _messages(plan, 12) == ["N列“月收入”：月收入最多两位小数（精确到分），实际填写了“800.555”"]
    assert _messages(plan, 13)[0].startswith("E列“身份证号码”：周洁（6108**********")
    assert "与第5行的李秀英身份证号相同" in _messages(plan, 13)[0]
    assert [(d.row, d.other, d.in_database) for d in plan.duplicates] == [(13, "第5行", False)]
    chen = next(r for r in plan.records if r.name == "陈建国")
    checked = chen.payload["checked"]
    assert checked.row["id_number"] == make_id("19700101", 451)
    assert checked.row["phone"] == "13800000002" and checked.row["worker_monthly_income_fen"] == 100_050
    assert chen.payload["opened_on"] == date(2019, 3, 1)  # an Excel serial number


def test_duplicates_against_the_registry_and_household_size(county: County, tmp_path: Path, household) -> None:
    with county.session() as s:
        registry.create_file(s, county.users["jingban"], household, today=TODAY)  # 王建国 with wife and son
    rows = [person(1, "王建国", "本人", "男", WORKER, size=3), member("李秀英", "配偶", "女", WIFE),
            member("王浩", "子", "男", SON),
            person(2, "张伟", "本人", "男", make_id("19750102", 457), phone="13800000001", size=4)]
    rows.append(person(3, "李四", "本人", "男", make_id("19760102", 459), phone="13800000002", size=1))
    rows.append(member("李小四", "儿子", "男", make_id("20100102", 461)))  # 9: two listed, one declared
    plan = _plan(county, ledger(tmp_path, rows))
    assert plan.valid_count == 1  # 张伟: a household of 4 with no member rows comes in, members to be completed
    in_db = [(d.row, d.in_database) for d in plan.duplicates]
    assert (4, True) in in_db and (5, True) in in_db
    assert any("已是档案 610826-2026-00001 的职工" in m for m in _messages(plan, 4))
    zhang = next(r for r in plan.records if r.valid)
    assert zhang.pending_members and zhang.payload["checked"].figures.household_size == 4
    assert any("成员待补录" in m for m in _messages(plan, 7))
    assert _messages(plan, 8) == ["M列“家庭人口”：家庭人口填写为1人，但台账中登记了职工本人和1名家庭成员共2人，请核对家庭人口或家庭成员"]


def test_registry_rules_apply_to_every_row(county: County, tmp_path: Path) -> None:
    rows = [person(1, "王建国", "本人", "男", WORKER, phone=None),  # 4: no phone
            person(2, "张伟", "本人", "男", make_id("19750102", 457), phone="13800000001", category="相对困难"),  # 5
            person(3, "李四", "本人", "男", make_id("19760102", 459), phone="13800000002", cause="11"),  # 6
            person(4, "李五", "本人", "男", make_id("19770102", 459), phone="13800000003", size=2),  # 7
            member("李小五", "邻居", "男", make_id("20100102", 461))]  # 8: a relation no ledger word names
    plan = _plan(county, ledger(tmp_path, rows))
    assert _messages(plan, 4) == ["F列“联系电话”：没有手机号码：已导入，请在档案中补填（建档时手机号码为必填项）"]
    # a historic ledger's category is kept, the ledger named as the reason (a 提示, not a refusal)
    assert _messages(plan, 5) == ["J列“困难类别”：按公式测算为“深度困难”，按台账定为“相对困难”，调整理由：按原台账认定（台账.xlsx）"]
    assert [i.level for i in plan.issues if i.row == 5] == ["warning"]
    assert _messages(plan, 6) == ["K列“致困原因”：主要致困原因代码“11”不存在（应为1至10）"]
    assert _messages(plan, 8) == ["C列“与户主关系”：与户主关系“邻居”无法识别，共1行使用（第8行）；请在“值对应”中指定它是什么，或改正台账"]
    assert [(u.field, u.word, u.rows) for u in plan.unknown] == [("relation", "邻居", [("", 8)])]
    # the ledger's category is kept, with the reason given for the whole sheet
    plan = _plan(county, ledger(tmp_path, rows[1:2]), options=ImportOptions(category_reason="按原台账认定"))
    assert plan.ok
    assert "调整理由：按原台账认定" in plan.warnings[0].message


def test_nothing_is_written_until_commit_and_cancel_leaves_nothing(county: County, tmp_path: Path) -> None:
    rows = good_household() + [person(2, f"张{c}", "本人", "男", make_id("19750102", 401 + 2 * i),
                                      phone=f"1380000{i:04d}") for i, c in enumerate("一二三四五六七八九十")]
    path = ledger(tmp_path, rows)
    before = county.counts()
    plan = _plan(county, path)
    assert plan.ok and plan.valid_count == 11
    assert county.counts() == before
    calls = []
    with county.session() as s, pytest.raises(BatchCancelled):
        commit_import(s, county.users["jingban"], plan, cancelled=lambda: len(calls) > 0,
                      progress=lambda done, total: calls.append((done, total)))
    assert calls  # the first chunk went in before the cancel …
    assert county.counts() == before  # … and was rolled back with everything else
    with county.session() as s:
        commit_import(s, county.users["jingban"], plan, progress=lambda d, t: calls.append((d, t)))
    assert county.count("hardship_file") == before["hardship_file"] + 11
    assert county.count("number_sequence", "prefix = 'file:610826:2026'") == 1
    with county.session() as s:  # the same plan again: the database changed since the check
        with pytest.raises(LedgerImportError, match="重新检查"):
            commit_import(s, county.users["jingban"], plan)


def test_errors_block_the_commit_unless_skip_invalid(county: County, tmp_path: Path) -> None:
    rows = good_household() + [person(2, "张伟", "本人", "男", "610826197501024", phone="13800000001")]
    plan = _plan(county, ledger(tmp_path, rows))
    assert _messages(plan, 7) == ["E列“身份证号码”：身份证号“610826197501024”是15位，按旧号码规则升为18位后无效"
                                  "（身份证号中的出生日期“19197501”不是有效日期，请核对第7至14位）：请核对号码或填写18位号码"]
    before = county.counts()
    with county.session() as s, pytest.raises(LedgerImportError, match="有1处错误，未写入任何数据"):
        commit_import(s, county.users["jingban"], plan)
    assert county.counts() == before
    with county.session() as s:
        result = commit_import(s, county.users["jingban"], plan, skip_invalid=True)
    assert result.written == 1 and result.skipped_invalid == 1
    report = save_report(plan, tmp_path / "报告.xlsx")
    sheet = read_sheet(report)
    texts = [" ".join(str(v) for v in row if v is not None) for row in sheet.rows]
    assert any("按旧号码规则升为18位后无效" in t and t.startswith("7 ") for t in texts)


def test_historic_files_as_active_go_through_the_approver_as_one_batch(county: County, tmp_path: Path) -> None:
    """The clerk imports; the approver approves the batch on the 审批 page; nobody approves their own import."""
    from assist_desktop.services import approvals, import_batches
    from assist_desktop.services.base import PermissionDenied

    path = ledger(tmp_path, good_household() + [person(2, "张伟", "本人", "男", make_id("19750102", 457),
                                                       phone="13800000001", size=4)])
    with county.session() as s:
        plan = prepare_import(s, county.users["jingban"], path, "files", options=ImportOptions(file_status="active"),
                              today=TODAY)
        result = commit_import(s, county.users["jingban"], plan)
    assert result.import_batch_id and "整批审批" in result.summary
    assert county.count("hardship_file", "status = 'draft' AND import_batch_id IS NOT NULL "
                                         "AND filed_on = '2019-03-01' AND filing_year = 2019") == 2
    with county.session() as s:  # the files wait for the batch, not one by one
        assert approvals.pending(s, county.users["jingban"]) == []
        assert import_batches.pending_batches(s, county.users["jingban"]) == []  # not an approver
        [item] = import_batches.pending_batches(s, county.users["shenpi"])
    assert (item.households, item.members, item.pending_members, item.own) == (2, 2, 1, False)
    with county.session() as s, pytest.raises(PermissionDenied, match="审批"):
        import_batches.approve_batch(s, county.users["jingban"], item.id, today=TODAY)
    before = county.counts()
    with county.session() as s:
        assert import_batches.approve_batch(s, county.users["shenpi"], item.id, opinion="原台账在档户", today=TODAY) == 2
    assert county.count("hardship_file", "status = 'active' AND opened_on = '2019-03-01'") == 2
    assert county.count("workflow_event") == before["workflow_event"] + 2
    assert county.count("workflow_event", "opinion LIKE '整批审批台账导入：台账.xlsx；原台账在档户'") == 2
    assert county.count("import_batch", "status = 'approved'") == 1
    with county.session() as s, pytest.raises(import_batches.ImportBatchError, match="已已审批|已审批"):
        import_batches.approve_batch(s, county.users["shenpi"], item.id, today=TODAY)
    # the allround user imports a batch: someone else must approve it
    path2 = ledger(tmp_path, [person(3, "赵敏", "本人", "女", make_id("19760304", 222), phone="13800000002")],
                   name="二.xlsx")
    with county.session() as s:
        plan = prepare_import(s, county.users["allround"], path2, "files", options=ImportOptions(file_status="active"),
                              today=TODAY)
        batch = commit_import(s, county.users["allround"], plan).import_batch_id
    with county.session() as s, pytest.raises(PermissionDenied, match="您本人导入的"):
        import_batches.approve_batch(s, county.users["allround"], batch, today=TODAY)
    with county.session() as s, pytest.raises(import_batches.ImportBatchError, match="理由"):
        import_batches.return_batch(s, county.users["shenpi"], batch, reason=" ")
    with county.session() as s:
        assert import_batches.return_batch(s, county.users["shenpi"], batch, reason="请核对建档时间") == 1
    assert county.count("hardship_file", "name = '赵敏' AND status = 'draft'") == 1
    with county.session() as s:  # returned: the file is an ordinary draft again, for its author to submit
        assert [i.name for i in approvals.pending(s, county.users["allround"])] == ["赵敏"]


def test_a_cancelled_check_writes_nothing_and_says_so(county: County, tmp_path: Path) -> None:
    rows = [person(i, "张伟", "本人", "男", make_id(f"{date(1970, 1, 1) + timedelta(days=i):%Y%m%d}", 401),
                   phone=f"138000{i:05d}") for i in range(450)]
    path = ledger(tmp_path, rows)
    seen = []
    before = county.counts()
    with county.session() as s, pytest.raises(BatchCancelled, match="已取消检查"):
        prepare_import(s, county.users["jingban"], path, "files", today=TODAY,
                       progress=lambda done, total: seen.append((done, total)), cancelled=lambda: len(seen) >= 1)
    assert seen == [(200, 450)]
    assert county.counts() == before


@pytest.mark.sqlite_only  # PostgreSQL's statement-level triggers cut the pieces themselves (derived.name_pieces_kept)
def test_name_pieces_written_in_bulk_are_those_the_triggers_write(county: County, tmp_path: Path) -> None:
    """SQLite: the import drops the name-piece triggers for its transaction and writes the pieces of all its files in one
    statement: they must be exactly the triggers' pieces (worker: 1 and 2 characters, members: 2), the triggers
    must be back afterwards — and after a cancelled import too."""
    import sqlite3
    from contextlib import closing

    long_name = "阿卜杜热合曼·买买提依明·艾则孜"
    rows = good_household() + [person(2, long_name, "本人", "男", make_id("19750102", 401), phone="13800001111", size=2),
                               member("古丽米热·阿不都", "妻子", "女", make_id("19770304", 502))]
    path = ledger(tmp_path, rows)
    plan = _plan(county, path)
    assert plan.ok, [i.line() for i in plan.issues]

    def triggers() -> set[str]:
        with closing(sqlite3.connect(county.path)) as conn:
            return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}

    def pieces() -> set[tuple[str, str]]:
        with closing(sqlite3.connect(county.path)) as conn:
            # joined by the file number too: a piece written without its file's number would be missing
            return set(conn.execute("SELECT g.gram, f.name FROM name_gram AS g JOIN hardship_file AS f "
                                    "ON f.rowid = g.file_rowid AND f.file_no = g.file_no"))

    before = triggers()
    assert len(before) == 6
    with county.session() as s, pytest.raises(BatchCancelled):
        commit_import(s, county.users["jingban"], plan, cancelled=lambda: True)
    assert triggers() == before
    with county.session() as s:
        commit_import(s, county.users["jingban"], plan)
    assert triggers() == before
    bulk = pieces()
    assert {("艾则", long_name), ("·", long_name), ("古丽", long_name), ("秀英", "王建国"), ("王", "王建国")} <= bulk
    with closing(sqlite3.connect(county.path)) as conn, conn:
        conn.execute("DELETE FROM name_gram")
        conn.execute("UPDATE hardship_file SET name = name")  # the rename trigger writes every file's pieces again
    assert pieces() == bulk
    with county.session() as s:
        _, ids = registry.search(s, county.users["jingban"], "热合曼")
    assert len(ids) == 1


def test_control_characters_in_cells_are_named_at_their_cell(county: County, tmp_path: Path) -> None:
    """An invisible control character pasted into a cell (BEL, a direction override) is the row's error at its
    column; Word's vertical tab for a line break is a space, not an error."""
    rows = [HEADER, person(1, "王建国", "本人", "男", WORKER, size=1),
            person(2, "张\x0b三", "本人", "男", make_id("19750102", 401), phone="13800001111", size=1),
            person(3, "李四", "本人", "男", make_id("19750102", 413), phone="13800001112", size=1)]
    rows[1][6] = "绥德县名州镇\x07张家村12号"
    rows[3][7] = "绥德县\u202e兴业建筑公司"
    plan = _plan(county, write_csv(tmp_path / "台账.csv", rows, "utf-8-sig"))
    assert _messages(plan, 2) == ["G列“家庭住址”：单元格中有不可见的控制字符（BEL 响铃，U+0007），请在 Excel 中删除后重新导入"]
    assert _messages(plan, 3) == []
    assert _messages(plan, 4) == ["H列“工作单位”：单元格中有不可见的控制字符（方向控制符，U+202E），请在 Excel 中删除后重新导入"]
    assert plan.valid_count == 1

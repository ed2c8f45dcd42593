"""``disputebot case …`` run as the command would, against the test database."""
from __future__ import annotations

import argparse
import asyncio
import json

from sqlalchemy import select

from bot.store.models import Case, OutboxItem
from routing.cli import register as register_cli
from tests import test_cases as base
from tests.test_cases import PHONE, register

# Fixtures shared with test_cases.py (assigned, not imported, so linters see them used).
engine, rules, sm = base.engine, base.rules, base.sm


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="disputebot")
    register_cli(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


async def run(config, *argv: str) -> int:
    args = parse(*argv)
    return await asyncio.to_thread(args.func, args, config)  # the handler runs its own loop


async def test_operator_lists_every_case_and_an_agency_only_its_own(
        sm, config, rules, capsys):
    tax_case = await register(sm, config, rules)
    hrss_case = await register(sm, config, rules, category="payment_record")  # hrss + tax
    court_case = await register(sm, config, rules, category="service_complaint",
                                description="社保局窗口态度差")  # tax only
    assert await run(config, "case", "list") == 0
    out = capsys.readouterr().out
    assert all(c.case_no in out for c in (tax_case, hrss_case, court_case))
    assert await run(config, "case", "list", "--agency", "hrss") == 0
    out = capsys.readouterr().out
    assert hrss_case.case_no in out and tax_case.case_no not in out
    assert await run(config, "case", "list", "--status", "resolved") == 0
    assert capsys.readouterr().out == ""


async def test_show_masks_contact_and_resolve_queues_the_payer_notices(
        sm, config, rules, capsys):
    case = await register(sm, config, rules)
    assert await run(config, "case", "show", case.case_no) == 0
    view = json.loads(capsys.readouterr().out)
    assert view["case_no"] == case.case_no and PHONE not in json.dumps(view)
    assert await run(config, "case", "show", case.case_no, "--agency", "court") == 3
    assert await run(config, "case", "resolve", case.case_no, "--result", "已减免") == 0
    async with sm() as session:
        stored = await session.get(Case, case.id)
        notices = (await session.execute(
            select(OutboxItem.payload).where(OutboxItem.channel == "wechat")
            .order_by(OutboxItem.id))).scalars()
        kinds = [p["notice"] for p in notices]
    assert stored.status == "resolved"
    assert kinds == ["resolved", "feedback_request"]
    assert await run(config, "case", "resolve", case.case_no, "--result", "again") == 1


async def test_odd_case_numbers_find_the_case_or_give_one_short_error_line(
        sm, config, rules, capsys):
    """Regression: an unknown number was echoed raw — control characters, newlines and any
    amount of padding — into the error line."""
    case = await register(sm, config, rules)
    assert await run(config, "case", "show", " " + case.case_no.lower() + " ") == 0
    assert json.loads(capsys.readouterr().out)["case_no"] == case.case_no
    for typed in ("ZY\x1b[2J\n0001", " " * 500 + "ZY1", "x" * 500):
        assert await run(config, "case", "show", typed) == 3
        err = capsys.readouterr().err.strip().splitlines()[-1]
        assert err.startswith("错误：没有找到该案件") and err.isprintable() and len(err) < 80


async def test_accept_request_info_note_and_transfer_work_like_the_api(
        sm, config, rules, capsys):
    case = await register(sm, config, rules)  # tax leads
    assert await run(config, "case", "accept", case.case_no, "--agency", "tax") == 0
    assert await run(config, "case", "accept", case.case_no, "--agency", "tax") == 1
    assert await run(config, "case", "request-info", case.case_no, "--agency", "tax",
                     "--text", "请提供工资条") == 0
    assert await run(config, "case", "note", case.case_no, "--agency", "tax",
                     "--text", "已电话联系单位") == 0
    assert await run(config, "case", "transfer", case.case_no, "--agency", "court",
                     "--to", "hrss", "--reason", "x") == 3  # court cannot see it
    assert await run(config, "case", "transfer", case.case_no, "--agency", "tax",
                     "--to", "hrss", "--reason", "属于基数核定") == 0
    assert "转办完成（当前状态：已分派）" in capsys.readouterr().out
    async with sm() as session:
        stored = await session.get(Case, case.id)
    assert stored.lead_agency == "hrss" and stored.awaiting_info is True


async def test_an_unreachable_database_is_one_error_line_not_a_traceback(config, capsys):
    import dataclasses

    broken = dataclasses.replace(
        config, database_url="postgresql+asyncpg://nobody:x@127.0.0.1:1/none")
    assert await run(broken, "case", "list") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "无法连接数据库" in err[0] and "DATABASE_URL" in err[0]


async def test_refusals_are_one_chinese_line_and_the_list_filters_by_category(
        sm, config, rules, capsys):
    """Regression: operators read "error: case ZY… is resolved" and could not filter by
    category at the terminal as the API can."""
    case = await register(sm, config, rules)
    refund = await register(sm, config, rules, category="refund")
    assert await run(config, "case", "resolve", case.case_no, "--result", "已减免") == 0
    assert await run(config, "case", "accept", case.case_no) == 1
    assert capsys.readouterr().err.strip() == (
        f"错误：案件 {case.case_no} 已办结，不允许此操作（受理、请缴费人补充材料、转办、办结）；"
        "可添加备注。缴费人回复“重新办理”后案件会重新交办。")
    assert await run(config, "case", "note", case.case_no, "--text", "\u200b") == 1
    assert "内容不能为空" in capsys.readouterr().err
    assert await run(config, "case", "list", "--agency", "nobody") == 1
    assert "tax（区税务局）" in capsys.readouterr().err
    assert await run(config, "case", "list", "--category", "refund") == 0
    captured = capsys.readouterr()
    assert refund.case_no in captured.out and case.case_no not in captured.out
    assert captured.err.strip() == "第 1–1 件，共 1 件"


async def test_agency_is_read_as_the_api_reads_it_and_an_unknown_one_echoed_as_typed(
        sm, config, rules, capsys):
    """Regression: " HRSS " and 区税务局 were refused, and an unknown agency was echoed
    upper-cased like a case number ("hrss2" shown as HRSS2)."""
    hrss_case = await register(sm, config, rules, category="payment_record")
    for typed in (" HRSS ", "区人力资源和社会保障局"):
        assert await run(config, "case", "list", "--agency", typed) == 0
        assert hrss_case.case_no in capsys.readouterr().out
    assert await run(config, "case", "list", "--agency", "hrss2") == 1
    err = capsys.readouterr().err.strip()
    assert "“hrss2”" in err and "HRSS2" not in err and len(err.splitlines()) == 1


async def test_list_filters_by_severity_and_search_like_the_api(sm, config, rules, capsys):
    """Regression: the API's ?severity= and ?q= had no counterpart at the terminal."""
    plain = await register(sm, config, rules)
    major = await register(sm, config, rules, openid="o-payer-2", severity="major",
                           employer="宏达电子厂", headcount=120)
    assert await run(config, "case", "list", "--severity", "major") == 0
    out = capsys.readouterr().out
    assert major.case_no in out and plain.case_no not in out
    assert await run(config, "case", "list", "--search", "宏达") == 0
    out = capsys.readouterr().out
    assert major.case_no in out and plain.case_no not in out
    assert await run(config, "case", "list", "--search", plain.case_no[-4:].lower()) == 0
    assert plain.case_no in capsys.readouterr().out
    assert await run(config, "case", "list", "--severity", "huge") == 1
    err = capsys.readouterr().err.strip()
    assert "“huge”" in err and "major（重大疑难事项）" in err

"""Case cards, reminders and alerts for the WeCom groups (routing/cards.py)."""
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from routing.cards import messages_for, render_alert, render_card, render_reminder
from routing.deadlines import SHANGHAI
from routing.rules import GroupTarget, load_rules
from routing.webhook import MARKDOWN_LIMIT

CONFIG = yaml.safe_load(
    (Path(__file__).resolve().parent.parent / "config.yaml").read_text(encoding="utf-8")
)
AGENCY_NAMES = {key: spec["name"] for key, spec in CONFIG["agencies"].items()}
PHONE = "13812345678"
ID_NUMBER = "44010619900101123X"


def make_case(**overrides):
    case = {
        "case_no": "ZY20260306-0007",
        "category": "employer_arrears",
        "severity": "general",
        "severity_reasons": [],
        "jurisdiction": "新塘镇",
        "lead_agency": "tax",
        "co_agencies": ["hrss"],
        "deadline": datetime(2026, 3, 13, 10, 0, tzinfo=SHANGHAI),
        "description": f"公司欠缴两年社保。我的电话{PHONE}，身份证{ID_NUMBER}。",
        "headcount": 12,
        "employer": "增城某电子厂",
        "evidence": ["media-1", "media-2", "media-3"],
        "name": "张三",
        "phone": PHONE,
        "desired_outcome": "要求单位补缴",
        "period": "2024-01至2025-12",
        "amount": "约8万元",
        "status": "new",
    }
    case.update(overrides)
    return case


@pytest.fixture(scope="module")
def rules():
    return load_rules(config_raw=CONFIG)


def route_for(rules, case):
    return rules.route(case["category"], case["severity"], case["severity_reasons"],
                       case["jurisdiction"], case["description"])


def test_card_has_header_fields_in_chinese(rules):
    case = make_case()
    card = render_card(case, route_for(rules, case), AGENCY_NAMES)
    for expected in ("ZY20260306-0007", "用人单位欠缴", "一般事项", "新塘镇（增城区）",
                     "区税务局", "区人力资源和社会保障局", "2026-03-13", "增城某电子厂",
                     "涉及人数：12", "证据材料：3 份", "张*", "138****5678", "公司欠缴两年社保"):
        assert expected in card


def test_card_never_contains_full_phone_id_or_name_even_from_description(rules):
    case = make_case(desired_outcome=f"请打{PHONE}联系我", employer=f"某厂（法人{ID_NUMBER}）")
    card = render_card(case, route_for(rules, case), AGENCY_NAMES)
    assert PHONE not in card
    assert ID_NUMBER not in card
    assert "张三" not in card
    assert "440***********123X" in card


def test_payer_name_typed_into_the_description_is_masked(rules):
    case = make_case(name="刘强", description="我叫刘强，公司欠缴我两年社保，刘强的工友也是")
    card = render_card(case, route_for(rules, case), AGENCY_NAMES)
    assert "刘强" not in card
    assert "我叫刘*，公司欠缴我两年社保，刘*的工友也是" in card


def test_major_card_has_red_marker_and_translated_reasons(rules):
    case = make_case(severity="major", severity_reasons=["headcount:200", "protest", "media"])
    card = render_card(case, route_for(rules, case), AGENCY_NAMES)
    assert '<font color="warning">' in card.splitlines()[0]
    assert "重大疑难事项" in card
    assert "涉及约200人" in card and "聚集/抗议" in card and "扬言媒体曝光" in card
    assert "区网信办" in card and "征缴争议处理领导小组办公室" in card


def test_general_card_has_no_red_marker(rules):
    case = make_case()
    assert 'color="warning"' not in render_card(case, route_for(rules, case), AGENCY_NAMES)


def test_user_text_cannot_inject_mentions_or_links(rules):
    case = make_case(description="<@all> 请看 [链接](http://evil.example) <font color=\"info\">")
    card = render_card(case, route_for(rules, case), AGENCY_NAMES)
    assert "<@all>" not in card
    assert "[链接]" not in card
    assert '<font color="info">' not in card


@pytest.mark.parametrize("filler", ["争", "a", "😀"])
def test_long_description_is_cut_to_4096_bytes_on_a_character_boundary(rules, filler):
    case = make_case(description=f"电话{PHONE}。" + filler * 10_000)
    card = render_card(case, route_for(rules, case), AGENCY_NAMES)
    data = card.encode("utf-8")
    assert len(data) <= MARKDOWN_LIMIT
    assert data.decode("utf-8") == card  # strict decode: nothing split
    assert "ZY20260306-0007" in card
    assert "…" in card
    assert PHONE not in card
    assert card.rstrip().endswith("</font>")  # the footer survives the cut


def test_id_number_cut_by_the_limit_is_masked_before_cutting(rules):
    # The cut falls inside the ID number; scrubbing first means no partial ID leaks.
    case = make_case(description="")
    base = render_card(case, route_for(rules, case), AGENCY_NAMES)
    room = MARKDOWN_LIMIT - len(base.encode("utf-8")) + len("（无）".encode())
    case["description"] = "x" * (room - 10) + ID_NUMBER
    card = render_card(case, route_for(rules, case), AGENCY_NAMES)
    assert "440****…" in card  # cut inside the (masked) ID
    assert "4401061" not in card


def test_outside_area_card_says_transfer(rules):
    case = make_case(jurisdiction="天河区")
    card = render_card(case, route_for(rules, case), AGENCY_NAMES)
    assert "非本辖区" in card


def test_major_group_gets_card_then_text_with_at_all():
    case = make_case(severity="major")
    target = GroupTarget("k", "leadership_office", mention_all=True)
    payloads = messages_for(target, "## card", case)
    assert payloads[0] == {"msgtype": "markdown", "markdown": {"content": "## card"}}
    assert payloads[1]["msgtype"] == "text"
    assert payloads[1]["text"]["mentioned_list"] == ["@all"]
    assert "ZY20260306-0007" in payloads[1]["text"]["content"]
    assert messages_for(GroupTarget("k", "tax"), "## card", case) == payloads[:1]


def test_reminders_name_case_lead_and_deadline():
    case = make_case()
    soon = render_reminder(case, "due_soon", AGENCY_NAMES)
    late = render_reminder(case, "overdue", AGENCY_NAMES)
    for text in (soon, late):
        assert "ZY20260306-0007" in text and "区税务局" in text and "2026-03-13 10:00" in text
    assert "到期" in soon
    assert "领导小组办公室" in late and 'color="warning"' in late
    with pytest.raises(ValueError):
        render_reminder(case, "someday")


def test_alert_is_scrubbed_and_bounded():
    alert = render_alert(f"案件通知失败，缴费人{PHONE}" + "错" * 5000)
    assert PHONE not in alert
    assert len(alert.encode("utf-8")) <= MARKDOWN_LIMIT


# --- regressions: markdown safety, the 报送单 fields, how to act ----------------------------

HOSTILE = ("# 标题\n> 引用\n**粗体** `code` <font color=\"info\">绿</font>\n标题\n---\n"
           "___\r\n\r\n\r\n\r\n## 二级\u2028第二行")


def _payer_lines(card: str) -> list[str]:
    """Card lines between the header and the action line: what payer text produced."""
    lines = card.splitlines()
    return lines[lines.index("**反映内容**") + 1:]


def test_payer_markdown_and_newlines_cannot_break_the_card(rules):
    case = make_case(description=HOSTILE, employer="**某厂**\n# 第二行",
                     desired_outcome="补缴\n## 全部", jurisdiction="新塘镇\n> x",
                     amount="*8万*", period="2024\n#")
    card = render_card(case, route_for(rules, case), AGENCY_NAMES)
    lines = card.splitlines()
    assert lines[0].startswith("## ") and not any(
        line.startswith("#") for line in lines[1:])           # no payer heading
    header = lines[1:lines.index("")]
    assert all(line.startswith("> ") for line in header)       # newlines stayed in the quote
    assert "> 用人单位：＊＊某厂＊＊ ＃ 第二行" in header
    assert "> 诉求：补缴 ＃＃ 全部" in header
    body = "\n".join(_payer_lines(card))
    assert "**粗体**" not in body and "`" not in body and "<font color=\"info\">" not in body
    assert not any(line.startswith((">", "---", "___")) for line in _payer_lines(card))
    assert "\r" not in card and "\u2028" not in card and "\n\n\n" not in card
    assert card.count("<font") == card.count("</font>") == 1  # only the footer's


def test_card_carries_the_registration_form_fields_and_says_how_to_act(rules):
    created = datetime(2026, 3, 6, 9, 30, tzinfo=SHANGHAI)
    case = make_case(created_at=created, channel="wechat", employer=None,
                     desired_outcome=None, needs_callback=True)
    card = render_card(case, route_for(rules, case), AGENCY_NAMES)
    assert "> 办理时限：2026-03-13 10:00" in card           # to the minute, like escalation
    assert "> 登记时间：2026-03-06 09:30（微信公众号）" in card  # 报送单 受理时间
    assert "> 用人单位：未说明" in card and "> 诉求：未说明" in card  # missing, said so
    assert "转人工" in card and "回电" in card                # the payer waits for a call
    assert "/console/cases/ZY20260306-0007" in card
    assert "/api/cases/ZY20260306-0007/accept" in card
    assert card.rstrip().endswith("</font>")
    plain = render_card(make_case(), route_for(rules, make_case()), AGENCY_NAMES)
    assert "转人工" not in plain


def test_card_with_every_field_at_its_cap_and_invisible_characters_fits_and_keeps_footer(
        rules):
    emoji = "😀"
    case = make_case(
        description=("\u202e反向\u200b\x00" + emoji * 3000 + "\ud800"),
        employer=emoji * 500, desired_outcome=emoji * 2000, jurisdiction=emoji * 300,
        period=emoji * 300, amount=emoji * 300, headcount=10**30,
        severity="major", severity_reasons=[f"custom{i}:{emoji * 100}" for i in range(60)],
        created_at=datetime(2026, 3, 6, 9, 30, tzinfo=SHANGHAI), channel=emoji * 100)
    card = render_card(case, route_for(rules, case), AGENCY_NAMES)
    data = card.encode("utf-8")  # a lone surrogate would raise here
    assert len(data) <= MARKDOWN_LIMIT
    assert "\u202e" not in card and "\u200b" not in card and "\x00" not in card
    assert "/console/cases/ZY20260306-0007" in card and card.rstrip().endswith("</font>")
    assert "…" in card


def test_reminders_say_severity_place_status_and_where_to_act():
    case = make_case(status="accepted", awaiting_info=True, district="增城区",
                     severity="major", jurisdiction="新塘镇\n# x")
    for kind in ("due_soon", "overdue"):
        text = render_reminder(case, kind, AGENCY_NAMES)
        assert "重大疑难事项" in text and "新塘镇 ＃ x（增城区）" in text
        assert "办理中" in text and "待缴费人补充材料" in text
        assert "/console/cases/ZY20260306-0007" in text
        assert not any(line.startswith("#") for line in text.splitlines())

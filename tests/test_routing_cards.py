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

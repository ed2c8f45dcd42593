"""Routing rules: category → agencies → WeCom groups (routing/rules.py, rules.yaml)."""
import copy
from pathlib import Path

import pytest
import yaml

from routing.rules import CATEGORIES, GroupTarget, RulesError, load_rules

ROOT = Path(__file__).resolve().parent.parent
CONFIG_PATH = ROOT / "config.yaml"
RULES_PATH = ROOT / "routing" / "rules.yaml"


@pytest.fixture(scope="module")
def config_raw():
    return yaml.safe_load(CONFIG_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rules(config_raw):
    return load_rules(config_raw=config_raw)


@pytest.mark.parametrize(
    ("category", "lead", "co"),
    [
        ("contribution_base", "hrss", ["tax"]),
        ("employer_arrears", "tax", ["hrss"]),
        ("assessed_amount", "hrss", ["tax"]),
        ("refund", "tax", ["hrss"]),
        ("late_fee", "tax", []),
        ("payment_record", "hrss", ["tax"]),
        ("system_failure", "tax", []),
        ("service_complaint", "tax", []),
        ("back_payment", "hrss", ["tax"]),
        ("other", "tax", []),
    ],
)
def test_each_category_has_its_lead_and_co_handlers(rules, category, lead, co):
    route = rules.route(category, "general", [], "增城区")
    assert route.lead == lead
    assert route.co == co


def test_every_category_is_covered():
    assert set(CATEGORIES) <= set(load_rules().categories)


def test_medical_hint_makes_healthcare_lead_for_assessed_amount(rules):
    route = rules.route("assessed_amount", "general", [], "增城区", text="医保核定的金额不对")
    assert route.lead == "healthcare"
    assert route.co[0] == "hrss"  # the default lead stays involved


def test_maternity_hint_adds_healthcare_as_co_for_refund(rules):
    route = rules.route("refund", "general", [], "增城区", text="生育保险多扣了要退")
    assert route.lead == "tax"
    assert "healthcare" in route.co


def test_pre_unification_arrears_go_to_hrss(rules):
    route = rules.route("employer_arrears", "general", [], "增城区", text="统模式前的欠费谁核定")
    assert route.lead == "hrss"
    assert "tax" in route.co


def test_service_complaint_about_social_security_office_goes_to_hrss(rules):
    route = rules.route("service_complaint", "simple", [], "增城区", text="社保局窗口态度差")
    assert route.lead == "hrss"


def test_enforcement_words_add_the_court(rules):
    route = rules.route("employer_arrears", "general", [], "增城区", text="老板跑路，申请强制执行")
    assert "court" in route.co


def test_mediation_words_add_justice(rules):
    route = rules.route("contribution_base", "general", [], "增城区", text="希望调解解决")
    assert "justice" in route.co


def test_media_reason_adds_cyberspace_office(rules):
    route = rules.route("late_fee", "general", ["media"], "增城区")
    assert "cyberspace" in route.co
    assert GroupTarget("dev-key-zc-cyberspace", "cyberspace", False) in route.groups


def test_protest_adds_petitions_and_public_security(rules):
    route = rules.route("employer_arrears", "major", ["protest"], "增城区")
    assert {"petitions", "public_security"} <= set(route.co)


def test_large_headcount_adds_trade_union_and_petitions(rules):
    small = rules.route("employer_arrears", "general", ["headcount:5"], "增城区")
    large = rules.route("employer_arrears", "general", ["headcount:200"], "增城区")
    assert "trade_union" not in small.co
    assert {"trade_union", "petitions"} <= set(large.co)


def test_major_adds_leadership_group_with_mention_all(rules):
    route = rules.route("contribution_base", "major", [], "增城区")
    assert "leadership_office" in route.co
    leadership = [g for g in route.groups if g.key == "dev-key-leadership"]
    assert leadership == [GroupTarget("dev-key-leadership", "leadership_office", True)]
    assert all(not g.mention_all for g in route.groups if g.key != "dev-key-leadership")


def test_general_case_has_no_leadership_group(rules):
    route = rules.route("contribution_base", "general", [], "增城区")
    assert all(g.key != "dev-key-leadership" for g in route.groups)


def test_co_has_no_duplicates_and_never_the_lead(rules):
    route = rules.route(
        "employer_arrears", "major",
        ["headcount:300", "protest", "collective", "petition", "media", "life_risk"],
        "新塘镇", text="劳动仲裁 工会 强制执行 医保 调解 拖欠工资",
    )
    assert len(route.co) == len(set(route.co))
    assert route.lead not in route.co
    assert len({g.key for g in route.groups}) == len(route.groups)


def test_groups_follow_lead_then_co_one_per_agency(rules):
    route = rules.route("contribution_base", "general", [], "增城区")
    assert route.groups == [
        GroupTarget("dev-key-zc-hrss", "hrss", False),
        GroupTarget("dev-key-zc-tax", "tax", False),
    ]


@pytest.mark.parametrize("place", ["新塘镇", "新塘", "荔城街道", "增城", "广州市增城区新塘镇"])
def test_town_maps_to_its_district_groups(rules, place):
    route = rules.route("late_fee", "general", [], place)
    assert route.district == "增城区"
    assert route.in_area
    assert route.groups == [GroupTarget("dev-key-zc-tax", "tax", False)]


@pytest.mark.parametrize("place", ["天河区", "北京市朝阳区", None, ""])
def test_outside_area_goes_to_transfer_group_only(rules, place):
    route = rules.route("contribution_base", "general", ["media"], place)
    assert not route.in_area
    assert route.groups == [GroupTarget("dev-key-transfer", "hrss", False)]
    assert "cyberspace" in route.co  # still recorded on the case


def test_outside_area_major_adds_leadership(rules):
    route = rules.route("contribution_base", "major", [], "天河区")
    assert route.groups == [
        GroupTarget("dev-key-transfer", "hrss", False),
        GroupTarget("dev-key-leadership", "leadership_office", True),
    ]


def test_agency_without_a_key_is_reported_missing(config_raw):
    raw = copy.deepcopy(config_raw)
    del raw["liaison_groups"]["增城区"]["court"]
    route = load_rules().route("employer_arrears", "general", [], "增城区", text="强制执行",
                               groups_config=raw)
    assert "court" in route.co
    assert route.missing == ["court"]
    assert all(g.agency != "court" for g in route.groups)


def test_unknown_category_and_severity_still_reach_someone(rules):
    route = rules.route("nonsense", "extreme", [], "增城区")
    assert route.lead == "tax"
    assert route.groups


def test_rules_naming_an_unknown_agency_fail_at_load(tmp_path, config_raw):
    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    data["categories"]["late_fee"]["lead"] = "ministry_of_magic"
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RulesError, match="ministry_of_magic"):
        load_rules(path, config_raw=config_raw)

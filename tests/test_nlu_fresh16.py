"""Round 16 of blind NLU messages, as payers type them on a phone: northern dialect and
colloquial words (咋整, 整不明白, 俺, 啥时候, 娃, 老些), voice-to-text run-ons without
punctuation, homophones and mixed words (社宝, 医报, yibao, shebao, 养老金 the pension vs
养老保险 the contribution), long stories whose dispute comes last, amounts, dates and phone
numbers in one message, greetings fused with a question, thanks and goodbyes, other offices'
matters (个税, 公积金, 交通罚款) beside in-scope look-alikes, negations (不是要投诉 就问问),
and severity cues (many workers, media, threats, self-harm, repeated petitions, an elderly or
sick payer) each beside a near miss that must stay where it is. Severity per the seeds: 简易
(simple: one payer's refund, late fee or a counter matter), 一般 (general), 重大疑难 (major:
涉及人数多, 社会影响大, 易引发舆情: crowds, petitions, media, extreme acts).
Written blind; unchanged code failed 6 of 62: an accountant's double debit read as an
assessment (categories.yml refund), "1,280元" read as 280 (entities.py thousands separator),
traffic fines read as policy questions (nlu.yml other), "不是要投诉 就问问…犯不犯法" filed
(rules.yml lawfulness_question / lawfulness_filing), "跟老板拼命" no threat (rules.yml
public_order). One expectation was rewritten: 二十五个人 alone is general (major_headcount 30).
Found while fixing and added after (so not counted above): "问问公司", "解一下单位" read as
employer names (rules.yml employer_generic). Landing it retrained the models and moved other
tests' messages; mended with data, no test changed: an accountant's assessment story, a lapse
told with "怎么办", a self-employed answer at the unit question, a bare "没有", where a
retiree lives, housing fund and insurance stopped together, arrears told in English
(categories.yml, no_category.yml, nlu.yml)."""
import argparse
import io
import json
import sys
from types import SimpleNamespace

import pytest

from bot.nlu import cli
from tests import test_nlu_fresh15 as round15

DISTRICTS, parser, triple = round15.DISTRICTS, round15.parser, round15.triple  # the fixture too


def nlu_parse_cli(monkeypatch, capsys, lines: list[str]) -> list[dict]:
    """``disputebot nlu parse`` over ``lines``: the JSON object of each line."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    args = argparse.ArgumentParser(prog="disputebot")
    cli.register(args.add_subparsers(dest="command", required=True))
    ns = args.parse_args(["nlu", "parse"])
    assert ns.func(ns, SimpleNamespace(district_names=DISTRICTS)) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


@pytest.mark.parametrize("text, category, severity", [
    ("俺们老板咋整都不给俺上社保 俺都干了四年了", "employer_arrears", "general"),
    ("社保这事我整不明白 公司说给我交了 可我在网上查不着记录", "payment_record", "general"),
    ("俺家娃在厂里干了两年 老板啥社保也没给娃交", "employer_arrears", "general"),
    ("这滞纳金咋整的 俺就晚交了几天 咋收俺这老些钱", "late_fee", "simple"),
    ("多交的社保钱啥时候退给俺 都等俩月了", "refund", "simple"),
])
def test_round16_dialect_filings(parser, text, category, severity):
    assert triple(parser.parse(text)) == ("file_dispute", category, severity)


@pytest.mark.parametrize("text", [
    "灵活就业的社保啥时候交 咋交",
    "娃上大学了 居民医保咋整",
    "俺想自己交社保 整不明白咋弄",
])
def test_round16_dialect_questions_are_questions(parser, text):
    """The same words (咋整, 啥时候, 整不明白) with no grievance ask, they do not complain."""
    assert parser.parse(text).intent == "ask_policy"


@pytest.mark.parametrize("text, category, severity", [
    (("那个什么我跟你讲啊我是在那个电子厂上班的然后呢他们从去年开始就没给我交社保了"
     "我问人事人事说等等等到现在也没交"), "employer_arrears", "general"),
    (("喂喂能听到吗我想说的是那个滞纳金就是我晚了五天交然后收了我一百多块钱这个能不能退啊"
     "我觉得不合理"), "late_fee", "simple"),
    (("我是做会计的嗯就是我们公司这个月的社保费扣了两遍银行流水上都有两笔那多扣的那一笔"
     "要退给我们"), "refund", "simple"),
    ("税务那边给我们核定的那个社保费我觉得算错了我们公司才二十来个人他按五十个人算的",
     "assessed_amount", "general"),
])
def test_round16_voice_run_ons(parser, text, category, severity):
    """The last one names a company's size (二十来个人): the payer is one company, not a crowd."""
    assert triple(parser.parse(text)) == ("file_dispute", category, severity)


@pytest.mark.parametrize("text, category", [
    ("医报卡里的钱这个月被扣了两次 多扣的要退给我", "refund"),
    ("我的养老保险缴费记录少了两年 那两年我明明在上班", "payment_record"),
    ("yibao被公司断了 公司说没钱交", "employer_arrears"),
    ("shebao jishu按最低的给我交 我工资一万多", "contribution_base"),
    ("社宝记录2023年空了半年", "payment_record"),
])
def test_round16_typos_and_pinyin_file_with_category(parser, text, category):
    result = parser.parse(text)
    assert (result.intent, result.category) == ("file_dispute", category), result


def test_round16_pension_question_vs_pension_stopped(parser):
    """养老保险 (what one pays) asked about is a question; 养老金 (what one draws) not paid
    is a grievance of another office: a filing of category other, as earlier rounds."""
    assert parser.parse("养老保险一年要交多少钱").intent == "ask_policy"
    stopped = parser.parse("我的养老金这个月没发下来 也没人给个说法")
    assert (stopped.intent, stopped.category) == ("file_dispute", "other"), stopped


def test_round16_long_story_with_the_dispute_at_the_end(parser):
    text = ("我今年四十五了 以前在老家种地 后来出来打工 先在餐馆干了几年 后来进了现在这个"
            "物流公司 干了快三年 平时活挺累的但也还行 老板人也还可以 就是最近去办居住证才发现"
            " 公司这三年压根没给我交社保")
    assert triple(parser.parse(text)) == ("file_dispute", "employer_arrears", "general")


def test_round16_long_story_ending_in_a_plain_question(parser):
    """The near miss: the same life story ending in a question is a question."""
    text = ("我今年四十五了 以前在老家种地 后来出来打工 先在餐馆干了几年 现在辞职了在家"
            "带孙子 想问问灵活就业的社保一个月交多少钱")
    assert parser.parse(text).intent == "ask_policy"


def test_round16_amount_and_phone_in_one_message(parser):
    result = parser.parse("公司欠我社保两万三 我电话13912345678")
    assert (result.intent, result.category) == ("file_dispute", "employer_arrears")
    assert result.entity("money") is not None and result.entity("money").value == 23000
    assert result.entity("phone") is not None and result.entity("phone").value == "13912345678"


def test_round16_a_phone_number_is_no_amount(parser):
    result = parser.parse("电话13812345678 公司欠我社保")
    assert result.entity("money") is None, result.entities
    assert result.severity != "major"


@pytest.mark.parametrize("text, amount", [
    ("滞纳金收了我1,280元", 1280),
    ("去年十一月多扣了我四百二十块", 420),
    ("多扣了￥560 社保费", 560),
])
def test_round16_amounts(parser, text, amount):
    ent = parser.parse(text).entity("money")
    assert ent is not None and ent.value == amount, parser.parse(text).entities


def test_round16_period_and_spaced_phone(parser):
    result = parser.parse("2025年1月到3月的社保公司没交 联系我 139 1234 5678")
    assert result.entity("period") is not None
    assert result.entity("period").value == "2025-01/2025-03"
    assert result.entity("phone") is not None and result.entity("phone").value == "13912345678"


@pytest.mark.parametrize("text, intent", [
    ("你好 我想问下公司不给交社保怎么办", "ask_policy"),
    ("在吗 我上次那个投诉有结果了没", "check_progress"),
    ("早上好", "greet"),
    ("同志你好", "greet"),
])
def test_round16_greetings_fused_or_alone(parser, text, intent):
    assert parser.parse(text).intent == intent


def test_round16_greeting_then_a_complaint_is_a_filing(parser):
    result = parser.parse("您好 公司欠了我半年社保 我要投诉")
    assert (result.intent, result.category) == ("file_dispute", "employer_arrears")


@pytest.mark.parametrize("text", [
    "好的 多谢了",
    "谢谢 没别的事了 拜拜",
    "辛苦了 谢谢您",
    "行 我知道了 谢了啊",
])
def test_round16_thanks_and_goodbyes_are_other(parser, text):
    assert parser.parse(text).intent == "other"


def test_round16_thanks_then_a_new_complaint_is_a_filing(parser):
    result = parser.parse("谢谢 还有个事 公司欠我三个月社保没交 帮我登记一下")
    assert (result.intent, result.category) == ("file_dispute", "employer_arrears")


@pytest.mark.parametrize("text", [
    "个税多扣了怎么退",
    "公积金断缴了咋整",
    "交通罚款在哪交",
    "闯红灯罚款能不能少交点",
])
def test_round16_other_offices_questions_are_other(parser, text):
    assert parser.parse(text).intent == "other"


@pytest.mark.parametrize("text", [
    "不交社保会罚款吗",
    "社保滞纳金能不能少交点",
])
def test_round16_in_scope_look_alikes_are_policy_questions(parser, text):
    assert parser.parse(text).intent == "ask_policy"


@pytest.mark.parametrize("text", [
    "不是要投诉 就问问公司不交社保犯不犯法",
    "我不投诉 就问问滞纳金咋算的",
])
def test_round16_negated_complaint_is_a_question(parser, text):
    assert parser.parse(text).intent == "ask_policy"


@pytest.mark.parametrize("text", [
    "不是要投诉 就问问公司不交社保犯不犯法",
    "我不是要举报 只是想了解一下单位欠缴社保会怎样",
])
def test_round16_asking_about_a_company_names_no_employer(parser, text):
    """Found while fixing: "问问公司", "解一下单位" were read as employers' names."""
    assert parser.parse(text).entity("employer") is None, parser.parse(text).entities


@pytest.mark.parametrize("text, category", [
    ("不是问问 我是要投诉 公司欠我社保一年了", "employer_arrears"),
    ("不是咨询 是投诉 滞纳金收错了", "late_fee"),
])
def test_round16_negated_question_is_a_filing(parser, text, category):
    result = parser.parse(text)
    assert (result.intent, result.category) == ("file_dispute", category), result


def test_round16_putting_a_complaint_off_is_cancel(parser):
    assert parser.parse("先不投诉了 我再跟老板谈谈").intent == "cancel"


@pytest.mark.parametrize("text, severity", [
    ("我们车间三十五个人社保全停了", "major"),
    ("我们车间二十五个人社保全停了", "general"),
    ("我们车间五个人社保停了", "general"),
    ("公司两百多人 就我一个没交社保", "general"),
])
def test_round16_crowd_and_its_near_misses(parser, text, severity):
    """The crowd line is rules.yml major_headcount (30; earlier rounds keep 二十几个人 with no
    other signal general); a workforce named beside one harmed payer is no crowd."""
    result = parser.parse(text)
    assert triple(result) == ("file_dispute", "employer_arrears", severity), result


def test_round16_media_threat_vs_media_as_a_source(parser):
    threat = parser.parse("公司欠社保再不解决 我就发到快手上让大家评评理")
    assert threat.severity == "major" and "media" in threat.severity_reasons, threat
    source = parser.parse("我在快手上看到说社保断了可以补缴 是真的吗")
    assert source.intent == "ask_policy" and source.severity != "major", source


def test_round16_a_threat_to_the_boss_is_major(parser):
    result = parser.parse("再不给我补社保 我就跟老板拼命")
    assert (result.intent, result.severity) == ("file_dispute", "major"), result


@pytest.mark.parametrize("text, major", [
    ("社保断了病也看不起 活着没意思了", True),
    ("我得了尿毒症 每周透析 公司停了我的医保 我不想活了", True),
    ("我得了尿毒症 每周透析 公司停了我的医保 咋整", False),
    ("烦死了 社保记录又不对", False),
])
def test_round16_self_harm_vs_a_sick_or_annoyed_payer(parser, text, major):
    result = parser.parse(text)
    assert result.intent == "file_dispute", result
    assert (result.severity == "major") is major, result
    if major:
        assert "life_risk" in result.severity_reasons


def test_round16_an_elderly_payer_alone_is_not_major(parser):
    """Age or illness moves no case to 重大: the seeds grade by people, impact and risk."""
    result = parser.parse("我父亲七十多了 身体不好 厂里当年没给他交养老保险 现在一分钱领不到")
    assert result.intent == "file_dispute" and result.severity != "major", result


def test_round16_repeated_petitions_are_major(parser):
    result = parser.parse("这事我已经去信访局反映过三回了 公司还是不给交社保")
    assert triple(result) == ("file_dispute", "employer_arrears", "major"), result
    assert "petition" in result.severity_reasons


def test_round16_repeated_calls_to_hr_stay_general(parser):
    result = parser.parse("我已经找人事反映过三回了 公司还是不给交社保")
    assert triple(result) == ("file_dispute", "employer_arrears", "general"), result


def test_round16_single_calm_payer(parser):
    result = parser.parse("公司少给我交了一个月社保 麻烦帮忙看看")
    assert triple(result) == ("file_dispute", "employer_arrears", "general"), result


def test_round16_nlu_parse_cli_gives_the_triage(monkeypatch, capsys):
    """``disputebot nlu parse``: one JSON object a line with intent, category, severity and
    reasons for a dialect filing, an off-topic question and a repeated petition."""
    lines = ["俺们老板咋整都不给俺上社保", "公积金断缴了咋整",
             "这事我已经去信访局反映过三回了 公司还是不给交社保"]
    rows = nlu_parse_cli(monkeypatch, capsys, lines)
    assert [(r["intent"], r["category"], r["severity"]) for r in rows[::2]] == [
        ("file_dispute", "employer_arrears", "general"),
        ("file_dispute", "employer_arrears", "major")]
    assert rows[1]["intent"] == "other" and rows[1]["category"] is None
    assert "petition" in rows[2]["severity_reasons"]

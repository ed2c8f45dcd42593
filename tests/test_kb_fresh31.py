"""Blind policy questions, round 31 of the knowledge base (written before reading knowledge/):
what payers type on a phone about their own kind of work and life — typos and dialect (医宝, 社宝,
射保, 养老金交够多少年), 灵活就业 and 个体户, a child's or a student's 城乡居民医保, 断缴 and 补缴,
缴费基数 bounds asked from a Guangzhou district, moving to another city, the employer gone (单位倒闭,
老板跑路), 农民工, 工伤认定 time limits, 生育保险 and 失业金 — and the kinds of work the statutes do
not settle here (劳务派遣, 实习生, 退休返聘) or that belong to another office (个税 → 12366, 公积金,
退休年龄 → 12333), which must be declined without a near article.

Three known gaps are probed on purpose:
1. the 缴费基数 answers cited Zhejiang's and Zhengzhou's regulations as if they applied to a
   Guangzhou payer: an answer may cite only the national statute (《社会保险法》第十二条) and say the
   bounds are set locally — never another province's text;
2. a two-question reply whose second part is out of scope must read as part 2 of a numbered
   reply, not as a stock "我只解答社会保险费缴纳方面的问题" sentence pasted after "2.";
3. `kb ask` keeps its contract — one JSON object per input line on stdout, same keys — for two
   questions on one line, a blank line, an emoji, a 5,000-character line and bytes that are not
   UTF-8.
Every cited article must exist in /work/shared/policy.

First run (48 probes): old code failed 11. Two were wrong expectations, rewritten: `kb ask` on
two questions keeps one record (one entry_id and score, what bench and scripts compare; the chat
splits the message, the CLI does not), and non-UTF-8 input exits 1 with the line named on stderr
(bot/jsonl_io.py), still one JSON line each. A second pass of the same payers' questions (where
to claim 失业金, 工伤认定 after a year, a student's doctor at home, 多大退休, an intern's 算不算工伤)
found five more wrong answers. Against the final 55 probes old code fails 13 (SQLite). Causes
fixed: base.yaml cited 《浙江省…条例》第九条 and 《郑州市…条例》第八条 (now 《社会保险法》第十二条 and 各地规定);
最低按多少基数交 read as the employer's low base (lexicon rewrite 基数额度); a declined part of a
numbered reply repeated the stock decline (multi.py `declined_part`, data/multi.yaml); 工伤认定
超过一年 got arbitration_limit; 失业金在哪里领 / 带啥材料 got benefit_fraud (unemployment_benefit
now says where, 第五十条); 回老家看病 is 异地; 多大退休 is the retirement age (12333); 算不算 met
injury_excluded's 不算 (retrieval.Requirement ignores A-not-A questions)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import tests.test_kb_fresh26 as fresh26
import tests.test_kb_fresh27 as fresh27
from tests.test_dialogue import say

DECLINE = "这个问题我还不能准确回答"
OTHER_PLACES = ("浙江", "郑州")

kb = fresh26.kb
missing_articles = fresh26.missing_articles

# (question, expected entry — a tuple when two entries settle it — and an article its source
# must cite, or None)
STORIES = [
    # typos, dialect, one-liners
    ('养老金交够多少年才能领', 'pension_15_years', '第十六条'),
    ('社宝要交满几年退休才有钱拿', 'pension_15_years', '第十六条'),
    ('射保滞那金一天按多少算', 'late_fee', '第八十六条'),
    ('医宝断了三个月没交 现在去看病还能报吗', ('medical_lapse', 'unpaid_medical_costs'), None),
    ('养老交了十二年就退休了 不够十五年咋整', 'pension_under_15_years', None),
    # 灵活就业 and 个体户
    ('我是灵活就业 自己交社保去哪里交', ('flexible_enrol', 'flexible_payment'), None),
    ('灵活就业交了两年 今年生意不好交不起了 停几个月有啥影响', 'flexible_stop', None),
    ('开了个小店个体户 自己能交职工养老吗', ('flexible_enrol', 'flexible_payment'), None),
    ('我开个体户的 请了两个帮工 要给他们交社保吗', 'individual_business_employees', None),
    # residents: children and students
    ('孩子上小学了 城乡居民医保怎么交', 'resident_medical', None),
    ('大学生能参加城乡居民医保不', 'resident_medical', None),
    # 补缴 and 断缴 by an employer
    ('公司之前漏了我八个月社保没交 现在还能补上吗', 'back_payment', None),
    ('单位停了我三个月社保 说资金紧张 这样可以吗', ('penalty_not_paying', 'no_deferral',
                                         'employee_remedies', 'employer_duties'), None),
    # the employer gone
    ('老板跑路了 欠我的社保怎么办', 'company_closed', None),
    ('单位倒闭了 之前欠缴的社保还有人管吗', 'company_closed', None),
    # moving cities
    ('我在东莞交了五年社保 现在去长沙上班了 养老保险怎么转过去', 'transfer_pension', '第十九条'),
    # 农民工
    ('我是农民工 老板说农民工不用交社保 对吗', 'migrant_workers', None),
    # 工伤认定 time limits
    ('工伤认定要在多久以内申请啊 单位一直拖着不给报', 'injury_application', '第十七条'),
    ('受伤快十个月了 单位没申请 我自己还能去申请工伤认定吗', 'injury_application', '第十七条'),
    # 生育保险 and 失业金
    ('失业金领取要啥条件 交了三年社保被公司辞退了', 'unemployment_benefit', '第四十五条'),
    # second pass (written after the first run, before reading knowledge/ further): the same
    # payers asking where and how late
    ('工伤认定超过一年了还能申请吗', 'injury_application', '第十七条'),
    ('失业金在哪里领 要带什么', 'unemployment_benefit', '第五十条'),
    ('学生在学校交的医保 放假回老家看病能报吗', 'medical_offsite', '第二十九条'),
    ('公司倒闭了 我的养老保险怎么办 钱会不会没了', ('company_closed', 'pension_account'), None),
    ('社保断交了一年 以前交的还算不算', 'flexible_stop', '第十六条'),
]

# out of scope or unsettled here: (question, hotline the decline must name, or a tuple of
# acceptable ones, or None)
DECLINED = [
    ('个税怎么申报退税', '12366'),
    ('公积金怎么提取出来 租房能提吗', ('12329', '12345')),
    ('公积金断缴了有啥影响', ('12329', '12345')),
    ('退休年龄到底是多少 男的是不是60', '12333'),
    ('我是劳务派遣过来的 社保该派遣公司交还是用工单位交', None),
    ('实习生公司要给交社保吗 我还没毕业', None),
    ('退休了又被返聘回去上班 单位还要给我交社保吗', '12333'),
    ('养老金明年能涨多少', '12333'),
    ('我一个月社保到底扣多少钱 帮我算一下', None),
    # second pass
    ('女的多大退休啊 我是工人', '12333'),
    ('实习生受伤了算工伤吗 学校安排的', '12333'),
]


def _accepted(hotline) -> tuple:
    return hotline if isinstance(hotline, tuple) else (hotline,)


@pytest.mark.parametrize("question,expected,article", STORIES)
def test_fresh31_question_gets_its_entry_and_a_real_article(kb, question, expected, article):
    fresh26.check_answered(kb, question, expected, article)


def check_declined(kb, question: str, hotline) -> None:
    """Declined with no source cited and a hotline: ``hotline`` (or one of them) when given."""
    answer = kb.ask(question)
    assert answer.declined, answer.entry_id
    assert not answer.source, answer.source
    assert answer.hotline
    if hotline:
        assert answer.hotline in _accepted(hotline), answer.hotline


@pytest.mark.parametrize("question,hotline", DECLINED)
def test_fresh31_out_of_scope_is_declined_with_the_right_hotline(kb, question, hotline):
    check_declined(kb, question, hotline)


@pytest.mark.parametrize("question", ['实习期间受伤了算不算工伤', '搬货的时候扭伤了腰 能不能算工伤'])
def test_fresh31_yes_no_question_is_not_the_exclusions(kb, question):
    """算不算 / 能不能 ask yes or no; they do not say 不算 / 不能 (injury_excluded's words)."""
    answer = kb.ask(question)
    assert answer.entry_id != 'injury_excluded', answer.entry_id
    assert not missing_articles(answer.source or ""), answer.source


# --- gap 1: contribution bases asked from Guangzhou -------------------------------------------

BASE_QUESTIONS = [
    '我在广州天河区上班 社保缴费基数上下限是多少',
    '广州白云区的 社保最低按多少基数交',
    '缴费基数是按什么工资定的 我在番禺一个厂里',
    '社保基数上限下限是多少啊',
]


@pytest.mark.parametrize("question", BASE_QUESTIONS)
def test_fresh31_base_answer_cites_no_other_province(kb, question):
    """The bounds are set locally: say so, cite the national statute at most."""
    answer = kb.ask(question)
    text = (answer.answer or "") + (answer.source or "")
    for place in OTHER_PLACES:
        assert place not in text, text
    assert not missing_articles(answer.source or ""), answer.source
    if not answer.declined:
        assert "各地" in text or "当地" in text, text


def test_fresh31_base_how_cites_the_national_statute(kb):
    answer = kb.ask('社保缴费基数是怎么确定的')
    assert not answer.declined and answer.entry_id == 'contribution_base_how', answer.entry_id
    assert "《社会保险法》第十二条" in answer.source, answer.source
    assert not any(p in answer.answer + answer.source for p in OTHER_PLACES), answer.answer


def test_fresh31_no_entry_cites_another_province():
    """No entry's answer or source cites a province's or city's own regulation as if it applied
    to the local payer."""
    root = Path(__file__).resolve().parents[1] / "knowledge" / "entries"
    for path in sorted(root.glob("*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
            text = entry["answer"] + entry["source"]
            for place in OTHER_PLACES:
                assert f"《{place}" not in text, entry["id"]


# --- gap 3: `kb ask` contract ------------------------------------------------------------------

KEYS = {"question", "answer", "source", "entry_id", "score"}


def test_fresh31_cli_answers_and_declines_in_order():
    cases = [
        ('养老金交够多少年才能领', 'pension_15_years', '《社会保险法》第十六条'),
        ('公积金怎么提取出来 租房能提吗', None, None),
        ('失业金能领几个月啊 交了四年', 'unemployment_duration', '《社会保险法》第四十六条'),
    ]
    fresh27.check_cli(cases)


def test_fresh31_cli_odd_lines_one_json_each():
    lines = ["", "😀😀", "   ", "？？？", "社保" * 2500, "滞纳金怎么算",
             "滞纳金怎么算 另外公司不给办社保登记会怎么罚", "\t", "a" * 5000]
    records = fresh27._ask_cli(lines)
    assert len(records) == len(lines)
    for line, record in zip(lines, records, strict=True):
        assert set(record) == KEYS, record
        assert record["question"] == line or record["question"] == line.strip()
    assert records[5]["entry_id"] == 'late_fee'
    for record in records[:5] + records[7:]:
        assert record["answer"] is None or record["source"], record


def test_fresh31_cli_two_questions_stay_one_record():
    """Two questions on one line: still one JSON object with the same keys (a record has one
    entry_id and one score, which bench and the lead's scripts compare with labels), answered by
    one of the two entries with real articles; the chat splits the message, `kb ask` does not.
    Rewritten after the first run: the blind probe wanted both answers in the one record, which
    would change the record's meaning (see the module docstring)."""
    records = fresh27._ask_cli(["滞纳金怎么算 另外公司不给办社保登记会怎么罚"])
    assert len(records) == 1
    record = records[0]
    assert set(record) == KEYS
    assert record["entry_id"] in ('late_fee', 'penalty_not_registering'), record
    assert record["answer"] and record["source"], record
    assert not missing_articles(record["source"]), record["source"]


def test_fresh31_cli_two_questions_one_out_of_scope():
    records = fresh27._ask_cli(["失业金能领多久 还有公积金怎么提取"])
    assert len(records) == 1
    record = records[0]
    assert set(record) == KEYS
    assert record["answer"] and "第四十六条" in record["source"], record
    assert "公积金" not in (record["source"] or ""), record


def _run_cli(data: bytes) -> subprocess.CompletedProcess:
    code = ("import argparse,sys\nfrom knowledge.cli import register\n"
            "p=argparse.ArgumentParser();register(p.add_subparsers(dest='c'))\n"
            "a=p.parse_args(['kb','ask']);sys.exit(a.func(a,None))\n")
    return subprocess.run([sys.executable, "-c", code], input=data, capture_output=True,
                          timeout=120, check=False)


def test_fresh31_cli_subprocess_survives_bad_bytes_and_long_lines():
    """Bad bytes are answered as U+FFFD, one JSON line each; the exit status 1 and a line on
    stderr say which input line was not UTF-8 (bot/jsonl_io.py). Rewritten after the first run:
    the blind probe wanted status 0, but telling the caller its input was damaged is right."""
    data = ("滞纳金怎么算\n".encode() + b"\xff\xfe\xfa bad bytes\n" + b"\n"
            + ("工伤" * 2600 + "\n").encode() + "😀\n".encode()
            + "失业金能领多久 还有社保卡密码忘了咋办\r\n".encode())
    done = _run_cli(data)
    assert done.returncode == 1, done.stderr.decode(errors="replace")[-2000:]
    assert "line 2" in done.stderr.decode(), done.stderr.decode()
    assert "Traceback" not in done.stderr.decode()
    lines = done.stdout.decode("utf-8").splitlines()
    assert len(lines) == 6, lines
    records = [json.loads(line) for line in lines]
    assert all(set(r) == KEYS for r in records)
    assert records[0]["entry_id"] == 'late_fee'
    assert records[2]["answer"] is None and records[4]["answer"] is None
    assert records[5]["answer"] and "第四十六条" in records[5]["source"], records[5]


def test_fresh31_cli_clean_input_exits_zero():
    done = _run_cli("养老金交够多少年才能领\n\n😀\n".encode())
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    assert len(done.stdout.decode("utf-8").splitlines()) == 3


# --- through the chat ------------------------------------------------------------------------

async def test_fresh31_chat_two_questions_second_out_of_scope_reads_as_part_two(platform):
    """Part 2 names what it cannot answer and whom to call, in the flow of a numbered reply."""
    reply = await say(platform, "o-kb31-two", "失业金能领多久 还有公积金怎么提取")
    assert "第四十六条" in reply, reply
    assert "我只解答社会保险费缴纳方面的问题" not in reply, reply
    assert "公积金" in reply, reply
    assert "12329" in reply or "12345" in reply, reply
    assert "2" in reply, reply


async def test_fresh31_chat_two_questions_tax_part_names_12366(platform):
    reply = await say(platform, "o-kb31-two2", "生育保险是谁交的？另外个税怎么退")
    assert "第五十三条" in reply, reply
    assert "12366" in reply, reply
    assert "我只解答社会保险费缴纳方面的问题" not in reply, reply


async def test_fresh31_chat_base_in_guangzhou_names_no_other_province(platform):
    reply = await say(platform, "o-kb31-base", "我在广州天河区上班 社保缴费基数上下限是多少")
    assert not any(p in reply for p in OTHER_PLACES), reply
    assert "各地" in reply or "当地" in reply or DECLINE in reply, reply


async def test_fresh31_chat_typo_pension_years(platform):
    reply = await say(platform, "o-kb31-years", "社宝要交满几年退休才有钱拿")
    assert "第十六条" in reply, reply


async def test_fresh31_chat_housing_fund_is_declined_without_an_article(platform):
    reply = await say(platform, "o-kb31-gjj", "公积金断缴了有啥影响")
    assert "《" not in reply, reply
    assert "12329" in reply or "12345" in reply, reply

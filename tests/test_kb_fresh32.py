"""Blind policy questions, round 32 of the knowledge base (written before reading knowledge/):
what payers type on a phone when the keyboard, the voice input or the asker is not the usual
one — questions in traditional characters (社會保險, 滯納金, 養老, 醫保: a phone set to 繁體 or a
relative in Hong Kong or Taiwan typing for a worker here), voice-to-text homophones (生与保险, 头诉),
dialect (俺, 咋弄, 中不中), employers and HR asking their own duties (a new company's registration,
a month not declared, 缓交 in hard times, a waiver signed by a worker), flexible workers (外卖),
retirees, rural residents (城乡居民养老/医保, 被征地农民) and migrant workers (农民工, 包工头), each
often with a story attached; two questions in one message, one in traditional characters; and
questions the bot must decline and send to the right hotline — 12366 (个税, also in traditional
characters), 12333 (加班费, 劳动合同, 社保卡), 12393 (报销比例, 医保卡, 异地备案), 12345 (低保, 电费) —
or that the policy texts do not settle at all, where it must not invent law. Every cited article
must exist in /work/shared/policy. `kb ask` gets odd lines: a byte-order mark, a zero-width space,
full-width letters and spaces, quotes and backslashes, CRLF line ends.

First run (49 probes): old code failed 5; a second pass written before reading knowledge/ (harder
phrasings: a waiver offered in traditional characters and dialect, 工商保险 for 工伤保险, an employer's
leaving and registration duties, a retiree's 失业金, school and housing) brought it to 60 and 8
failures. Two were wrong expectations, rewritten (see the tests): 包工头没资质 may get 第四十一条 as well
as 条例第六十六条 (the contractor rule is in no text here), and 医保异地备案在手机上怎么弄 may be
answered by medical_offsite, which says the steps are local and names 12393. Against the final 60
old code fails 6 (SQLite). Traditional characters were already read (lexicon `traditional` and the
NLU's list); no probe in them failed. Causes fixed: 换到苏州上班了 is a move (rewrite → 转移: the
medical years follow, 第三十二条; was medical_after_retirement); 社保可以不交 签个字就行 is the waiver
(was register_after_hiring); 工商保险 / 生与保险 are voice typos (工伤 / 生育); 生育保险单位没交…谁给报
told insurance first is 欠费待遇 (12393; was maternity_benefits); 影响孩子在城里上学 is 社保用途 (12345;
was flexible_stop); a byte-order mark opening `kb ask`'s input is dropped (bot/jsonl_io.py).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import tests.test_kb_fresh26 as fresh26
import tests.test_kb_fresh27 as fresh27
from tests.test_dialogue import say
from tests.test_kb_fresh31 import check_declined

ROOT = Path(__file__).resolve().parents[1]
DECLINE = "这个问题我还不能准确回答"
KEYS = {"question", "answer", "source", "entry_id", "score"}

kb = fresh26.kb
missing_articles = fresh26.missing_articles

# (question, expected entry — a tuple when several entries settle it — and an article its source
# must cite, or None)
STORIES = [
    # traditional characters
    ('公司沒給我交社會保險 滯納金怎麼算', 'late_fee', '第八十六条'),
    ('養老保險要交滿幾年才能按月領養老金', 'pension_15_years', '第十六条'),
    ('工傷保險是公司交還是自己交', 'injury_who_pays', '第三十三条'),
    ('失業金能領多久 我交了三年', 'unemployment_duration', '第四十六条'),
    ('試用期公司說不給交社保 合法嗎', 'probation_period', '第五十八条'),
    # dialect, typos and voice-to-text
    ('俺在厂里干了半年 老板一直不给上保险 咋弄',
     ('employee_remedies', 'report_violation', 'penalty_not_paying', 'register_after_hiring',
      'employer_duties'), None),
    ('公司每个月从工资里扣了社保的钱 结果一查根本没交上去', 'deducted_not_paid', None),
    (('喂你好我想问下就是我们老板说试用期不给交社保要等转正以后才交这个合不合法啊'),
     'probation_period', '第五十八条'),
    ('公司不给我交社保 我能去那里头诉', ('report_violation', 'employee_remedies'), None),
    ('滞纳金是不是按千分之二算的', ('late_fee', 'late_fee_old_rate'), '第八十六条'),
    # employers and HR asking
    ('我们公司刚注册下来 多少天之内要去办社保登记', 'employer_registration', '第五十七条'),
    ('我是公司人事 新招的员工要在多少天内给他办社保', 'register_after_hiring', '第五十八条'),
    ('公司资金周转困难 社保能不能申请缓交几个月', 'no_deferral', '第六十条'),
    ('我们单位上个月忘了申报社保费 会按多少来定', 'no_declaration', '第六十二条'),
    # flexible workers, retirees
    ('我跑外卖的 算灵活就业 社保是自己交还是平台给交', ('flexible_enrol', 'flexible_payment'),
     None),
    ('退休了医保还用接着交不 我交了二十五年', 'medical_after_retirement', '第二十七条'),
    # rural residents and migrant workers
    ('村里的地被征了 我们被征地农民的社保谁给交', 'land_acquired_farmers', '第九十六条'),
    ('进城打工的农民工能参加社保吗 中不中', 'migrant_workers', '第九十五条'),
    # rewritten after the first run: the rule that a qualified contractor answers for its
    # unqualified 包工头's worker is in no text here; 第四十一条 (the employer pays when it did not
    # insure) and 条例第六十六条 (unlicensed units) are both honest answers from our sources
    ('在工地上干活摔伤了 包工头没资质 工伤谁来赔', ('injury_unlicensed', 'injury_without_insurance'),
     None),
    # stories attached
    ('我老公前年生病走了 他交了十几年养老保险 个人账户里的钱家里能继承吗',
     ('pension_account', 'pension_survivor'), '第十四条'),
    ('我被辞退了正在领失业金 这期间生病住院医保还管不管', 'unemployment_medical', '第四十八条'),
    ('以前在老家交的职工医保 现在换到苏州上班了 医保缴费年限能接着算吗',
     ('transfer_pension', 'transfer_medical', 'medical_transfer'), '第三十二条'),
    ('公司欠了我两年社保 我都离职一年多了 还能申请劳动仲裁吗', 'arbitration_limit', '第二十七条'),
    ('工伤认定结论下来了 说我不算工伤 我不服咋办', 'injury_appeal', '第五十五条'),
    # second pass (written after the first run, before reading knowledge/): harder phrasings
    ('俺們老闆說社保可以不交 簽個字就行 中不中', 'mandatory_waiver', None),
    ('员工离职了 我们公司要多少天内把他的名单报给社保', 'employer_leaving_duties', '第五十条'),
    ('我们公司一直没办社保登记 会被怎么罚', 'penalty_not_registering', '第八十四条'),
    ('我都退休领养老金了 还能领失业金吗', 'unemployment_stop', '第五十一条'),
    ('社保费是税务局收还是社保局收啊我听说现在改了', 'who_collects', None),
    ('工商保险是单位交的吗 我自己要出钱不', 'injury_who_pays', '第三十三条'),
    ('失业金领取条件是啥 社保交满一年没', 'unemployment_benefit', '第四十五条'),
]

# out of scope or unsettled by the policy texts: (question, hotline the decline must name, or a
# tuple of acceptable ones, or None)
DECLINED = [
    ('个人所得税专项附加扣除怎么填', '12366'),
    ('個稅年度匯算怎麼弄 能退多少', '12366'),
    ('医保报销比例是多少 住院能报几成', '12393'),
    ('醫保卡丟了怎麼補辦', '12393'),
    ('加班费怎么算 老板一直不给', '12333'),
    ('公司不跟我签劳动合同 能要双倍工资吗', '12333'),
    ('社保卡在哪里激活 要带身份证吗', '12333'),
    ('农村低保怎么申请 我家老人七十多了', '12345'),
    ('电费太贵了找谁反映', '12345'),
    ('生与保险单位没交 我生孩子花的钱谁给报', '12393'),
    ('公积金贷款能贷多少 我交了五年', ('12329', '12345')),
    # second pass
    ('城乡居民养老保险交满十五年 六十岁以后每个月能领多少', '12333'),
    ('社保断缴会不会影响孩子在城里上学', None),
    ('在这边买房子要连续交满五年社保吗 断了一个月算不算', None),
]

# (first question, follow-up asked right after it, expected entry or tuple)
FOLLOWUPS = [
    ('工伤保险是谁交的', '那生育保险呢', 'maternity_who_pays'),
    ('養老保險要交滿幾年才能領', '不夠咋辦', 'pension_under_15_years'),
    ('失业金领取要啥条件', '那能领几个月', 'unemployment_duration'),
]


@pytest.mark.parametrize("question,expected,article", STORIES)
def test_fresh32_question_gets_its_entry_and_a_real_article(kb, question, expected, article):
    fresh26.check_answered(kb, question, expected, article)


@pytest.mark.parametrize("question,hotline", DECLINED)
def test_fresh32_out_of_scope_is_declined_with_the_right_hotline(kb, question, hotline):
    check_declined(kb, question, hotline)


def test_fresh32_offsite_filing_on_a_phone_says_local_and_12393(kb):
    """Rewritten after the first run: the blind probe wanted a decline, but medical_offsite says
    what 第二十九条 settles (a settlement system for care away from home), that the filing steps
    are local, and names 12393 — it invents no procedure, so an answer is as good as a decline."""
    answer = kb.ask('医保异地备案在手机上怎么弄')
    if answer.declined:
        assert answer.hotline == '12393' and not answer.source
    else:
        assert answer.entry_id == 'medical_offsite', answer.entry_id
        assert '第二十九条' in answer.source and '12393' in answer.answer, answer.answer
        assert not missing_articles(answer.source), answer.source


@pytest.mark.parametrize("first,second,expected", FOLLOWUPS)
def test_fresh32_followup_in_context(kb, first, second, expected):
    fresh26.check_followup(kb, first, second, expected)


def test_fresh32_traditional_and_simplified_get_the_same_answer(kb):
    """A phone set to 繁體 must not change the answer: same entry, same source."""
    pairs = [('單位欠繳社保 滯納金每天按多少算', '单位欠缴社保 滞纳金每天按多少算'),
             ('失業保險是單位交還是個人交', '失业保险是单位交还是个人交')]
    for traditional, simplified in pairs:
        one, two = kb.ask(traditional), kb.ask(simplified)
        assert not two.declined, simplified
        assert (one.entry_id, one.source) == (two.entry_id, two.source), traditional


# --- `kb ask` with odd lines -------------------------------------------------------------------

def test_fresh32_cli_traditional_and_declines_in_order():
    cases = [
        ('滯納金怎麼算', 'late_fee', '《社会保险法》第八十六条'),
        ('個稅怎麼退', None, None),
        ('農民工能不能參加社保', 'migrant_workers', '《社会保险法》第九十五条'),
    ]
    fresh27.check_cli(cases)


def test_fresh32_cli_invisible_and_full_width_characters():
    """A zero-width space, full-width spaces and quotes around a question do not hide it; the
    question field gives the line back so a script can join records to its input."""
    lines = ["\u200b滞纳金怎么算", "滞纳金\u3000怎么算", "\u3000\u3000", '"滞纳金"怎么算\\',
             "\u200b", "ＡＢＣ１２３"]
    records = fresh27._ask_cli(lines)
    assert len(records) == len(lines)
    for line, record in zip(lines, records, strict=True):
        assert set(record) == KEYS, record
        assert record["question"] in (line, line.strip()), record
    for index in (0, 1, 3):
        assert records[index]["entry_id"] == 'late_fee', records[index]
        assert "第八十六条" in records[index]["source"]
    for index in (2, 4, 5):
        assert records[index]["answer"] is None and records[index]["source"] is None


def _run(data: bytes) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.cli", "kb", "ask"], input=data, cwd=ROOT,
                          capture_output=True, timeout=180, check=False)


def test_fresh32_cli_subprocess_bom_and_crlf():
    """A file saved on Windows: a byte-order mark before the first line and CRLF line ends. The
    mark is not part of the question; the first line is answered like the others."""
    data = ("\ufeff滞纳金怎么算\r\n養老保險交滿幾年能領\r\n\r\n加班费怎么算\r\n").encode()
    done = _run(data)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    records = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert len(records) == 4, records
    assert all(set(r) == KEYS for r in records)
    assert records[0]["question"] == "滞纳金怎么算", records[0]
    assert records[0]["entry_id"] == 'late_fee', records[0]
    assert records[1]["entry_id"] == 'pension_15_years', records[1]
    assert "\r" not in records[1]["question"]
    assert records[2]["answer"] is None and records[3]["answer"] is None
    assert records[3]["entry_id"] is None


# --- through the chat ------------------------------------------------------------------------

async def test_fresh32_chat_two_questions_in_traditional_characters(platform):
    reply = await say(platform, "o-kb32-trad2", "工傷保險是誰交的？另外滯納金怎麼算")
    assert "第三十三条" in reply and "第八十六条" in reply, reply
    assert len(reply) < 900, len(reply)


async def test_fresh32_chat_pension_years_and_retirement_age(platform):
    """The second part (退休年龄) is not settled by our texts: part 2 names 12333."""
    reply = await say(platform, "o-kb32-retire", "养老保险交满多少年能领 还有我啥时候能退休")
    assert "第十六条" in reply, reply
    assert "12333" in reply, reply


async def test_fresh32_chat_complaint_and_reimbursement_rate(platform):
    reply = await say(platform, "o-kb32-rate",
                      "公司没给交社保的滞纳金怎么算，另外住院医保报销比例是多少")
    assert "第八十六条" in reply, reply
    assert "12393" in reply, reply


async def test_fresh32_chat_traditional_decline_names_the_tax_hotline(platform):
    reply = await say(platform, "o-kb32-tax", "退休返聘的工資要交個稅嗎")
    assert "12366" in reply, reply
    assert "《" not in reply, reply


async def test_fresh32_chat_employer_asks_about_a_waiver(platform):
    """HR asks whether a worker's signed waiver frees the company: it does not, with a source."""
    reply = await say(platform, "o-kb32-waiver",
                      "我们是小公司 有个员工自己说不要社保 还签了协议 我们还用给他交吗")
    assert DECLINE not in reply, reply
    assert "《社会保险法》" in reply, reply


async def test_fresh32_chat_flexible_worker_and_housing_fund(platform):
    """Second pass: a flexible worker asks two things; the housing fund is not ours."""
    reply = await say(platform, "o-kb32-flex", "我是灵活就业的 养老保险自己交吗 还有公积金能不能自己交")
    assert "《社会保险法》" in reply, reply
    assert "12329" in reply or "12345" in reply, reply


async def test_fresh32_chat_traditional_late_fee(platform):
    reply = await say(platform, "o-kb32-fee", "公司欠繳了半年社保 滯納金怎麼算")
    assert "第八十六条" in reply and "万分之五" in reply, reply

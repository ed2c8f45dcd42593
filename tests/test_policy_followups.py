"""Follow-up policy questions: "灵活就业社保怎么交" → "一个月大概多少钱" / "那医保呢" are read with
the last answered question's topic (knowledge/followup.py, bot/handlers/recent.py); questions of
their own, and declines, are read alone exactly as before."""
from __future__ import annotations

import pytest

from bot.handlers import policy
from bot.handlers.base import Context
from bot.inbound import Inbound
from bot.store.snapshot import payer_snapshot
from knowledge import load_kb
from knowledge.followup import ask_after
from tests.kb_scoring import DATA, rows, score_followups, turns
from tests.test_conversations import Payer

FLEXIBLE_PAYMENT = "缴费基数上下限或档次"  # flexible_payment's answer
FLEXIBLE_ENROL = "可以参加基本养老保险和职工基本医疗保险"  # flexible_enrol's answer
DECLINE = "这个问题我还不能准确回答"


@pytest.fixture(scope="module")
def kb():
    return load_kb(None)


@pytest.mark.parametrize("name,least_right", [("kb_followups.jsonl", 26),
                                              ("kb_followups2.jsonl", 15),
                                              ("kb_followups3.jsonl", 49)])
def test_follow_ups_are_answered_and_no_decline_becomes_a_wrong_answer(kb, name, least_right):
    pairs = rows(name)
    alone = score_followups(kb, pairs, with_context=False)
    right, declined, wrong = score_followups(kb, pairs, with_context=True)
    assert right >= least_right > alone[0]
    assert declined >= alone[1] and wrong <= alone[2]


def test_held_out_set_has_enoughrows():
    assert len(rows("kb_followups.jsonl")) >= 25
    assert len(rows("kb_followups3.jsonl")) >= 60


SETS = sorted(p.name for p in DATA.glob("kb_*.jsonl") if "followups" not in p.name)
PREVIOUS = ["灵活就业社保怎么交", "劳动仲裁去哪里申请", "单位不交社保会受到什么处罚",
            "职工医保由谁交"]


@pytest.mark.parametrize("name", SETS)
def test_single_questions_get_the_same_decision_after_any_previous_topic(kb, name):
    """The kb sets are single questions: a remembered topic must change none of them (an
    answer stays, a decline stays a decline with its hotline)."""
    for row in rows(name):
        alone = kb.ask(row["question"])
        for previous in PREVIOUS:
            answer = ask_after(kb, row["question"], previous).answer
            assert (answer.entry_id, answer.hotline) == (alone.entry_id, alone.hotline), (
                row["question"], previous)


@pytest.mark.parametrize("question", ["医保断了还能报销吗", "社保断了还能报销吗",
                                      "断缴了3个月，会不会影响医保报销啊", "断保期间住院能报销吗"])
def test_reimbursement_during_a_lapse_is_answered_by_the_lapse_entry(kb, question):
    """"医保断了还能报销吗" got what medical insurance pays for in general
    (medical_reimbursement_scope); the lapse entry says that cover during or after a lapse is
    set locally (12393)."""
    answer = kb.ask(question)
    assert answer.entry_id == "medical_lapse" and "12393" in answer.reply_text()


def test_waiting_periods_after_a_lapse_are_still_declined(kb):
    assert kb.ask("医保断了三个月 再交的话要等多久才能报销").declined


def test_a_lapse_without_reimbursement_is_still_answered(kb):
    assert kb.ask("社保断了有影响吗").entry_id == "flexible_stop"


@pytest.mark.parametrize("question", ["公司辞退我 要赔N加1吗", "辞退要给经济补偿吗"])
def test_severance_pay_is_declined_after_an_arbitration_answer(kb, question):
    """Read with "劳动仲裁去哪里申请" before it, "公司辞退我 要赔N加1吗" got the time limit for
    arbitration: severance (劳动合同法) is no aspect any entry answers."""
    assert ask_after(kb, question, "劳动仲裁去哪里申请").answer.declined


# --- whole conversations ------------------------------------------------------------------

async def test_how_much_after_flexible_employment_gets_the_flexible_answer(bot_server):
    """"一个月大概多少钱" right after "灵活就业社保怎么交" was declined to 12345."""
    payer = Payer(bot_server, "fu-how-much")
    assert FLEXIBLE_PAYMENT in await payer.say("灵活就业社保怎么交")
    reply = await payer.say("一个月大概多少钱")
    assert FLEXIBLE_PAYMENT in reply and DECLINE not in reply
    assert FLEXIBLE_PAYMENT in await payer.say("可以按年交吗")


async def test_who_pays_after_maternity_benefits_is_about_maternity_insurance(bot_server):
    payer = Payer(bot_server, "fu-who-pays")
    await payer.say("生育保险有哪些待遇")
    reply = await payer.say("由谁交")
    assert "生育保险" in reply and DECLINE not in reply


async def test_one_payers_topic_is_not_another_payers(bot_server):
    await Payer(bot_server, "fu-first").say("灵活就业社保怎么交")
    reply = await Payer(bot_server, "fu-second").say("一个月大概多少钱")
    assert DECLINE in reply and FLEXIBLE_PAYMENT not in reply


async def test_medical_lapse_question_is_not_answered_with_what_insurance_covers(bot_server):
    payer = Payer(bot_server, "fu-lapse")
    await payer.say("灵活就业社保怎么交")
    reply = await payer.say("医保断了还能报销吗")
    assert "断缴期间看病能否报销" in reply and "药品目录" not in reply


# --- the policy handler for messages the classifier reads as a greeting or chit-chat -------

async def _context(bot_server, openid: str, message: str) -> Context:
    """A message's context as the dispatcher builds it: with the payer's snapshot, read
    after the last message's writes (the last answered question among them)."""
    services = bot_server.app["dispatcher"].services
    await services.batch.flush()
    return Context(inbound=Inbound(openid=openid, kind="text", text=message, msg_id=1),
                   services=services, text=message,
                   snapshot=await payer_snapshot(services.batch, openid))


async def _ask(bot_server, openid: str, message: str) -> str:
    return "\n".join(await policy.ask_policy(await _context(bot_server, openid, message)))


@pytest.mark.parametrize("message,expected", [("那医保呢", FLEXIBLE_ENROL),
                                              ("那去哪里办", FLEXIBLE_PAYMENT)])
async def test_elliptical_follow_ups_reach_the_last_topic(bot_server, message, expected):
    openid = f"fu-handler-{message}"
    await _ask(bot_server, openid, "灵活就业社保怎么交")
    ctx = await _context(bot_server, openid, message)
    assert policy.follows_up(ctx)
    assert expected in await _ask(bot_server, openid, message)


async def test_a_bare_topic_without_a_last_answer_still_asks_for_the_question(bot_server):
    ctx = await _context(bot_server, "fu-bare", "医保呢")
    assert not policy.follows_up(ctx)
    assert "医保" in await _ask(bot_server, "fu-bare", "医保呢")
    assert not policy.follows_up(await _context(bot_server, "fu-bare", "你叫什么名字"))


@pytest.mark.parametrize("own_topic", ["公积金的话每个月交多少", "养老金几号发"])
async def test_a_question_with_its_own_topic_ends_the_last_one(bot_server, own_topic):
    """After a declined question of its own ("公积金…", "养老金几号发") the next short
    question is not read with the flexible-employment topic from before it."""
    openid = f"fu-own-{own_topic}"
    await _ask(bot_server, openid, "灵活就业社保怎么交")
    assert DECLINE in await _ask(bot_server, openid, own_topic)
    reply = await _ask(bot_server, openid, "一个月大概多少钱")
    assert DECLINE in reply and FLEXIBLE_PAYMENT not in reply


async def test_a_forgotten_topic_is_not_used(bot_server):
    await _ask(bot_server, "fu-forget", "灵活就业社保怎么交")
    policy.forget(await _context(bot_server, "fu-forget", "你好"))
    assert not policy.follows_up(await _context(bot_server, "fu-forget", "那去哪里办"))


# --- through the dispatcher: follow-ups the classifier reads as something else --------------

@pytest.mark.parametrize("message,expected", [("那医保呢", FLEXIBLE_ENROL),
                                              ("那去哪里办", FLEXIBLE_PAYMENT)])
async def test_a_follow_up_read_as_a_greeting_or_chit_chat_reaches_the_answer(
        bot_server, message, expected):
    payer = Payer(bot_server, f"fu-dispatch-{message}")
    await payer.say("灵活就业社保怎么交")
    assert expected in await payer.say(message)


async def test_a_message_answered_by_another_handler_ends_the_topic(bot_server):
    payer = Payer(bot_server, "fu-dispatch-forget")
    await payer.say("灵活就业社保怎么交")
    await payer.say("进度")
    reply = await payer.say("一个月大概多少钱")
    assert FLEXIBLE_PAYMENT not in reply


# --- a resident scheme before a short question (persona probes, round 3) ------------------

RESIDENT_FIRST = ["新农合怎么交", "城乡居民医保怎么交", "城乡居民养老保险怎么交"]


@pytest.mark.parametrize("first", RESIDENT_FIRST)
@pytest.mark.parametrize("second", ["那不交有什么后果", "不交会怎么样", "不交会罚款吗"])
def test_not_paying_after_a_resident_scheme_is_not_the_employer_penalty(kb, first, second):
    """"那不交有什么后果" after 新农合 got penalty_not_paying, an employer's fine: a resident who
    does not pay is fined by no statute here, so it is declined to the office of the scheme."""
    answer = ask_after(kb, second, first).answer
    assert answer.declined and answer.entry_id is None, (first, second, answer.entry_id)
    assert answer.hotline == ("12333" if "养老" in first else "12393")


@pytest.mark.parametrize("second", ["那不交有什么后果", "公司不交有什么后果"])
def test_not_paying_after_an_employer_question_is_still_the_employer_penalty(kb, second):
    assert ask_after(kb, second, "公司不交社保怎么办").answer.entry_id == "penalty_not_paying"
    assert ask_after(kb, "公司不交有什么后果", "新农合怎么交").answer.entry_id == (
        "penalty_not_paying")


@pytest.mark.parametrize("name", SETS)
def test_single_questions_keep_their_decision_after_a_resident_scheme(kb, name):
    """Only a short question answered alone can be read with the scheme: "谢谢" or "你叫什么名字"
    after 新农合 stay declined with their hotline, and every kb question keeps its decision."""
    for row in rows(name):
        alone = kb.ask(row["question"])
        for previous in RESIDENT_FIRST:
            answer = ask_after(kb, row["question"], previous).answer
            assert (answer.entry_id, answer.hotline) == (alone.entry_id, alone.hotline), (
                row["question"], previous)


async def test_a_resident_asking_what_happens_if_they_do_not_pay_is_not_told_of_fines(
        bot_server):
    payer = Payer(bot_server, "fu-resident-penalty")
    await payer.say("城乡居民医保怎么交")
    reply = await payer.say("那不交有什么后果")
    assert DECLINE in reply and "12393" in reply and "罚款" not in reply


# --- a resident scheme as the first message (kb_fresh7) -------------------------------------

RESIDENT_MEDICAL = "个人缴费和政府补贴相结合"  # resident_medical's answer


@pytest.mark.parametrize("first", ["新农合怎么交", "城乡居民医保在哪交"])
async def test_how_much_after_a_first_resident_question_is_about_that_scheme(bot_server, first):
    """"那一年多少钱" right after a first message about 新农合 is read with it, not alone,
    whichever handler answered the first message."""
    payer = Payer(bot_server, f"fu-resident-first-{first}")
    first_reply = await payer.say(first)
    reply = await payer.say("那一年多少钱")
    assert RESIDENT_MEDICAL in first_reply
    assert RESIDENT_MEDICAL in reply and DECLINE not in reply


# --- a self-employed payer who stops paying (kb_fresh7) -------------------------------------

FLEXIBLE_STOP = "中断前已缴的年限不会清零"  # flexible_stop's answer


@pytest.mark.parametrize("first", ["灵活就业社保怎么交", "我是灵活就业的"])
@pytest.mark.parametrize("second", ["不交会怎么样", "那不交有什么后果", "不交会罚款吗"])
def test_not_paying_after_flexible_employment_is_a_lapse_not_a_fine(kb, first, second):
    """"不交会怎么样" after 灵活就业 got penalty_not_paying, an employer's fine: a payer with no
    employer who stops paying lets the contributions lapse (flexible_stop)."""
    assert ask_after(kb, second, first).answer.entry_id == "flexible_stop", (first, second)


@pytest.mark.parametrize("first,entry_id", [("灵活就业社保怎么交", "back_payment"),
                                            ("新农合怎么交", "resident_medical")])
def test_paying_later_after_a_scheme_keeps_its_answer(kb, first, entry_id):
    """"可以补交吗" after 灵活就业 is back_payment (which names 灵活就业), not flexible_enrol."""
    assert ask_after(kb, "可以补交吗", first).answer.entry_id == entry_id


async def test_a_self_employed_payer_asking_what_happens_if_they_stop_is_not_told_of_fines(
        bot_server):
    payer = Payer(bot_server, "fu-flexible-stop")
    await payer.say("灵活就业社保怎么交")
    reply = await payer.say("不交会怎么样")
    assert FLEXIBLE_STOP in reply and "罚款" not in reply


# --- kb_followups3 (60 exchanges written blind): the classes of its misses ----------------

@pytest.mark.parametrize("previous,question,entry_id", [
    ("养老保险由谁交", "工伤也一样吗", "injury_who_pays"),
    ("职工医保由谁交", "失业保险也是这样吗", "unemployment_who_pays"),
    ("职工医保由谁交", "失业呢", "unemployment_who_pays"),
    ("城乡居民医保怎么交", "那居民养老呢", "resident_pension"),
    ("行政复议多久内要申请", "那起诉呢", "lawsuit_deadline"),
    ("农民工可以参加社会保险吗", "那外国人呢", "foreigners"),
    ("失业金能领多久", "那衣保呢", "unemployment_medical"),
    ("工伤认定怎么申请", "要带啥才料", "injury_recognition_process"),
    ("社保重复交了怎么退", "要带什么材料", "duplicate_refund"),
    ("换城市工作养老保险怎么转", "去哪办", "transfer_pension"),
    ("自由职业者怎么交社保", "在哪交", "flexible_payment"),
    ("灵活就业社保怎么交", "刚才说的那个能不能网上办", "flexible_payment"),
    ("劳动仲裁要交钱吗", "多久出结果", "arbitration_duration"),
])
def test_swaps_and_aspects_reach_the_entry_they_ask_for(kb, previous, question, entry_id):
    """A swap said as a comparison (工伤也一样吗) or with a bare type (失业呢), a scheme that must
    stay itself (居民养老 was read as 养老保险: flexible_enrol), a remedy or a person in the last
    one's place (起诉 for 复议, 外国人 for 农民工), typos (衣保, 才料), short forms jieba cuts
    (去哪办, 在哪交), "刚才说的那个" as an opener: all were declined or answered wrongly."""
    assert ask_after(kb, question, previous).answer.entry_id == entry_id


@pytest.mark.parametrize("previous,question,not_entry", [
    ("劳动仲裁去哪里申请", "能网上申请吗", "arbitration_limit"),
])
def test_an_aspect_no_entry_of_the_topic_names_is_declined(kb, previous, question, not_entry):
    """"能网上申请吗" after arbitration got its time limit: online, where and cost are asked in
    words too common to weigh, so the answering entry must name one of their kind
    (followups.yaml aspect_kinds); no arbitration entry says anything of applying online."""
    answer = ask_after(kb, question, previous).answer
    assert answer.declined and answer.entry_id != not_entry


def test_where_to_claim_unemployment_benefit_is_answered_with_article_50(kb):
    """"去哪里领" after 失业金's conditions was declined (no entry named where) and must not get
    unemployment_stop; since kb_fresh31 unemployment_benefit says where (公共就业服务机构, then
    社会保险经办机构: 《社会保险法》第五十条), kb_followups3's label for this exchange."""
    answer = ask_after(kb, "去哪里领", "领失业金要什么条件").answer
    assert not answer.declined and answer.entry_id == "unemployment_benefit", answer.entry_id
    assert "第五十条" in answer.source and "公共就业服务机构" in answer.answer


def test_a_swap_is_not_answered_with_the_last_entry_again(kb):
    """"那起诉呢" after 复议's time limit must not repeat it, whatever its words share."""
    assert ask_after(kb, "那起诉呢", "行政复议多久内要申请").answer.entry_id != (
        "reconsideration_deadline")


@pytest.mark.parametrize("place", ["那深圳的呢", "那广州呢"])
def test_a_place_swap_keeps_the_topic_for_the_next_question(kb, place):
    """A place is where, not what: "那深圳的呢" was read as a new topic no entry knows, which
    ended the topic, so "一个月多少钱" next was declined."""
    first = ask_after(kb, place, "灵活就业社保怎么交")
    assert first.topic == "灵活就业社保怎么交"
    assert ask_after(kb, "一个月多少钱", first.topic).answer.entry_id == "flexible_payment"


def test_an_arbitrations_result_is_its_award(kb):
    """"劳动仲裁多久出结果" got the reconsideration's time to decide (reconsideration_process)."""
    assert kb.ask("劳动仲裁多久出结果").entry_id == "arbitration_duration"


# --- kb_followups3 through the real gateway: what a payer sees on the phone ----------------

GATEWAY_ROWS = [1, 4, 5, 11, 12, 15, 20, 26, 29, 32, 35, 36, 38, 51, 59]
PASSIVE_LIMIT = 2048  # bytes of a passive reply


def _entry_opening(kb, entry_id: str) -> str:
    return kb.by_id[entry_id].answer[:18]


@pytest.mark.parametrize("index", GATEWAY_ROWS)
async def test_follow_ups_reach_the_payer_short_and_with_their_source(platform, kb, index):
    """Each follow-up of these exchanges, sent through the signed gateway, gets its entry's
    answer with the legal source, in one passive reply; a labelled decline gets no answer."""
    from tests.test_dialogue import say

    row = rows("kb_followups3.jsonl")[index]
    openid = f"fu3-gateway-{index}"
    await say(platform, openid, row["first"])
    for question, expected in turns(row):
        reply = await say(platform, openid, question)
        assert len(reply.encode()) <= PASSIVE_LIMIT, (question, reply)
        if expected == [None]:
            assert "依据" not in reply and DECLINE in reply, (question, reply)
        else:
            assert "依据" in reply and DECLINE not in reply, (question, reply)
            assert any(_entry_opening(kb, e) in reply for e in expected), (question, reply)


async def test_a_complaint_after_a_policy_answer_starts_the_form(platform):
    from tests.test_dialogue import say

    await say(platform, "fu3-complaint", "灵活就业社保怎么交")
    reply = await say(platform, "fu3-complaint", "我们公司两年没给我交社保了 我要投诉")
    assert "单位" in reply and "依据" not in reply


async def test_a_cancelled_form_ends_the_policy_topic(platform):
    from tests.test_dialogue import say

    openid = "fu3-form"
    await say(platform, openid, "灵活就业社保怎么交")
    await say(platform, openid, "公司一直没给我交社保")
    await say(platform, openid, "取消")
    await say(platform, openid, "是")
    assert FLEXIBLE_PAYMENT not in await say(platform, openid, "一个月多少钱")

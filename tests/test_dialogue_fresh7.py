"""Payers nobody had tried (a delivery rider with run-on answers, a son filing for his father,
a small shop owner, a payer who asks back mid-form or only types "？"): each test pins a
class of misreading found by driving their whole conversations through the gateway."""
from __future__ import annotations

import pytest

from bot.store.models import Case
from tests.test_dialogue import CASE_NO, fetch, say
from tests.test_dialogue_robustness import slots_of, to_question, to_summary

# --- questions typed back at a form question ----------------------------------------------

@pytest.mark.parametrize("question", ["你是真人吗", "你是机器人吗？", "是不是机器人在回复啊"])
async def test_asking_whether_a_person_answers_is_no_handoff(platform, config, question):
    """"你是真人吗" mid-form asked for a call-back (真人) or got the 12345 decline."""
    openid = f"f7-bot-{len(question)}"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, question)
    assert "智能助手" in reply and "单位" in reply, reply
    assert "转人工需要" not in reply and "12345" not in reply, reply
    slots = await slots_of(config, openid)
    assert not slots.get("needs_callback") and slots.get("employer") is None


@pytest.mark.parametrize("question", ["这个要多久啊？", "办这个要多久", "多久能处理完"])
async def test_how_long_asked_mid_form_gets_the_time_limit_answer(platform, question):
    """"多久能处理完" was read as a progress check ("您还没有登记过事项") or declined."""
    openid = f"f7-long-{len(question)}"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, question)
    assert "办理时限" in reply and "单位" in reply, reply
    assert "还没有登记过" not in reply and "12345" not in reply, reply


@pytest.mark.parametrize("question", ["要钱吗", "这个收费吗", "登记要交钱吗？"])
async def test_asking_what_filing_costs_mid_form_is_noted_not_declined(platform, config,
                                                                      question):
    """No statute says what filing costs, so the question goes to the liaison; the 12345
    decline ("我只解答社会保险费缴纳方面的问题") told the payer nothing."""
    openid = f"f7-cost-{len(question)}"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, question)
    assert "12345" not in reply and "办理人员" in reply and "单位" in reply, reply
    slots = await slots_of(config, openid)
    assert question.rstrip("？?") in slots["description"] and slots.get("employer") is None


@pytest.mark.parametrize("mark", ["？", "?", "？？？", "。。。？"])
async def test_a_bare_question_mark_explains_the_question(platform, config, mark):
    openid = f"f7-mark-{len(mark)}-{ord(mark[0])}"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, mark)
    assert "就是问您反映的是哪家单位" in reply and "12345" not in reply, reply
    assert (await slots_of(config, openid)).get("employer") is None


# --- what the employer is called ----------------------------------------------------------

@pytest.mark.parametrize("answer", ["叫什么科技公司我记不清了",
                                    "我也不知道公司叫什么名字，只知道在新塘那边",
                                    "就是那个什么劳务公司，具体叫啥不清楚"])
async def test_an_employer_the_payer_cannot_name_is_not_stored(platform, config, answer):
    """"什么科技公司", "知道公司" were stored as the employer."""
    openid = f"f7-noname-{len(answer)}"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots.get("employer") is None, slots.get("employer")
    assert "简称" in reply or "不清楚" in reply, reply


@pytest.mark.parametrize("answer,employer", [
    ("厂子叫红星机械厂在石滩镇那边", "红星机械厂"),
    ("名字叫宏达电子厂，位于新塘镇", "宏达电子厂"),
])
async def test_a_place_said_after_the_employer_is_not_part_of_its_name(platform, config,
                                                                       answer, employer):
    openid = f"f7-emp-place-{len(answer)}"
    await to_question(platform, openid, "单位")
    await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots["employer"] == employer and slots["jurisdiction"] in ("石滩镇", "新塘镇")


@pytest.mark.parametrize("first", [
    "我是开小厂的，税务局核定我们厂的社保缴费基数太高了，员工工资没那么高",
    "我是开店的，税务局说我们店的社保缴费基数核定得太高了",
])
async def test_owning_a_business_names_no_employer(platform, config, first):
    """"我是开小厂的": an occupation, not the employer "开小厂"; the name is asked and
    "就是我们自己的厂，叫永发制衣厂" gives it."""
    openid = f"f7-own-{len(first)}"
    reply = await say(platform, openid, first)
    slots = await slots_of(config, openid)
    assert slots.get("employer") is None, slots.get("employer")
    if "问题类型" in reply:
        reply = await say(platform, openid, "3")
    if "单位（公司/厂）" in reply:
        await say(platform, openid, "就是我们自己的厂，叫永发制衣厂")
        assert (await slots_of(config, openid))["employer"] == "永发制衣厂"


async def test_a_shop_called_by_its_name_is_not_the_payers_name(platform, config):
    """"就是我自己开的店，名字叫好味道餐馆" was stored as the name 好味道餐."""
    openid = "f7-shop-name"
    await say(platform, openid, "我是开饭馆的，税务局说我们店的社保缴费基数核定错了")
    await say(platform, openid, "就是我自己开的店，名字叫好味道餐馆")
    assert (await slots_of(config, openid)).get("name") is None


# --- filing for a relative ----------------------------------------------------------------

@pytest.mark.parametrize("answer,name", [("我爸叫李建国", "李建国"), ("我妈妈叫王秀英", "王秀英"),
                                         ("我父亲名字叫张德福", "张德福")])
async def test_a_relatives_name_is_taken(platform, config, answer, name):
    openid = f"f7-rel-{name}"
    await say(platform, openid, "帮我爸投诉，他厂里没给他交社保")
    await to_question(platform, openid, "称呼")
    reply = await say(platform, openid, answer)
    assert "不像是姓名" not in reply and "电话" in reply, reply
    assert (await slots_of(config, openid))["name"] == name


@pytest.mark.parametrize("answer", ["就他一个", "只有他", "就她一个人", "只有我爸一个"])
async def test_one_relative_alone_is_a_headcount_of_one(platform, config, answer):
    openid = f"f7-relcount-{answer}"
    await to_question(platform, openid, "几个人")
    reply = await say(platform, openid, answer)
    assert "希望怎么处理" in reply, reply
    assert (await slots_of(config, openid))["headcount"] == 1


# --- the optional question and the summary ------------------------------------------------

@pytest.mark.parametrize("answer", ["2023.3-2024.5", "2023/03-2024/05", "2023.3到2024.5"])
async def test_a_period_typed_with_dots_or_slashes_is_kept(platform, config, answer):
    """"2023.3-2024.5" at the optional question was not taken: the question came again."""
    openid = f"f7-dots-{len(answer)}-{answer[4]}"
    await to_question(platform, openid, "时间段或金额")
    reply = await say(platform, openid, answer)
    assert "请核对登记内容" in reply and "2023" in reply, reply
    assert "2023" in str((await slots_of(config, openid))["period"])


async def test_more_of_the_story_at_the_summary_joins_the_description(platform, config):
    """"而且他们离职的时候还扣了我押金不退" at the summary only got "请回复“确认”" and was lost."""
    openid = "f7-summary-more"
    await to_summary(platform, openid)
    reply = await say(platform, openid, "而且他们离职的时候还扣了我押金不退")
    assert "已补充到问题描述" in reply and "请核对登记内容" in reply, reply
    done = await say(platform, openid, "确认")
    [case] = await fetch(config.database_url, Case, case_no=CASE_NO.search(done).group())
    assert "押金不退" in case.description



@pytest.mark.parametrize("wish", ["我就希望平台能给我把社保补上不然以后老了怎么办啊",
                                  "希望公司把社保给我补齐，不然我以后怎么退休？"])
async def test_a_wish_with_a_worried_question_at_another_question_is_kept(platform, config,
                                                                          wish):
    """The worry ("不然以后老了怎么办啊") sent the wish to the knowledge base, which declined it
    (12345), and the wish was lost."""
    openid = f"f7-wish-{len(wish)}"
    await to_question(platform, openid, "单位")
    reply = await say(platform, openid, wish)
    assert "12345" not in reply and "单位" in reply, reply
    assert "补" in (await slots_of(config, openid))["desired_outcome"]


@pytest.mark.parametrize("answer,name", [("我叫王建军今年五十岁了", "王建军"),
                                         ("李四，今年45岁", "李四")])
async def test_an_age_beside_the_name_is_no_period(platform, config, answer, name):
    """"今年五十岁" was stored as the dispute's period (时间段：2026年)."""
    openid = f"f7-age-{len(answer)}"
    await to_question(platform, openid, "称呼")
    await say(platform, openid, answer)
    slots = await slots_of(config, openid)
    assert slots["name"] == name and slots.get("period") is None, slots

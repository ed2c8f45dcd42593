"""Whole conversations the way payers have them (greetings, policy questions, changing their
mind, voice recognition with spoken numbers, traditional characters, landlines, 找人工),
driven in-process through the dispatcher with the fake platform and group robots. Each test
pins a bug found by a second round of such conversations."""
from __future__ import annotations

import logging

import pytest

from bot.inbound import Inbound
from bot.store.models import Case, CaseEvent, DialogueState
from tests.test_dialogue import CASE_NO, fetch

APOLOGY = "开了个小差"
NOT_UNDERSTOOD = "我没太明白"


class Payer:
    """One payer talking to the in-process dispatcher; every reply is checked for the
    basics (never empty, never the crash apology) as it arrives."""

    def __init__(self, server, openid: str):
        self.dispatcher = server.app["dispatcher"]
        self.openid = openid
        self._ids = iter(range(1, 10_000))

    async def say(self, message: str, kind: str = "text") -> str:
        replies = await self.dispatcher.handle(Inbound(
            openid=self.openid, kind=kind, text=message, media_id="m" if kind == "voice" else None,
            msg_id=next(self._ids)))
        reply = "\n".join(replies)
        assert reply.strip(), f"empty reply to {message!r}"
        assert APOLOGY not in reply, reply
        return reply

    async def until(self, cue: str, first: str) -> str:
        """Say ``first``, then answer the form (新塘镇 for the place, 宏达电子厂 for the
        employer, "1" otherwise) until a question contains ``cue``."""
        reply = await self.say(first)
        for _ in range(8):
            if cue in reply:
                return reply
            reply = await self.say("新塘镇" if "哪个" in reply
                                   else "宏达电子厂" if "单位" in reply else "1")
        raise AssertionError(f"never asked {cue}: {reply}")

    async def voice(self, recognition: str) -> str:
        return await self.say(recognition, kind="voice")


async def slots_of(config, openid: str) -> dict:
    [state] = await fetch(config.database_url, DialogueState, openid=openid)
    return dict(state.slots or {})


async def the_case(config, reply: str) -> Case:
    [case] = await fetch(config.database_url, Case, case_no=CASE_NO.search(reply).group())
    return case


@pytest.fixture
def errors(caplog):
    caplog.set_level(logging.WARNING)
    yield caplog
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not bad, [r.getMessage() for r in bad]


async def test_voice_with_a_spoken_year_is_parsed_not_crashed(bot_server, config, errors):
    """二零二三年 (voice recognition writes years digit by digit) made the period extractor
    raise, so the whole message fell back to "我没太明白" with an error in the log."""
    payer = Payer(bot_server, "v-spoken-year")
    reply = await payer.voice("我在增江街道的华新建材厂上班，厂里从二零二三年一月开始就停交了我的"
                              "社保，我姓黄叫黄丽，电话一三八零零一三八零零零")
    assert NOT_UNDERSTOOD not in reply
    slots = await slots_of(config, payer.openid)
    assert slots["period"] == "2023-01/.."
    assert slots["phone"] == "13800138000" and slots["name"] == "黄丽"
    assert "华新建材厂" in slots["employer"]
    assert slots["jurisdiction"] == "增江街道"


@pytest.mark.parametrize("message", ["我姓黄，叫黄丽", "我姓黄叫黄丽"])
async def test_surname_then_full_name_takes_the_full_name(bot_server, message):
    parser = bot_server.app["services"].parser
    names = [e.value for e in parser.parse(message).entities if e.type == "name"]
    assert names == ["黄丽"]


async def test_changing_ones_mind_back_after_cancelling_starts_the_form(bot_server, config):
    """"算了不办了" → 是 → "还是办吧" got "我没太明白" instead of the form."""
    payer = Payer(bot_server, "v-mind-back")
    await payer.say("我要反映问题")
    await payer.say("公司欠了我去年三月到今年五月的社保，新塘镇宏达电子厂")
    assert "确定要取消" in await payer.say("算了不办了")
    assert "已取消" in await payer.say("是")
    reply = await payer.say("还是办吧")
    assert "我来帮您登记" in reply and NOT_UNDERSTOOD not in reply
    slots = await slots_of(config, payer.openid)
    assert slots.get("description") is None  # "还是办吧" is no description
    reply = await payer.say("公司欠了我去年三月到今年五月的社保，新塘镇宏达电子厂")
    assert "称呼" in reply
    slots = await slots_of(config, payer.openid)
    assert slots["employer"] == "新塘镇宏达电子厂" and slots["period"].endswith("/2026-05")


async def test_asking_for_a_human_outside_a_form_registers_a_callback(bot_server, config):
    """"找人工" with no form open got the greeting; the phone number after it got
    "我没太明白". It now asks for a number and registers a call-back case, as mid-form."""
    payer = Payer(bot_server, "v-human")
    reply = await payer.say("你是机器人吗")
    assert NOT_UNDERSTOOD not in reply and "转人工" in reply
    assert "联系电话" in await payer.say("找人工")
    done = await payer.say("13700001111")
    assert "需要人工回电" in done and "137****1111" in done
    case = await the_case(config, done)
    assert case.needs_callback and case.phone == "13700001111"


async def test_a_complaint_about_the_human_service_is_not_a_handoff(bot_server, config):
    payer = Payer(bot_server, "v-human-story")
    reply = await payer.say("你好")
    reply = await payer.say("上次打电话人工服务态度很差，说话很冲，社保中心窗口也不理人")
    assert "转人工需要一个联系电话" not in reply


async def test_traditional_characters_are_read_as_simplified(bot_server, config):
    """"跳過" was stored as the payer's name and "確認" as the headcount: the form compared
    the raw text with its simplified word lists."""
    payer = Payer(bot_server, "v-traditional")
    reply = await payer.say("我們公司從去年開始就沒有給我繳社保，我在荔城街道華美服裝廠")
    assert "称呼" in reply
    assert "称呼" in await payer.say("跳過")
    slots = await slots_of(config, payer.openid)
    assert slots.get("name") is None
    assert slots["employer"] == "荔城街道华美服装厂" and slots["jurisdiction"] == "荔城街道"
    await payer.say("陳小紅")
    await payer.say("13912345678")
    reply = await payer.say("確認")
    assert (await slots_of(config, payer.openid)).get("headcount") is None, reply
    await payer.say("1")
    summary = await payer.say("要求補繳")
    assert "请核对登记内容" in summary and "陈小红" in summary
    done = await payer.say("確認")
    case = await the_case(config, done)
    assert case.name == "陈小红" and case.desired_outcome == "要求补缴"
    assert case.category == "employer_arrears"


@pytest.mark.parametrize(("answer", "stored"), [
    ("座机020 8765 4321", "020-87654321"),
    ("手机号是13812345678", "13812345678"),
    ("电话：0752-1234567", "0752-1234567"),
])
async def test_phone_answers_with_a_cue_word_or_spaces(bot_server, config, answer, stored):
    """"座机020 8765 4321" was refused as "里面有不是数字的字符"."""
    payer = Payer(bot_server, f"v-phone-{abs(hash(answer)) % 10**6}")
    await payer.say("我的社保基数按最低三千五交的，实际工资八千，在朱村街道美佳超市")
    await payer.say("小王")
    reply = await payer.say(answer)
    assert "号码好像不对" not in reply and "几个人" in reply
    assert (await slots_of(config, payer.openid))["phone"] == stored


async def test_a_landline_given_as_the_headcount_is_not_twenty_people(bot_server, config):
    """"020-82345678" answering "涉及几个人" stored 20 people (the area code)."""
    payer = Payer(bot_server, "v-landline-count")
    await payer.say("老板不给俺交养老宝险，俺在石滩镇兴旺纸箱厂干了三年")
    await payer.say("张大牛")
    assert "几个人" in await payer.say("020-31234567")
    reply = await payer.say("020-82345678")
    assert "几个人" in reply
    slots = await slots_of(config, payer.openid)
    assert slots.get("headcount") is None and slots["phone"] == "020-31234567"


async def test_a_stated_wish_mid_form_is_not_answered_as_a_policy_question(bot_server, config):
    """"要求补缴社保" while the name was asked got a knowledge-base answer about arrears;
    it asks nothing, so the wish is kept and the name asked again."""
    payer = Payer(bot_server, "v-wish")
    reply = await payer.say("厂里从去年一月开始就停交了我的社保，在增江街道华新建材厂")
    assert "称呼" in reply
    reply = await payer.say("要求补缴社保")
    assert "依据" not in reply and "姓名" in reply
    assert (await slots_of(config, payer.openid))["desired_outcome"] == "要求补缴社保"


async def test_whole_conversation_with_major_case_and_a_second_filing(
        bot_server, config, fake_webhook):
    """Greeting, two policy questions, a question that is a complaint, a major case with
    everything in one message, progress right after, then a second employer."""
    payer = Payer(bot_server, "v-whole")
    assert "您好" in await payer.say("你好")
    assert "依据" in await payer.say("滞纳金怎么算")
    reply = await payer.say("我们公司不给交社保怎么办")
    assert "反映问题" in reply  # answered, and told how to register
    reply = await payer.say("我们厂几十个工人的社保都被欠了一年多，大家说再不解决就集体去上访，"
                            "有人说要跳楼，中新镇鑫达五金厂，我叫刘强，电话13566667777")
    for answer in ("要求马上补缴", "跳过"):
        if "请核对登记内容" not in reply:
            reply = await payer.say(answer)
    assert "请核对登记内容" in reply and "135****7777" in reply
    done = await payer.say("确认")
    case = await the_case(config, done)
    assert case.severity == "major" and case.headcount >= 30
    assert {"life_risk", "petition", "collective"} <= set(case.severity_reasons)
    assert case.jurisdiction == "中新镇" and case.employer == "中新镇鑫达五金厂"
    assert "leadership_office" in case.co_agencies
    assert case.case_no in await payer.say("进度")
    posts = await fake_webhook.posts.wait_for(len(case.co_agencies) + 2)
    leadership = fake_webhook.to_key("dev-key-leadership")
    assert any("@all" in str(p) for p in leadership)
    cards = [str(post["body"]) for post in posts]
    assert cards and not [c for c in cards if "13566667777" in c]
    assert all("刘*（135****7777）" in c for c in cards if "markdown" in c)

    second = await payer.say("我还要反映另一个单位，派潭镇的绿源农庄也没给我交社保")
    assert NOT_UNDERSTOOD not in second


@pytest.mark.parametrize(("place", "town"), [("新糖", "新塘镇"), ("在新汤镇", "新塘镇"),
                                             ("荔成街道", "荔城街道"), ("石摊", "石滩镇"),
                                             ("增城新塘", "新塘镇")])
async def test_a_misspelt_place_at_the_place_question_is_the_configured_town(
        bot_server, config, place, town):
    """"新糖" got "没找到", "在新汤镇" was stored as a place outside the area (its case would
    go to the transfer group), "荔成街道" offered the same choice list twice and "增城新塘"
    kept only the district."""
    payer = Payer(bot_server, f"v-place-{abs(hash(place)) % 10**6}")
    assert "哪个区" in await payer.say("公司一直没给我交社保，单位是广州宏达电子厂")
    reply = await payer.say(place)
    assert "称呼" in reply and "没找到" not in reply
    assert (await slots_of(config, payer.openid))["jurisdiction"] == town


async def test_a_misspelt_town_in_the_story_is_matched(bot_server, config):
    """"新糖镇" in the first message was not recognised, so the place was asked again."""
    payer = Payer(bot_server, "v-place-story")
    reply = await payer.say("我在新糖镇宏达电子厂上班，公司欠了我半年社宝")
    assert "哪个区" not in reply and "称呼" in reply
    assert (await slots_of(config, payer.openid))["jurisdiction"] == "新塘镇"


@pytest.mark.parametrize("insult", ["妈的", "傻逼机器人"])
async def test_an_insult_at_a_question_is_not_stored_and_gets_a_calm_reply(
        bot_server, config, insult):
    """"妈的" where the name was asked was stored as the payer's name and the form moved on."""
    payer = Payer(bot_server, f"v-insult-{abs(hash(insult)) % 10**6}")
    await payer.say("公司一直没给我交社保，单位是广州宏达电子厂，在新塘镇")
    reply = await payer.say(insult)
    assert "抱歉" in reply and "称呼" in reply
    assert (await slots_of(config, payer.openid)).get("name") is None
    assert "联系电话" in await payer.say("李四")


@pytest.mark.parametrize("message", ["你们这些当官的都是吃干饭的！", "去你妈的", "😡😡😡"])
async def test_anger_outside_a_form_is_acknowledged_and_moves_on(bot_server, message):
    """Anger got "抱歉，我没太明白" and the menu, as if the payer had typed nonsense."""
    payer = Payer(bot_server, f"v-anger-{abs(hash(message)) % 10**6}")
    reply = await payer.say(message)
    assert NOT_UNDERSTOOD not in reply and "抱歉" in reply and "说说" in reply


async def test_anger_with_a_progress_check_gets_an_apology_and_the_progress(
        bot_server, config):
    """"怎么还没人联系我，你们是干什么吃的" got the case list with no word for the anger."""
    payer = Payer(bot_server, "v-anger-progress")
    reply = await payer.say("我叫吴十电话13812345678，新塘镇宏达电子厂欠了我半年社保，要求补缴")
    for answer in ("1", "跳过"):
        if "请核对登记内容" not in reply:
            reply = await payer.say(answer)
    case = await the_case(config, await payer.say("确认"))
    reply = await payer.say("怎么还没人联系我，你们是干什么吃的")
    assert reply.startswith("非常抱歉") and case.case_no in reply


async def test_employer_and_place_typed_after_the_greeting_start_the_form(bot_server, config):
    """"新塘镇宏达电子厂" after "请直接说说您遇到的社保费问题" got "我没太明白"; the grievance
    after it then started a form that asked for the employer and the place again."""
    payer = Payer(bot_server, "v-facts-first")
    await payer.say("你好")
    reply = await payer.say("新塘镇宏达电子厂")
    assert NOT_UNDERSTOOD not in reply and "说说" in reply
    reply = await payer.say("欠我社保")
    assert "单位" not in reply and "哪个区" not in reply and "称呼" in reply
    slots = await slots_of(config, payer.openid)
    assert slots["employer"] == "新塘镇宏达电子厂" and slots["jurisdiction"] == "新塘镇"
    assert slots["description"] == "欠我社保" and slots["category"] == "employer_arrears"


async def test_contact_details_where_the_story_is_asked_are_kept_not_the_story(
        bot_server, config):
    """"我叫李四，电话…" after "请说说遇到了什么问题" became the description (category 对办事
    服务不满意), and the real grievance typed next was lost at the place question."""
    payer = Payer(bot_server, "v-facts-description")
    await payer.say("我要反映问题")
    reply = await payer.say("我叫李四，电话13912345678")
    assert "李四" in reply and "说说" in reply
    await payer.say("公司欠我社保")
    slots = await slots_of(config, payer.openid)
    assert slots["description"] == "公司欠我社保" and slots["category"] == "employer_arrears"
    assert slots["name"] == "李四" and slots["phone"] == "13912345678"


async def test_unrecognised_voice_while_information_is_awaited_joins_the_case(
        bot_server, config, http):
    """A voice message without recognised text, sent to answer a liaison's request, got only
    "请打字" and the recording was dropped."""
    payer = Payer(bot_server, "v-voice-info")
    reply = await payer.say("我叫吴十电话13812345678，新塘镇宏达电子厂欠了我半年社保，要求补缴")
    for answer in ("1", "跳过"):
        if "请核对登记内容" not in reply:
            reply = await payer.say(answer)
    case = await the_case(config, await payer.say("确认"))
    async with http.post(bot_server.make_url(f"/api/cases/{case.case_no}/request-info"),
                         headers={"Authorization": "Bearer dev-token-tax"},
                         json={"text": "请提供工资条"}) as resp:
        assert resp.status == 200
    replies = await payer.dispatcher.handle(Inbound(
        openid=payer.openid, kind="voice", text=None, media_id="voice-1", msg_id=900))
    reply = "\n".join(replies)
    assert case.case_no in reply and "打字" in reply
    [after] = await fetch(config.database_url, Case, case_no=case.case_no)
    assert "voice-1" in (after.evidence or []) and after.awaiting_info is False


async def test_unrecognised_voice_in_a_form_repeats_the_question(bot_server, config):
    payer = Payer(bot_server, "v-voice-form")
    await payer.say("公司一直没给我交社保，单位是广州宏达电子厂，在新塘镇")
    replies = await payer.dispatcher.handle(Inbound(
        openid=payer.openid, kind="voice", text=None, media_id="voice-2", msg_id=901))
    assert "称呼" in "\n".join(replies)


@pytest.mark.parametrize("message", ["人工", "找客服"])
async def test_a_bare_request_for_a_person_is_a_handoff(bot_server, config, message):
    """"人工" got the greeting outside a form and "请告诉我您的姓名" inside one."""
    payer = Payer(bot_server, f"v-bare-human-{abs(hash(message)) % 10**6}")
    assert "转人工需要一个联系电话" in await payer.say(message)
    other = Payer(bot_server, f"v-bare-human-form-{abs(hash(message)) % 10**6}")
    await other.say("公司一直没给我交社保，单位是广州宏达电子厂，在新塘镇")
    assert "转人工需要一个联系电话" in await other.say(message)
    done = await other.say("13912345678")
    case = await the_case(config, done)
    assert case.needs_callback and case.employer == "广州宏达电子厂"


@pytest.mark.parametrize("message", ["那我要反映", "重新开始"])
async def test_asking_to_file_outside_a_form_starts_one(bot_server, message):
    """"那我要反映" after a policy answer and "重新开始" after cancelling were told
    "目前没有正在填写的登记"."""
    payer = Payer(bot_server, f"v-start-{abs(hash(message)) % 10**6}")
    reply = await payer.say(message)
    assert "我来帮您登记" in reply and "没有正在填写" not in reply


async def _register(payer: Payer, config) -> Case:
    reply = await payer.say("我叫吴十电话13812345678，新塘镇宏达电子厂欠了我半年社保，要求补缴")
    for answer in ("1", "跳过"):
        if "请核对登记内容" not in reply:
            reply = await payer.say(answer)
    return await the_case(config, await payer.say("确认"))


async def test_a_complaint_right_after_registering_reuses_the_case(bot_server, config):
    """"对了，他们也没给我交医保" right after registering started a form that asked for the
    employer again, and the next message "还有一件事" was stored as the employer. The new
    form now starts with what the case knows and says so; chatter is no answer; "补充"
    adds the complaint to the case instead."""
    payer = Payer(bot_server, "v-related")
    case = await _register(payer, config)
    reply = await payer.say("对了，他们也没给我交医保")
    assert case.case_no in reply and "补充" in reply and "全称" not in reply
    slots = await slots_of(config, payer.openid)
    assert (slots["employer"], slots["jurisdiction"], slots["name"], slots["phone"]) == (
        case.employer, case.jurisdiction, case.name, case.phone)
    reply = await payer.say("还有一件事")
    assert "请说" in reply
    reply = await payer.say("公积金也一直没给我交过")
    slots = await slots_of(config, payer.openid)
    assert slots["employer"] == case.employer and "公积金" in slots["description"]
    added = await payer.say("补充")
    assert case.case_no in added and "补充内容" in added
    cases = await fetch(config.database_url, Case, openid=payer.openid)
    assert len(cases) == 1
    [event] = [e for e in await fetch(config.database_url, CaseEvent, case_id=case.id)
               if e.kind == "supplement"]
    assert "医保" in event.detail["text"] and "公积金" in event.detail["text"]


@pytest.mark.parametrize("chatter", ["还有一件事", "对了，我还想说", "等一下"])
async def test_chatter_at_the_employer_question_is_no_employer(bot_server, config, chatter):
    payer = Payer(bot_server, f"v-chatter-{abs(hash(chatter)) % 10**6}")
    assert "全称" in await payer.say("公司一直没给我交社保，在新塘镇")
    reply = await payer.say(chatter)
    assert "请说" in reply
    assert (await slots_of(config, payer.openid)).get("employer") is None
    assert "称呼" in await payer.say("宏达电子厂")
    assert (await slots_of(config, payer.openid))["employer"] == "宏达电子厂"


@pytest.mark.parametrize(("answer", "name"), [("俺叫赵大", "赵大"), ("俺是赵大", "赵大"),
                                              ("我系陈大文", "陈大文"), ("我係陈大文", "陈大文"),
                                              ("俺叫阿强", "阿强")])
async def test_dialect_self_introductions_yield_the_bare_name(bot_server, config, answer, name):
    """"俺叫赵大" was stored as the name with 俺叫 on it."""
    payer = Payer(bot_server, f"v-dialect-name-{abs(hash(answer)) % 10**6}")
    assert "称呼" in await payer.say("公司一直没给我交社保，单位是广州宏达电子厂，在新塘镇")
    assert "联系电话" in await payer.say(answer)
    assert (await slots_of(config, payer.openid))["name"] == name


async def test_cantonese_function_words_are_no_employer(bot_server, config):
    """In "老细冇帮我买社保啊，喺新塘嗰间厂" the employer was stored as "喺新塘嗰间厂" ("at that
    factory in Xintang"). The dialect words are read as Mandarin; the place is kept and the
    factory's name is asked for."""
    parser = bot_server.app["services"].parser
    message = "老细冇帮我买社保啊，喺新塘嗰间厂"
    assert not [e for e in parser.parse(message).entities if e.type == "employer"]
    payer = Payer(bot_server, "v-cantonese")
    reply = await payer.say(message)
    assert "全称" in reply
    slots = await slots_of(config, payer.openid)
    assert slots.get("employer") is None and slots["jurisdiction"] == "新塘镇"
    assert slots["category"] == "employer_arrears"
    assert "名称" in await payer.say("喺新塘嗰间厂")
    assert (await slots_of(config, payer.openid)).get("employer") is None
    assert "称呼" in await payer.say("佢哋间厂叫宏达电子厂")
    assert (await slots_of(config, payer.openid))["employer"] == "宏达电子厂"


@pytest.mark.parametrize(("question", "answer", "why"), [
    ("称呼", "你们有完没完，问这么多干嘛", "打电话"),
    ("称呼", "要我名字干嘛", "打电话"),
    ("联系电话", "为什么要留电话", "核实"),
    ("全称", "问这个干什么", "单位名称"),
])
async def test_asking_why_we_ask_gets_the_reason(bot_server, config, question, answer, why):
    """"你们有完没完，问这么多干嘛" at the name question got an apology and "请告诉我您的姓名，
    例如张三": the payer asked why, and is now told (the agency calls back)."""
    payer = Payer(bot_server, f"v-why-{abs(hash(answer + question)) % 10**6}")
    first = {"称呼": "公司一直没给我交社保，单位是广州宏达电子厂，在新塘镇",
             "联系电话": "公司一直没给我交社保，单位是广州宏达电子厂，在新塘镇，我叫李四",
             "全称": "公司一直没给我交社保，在新塘镇"}[question]
    assert question in await payer.say(first)
    reply = await payer.say(answer)
    assert why in reply and question in reply and "例如“张三”" not in reply
    slots = await slots_of(config, payer.openid)
    assert answer not in {slots.get("name"), slots.get("employer"), slots.get("phone")}


async def test_anger_at_the_description_question_invites_the_story(bot_server, config):
    """"垃圾政府，什么都不管" where the story is asked got "问这些是为了…"; an angry complaint
    that says what happened is the story."""
    payer = Payer(bot_server, "v-anger-story")
    await payer.say("我要反映问题")
    reply = await payer.say("垃圾政府，什么都不管")
    assert "问这些是为了" not in reply and "抱歉" in reply and "说说" in reply
    assert (await slots_of(config, payer.openid)).get("description") is None
    reply = await payer.say("垃圾公司，半年没给我交社保了")
    assert "抱歉" in reply and "问这些是为了" not in reply
    slots = await slots_of(config, payer.openid)
    assert slots["description"] == "垃圾公司，半年没给我交社保了"
    assert slots["category"] == "employer_arrears"


@pytest.mark.parametrize("message", ["我想问下社保的事", "社保", "医保", "咨询一下养老保险"])
async def test_a_bare_topic_gets_an_invitation_to_ask(bot_server, message):
    """"社保", "医保" or "我想问下社保的事" got "不能准确回答，建议拨打12345"."""
    payer = Payer(bot_server, f"v-topic-{abs(hash(message)) % 10**6}")
    reply = await payer.say(message)
    assert "不能准确回答" not in reply and "1234" not in reply
    assert "哪方面" in reply and "滞纳金怎么算" in reply
    assert "依据" in await payer.say("滞纳金怎么算")


@pytest.mark.parametrize("message", ["[捂脸]", "[微笑]", "👍", "[强][强]"])
async def test_faces_and_emoji_get_a_friendly_acknowledgement(bot_server, message):
    payer = Payer(bot_server, f"v-face-{abs(hash(message)) % 10**6}")
    reply = await payer.say(message)
    assert NOT_UNDERSTOOD not in reply and "收到" in reply


async def test_a_long_junk_message_is_not_understood_not_greeted(bot_server, config):
    """3,000 × "a" got the greeting; inside a form it is no answer either."""
    payer = Payer(bot_server, "v-junk")
    reply = await payer.say("a" * 3000)
    assert "没能看懂" in reply and "您好" not in reply
    await payer.say("我要反映问题")
    reply = await payer.say("啊" * 500)
    assert "没能看懂" in reply and "说说" in reply
    assert (await slots_of(config, payer.openid)).get("description") is None


@pytest.mark.parametrize("message,hotline", [
    ("我的社保卡丢了怎么办", "12333"),
    ("社保卡密码忘了", "12333"),
])
async def test_a_question_the_classifier_cannot_place_still_gets_the_right_office(
        bot_server, message, hotline):
    """Regression: classified "other" or a weak "cancel", these got "我没太明白" or "没有正在
    填写的登记" although the knowledge base knows which office answers them."""
    reply = await Payer(bot_server, f"o-unplaced-{len(message)}").say(message)
    assert hotline in reply and NOT_UNDERSTOOD not in reply


async def test_chit_chat_the_classifier_cannot_place_is_still_not_understood(bot_server):
    reply = await Payer(bot_server, "o-unplaced-chat").say("今天天气怎么样呀")
    assert "12345" not in reply and "12333" not in reply


@pytest.mark.parametrize("question", ["今天气温多少度", "个人所得税汇算清缴怎么操作～",
                                      "劳动仲裁时效1年从什么时候算起？"])
async def test_a_question_mid_form_is_answered_or_declined_never_stored(
        bot_server, config, question):
    """Regression (found under load): a question the knowledge base declines, typed while the
    form asked for the headcount, the wish or the confirmation, was stored as that answer
    and the form moved on."""
    payer = Payer(bot_server, f"o-midform-q-{len(question)}")
    await payer.until("涉及几个人", "我叫李四，电话13912345678，新塘镇宏达电子厂一直没给我交社保")
    before = await slots_of(config, payer.openid)
    reply = await payer.say(question)
    assert "涉及几个人" in reply  # asked again after the answer or the decline
    after = await slots_of(config, payer.openid)
    assert after.get("headcount") == before.get("headcount") is None
    assert after.get("description") == before.get("description")


@pytest.mark.parametrize("question", [
    "上个月刚辞职，新工作还没找着，社保就这么断了，之前交的六年会不会清零啊，心里没底",
    "换了工作两个单位同一个月都给我交了社保，多的能退不",
])
async def test_a_question_about_ones_own_situation_is_answered_not_filed(
        bot_server, config, question):
    """Regression (found under load): these questions started a form; the payer asked
    something the knowledge base answers, so they get the answer (with its source)."""
    payer = Payer(bot_server, f"o-ask-not-file-{len(question)}")
    reply = await payer.say(question)
    assert "依据" in reply
    assert await fetch(config.database_url, DialogueState, openid=payer.openid) == [] or not (
        await fetch(config.database_url, DialogueState, openid=payer.openid))[0].form


@pytest.mark.parametrize("message", [
    "公司一直没给我交社保，我要投诉",
    "我们厂三十多个工人的社保被欠了一年，宏达电子厂，怎么办？",
])
async def test_a_complaint_that_asks_for_action_or_gives_facts_still_starts_the_form(
        bot_server, message):
    reply = await Payer(bot_server, f"o-file-not-ask-{len(message)}").say(message)
    assert "依据" not in reply and "？" in reply  # the form's next question


@pytest.mark.parametrize("message,expected", [
    ("医保个人账户每个月给划进去多少钱啊", "12393"),        # a weak complaint reading
    ("老婆生孩子我能休几天陪产假啊", "12333"),              # a weak progress reading
    ("受伤都半年了公司一直不给报工伤，我自己能去申请不，有没有期限", "依据"),  # 申请 asks, not us
    ("你好，谢谢", "您好"),
    ("hello 请问一下", "您好"),
])
async def test_messages_the_classifier_misreads_get_a_fitting_answer(bot_server, config,
                                                                     message, expected):
    """Regression (found under load): these started a form, answered "您还没有登记过事项" or
    "我没太明白"."""
    payer = Payer(bot_server, f"o-misread-{abs(hash(message)) % 10**6}")
    reply = await payer.say(message)
    assert expected in reply and NOT_UNDERSTOOD not in reply and "还没有登记过" not in reply
    states = await fetch(config.database_url, DialogueState, openid=payer.openid)
    assert not states or not states[0].form


async def test_a_policy_question_at_the_place_question_is_answered_not_added(bot_server,
                                                                             config):
    payer = Payer(bot_server, "o-q-at-place")
    await payer.until("哪个区", "公司一直没给我交社保，我要投诉")
    before = await slots_of(config, payer.openid)
    reply = await payer.say("我自己开了个小卖部，请了两个帮工，要给他们交社保不啊")
    assert "依据" in reply and "哪个区" in reply
    after = await slots_of(config, payer.openid)
    assert after.get("description") == before.get("description")


@pytest.mark.parametrize("message,expected", [
    ("俺爸下个月到龄了，退休手续去哪办？", "12333"),   # a question, no harm named: no case
    ("俺哥在工地出事走了，工伤保险能给家里赔啥啊", "依据"),  # not a progress check
])
async def test_questions_read_as_complaints_or_progress_get_their_answer(
        bot_server, config, message, expected):
    """Regression (found under load): the first registered a case "其他", the second listed
    the payer's cases."""
    payer = Payer(bot_server, f"o-misread2-{len(message)}")
    reply = await payer.say(message)
    assert expected in reply and "您登记的事项" not in reply
    assert "依据" in reply or "反映问题" not in reply  # an office to call, not a case to file
    states = await fetch(config.database_url, DialogueState, openid=payer.openid)
    assert not states or not states[0].form


@pytest.mark.parametrize("message", ["试用期老板说不给上社保，这合法不。",
                                     "试用期老板说不给上社保，这合法不，谢谢"])
async def test_a_judgement_question_ending_in_bu_is_answered_not_filed(bot_server, config,
                                                                      message):
    """Regression (found under load): "这合法不" without a question mark read as a statement,
    so the question started a form and was registered as the case's description."""
    payer = Payer(bot_server, f"o-legal-bu-{len(message)}")
    reply = await payer.say(message)
    assert "依据" in reply and "单位" not in reply.splitlines()[-1]
    states = await fetch(config.database_url, DialogueState, openid=payer.openid)
    assert not states or not states[0].form


async def test_a_worry_about_filing_is_answered_not_filed(bot_server, config):
    """Regression (found under load): 投诉/举报 in "投诉了老板会不会晓得是我举报的" made the
    question a filing, and it was registered instead of hearing that reports are confidential."""
    payer = Payer(bot_server, "o-worry-filing")
    reply = await payer.say("投诉了老板会不会晓得是我举报的，怕被穿小鞋？")
    assert "保密" in reply and "问题类型" not in reply
    states = await fetch(config.database_url, DialogueState, openid=payer.openid)
    assert not states or not states[0].form


async def test_a_question_with_bu_mid_form_is_answered_not_read_as_no(bot_server, config):
    """Regression (found under load): "身体不好能办病退不啊" at the employer question read as
    "no" (不) and a greeting, so the question was silently repeated without any answer."""
    payer = Payer(bot_server, "o-bu-mid-form")
    reply = await payer.say("公司一直没给我交社保，我要投诉")
    assert "单位" in reply
    before = await slots_of(config, payer.openid)
    reply = await payer.say("身体不好能办病退不啊")
    assert "12333" in reply and "我们接着登记" in reply and "单位" in reply
    assert await slots_of(config, payer.openid) == before


async def test_a_progress_check_with_thanks_lists_the_cases(bot_server, config):
    """Regression (found under load): "进度，麻烦了" / "进度，谢谢" were too polite for the
    classifier: a payer with a case got the policy text on how to check progress, and one in
    the middle of a form was told "没找到“进度，谢谢”" as if it were a place."""
    payer = Payer(bot_server, "o-progress-polite")
    reply = await payer.say("我叫张三电话13900001111，新塘镇宏达电子厂欠了我半年社保，要求补缴")
    for _ in range(4):
        if CASE_NO.search(reply):
            break
        reply = await payer.say("确认" if "请核对" in reply else "1")
    case_no = CASE_NO.search(reply).group()
    for message in ("进度，麻烦了", "进度，谢谢"):
        assert case_no in await payer.say(message)
    reply = await payer.say("另外一家华新建材厂也没给我交社保，我要投诉")
    assert "？" in reply
    reply = await payer.say("进度，谢谢")
    assert case_no in reply and "没找到" not in reply and "我们接着登记" in reply


@pytest.mark.parametrize("message,expected", [
    ("单位一直没去办理社保登记，会受到什么处罚？主管人员也罚吗!", "依据"),  # 社保登记 files nothing
    ("工伤认定的申请时限是多长。。", "30日内"),                          # 多长 asks
    ("生育保险是公司交的还是个人交的，麻烦了", "生育保险费"),            # which of two
])
async def test_questions_that_looked_like_filings_get_their_answer(bot_server, config,
                                                                   message, expected):
    """Regression (found under load): each started a form ("登记" in 社保登记 read as asking to
    register; 多长 and "A的还是B的" were not read as questions)."""
    payer = Payer(bot_server, f"o-looked-filed-{len(message)}")
    reply = await payer.say(message)
    assert expected in reply and "？" not in reply.splitlines()[-1]
    states = await fetch(config.database_url, DialogueState, openid=payer.openid)
    assert not states or not states[0].form


async def test_asking_whether_insurance_covers_something_is_no_anger(bot_server):
    """Regression (found under load): "生育险管不管" (does it cover) matched the anger word 管不管,
    so a plain question was answered with an apology for making the payer angry."""
    reply = await Payer(bot_server, "o-covers").say("上环取环的费用生育险管不管，麻烦了")
    assert "生气" not in reply and "生育" in reply
    reply = await Payer(bot_server, "o-covers-angry").say("你们到底管不管")
    assert "生气" in reply


@pytest.mark.parametrize("message,expected", [
    ("工伤休养期间公司还要发工资吗，能休多久啊", "停工留薪期"),
    ("交通事故对方全责，保险公司赔多少，谢谢", "12345"),
    ("参加单位组织的抗洪救灾受伤了视同工伤吗", "视同工伤"),
])
async def test_a_company_named_in_passing_does_not_make_a_question_a_case(
        bot_server, config, message, expected):
    """Regression (found under load): "工伤休养期间公司", "保险公司" and "参加单位" were read as
    the payer's employer, so these questions started a form (one noted 涉及单位：参加单位)."""
    payer = Payer(bot_server, f"o-passing-co-{len(message)}")
    reply = await payer.say(message)
    assert expected in reply and "涉及单位" not in reply
    states = await fetch(config.database_url, DialogueState, openid=payer.openid)
    assert not states or not states[0].form


async def test_a_question_at_the_wish_question_is_answered_and_a_wish_still_taken(bot_server,
                                                                                config):
    """Regression (found under load): at "您希望怎么处理？" a policy question the classifier was
    not sure of ("这个算工伤吗") was neither stored nor answered: the question came back bare."""
    payer = Payer(bot_server, "o-q-at-wish")
    reply = await payer.say("我叫张三电话13900002222，新塘镇宏达电子厂扣了我工资里的社保钱但是没交上去")
    for _ in range(4):
        if "怎么处理" in reply:
            break
        reply = await payer.say("1")
    assert "怎么处理" in reply
    reply = await payer.say("下班骑电动车回家被车撞了，对方全责，这个算工伤吗")
    assert "工伤" in reply and "我们接着登记" in reply and "怎么处理" in reply
    assert (await slots_of(config, payer.openid)).get("desired_outcome") is None
    await payer.say("能不能让他们把钱补上？")
    assert (await slots_of(config, payer.openid)).get("desired_outcome") == "能不能让他们把钱补上？"


@pytest.mark.parametrize("message,employer", [("我要投诉宏达公司", "宏达公司"),
                                              ("举报单位不交社保会泄露我的身份吗", None)])
async def test_the_verb_of_complaining_is_no_part_of_an_employer(bot_server, message, employer):
    """Regression (found under load): "投诉宏达公司" was taken as the employer's name, and
    "举报单位" as an employer, which made a question about confidentiality mid-form go
    unanswered."""
    parser = bot_server.app["services"].parser
    found = [e.value for e in parser.parse(message).entities if e.type == "employer"]
    assert found == ([employer] if employer else [])


async def test_a_confidentiality_question_at_the_phone_question_is_answered(bot_server, config):
    payer = Payer(bot_server, "o-secret-at-phone")
    reply = await payer.say("公司一直没给我交社保，我要投诉")
    for answer in ("宏达厂", "新塘镇", "李四"):
        reply = await payer.say(answer)
    assert "电话" in reply
    reply = await payer.say("举报单位不交社保会泄露我的身份吗")
    assert "保密" in reply and "电话" in reply.splitlines()[-1]
    assert (await slots_of(config, payer.openid)).get("phone") is None


async def test_a_question_ending_in_ba_or_asking_politely_is_not_filed(bot_server, config):
    """Regression: "属于工伤吧 请问一下" read as a statement started a form."""
    payer = Payer(bot_server, "o-ba-question")
    reply = await payer.say("在车间干活被机器夹了手，属于工伤吧 请问一下")
    assert "12333" in reply or "依据" in reply
    states = await fetch(config.database_url, DialogueState, openid=payer.openid)
    assert not states or not states[0].form

"""First contact and everything that is neither a filing nor a policy question, second round:
about 50 first messages and short exchanges written before the handlers were read —
greetings in many forms, thanks and goodbyes mid-conversation, abuse with and without a real
dispute in it, faces and stickers, asking for a person or about the bot, matters of related
offices (公积金, 个税, 医保报销, 工伤认定, 劳动仲裁, 拖欠工资), words after a picture, what to
prepare, the office's hours and address, keyboard mash, a long story, English and pinyin.
Each goes through the real gateway from a fresh openid (or one exchange per openid)."""
from __future__ import annotations

import re

from bot.simulator import image_xml
from tests.test_chat_fresh import draft_of, reply_kind
from tests.test_dialogue import say
from tests.test_first_messages import OUT_OF_SCOPE

FALLBACK = "抱歉，我没太明白"


async def _kinds(platform, prefix: str, wanted: dict[str, set[str]]) -> list[str]:
    """Each message from its own payer; the ones whose reply is not of a wanted kind."""
    wrong = []
    for index, (message, kinds) in enumerate(wanted.items()):
        reply = await say(platform, f"{prefix}-{index}", message)
        got = reply_kind(reply)
        if got not in kinds:
            wrong.append(f"{message!r}: {got} | {reply[:70]!r}")
    return wrong


async def test_greetings_in_many_forms_are_greeted(platform):
    wanted = {m: {"greeting"} for m in [
        "在吗", "有人没", "喂喂", "你好呀小助手", "早上好", "在不在啊亲", "哈喽", "老师好",
        "下午好，打扰了", "你好啊 有冇人", "侬好", "在么在么"]}
    wrong = await _kinds(platform, "hi2", wanted)
    assert not wrong, "\n".join(wrong)


async def test_faces_and_stickers_alone_are_a_nod(platform):
    wanted = {m: {"thanks_or_ack", "greeting"} for m in ["[捂脸]", "[捂脸][捂脸]", "👍", "[微笑]",
                                                         "[OK]", "[抱拳]"]}
    wrong = await _kinds(platform, "face2", wanted)
    assert not wrong, "\n".join(wrong)


async def test_asking_for_a_person_is_a_call_back(platform):
    wanted = {m: {"human"} for m in ["人工", "转人工", "找真人", "我要人工服务", "叫个活人来",
                                     "有没有人工客服"]}
    wrong = await _kinds(platform, "human2", wanted)
    assert not wrong, "\n".join(wrong)


async def test_questions_about_the_bot_say_who_answers(platform):
    wanted = {m: {"identity"} for m in ["你是机器人吗", "你们是哪个部门的", "你是真人还是机器",
                                        "这个号是税务局的吗", "你是自动回复吧"]}
    wrong = await _kinds(platform, "who2", wanted)
    assert not wrong, "\n".join(wrong)


async def test_abuse_alone_is_met_calmly(platform, config):
    wanted = {m: {"calm"} for m in ["你们这些吃干饭的", "垃圾公众号", "草，什么玩意儿",
                                    "滚", "你们政府的人都是废物"]}
    wrong = await _kinds(platform, "abuse2", wanted)
    assert not wrong, "\n".join(wrong)
    assert not (await draft_of(config, "abuse2-0")).get("description")


async def test_a_dispute_inside_an_angry_message_is_still_taken(platform, config):
    said = {"他妈的公司欠我半年社保了你们管不管": "半年社保",
            "你们税务局都是骗子，老板三个月没给我们交社保": "三个月没给我们交社保",
            "气死了！！厂里从去年开始就没交过医保，垃圾": "没交过医保"}
    wrong = []
    for index, (message, words) in enumerate(said.items()):
        openid = f"angry-case2-{index}"
        reply = await say(platform, openid, message)
        description = (await draft_of(config, openid)).get("description") or ""
        if words not in description or OUT_OF_SCOPE in reply:
            wrong.append(f"{message!r}: {description!r} | {reply[:70]!r}")
    assert not wrong, "\n".join(wrong)


async def test_thanks_and_goodbye_mid_conversation(platform, config):
    openid = "thanks2-policy"
    await say(platform, openid, "滞纳金怎么算")
    assert reply_kind(await say(platform, openid, "好的谢谢")) == "thanks_or_ack"
    assert reply_kind(await say(platform, openid, "拜拜")) == "thanks_or_ack"
    openid = "thanks2-hello"
    await say(platform, openid, "你好")
    assert reply_kind(await say(platform, openid, "好的 没事了 谢谢啊")) == "thanks_or_ack"
    openid = "thanks2-form"
    first = await say(platform, openid, "公司从今年三月开始没给我交社保")
    before = await draft_of(config, openid)
    reply = await say(platform, openid, "谢谢你啊")
    assert FALLBACK not in reply and await draft_of(config, openid) == before
    assert first.splitlines()[-1][:10] in reply, (first, reply)


async def test_related_offices_are_named_and_ours_are_taken(platform, config):
    """First-question responsibility: a matter of a related office is never just "not our
    business": who handles it is named; whatever is about contributions is registered."""
    named = {"公积金怎么提取": ("12345", "公积金"), "个税怎么退": ("12366",),
             "医保报销比例是多少": ("12393",),
             "工伤认定去哪里申请": ("12333", "人社", "社会保险行政部门"),  # the statute's word
             "我想申请劳动仲裁": ("仲裁",), "老板拖欠工资三个月了": ("12333", "劳动")}
    wrong = []
    for index, (message, marks) in enumerate(named.items()):
        openid = f"office2-{index}"
        reply = await say(platform, openid, message)
        if not any(m in reply for m in marks) or FALLBACK in reply:
            wrong.append(f"{message!r}: names none of {marks} | {reply[:80]!r}")
        if (await draft_of(config, openid)).get("description"):
            wrong.append(f"{message!r}: started a form | {reply[:80]!r}")
    for message in ["我想申请劳动仲裁", "老板拖欠工资三个月了"]:
        reply = await say(platform, "office2-labour-" + message, message)
        if "反映问题" not in reply:
            wrong.append(f"{message!r}: no offer to register the contributions | {reply[:80]!r}")
    for index, message in enumerate(["拖欠工资还不交社保", "公司不给交公积金也不交社保",
                                     "公司不给买医保，看病报销不了"]):
        openid = f"office2-ours-{index}"
        reply = await say(platform, openid, message)
        if not (await draft_of(config, openid)).get("description"):
            wrong.append(f"{message!r}: not taken | {reply[:80]!r}")
    assert not wrong, "\n".join(wrong)


async def test_words_after_a_picture_are_material_not_out_of_scope(platform, config):
    """"这是工资条" after a picture was declined as outside social insurance."""
    wrong = []
    for index, message in enumerate(["这是工资条", "你看下这个", "这是我的社保缴费记录",
                                     "图片上是劳动合同"]):
        openid = f"after-image2-{index}"
        delivery = await platform.post(image_xml(openid, f"media-after-{index}"))
        assert delivery.status == 200
        reply = await say(platform, openid, message)
        if OUT_OF_SCOPE in reply or FALLBACK in reply or "反映问题" not in reply:
            wrong.append(f"{message!r}: {reply[:80]!r}")
    assert not wrong, "\n".join(wrong)
    openid = "after-image2-story"
    await platform.post(image_xml(openid, "media-after-story"))
    await say(platform, openid, "这是社保缴费记录截图，公司少交了三个月")
    assert "少交了三个月" in ((await draft_of(config, openid)).get("description") or "")


async def test_what_to_prepare_before_filing_is_answered(platform, config):
    wrong = []
    for index, message in enumerate(["投诉需要准备什么材料", "登记要提供哪些信息",
                                     "反映问题要带什么证件吗"]):
        openid = f"prepare2-{index}"
        reply = await say(platform, openid, message)
        if reply_kind(reply) != "policy" or "（依据" not in reply:
            wrong.append(f"{message!r}: {reply_kind(reply)} | {reply[:80]!r}")
        if (await draft_of(config, openid)).get("description"):
            wrong.append(f"{message!r}: stored as a description")
    assert not wrong, "\n".join(wrong)


async def test_office_hours_address_and_phone_are_never_invented(platform):
    wrong = []
    for index, message in enumerate(["你们电话多少", "在哪里可以当面反映", "周末上班吗",
                                     "新塘镇专窗几点开门", "你们办公地点在哪"]):
        reply = await say(platform, f"hours2-{index}", message)
        if reply_kind(reply) != "office":
            wrong.append(f"{message!r}: {reply_kind(reply)} | {reply[:80]!r}")
    for index, message in enumerate(["增城区税务局地址在哪", "社保局电话是多少"]):
        reply = await say(platform, f"hours2-other-{index}", message)
        if re.search(r"路\d+号|\d{7,}", reply) or FALLBACK in reply:
            wrong.append(f"{message!r}: {reply[:80]!r}")
    assert not wrong, "\n".join(wrong)


async def test_nonsense_gets_a_clarification_never_a_form(platform, config):
    wrong = []
    for index, message in enumerate(["asdfghjkl", "。。。", "啊啊啊啊啊啊啊", "jjjjjjjjjjj",
                                     "？？？", "1111111"]):
        openid = f"mash2-{index}"
        reply = await say(platform, openid, message)
        if not reply or (await draft_of(config, openid)).get("description"):
            wrong.append(f"{message!r}: {reply[:80]!r}")
        elif reply_kind(reply) not in ("clarify", "greeting", "thanks_or_ack", "calm"):
            wrong.append(f"{message!r}: {reply_kind(reply)} | {reply[:80]!r}")
    assert not wrong, "\n".join(wrong)


async def test_a_long_pasted_story_is_taken(platform, config):
    story = ("你好，我想反映一下我们公司的情况。我是2019年进的广州宏达电子厂，在新塘镇，"
             "一直在流水线上做，签了劳动合同，合同上写的工资是每个月四千多。刚进去的时候公司"
             "说试用期不交社保，我们也没多想。后来转正了，人事说会帮我们交，但是我前几天去查"
             "社保记录，发现2021年到2023年中间断了整整两年，一直没交，而且交的那几年基数也是"
             "按最低的两千多交的，跟工资差很多。我去问人事，人事说是老板的意思，让我们自己去"
             "找老板，老板又说公司效益不好，以后再说。我们车间差不多有二十几个人都是这种情况，"
             "有几个快退休的老员工特别着急，怕影响以后领养老金。我们想问一下这种情况能不能让"
             "公司把欠的补上，基数也按实际工资来算。我叫王建军，电话13712345678。麻烦你们了，"
             "真的很着急，谢谢！") * 2
    openid = "long2"
    reply = await say(platform, openid, story)
    draft = await draft_of(config, openid)
    assert "断了整整两年" in (draft.get("description") or ""), reply
    assert FALLBACK not in reply


async def test_english_and_pinyin_are_read(platform, config):
    wanted = {"hello": {"greeting"}, "ni hao": {"greeting"}, "zai ma": {"greeting"},
              "good morning": {"greeting"}}
    wrong = await _kinds(platform, "latin2", wanted)
    for index, message in enumerate(["my company did not pay my social insurance",
                                     "gongsi bu gei wo jiao shebao"]):
        openid = f"latin2-case-{index}"
        reply = await say(platform, openid, message)
        if not (await draft_of(config, openid)).get("description"):
            wrong.append(f"{message!r}: not taken | {reply[:80]!r}")
    assert not wrong, "\n".join(wrong)


async def test_what_this_account_does_is_the_help_not_a_decline(platform):
    """"俺想问问这个咋弄" was declined as outside social insurance (tests/test_chat_fresh.py
    fell one under its floor); "交社保有什么用" stays a policy question."""
    wanted = {"俺想问问这个咋弄": {"greeting"}, "这个公众号有什么用": {"greeting"},
              "你能干啥": {"greeting", "identity"}, "交社保有什么用": {"policy"}}
    wrong = await _kinds(platform, "abilities2", wanted)
    assert not wrong, "\n".join(wrong)


async def test_more_first_contacts_of_the_fixed_classes(platform, config):
    """Second probe, after the first fixes: "你是人还是机器", "有病吧你们", "你们能干嘛", "我想
    去现场办", "受理窗口电话" and "需要准备什么资料" got "我没太明白", a decline or the mechanism's
    account; "公司不给交公积金" and "老板欠我三个月工资" started a contribution form."""
    wanted = {"你是人还是机器": {"identity"}, "你们是税务局吗": {"identity"},
              "有病吧你们": {"calm"}, "你们能干嘛": {"greeting"},
              "我想去现场办": {"office"}, "受理窗口电话": {"office"}}
    wrong = await _kinds(platform, "more2", wanted)
    for index, message in enumerate(["需要准备什么资料", "要提供身份证吗"]):
        reply = await say(platform, f"more2-prepare-{index}", message)
        if "（依据" not in reply or OUT_OF_SCOPE in reply:
            wrong.append(f"{message!r}: {reply[:80]!r}")
    for index, (message, mark) in enumerate({"公司不给交公积金": "12345",
                                             "老板欠我三个月工资": "12333",
                                             "工资拖了两个月没发": "12333"}.items()):
        openid = f"more2-office-{index}"
        reply = await say(platform, openid, message)
        if mark not in reply or "反映问题" not in reply or (
                await draft_of(config, openid)).get("description"):
            wrong.append(f"{message!r}: {reply[:80]!r}")
    reply = await say(platform, "more2-grievance", "拖欠工资还不交社保怎么办")
    if "反映问题" not in reply:
        wrong.append(f"'拖欠工资还不交社保怎么办': no offer to register | {reply[:80]!r}")
    openid = "more2-major"
    await say(platform, openid, "老板跑路了欠了我们五十多个人三个月工资")
    if not (await draft_of(config, openid)).get("description"):
        wrong.append("a boss gone with fifty unpaid is no longer registered")
    assert not wrong, "\n".join(wrong)


async def test_asking_whether_a_picture_arrived(platform):
    """"收到没" right after a picture got "我没太明白"; without a picture it is no such question."""
    openid = "received2"
    await platform.post(image_xml(openid, "media-received"))
    reply = await say(platform, openid, "图片收到了吗")
    assert "图片收到了" in reply and "反映问题" in reply, reply
    assert "图片收到了" not in await say(platform, "received2-none", "图片收到了吗")


async def test_what_filing_brings_and_the_window_number(platform):
    """"投诉有什么用" was declined to 12345 (its 有用 words missed 有什么用); "你们的电话号是哪个"
    got "我没太明白"."""
    reply = await say(platform, "brings2", "投诉有什么用")
    assert "反映问题" in reply and "（依据" in reply, reply
    assert reply_kind(await say(platform, "brings2-phone", "你们的电话号是哪个")) == "office"

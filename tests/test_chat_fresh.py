"""What payers say that is neither a filing, a policy question nor a progress check: insults,
despair, threats, thanks, who-are-you, emoji, English, asking for a person or for the office,
dialect, pasted notices, a bare number or company name. 80 such messages
(tests/data/chat_fresh.jsonl, written before the handlers were read) each carry the kind of
reply a payer should get and the kinds that are still acceptable; every one goes through the
real gateway from a fresh openid. Run with ``-s`` to see the table."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import yaml

from bot.handlers.media import MEDIA
from bot.store.models import DialogueState
from bot.texts import TEXTS_FILE
from tests.test_dialogue import fetch, say
from tests.test_first_messages import GENERAL_LINE, OUT_OF_SCOPE, POLICY_MARKS, REPLY_KINDS

DATA = Path(__file__).resolve().parent / "data" / "chat_fresh.jsonl"
KEYS = {
    "distress": ["distress"],
    "threat": ["threat_calm"],
    "office": ["office_info"],
    "clarify": ["pasted_notice", "fallback", "junk"],
    "calm": ["anger_calm", "tried_elsewhere", "anger_description"],
    "identity": ["bot_identity"],
    "other": ["english_only"],
    "human": REPLY_KINDS["human"],
    "form": [k for k in REPLY_KINDS["form"] if k != "anger_description"],
    "progress": REPLY_KINDS["progress"],
    "cancel_or_nothing": REPLY_KINDS["cancel_or_nothing"],
    "policy": REPLY_KINDS["policy"],
    "greeting": [*REPLY_KINDS["greeting"], "sad_ack"],
    "thanks_or_ack": REPLY_KINDS["thanks_or_ack"],
}
FLOOR = {"right": 74, "wrong": 1}
"""Right kinds out of the 80 the bot reaches (31 right, 2 acceptable, 47 wrong before the fixes
of 2026-11-26), and at most this many wrong; a change that does worse fails. Left wrong: "3"
alone is the menu's 进度 line (chat.yaml menu_numbers), answered as a progress check."""


def _marks() -> list[tuple[str, str]]:
    texts = yaml.safe_load(TEXTS_FILE.read_text("utf-8"))
    marks = []
    for kind, keys in KEYS.items():
        for key in keys:
            if key in texts:
                pieces = re.split(r"\{[^}]*\}|\n", texts[key])
                marks.append((kind, max(pieces, key=len)[:14]))
    return marks


MARKS = _marks()
TEXTS = yaml.safe_load(TEXTS_FILE.read_text("utf-8"))
ANGER_ACK = TEXTS["anger_ack"]


def reply_kind(reply: str) -> str:
    """The kind of a reply by the texts it is made of; an apology put before another reply
    ("非常抱歉让您着急…" then "您还没有登记过事项") counts as that other reply."""
    if reply.startswith(ANGER_ACK + "\n"):
        reply = reply[len(ANGER_ACK) + 1:]
    for kind, opening in MARKS:
        if opening and opening in reply:
            return kind
    if OUT_OF_SCOPE in reply and GENERAL_LINE in reply:
        return "other"
    if MEDIA["outside_form"] in reply:
        return "other"
    if any(mark in reply for mark in POLICY_MARKS):
        return "policy"
    return "unknown"


def load_messages() -> list[dict]:
    return [json.loads(line) for line in DATA.read_text("utf-8").splitlines() if line.strip()]


def score(rows: list[dict], replies: list[str]) -> tuple[Counter, str]:
    """right / acceptable / wrong counts and the table of everything not right."""
    counts, lines = Counter(), []
    for row, reply in zip(rows, replies):
        got = reply_kind(reply)
        grade = ("right" if got == row["kind"] else
                 "acceptable" if got in row.get("also", ()) else "wrong")
        counts[grade] += 1
        if grade != "right":
            lines.append(f"  {grade:10} {row['kind']} → {got}: {row['text'][:30]!r} | "
                         f"{reply[:50]!r}")
    head = f"right {counts['right']}, acceptable {counts['acceptable']}, wrong {counts['wrong']}"
    return counts, "\n".join([head, *lines])


async def kinds_of(platform, prefix: str, messages) -> dict[str, str]:
    """Each message from its own fresh payer: message → the kind of its reply."""
    return {m: reply_kind(await say(platform, f"{prefix}-{i}", m)) for i, m in enumerate(messages)}


async def draft_of(config, openid: str) -> dict:
    states = await fetch(config.database_url, DialogueState, openid=openid)
    return dict(states[0].slots or {}) if states else {}


def test_the_data_is_80_distinct_messages_of_known_kinds():
    rows = load_messages()
    assert len(rows) == 80 and len({r["text"] for r in rows}) == 80
    assert {r["kind"] for r in rows} <= set(KEYS)


async def test_chat_replies_are_of_the_kind_a_payer_needs(platform):
    rows = load_messages()
    replies = [await say(platform, f"chat-{i:03d}", row["text"]) for i, row in enumerate(rows)]
    counts, table = score(rows, replies)
    print("\n" + table)
    assert counts["right"] >= FLOOR["right"] and counts["wrong"] <= FLOOR["wrong"], table


async def test_words_of_ending_ones_life_get_a_person_not_a_form(platform, config):
    """"不想活了" got "我没太明白", "我就去厂门口自焚" started a form at the employer question."""
    said = ["真的不想活了", "干脆死了算了", "我准备吃安眠药", "社保断了 我活不下去了", "厂里再不交我就跳楼"]
    assert set((await kinds_of(platform, "risk", said)).values()) == {"distress"}
    plain = ["累得要死 社保到底咋交", "公司快撑不下去了，社保能缓缴吗", "职工死亡后社保怎么处理",
             "工资被砍了一半，社保也停了", "员工在厂里自杀了，家属要求认定工伤，可以吗"]
    assert "distress" not in (await kinds_of(platform, "risk-plain", plain)).values()
    openid = "risk-in-form"
    await say(platform, openid, "公司从今年三月开始没给我交社保")
    before = await draft_of(config, openid)
    reply = await say(platform, openid, "我不想活了")
    assert reply_kind(reply) == "distress" and "转人工" in reply
    assert await draft_of(config, openid) == before


async def test_a_threat_gets_a_calm_firm_reply_not_a_form(platform):
    """"再不给我解决我就去税务局砍人" started a form; "我知道你们办事员住哪" was not understood."""
    said = ["我要去砍死那个老板", "再拖我就放火烧了你们大楼", "大不了跟他同归于尽", "我打听到你们科长住在哪了"]
    assert set((await kinds_of(platform, "threat", said)).values()) == {"threat"}


async def test_insults_and_frustration_at_the_bot_are_met_calmly(platform):
    """"说人话", "你是不是智障啊", "啥子嘛 听不懂你说的" got the "我没太明白" menu."""
    said = ["人工智障", "答非所问", "你根本听不懂", "一问三不知还叫客服", "你们等着瞧"]
    assert set((await kinds_of(platform, "insult", said)).values()) == {"calm"}


async def test_who_answers_and_what_it_does(platform):
    """"你是谁", "这是哪个单位的公众号", Cantonese "喺唔喺真人嚟㗎" (read as a hello) got the
    menu or a greeting; "你能干啥" got "我没太明白"."""
    kinds = await kinds_of(platform, "who", ["你到底是谁", "你叫啥", "这是什么平台", "你系唔系真人"])
    assert set(kinds.values()) == {"identity"}, kinds
    kinds = await kinds_of(platform, "what", ["你能做什么", "这个公众号是干啥的"])
    assert set(kinds.values()) == {"greeting"}, kinds


async def test_goodbyes_and_face_codes_are_a_nod(platform):
    """"没事了", "ok thanks bye", WeChat's "/::)" got "我没太明白"."""
    kinds = await kinds_of(platform, "bye", ["没事了 拜拜", "好了 再见", "ok bye", "/:strong", "/::D/::D"])
    assert set(kinds.values()) == {"thanks_or_ack"}, kinds
    assert "别难过" in await say(platform, "bye-sad", "/::<")


async def test_a_sticker_placeholder_is_no_story(platform, config):
    """WeChat's "【收到不支持的消息类型，暂无法显示】" for a store sticker started a form with it
    as the description; mid-form it must not be stored either."""
    reply = await say(platform, "sticker", "【收到不支持的消息类型，暂无法显示】")
    assert reply_kind(reply) == "other" and not await draft_of(config, "sticker")
    await say(platform, "sticker-form", "公司从今年三月开始没给我交社保")
    before = await draft_of(config, "sticker-form")
    reply = await say(platform, "sticker-form", "[Unsupported Message]")
    assert "接着登记" in reply and await draft_of(config, "sticker-form") == before


async def test_english_gets_a_hello_or_the_language_it_works_in(platform):
    """"hi, anyone there?" and "Can you speak English?" got the Chinese "我没太明白" menu."""
    kinds = await kinds_of(platform, "en", ["hey, is anybody there", "Where can I complain?",
                                            "what is this account for"])
    assert kinds == {"hey, is anybody there": "greeting", "Where can I complain?": "other",
                     "what is this account for": "other"}, kinds


async def test_asking_for_the_boss_or_no_bot_is_a_call_back(platform):
    """"叫你们领导出来" started a form at the place question; "能不能别自动回复了" was a
    progress check."""
    kinds = await kinds_of(platform, "boss", ["找你们负责人", "让你们领导给我回话", "不要机器人回复"])
    assert set(kinds.values()) == {"human"}, kinds


async def test_office_hours_and_address_are_not_made_up(platform):
    """"你们几点上班", "受理点在哪里" were declined as outside social insurance; the seeds give
    no address, hours or number, so none is given, and a call-back is offered."""
    said = ["星期天有人上班吗", "你们办公时间是几点到几点", "专窗在什么地方", "石滩镇的受理点怎么走"]
    for index, message in enumerate(said):
        reply = await say(platform, f"office-{index}", message)
        assert reply_kind(reply) == "office" and "转人工" in reply, (message, reply)
        assert not re.search(r"\d{3,}", reply), reply
    for index, message in enumerate(["社保卡丢了去哪里补办", "社保局几点下班",
                                     "一直在等你们电话，等到现在也没等到"]):
        assert reply_kind(await say(platform, f"office-not-{index}", message)) != "office"


async def test_a_pasted_notice_asks_what_the_payer_wants(platform):
    """A government notice pasted whole started a form with it as the description; an
    employer's notice to its staff that it stops paying is still a grievance."""
    notice = ("关于做好2025年度社会保险费征缴工作的通知\n各镇街、各相关部门：为进一步规范社会保险费"
              "征缴管理，保障参保人合法权益，现将有关事项通知如下：一、……二、……请认真贯彻执行。")
    assert reply_kind(await say(platform, "notice", notice)) == "clarify"
    staff = ("通知：因厂里订单减少，自下月起暂停为全体员工缴纳社会保险，请各位员工知悉，"
             "如有疑问请找行政部，特此通知。宏达电子厂 2025年3月1日")
    assert reply_kind(await say(platform, "notice-staff", staff)) == "form"


async def test_anger_alone_as_a_first_message_is_not_filed(platform, config):
    """"你们等着，我明天去闹" was read as a filing and stored as its description."""
    reply = await say(platform, "anger-first", "你们等着 明天就去闹")
    assert reply_kind(reply) == "calm"
    assert not (await draft_of(config, "anger-first")).get("description")


async def test_risk_words_beside_case_facts_come_first_and_the_case_goes_on(platform, config):
    """A collective complaint with "有人说要跳楼" and every fact must still be registered: the
    calm reply comes first, then the form's next step, and the facts are kept."""
    openid = "risk-facts"
    reply = await say(platform, openid, "我们厂几十个人的社保被欠了一年，中新镇鑫达五金厂，"
                                        "我叫刘强，电话13566667777，再不管我就跳楼")
    assert reply.startswith(TEXTS["distress"]) and len(reply) > len(TEXTS["distress"])
    assert (await draft_of(config, openid)).get("phone") == "13566667777"


async def test_words_of_ending_ones_life_reach_the_liaison_of_an_open_case(
        platform, config, fake_webhook):
    """The payer got the calm reply, but nobody who knows the case heard of it: the lead
    group now gets the words (masked) headed 缴费人流露轻生念头 with what to do, the case
    history keeps them, and a liaison's open request for information stays open."""
    from bot.store.models import Case, CaseEvent
    from tests.test_followup import file_case
    from tests.test_journeys import group

    openid = "risk-with-case"
    case_no = await file_case(platform, openid)
    [case] = await fetch(config.database_url, Case, case_no=case_no)
    key = config.raw["liaison_groups"][case.district][case.lead_agency]
    reply = await say(platform, openid, "拖了这么久还没人管，我真的不想活了，电话13812345678")
    assert reply_kind(reply) == "distress"
    texts = await group(fake_webhook, key, "缴费人流露轻生念头")
    [alert] = [t for t in texts if "缴费人流露轻生念头" in t]
    assert case_no in alert and "不想活了" in alert and "电话联系" in alert
    assert "13812345678" not in alert and "138****5678" in alert
    events = await fetch(config.database_url, CaseEvent, case_id=case.id)
    # "拖了这么久还没人管" also urges the case: both reach the group, each under its heading
    assert "distress" in [e.detail.get("request") for e in events if e.kind == "supplement"]
    calm = await say(platform, "risk-without-case", "我不想活了")
    assert reply_kind(calm) == "distress"  # no case: the reply, and nothing to tell

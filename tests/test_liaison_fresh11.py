"""The agency liaison's side, eleventh round, written blind: a liaison gets each case as a
WeCom group-robot card and acts on it through the liaison API without calling the payer back.
A case card, and a payer's supplement, carry what is needed to act (category, severity,
employer, place, period, amount, what the payer wants, deadline, case number, masked
contact); every message keeps within the robot's 4096 bytes, and a long payer text (a
1,700-character story, a supplement past 2,000 characters, a note in emoji) reaches the group
whole, in numbered parts "(i/n)" named in each part's first line, in order, nothing lost. A
long genuine story sent to the bot is taken as a complaint, not refused as junk."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from bot.store.models import Case
from routing.cases import add_supplement
from routing.deadlines import deadline_text
from tests import test_cases as base
from tests import test_liaison_api as api
from tests.test_cases import PHONE, T0, drain, new_case, register
from tests.test_dialogue import ANSWERS, CASE_NO, fetch, finish_form, say
from tests.test_faults_fresh7 import StrictRobot, contents, dispatcher_for, robot_server
from tests.test_followup import file_case
from tests.test_liaison_api import COURT, LEADERSHIP, TAX
from tests.test_liaison_fresh10 import GROUP, MASKED_PHONE, TOKEN, arrived, texts, unmasked

rules, client, engine, sm = base.rules, api.client, base.engine, base.sm

LIMIT = 4096
OTHER_PHONE = "13698761234"
NUMBERED = re.compile(r"\((\d+)/(\d+)\)")
KEPT = re.compile(r"[\u4e00-\u9fffA-Za-z]|[\U0001F300-\U0001FAFF]")

# A payer's own long story: varied sentences, no repetition, no markdown.
SENTENCES = [
    "我是二零一九年三月进的这家厂，一开始在包装车间，后来调去做质检",
    "进厂的时候人事跟我说试用期过了就给买社保，我也就没多想",
    "试用期三个月过了以后，我去问过一次，人事说在办了让我等等",
    "结果一等就是大半年，工资条上每个月都扣了一百多块说是社保个人部分",
    "去年我老婆生孩子，想报生育津贴，去医院一问才知道我根本没有参保记录",
    "我当时就懵了，钱每个月都扣了，怎么会查不到呢",
    "我拿着工资条去找财务，财务说这个归人事管，她只管发工资",
    "人事那边换了好几个人了，新来的小姑娘说以前的事她不清楚",
    "后来我又去找车间主任，主任说厂里效益不好，老板在想办法",
    "我们车间一起干活的还有七八个老乡，大家情况都差不多",
    "有个老乡干了六年，前两年有交后面四年都断了，他自己都不知道",
    "今年开春厂里开始拖工资，说是订单少了，资金周转不过来",
    "三月份的工资拖到五月才发，还少发了一部分加班费",
    "到了六月份老板干脆说要搬厂，让我们自己考虑去留",
    "我们几个人商量了一下，觉得走之前必须把社保的事说清楚",
    "我去税务局的大厅问过，窗口的同志说单位欠缴可以来反映",
    "他还教我在手机上查缴费明细，我查了一下确实断了好多个月",
    "我把查到的截图都保存了，工资条我也一张张拍了照片",
    "我们也试过跟老板本人谈，他说等厂子缓过来一定补上",
    "可是他说这话已经说了两年了，一次都没兑现过",
    "有一回我们去办公室找他，他还让保安把我们请了出去",
    "我本人倒不是非要闹，就是想把该交的给交上，以后退休有保障",
    "我爸妈年纪大了在老家，每个月都要寄钱回去，我真的输不起",
    "孩子明年要上幼儿园，我打听过那边要看父母的参保年限",
    "如果社保一直断着，孩子上学都成问题，这才是我最着急的",
    "我也不懂法律，在网上看了一些说法，有的说可以要求补缴",
    "还有人说可以去劳动仲裁，但我不知道仲裁和你们这边有什么区别",
    "有工友劝我算了，说这种小厂查也查不出什么来",
    "我不服气，凭什么我们辛辛苦苦干活，该给的保障都没有",
    "另外厂里还有一些临时工，连合同都没签，这个我也想一起反映",
    "我记得前年夏天有人来厂里检查过，老板提前把临时工都放假了",
    "那次检查完以后老板还在大会上说谁往外说就开除谁",
    "所以大家都不太敢出头，我也是想了很久才决定来找你们",
    "我希望你们能帮我们查一查，厂里到底欠了多少，什么时候能补上",
    "如果需要材料，我这边有工资条、考勤记录和跟人事的聊天记录",
    "聊天记录里人事亲口承认过社保没交，说是老板的意思",
    "我可以把这些都发给你们，或者拿到你们那里去给你们看",
    "我白天要上班，晚上七点以后比较方便，周末全天都可以",
    "要是需要我们几个工友一起过去说明情况，我也可以去叫他们",
    "最后再说一句，我不是想跟厂里过不去，只是想要一个说法",
    "麻烦你们了，真的很感谢，这个事压在心里好久了",
    "对了，厂子现在还在原来的位置，门口挂着宏达电子厂的牌子",
    "老板平时开一辆黑色的车，一般上午十点以后才到厂里",
    "财务室在二楼最里面那间，人事在一楼进门左手边",
    "要是你们去的时候他们说老板不在，可以找会计，她什么都清楚",
    "我们这边还有两个人已经离职了，但他们也愿意出来作证",
    "离职的那两个人社保也是断的，他们想问能不能一起补",
    "这事拖得越久我越担心，万一厂子真的搬走了就更难找了",
    "听说隔壁镇也有类似的厂，老板卷钱跑了工人什么都拿不到",
    "所以我想趁厂子还在，赶紧把事情反映上来，拜托你们了",
]


def story(chars: int) -> str:
    """Whole sentences of the payer's story until about ``chars`` characters."""
    out = ""
    for sentence in SENTENCES * 3:
        if len(out) >= chars:
            break
        out += sentence + "。"
    return out


def kept(text: str) -> str:
    """The characters a card cannot change: Chinese, Latin letters, emoji (digits are masked,
    markdown punctuation escaped)."""
    return "".join(KEPT.findall(text))


def whole_in(original: str, joined: str) -> bool:
    """Every kept character of ``original`` appears in ``joined``, in order."""
    it = iter(kept(joined))
    return all(ch in it for ch in kept(original))


def parts_about(messages: list[str], case_no: str, marker: str) -> list[str]:
    """The numbered run of messages about ``case_no`` that carries ``marker``'s text: from
    the first part that names the case to the part marked (n/n)."""
    about = [m for m in messages if case_no in m]
    for start, message in enumerate(about):
        first = NUMBERED.search(message.partition("\n")[0])
        if first and first.group(1) == "1":
            run = about[start:start + int(first.group(2))]
            if any(marker in m for m in run):
                return run
    return [m for m in about if marker in m]


def delivered_whole(parts: list[str], original: str, case_no: str, phones: int = 0) -> None:
    """Numbered parts in order, each within the robot's limit, each naming the case and the
    console link; all of ``original`` across them; every phone masked, none cut."""
    assert parts
    for i, part in enumerate(parts, 1):
        assert len(part.encode("utf-8")) <= LIMIT, len(part.encode("utf-8"))
        head = part.partition("\n")[0]
        assert len(parts) == 1 or f"({i}/{len(parts)})" in head, head
        assert case_no in part and f"/console/cases/{case_no}" in part, part[-200:]
        assert not unmasked(part, PHONE) and not unmasked(part, OTHER_PHONE), part[:200]
    joined = "\n".join(parts)
    assert whole_in(original, joined), "payer text lost or cut"
    assert "…" not in joined.replace("…（接下条）", ""), "payer text marked as cut"
    assert len(MASKED_PHONE.findall(joined)) >= phones


def within_limit(fake_webhook) -> None:
    sizes = [len(t.encode("utf-8")) for key in GROUP.values() for t in texts(fake_webhook, key)]
    assert sizes and max(sizes) <= LIMIT, max(sizes)


async def view_of(client, case_no: str) -> dict:
    status, view = await client.call("GET", f"/api/cases/{case_no}", LEADERSHIP)
    assert status == 200, view
    return view


async def lead_group(client, case_no: str) -> tuple[str, dict]:
    view = await view_of(client, case_no)
    return GROUP[view["lead_agency"]], view


def the_basics(card: str, view: dict) -> None:
    """Which case, what kind and how serious, whose employer, where, by when, whom (masked),
    where to click."""
    deadline = deadline_text(datetime.fromisoformat(view["deadline"]))
    for needed in (view["case_no"], view["category_label"], view["severity_label"],
                   view["employer"], view["jurisdiction"], deadline,
                   f"/console/cases/{view['case_no']}"):
        assert needed and needed in card, (needed, card)
    assert MASKED_PHONE.search(card), card
    assert not unmasked(card, PHONE) and not unmasked(card, OTHER_PHONE), card


# === 1. a case card carries all that is needed to act =========================================


def yuan(amount: float | None) -> str:
    """An amount as the intake stores it (a number; the payer's words go in the
    description), as a liaison should read it."""
    if amount is None:
        return ""
    return f"{int(amount)}元" if float(amount).is_integer() else f"{amount:.2f}元"


CASES = [
    {"category": "employer_arrears", "employer": "穗丰五金加工厂", "jurisdiction": "永宁街道",
         "period": "2024年3月至2025年8月", "amount": 46000, "desired_outcome": "要求单位补缴",
         "description": f"厂里一年多没给交社保，工资条上照扣，电话{PHONE}"},
    {"category": "late_fee", "employer": "恒通物流有限公司", "jurisdiction": "新塘镇",
         "period": "2025年1月至6月", "amount": 3200, "desired_outcome": "减免滞纳金",
         "description": "税务局加收的滞纳金太多了，我是按时交的"},
    {"category": "contribution_base", "employer": "金穗制衣厂", "jurisdiction": "石滩镇",
         "period": "2023年全年", "amount": 9000, "desired_outcome": "按实际工资核定基数",
         "description": "单位按最低基数给我交，实际工资八千多"},
    {"category": "refund", "employer": "明辉电子厂", "jurisdiction": "荔城街道",
         "period": "2025年10月", "amount": 1280.5, "desired_outcome": "退还多交的钱",
         "description": "离职后单位又多扣了一个月社保，想退回来"},
    {"category": "payment_record", "employer": "宏图建材有限公司", "jurisdiction": "中新镇",
         "period": "2019-07至2020-12", "amount": None, "desired_outcome": "补上缴费记录",
         "description": "查缴费记录中间断了一年半，单位说交了"},
    {"category": "employer_arrears", "employer": "永盛家具厂", "jurisdiction": "仙村镇",
         "period": "近三年", "amount": 2000000, "desired_outcome": "全部补缴并追责",
         "severity": "major", "severity_reasons": ["headcount:60"], "headcount": 60,
         "description": "老板跑了，六十多个工人社保都没交"},
    {"category": "back_payment", "employer": "个体户（自己交）", "jurisdiction": "派潭镇",
         "period": "2010年至2014年", "amount": 20000, "desired_outcome": "允许我补缴",
         "description": "灵活就业断缴了几年，现在想补不让补"},
    {"category": "service_complaint", "employer": "正果镇某食品厂", "jurisdiction": "正果镇",
         "period": "2026年11月", "amount": None, "desired_outcome": "希望窗口给个说法",
         "description": "去大厅办事被推来推去，跑了三趟都没办成"},
]


@pytest.mark.parametrize("fields", CASES, ids=[f"{c['category']}-{c['jurisdiction']}"
                                                for c in CASES])
async def test_a_case_card_carries_everything_to_act(server, rules, client, fake_webhook,
                                                     fields):
    case = await new_case(server, rules, openid=f"o-f11-card-{fields['jurisdiction']}",
                          **fields)
    key, view = await lead_group(client, case.case_no)
    cards = await arrived(fake_webhook, key, case.case_no)
    card = "\n".join(cards)
    the_basics(card, view)
    for needed in (fields["period"], yuan(fields["amount"]), fields["desired_outcome"]):
        assert needed in card, (needed, card)
    within_limit(fake_webhook)


async def test_the_case_number_and_link_on_the_card_are_enough_to_accept(
        server, rules, client, fake_webhook):
    """The liaison copies what the card shows and accepts the case, no call to the payer."""
    case = await new_case(server, rules, openid="o-f11-act")
    key, _ = await lead_group(client, case.case_no)
    [card, *_] = await arrived(fake_webhook, key, case.case_no)
    [number] = set(CASE_NO.findall(card))
    link = re.search(r"/api/cases/[^\s)）]+/accept", card)
    assert link and number in link.group(), card
    lead = TOKEN[(await view_of(client, number))["lead_agency"]]
    status, answer = await client.call("POST", link.group(), lead,
                                       json={"acceptor": "黄敏", "opinion": "先约谈单位"})
    assert status == 200, answer
    assert (await view_of(client, number))["status"] == "accepted"


# === 2. a payer's supplement carries what is needed to act ====================================

SUPPLEMENTS = [
    ("补充一下 {no} 老板姓陈，厂里上个月又招了十几个人，也都没交", "又招了十几个人"),
    ("我补充一下，厂子准备搬去石滩镇那边的工业园了，动作要快", "工业园"),
    ("还有个情况要补充：我们车间另外三个工友也是一样，{no}", "另外三个工友"),
    ("补充：单位会计说要等年底才一起补，我觉得就是在拖，会计电话{phone}", "等年底才一起补"),
    ("{no}补充 人事承认过社保没交，说是老板的意思，我有聊天记录", "人事承认过"),
]


@pytest.mark.parametrize("words,marker", SUPPLEMENTS, ids=range(len(SUPPLEMENTS)))
async def test_a_supplement_carries_everything_to_act(platform, server, client, fake_webhook,
                                                      words, marker):
    openid = f"o-f11-supp{marker}"
    case_no = await file_case(platform, openid)
    key, view = await lead_group(client, case_no)
    await arrived(fake_webhook, key, case_no)
    n = len(texts(fake_webhook, key))
    message = words.format(no=case_no, phone=OTHER_PHONE)
    await say(platform, openid, message)
    cards = await arrived(fake_webhook, key, marker, n)
    assert cards, (marker, texts(fake_webhook, key)[n:])
    card = cards[0]
    the_basics(card, view)
    assert view["desired_outcome"] in card, card
    within_limit(fake_webhook)


async def test_a_supplement_on_a_major_case_says_it_is_major(sm, config, rules, http,
                                                             aiohttp_server):
    robot = StrictRobot(LIMIT)
    base_url = await robot_server(aiohttp_server, robot.send)
    case = await register(sm, config, rules, openid="o-f11-suppmaj", severity="major",
                          severity_reasons=["headcount:60"], headcount=60,
                          category="employer_arrears", employer="永盛家具厂", jurisdiction="仙村镇")
    async with sm() as session:
        row = await session.get(Case, case.id)
        await add_supplement(session, row, "老板今天把机器拉走了一半", actor="payer",
                             media_ids=[], config=config, now=T0 + timedelta(hours=1))
        await session.commit()
    dispatcher = dispatcher_for(sm, http, config, webhook_base=base_url)
    await drain(dispatcher, T0 + timedelta(hours=1), rounds=30)
    notes = [t for t in contents(robot, GROUP["tax"]) if "机器拉走" in t]
    assert notes, contents(robot, GROUP["tax"])
    for needed in ("重大疑难事项", "永盛家具厂", "仙村镇", case.case_no, "用人单位欠缴"):
        assert needed in notes[0], (needed, notes[0])
    assert robot.refused == 0


# === 3. long payer texts reach the group whole, in numbered parts =============================

UNIT = "〔{i:03d}〕"
FILLERS = {
    "chinese-2001": (lambda i: f"{UNIT.format(i=i)}单位第{i}次拖着不补，会计电话{PHONE}。", 2001),
    "chinese-2500": (lambda i: f"{UNIT.format(i=i)}第{i}个月工资条扣了社保却没交。", 2500),
    "chinese-4000": (lambda i: f"{UNIT.format(i=i)}工友第{i}号说他那边也断了好几个月。", 4000),
    "emoji-2100": (lambda i: f"{UNIT.format(i=i)}😡😭🙏💢厂里又拖了第{i}次", 2100),
    "ascii-3000": (lambda i: f"{UNIT.format(i=i)} boss said next month again, "
                             f"call {PHONE}; ", 3000),
    "markdown-2200": (lambda i: f"{UNIT.format(i=i)}**第{i}条** # 不交 > 拖 `欠` ", 2200),
    "lines-2300": (lambda i: f"{UNIT.format(i=i)}第{i}行：又没交\n", 2300),
}


def long_text(name: str) -> str:
    make, chars = FILLERS[name]
    out, i = "", 1
    while len(out) < chars:
        out += make(i)
        i += 1
    return out


async def robot_got_supplement(sm, config, rules, http, aiohttp_server, openid: str,
                                text: str, description: str | None = None,
                                at=T0 + timedelta(hours=1)) -> tuple:
    """A case registered, ``text`` added by the payer at ``at``, the outbox drained for five
    minutes into a strict robot: the case and the robot."""
    robot = StrictRobot(LIMIT)
    base_url = await robot_server(aiohttp_server, robot.send)
    extra = {"description": description} if description else {}
    case = await register(sm, config, rules, openid=openid, **extra)
    async with sm() as session:
        row = await session.get(Case, case.id)
        await add_supplement(session, row, text, actor="payer", media_ids=[], config=config,
                             now=at)
        await session.commit()
    dispatcher = dispatcher_for(sm, http, config, webhook_base=base_url)
    for minutes in (0, 1, 2, 5):
        await drain(dispatcher, at + timedelta(minutes=minutes), rounds=40)
    return case, robot


@pytest.mark.parametrize("name", list(FILLERS))
async def test_a_long_supplement_reaches_the_lead_whole_in_numbered_parts(
        sm, config, rules, http, aiohttp_server, name):
    text = long_text(name)
    case, robot = await robot_got_supplement(sm, config, rules, http, aiohttp_server,
                                             f"o-f11-long-{name}", text)
    parts = parts_about(contents(robot, GROUP["tax"]), case.case_no, "〔001〕")
    delivered_whole(parts, text, case.case_no, phones=text.count(PHONE))
    assert robot.refused == 0, "a message over 4096 bytes was sent"


@pytest.mark.parametrize("chars", [1700, 2600])
async def test_a_long_story_typed_as_a_supplement_reaches_the_group_whole(
        platform, server, client, fake_webhook, chars):
    openid = f"o-f11-storysupp{chars}"
    case_no = await file_case(platform, openid)
    key, _ = await lead_group(client, case_no)
    await arrived(fake_webhook, key, case_no)
    n = len(texts(fake_webhook, key))
    text = story(chars)
    reply = await say(platform, openid, f"补充一下 {case_no} {text}")
    assert reply, reply
    last = text.rstrip("。").split("。")[-1][:10]
    await arrived(fake_webhook, key, SENTENCES[0][:10], n)
    await arrived(fake_webhook, key, last, n, seconds=8.0)
    parts = parts_about(texts(fake_webhook, key)[n:], case_no, SENTENCES[0][:10])
    delivered_whole(parts, text, case_no)
    within_limit(fake_webhook)


async def test_a_long_registered_story_reaches_the_lead_whole_on_the_case_card(
        sm, config, rules, http, aiohttp_server):
    robot = StrictRobot(LIMIT)
    base_url = await robot_server(aiohttp_server, robot.send)
    text = story(2600)
    case = await register(sm, config, rules, openid="o-f11-longcard", description=text)
    dispatcher = dispatcher_for(sm, http, config, webhook_base=base_url)
    for minutes in (0, 1, 2, 5):
        await drain(dispatcher, T0 + timedelta(minutes=minutes), rounds=40)
    parts = parts_about(contents(robot, GROUP["tax"]), case.case_no, SENTENCES[0][:10])
    delivered_whole(parts, text, case.case_no)
    assert "滞纳金（利息）争议" in parts[0] and "减免滞纳金" in "".join(parts)


@pytest.mark.parametrize("who,text", [
    ("court", "".join(f"〔{i:03d}〕😡法院查封记录第{i}页" for i in range(1, 200))[:2000]),
    ("court", "".join(f"〔{i:03d}〕查封清单第{i}项：厂房设备已登记。" for i in range(1, 120))[:2000]),
], ids=["emoji-note", "chinese-note"])
async def test_a_long_co_handlers_note_reaches_the_lead_whole_and_numbered_like_cards(
        server, rules, client, fake_webhook, who, text):
    case = await new_case(server, rules, openid=f"o-f11-conote-{len(text.encode())}",
                          category="employer_arrears",
                          description="老板跑路了，厂房都被查封了，社保欠了一年")
    await arrived(fake_webhook, GROUP["tax"], case.case_no)
    n = len(texts(fake_webhook, GROUP["tax"]))
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/note", COURT,
                                       json={"text": text})
    assert status == 200, answer
    await arrived(fake_webhook, GROUP["tax"], "〔001〕", n)
    await arrived(fake_webhook, GROUP["tax"], text[-12:-6], n, seconds=8.0)
    parts = parts_about(texts(fake_webhook, GROUP["tax"])[n:], case.case_no, "〔001〕")
    delivered_whole(parts, text, case.case_no)
    within_limit(fake_webhook)


async def test_a_long_transfer_reason_is_numbered_in_its_first_line(server, rules, client,
                                                                    fake_webhook):
    case = await new_case(server, rules, openid="o-f11-trnum")
    text = long_text("chinese-2500")[:2000]
    status, answer = await client.call("POST", f"/api/cases/{case.case_no}/transfer", TAX,
                                       json={"agency": "hrss", "reason": text})
    assert status == 200, answer
    await arrived(fake_webhook, GROUP["hrss"], text[-12:-6], seconds=8.0)
    parts = parts_about(texts(fake_webhook, GROUP["hrss"]), case.case_no, "〔001〕")
    delivered_whole(parts, text, case.case_no)


async def test_card_and_note_parts_are_numbered_the_same_way(sm, config, rules, http,
                                                            aiohttp_server):
    """One way to number parts: the case card and a supplement, both long, open each part
    with the same "(i/n)" heading shape and close each with the console link."""
    case, robot = await robot_got_supplement(
        sm, config, rules, http, aiohttp_server, "o-f11-same", long_text("chinese-2500"),
        description=story(2600), at=T0)
    messages = contents(robot, GROUP["tax"])
    card = parts_about(messages, case.case_no, SENTENCES[0][:10])
    note = parts_about(messages, case.case_no, "〔001〕")
    assert len(card) >= 2 and len(note) >= 2, (len(card), len(note))

    for parts in (card, note):
        for i, part in enumerate(parts, 1):
            assert part.partition("\n")[0].endswith(f"({i}/{len(parts)})"), part[:120]
    delivered_whole(card, story(2600), case.case_no)
    delivered_whole(note, long_text("chinese-2500"), case.case_no)


# === 4. a long genuine story is a complaint, not junk =========================================


@pytest.mark.parametrize("chars", [1500, 1700, 1900])
async def test_a_long_story_as_the_first_message_registers_a_case_whole(
        platform, config, client, fake_webhook, chars):
    openid = f"o-f11-story{chars}"
    text = story(chars)
    reply = await say(platform, openid, text)
    summary = await finish_form(platform, openid, reply, ANSWERS)
    done = await say(platform, openid, "确认")
    found = CASE_NO.search(done)
    assert found, (summary, done)
    [case] = await fetch(config.database_url, Case, case_no=found.group())
    assert whole_in(text, case.description), case.description[-200:]
    key, _ = await lead_group(client, case.case_no)
    await arrived(fake_webhook, key, case.case_no, seconds=8.0)
    within_limit(fake_webhook)
    card = "\n".join(t for t in texts(fake_webhook, key) if case.case_no in t)
    assert whole_in(text, card), "story cut on the card"


@pytest.mark.parametrize("text", [
    story(1700).replace("。", "\n"),
    story(1700).replace("，", " ").replace("。", "！！"),
    "你好，我想反映个事情，说来话长。" + story(1650),
], ids=["line-breaks", "spaces-and-bangs", "greeting-first"])
async def test_a_long_story_in_other_shapes_is_taken_as_a_complaint(platform, config, text):
    openid = f"o-f11-shape{len(text)}{text[:2]}"
    reply = await say(platform, openid, text)
    summary = await finish_form(platform, openid, reply, ANSWERS)
    assert "请核对登记内容" in summary


async def test_a_long_story_at_the_description_question_is_kept(platform, config):
    openid = "o-f11-atq"
    await say(platform, openid, "我要投诉")
    text = story(1700)
    reply = await say(platform, openid, text)
    summary = await finish_form(platform, openid, reply, ANSWERS)
    assert "请核对登记内容" in summary
    done = await say(platform, openid, "确认")
    [case] = await fetch(config.database_url, Case, case_no=CASE_NO.search(done).group())
    assert whole_in(text, case.description)


LEDGER = "".join(f"{y}年{m}月工资条扣了社保个人部分{300 + m}元，查了没交上去；"
                 for y in range(2021, 2026) for m in range(1, 13))[:1700]


async def test_a_month_by_month_ledger_is_a_complaint_not_junk(platform, config):
    """A payer pasting what each payslip shows: few distinct characters, but every line a
    fact the liaison needs (added after reading is_junk, so not blind)."""
    openid = "o-f11-ledger"
    reply = await say(platform, openid, "单位一直扣钱不交社保，我把每个月的都列出来：" + LEDGER)
    assert "没能看懂" not in reply, reply
    summary = await finish_form(platform, openid, reply, ANSWERS)
    done = await say(platform, openid, "确认")
    [case] = await fetch(config.database_url, Case, case_no=CASE_NO.search(done).group())
    assert "2025年12月" in case.description or "2025年1" in case.description, summary



async def test_a_supplement_too_long_for_the_group_ends_with_where_to_read_it(
        sm, config, rules, http, aiohttp_server):
    """Past what a group should get in one go, the last part still names the case, its
    context and the console where the whole text is (added after reading the code)."""
    text = "".join(f"〔{i:04d}〕😡厂里拖了第{i}次不交" for i in range(1, 700))
    case, robot = await robot_got_supplement(sm, config, rules, http, aiohttp_server,
                                             "o-f11-huge", text)
    parts = parts_about(contents(robot, GROUP["tax"]), case.case_no, "〔0001〕")
    assert 2 <= len(parts) <= 10, len(parts)
    for part in parts:
        assert len(part.encode("utf-8")) <= LIMIT
        assert f"/console/cases/{case.case_no}" in part and "滞纳金（利息）争议" in part
    assert robot.refused == 0

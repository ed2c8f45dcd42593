"""Greetings, help and the catch-all reply."""
from __future__ import annotations

import re
import unicodedata

from bot.handlers.answers import (
    FACES,
    is_acknowledgement,
    is_announcement,
    is_courtesy,
    is_junk,
)
from bot.handlers.base import Context
from bot.handlers.closings import polite_close, thanked
from bot.handlers.intake_spec import SPEC
from bot.handlers.media import LOOKED_AT_IMAGE
from bot.handlers.open_case import PROGRESS, newest_open_case
from bot.handlers.policy import (
    WORDS,
    ask,
    asks_about_filing,
    asks_what_to_do,
    names_harm,
    topic_prompt,
    vague_topic,
)
from bot.handlers.progress import REOPEN, loose_case_no, nothing_to_reopen, progress
from bot.texts import text
from bot.word_patterns import one_of, words_regex
from routing.notices import status_label


def _words(*keys: str) -> str:
    """The chat.yaml word lists ``keys`` as one regex alternation, longest words first."""
    return one_of(*(WORDS[key] for key in keys))


# "谢谢你们辛苦了", "多谢晒": thanks words and forms of address in any run.
THANKS = re.compile(f"^({_words('thanks_vocatives')})*[,，\\s]*({_words('thanks_words')})"
                    f"([,，\\s]*({_words('thanks_vocatives')}|{_words('thanks_words')}))*"
                    "[!！。.~～\\s]*$", re.IGNORECASE)
NUDGE = re.compile(WORDS["nudges"])
BOT_QUESTION = re.compile(rf"{_words('bot_question')}|(?<![A-Za-z])(?:{_words('bot_question_latin')})"
                          r"(?![A-Za-z])", re.IGNORECASE)

ANGER = words_regex(SPEC["anger_words"], WORDS["insults"], flags=re.IGNORECASE)
ANGER_WHOLE = re.compile(f"^({_words('insults_whole')})[!！。.~～?？\\s]*$")
ANGER_FILLER = re.compile(_words("anger_filler"))
OWN_RECORD = re.compile(WORDS["own_record"])
OWN_RECORD_NOT = re.compile(WORDS["own_record_not"])
BENEFIT_PAYMENT = re.compile(WORDS["benefit_payment"])
DISTRESS = re.compile(WORDS["distress"])
DISTRESS_NOT = re.compile(WORDS["distress_not"])
THREAT = re.compile(WORDS["threat"])
IDENTITY = re.compile(WORDS["identity_question"])
ABILITIES = re.compile(WORDS["abilities_question"])
ABILITIES_NOT = re.compile(WORDS["abilities_not"])
ENGLISH_GREETING = re.compile(WORDS["english_greeting"])
OFFICE = re.compile(WORDS["office_question"])
OTHER_OFFICES = re.compile(WORDS["other_offices"])
NOTICE = re.compile(WORDS["notice_marks"])
NOTICE_STAFF = re.compile(WORDS["notice_staff"])
NOTICE_ASKS = re.compile(WORDS["notice_asks"])
CLOSING = re.compile(_words("closing_words"), re.IGNORECASE)
COURTESY_WORDS = re.compile(_words("thanks_words", "thanks_vocatives"), re.IGNORECASE)
FACE_CODES = re.compile(WORDS["face_codes"])
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LETTERS = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]")
CANCEL_CUES = words_regex(WORDS["cancel_cues"])
JUST_ASKING = words_regex(WORDS["just_asking"])
_BARE = re.compile(r"[\s，,。.！!？?~～…、;；]+")
SAD_FACES = words_regex(WORDS["sad_faces"])
SAD_SOUNDS = re.compile(WORDS["sad_sounds"])
AT_A_LOSS = re.compile(WORDS["at_a_loss"])
_FACTS = {"phone", "name", "employer", "district", "money", "period", "headcount", "id_number",
          "case_no"}


def angry(message: str) -> bool:
    message = message or ""
    return bool(ANGER.search(message) or ANGER_WHOLE.match(message.strip()))


def only_anger(ctx: Context) -> bool:
    """Anger or an insult and hardly anything else ("妈的", "你们是干什么吃的", "有完没完"):
    it answers no question and asks for nothing, so it is met with a calm reply rather than
    stored, lectured or misunderstood. Anger that also tells what happened is not this."""
    message = (ctx.text or "").strip()
    if not angry(message):
        return False
    nlu = ctx.nlu
    if nlu is not None and any(e.type in _FACTS for e in nlu.entities):
        return False
    rest = _LETTERS.findall(ANGER_FILLER.sub("", ANGER.sub("", ANGER_WHOLE.sub("", message))))
    intent = nlu.intent if nlu is not None else "other"
    return len(rest) < SPEC["anger_content_chars"] or intent in ("other", "greet", "cancel")


def at_risk(message: str) -> str | None:
    """The reply key for a payer who speaks of harming themselves ("distress") or others
    ("threat_calm"): whatever else the message says, it is met calmly and with a person
    offered before any form or answer, and it is never stored as an answer."""
    message = message or ""
    if DISTRESS.search(message) and not DISTRESS_NOT.search(message):
        return "distress"
    if THREAT.search(message):
        return "threat_calm"
    return None


def tells_facts(ctx: Context) -> bool:
    """The message names facts of a case (a company, a phone, a period…)."""
    return ctx.nlu is not None and any(e.type in _FACTS for e in ctx.nlu.entities)


def asks_for_office(ctx: Context) -> bool:
    """"你们几点上班", "受理点在哪里": the hours, address or number of the dispute window,
    which no source here gives; a short question naming no other office and no case facts
    but a place."""
    nlu = ctx.nlu
    facts = _FACTS - {"district"}
    return (_short_without_facts(ctx.text, None, OFFICE, WORDS["office_question_max_chars"])
            and not OTHER_OFFICES.search(ctx.text)
            and not (nlu is not None and any(e.type in facts for e in nlu.entities)))


STAFF_SELF = re.compile(WORDS["staff_self"])
STAFF_WORK = re.compile(WORDS["staff_work"])


def staff_writes(ctx: Context) -> bool:
    """"我是新塘镇的联络员 怎么看案子": an agency's own staff asking how to work the cases
    pushed to them, naming no case facts; this account is the payers', so they are told
    where liaisons work instead of a form being started with their words."""
    message = (ctx.text or "").strip()
    return (len(message) <= WORDS["staff_max_chars"] and bool(STAFF_SELF.search(message))
            and bool(STAFF_WORK.search(message)) and not _names_contributions(message)
            and not (ctx.nlu is not None
                     and any(e.type in _FACTS - {"district"} for e in ctx.nlu.entities)))


def pasted_notice(message: str) -> bool:
    """A notice from an authority pasted whole: nothing in it is the payer's own story, so
    the payer is asked what they want to know rather than a form started with it."""
    message = (message or "").strip()
    return (len(message) >= WORDS["notice_min_chars"] and bool(NOTICE.search(message))
            and not NOTICE_STAFF.search(NOTICE_ASKS.sub("", message)))


def _closing(message: str) -> bool:
    """"拜拜", "没事了", "ok thanks bye": goodbyes, alone or with thanks."""
    rest = COURTESY_WORDS.sub("", CLOSING.sub("", message))
    return bool(CLOSING.search(message)) and not _LETTERS.search(rest)


def _only_english(message: str) -> bool:
    """A phrase of English words and no Chinese ("Can you speak English?"); "asdfgh" is none."""
    return len(_LATIN_WORD.findall(message)) >= 2 and not _CJK.search(message)


def _short_ask(pattern: re.Pattern, message: str) -> bool:
    return len(message) <= WORDS["asks_max_chars"] and bool(pattern.search(message))


def for_cancel(message: str) -> bool:
    """Is a cancel reading right? It also fires on any short 不 ("这样正常不", "不清楚"); a
    cancel wish (取消, 不办了, 算了…) or 重新办理 (which the NLU files nearby) is one."""
    message = (message or "").strip()
    return bool(CANCEL_CUES.search(message) or REOPEN.match(message)
                or _BARE.sub("", message) in WORDS["cancel_words"])


def only_faces(message: str) -> bool:
    """WeChat faces ([微笑], [捂脸]) or emoji (👍) and nothing else: a friendly nod, not a
    message the bot failed to understand."""
    rest = FACES.sub("", FACE_CODES.sub("", message or ""))
    if _LETTERS.search(rest):
        return False
    return bool(FACES.search(message or "") or FACE_CODES.search(message or "")) or any(
        unicodedata.category(ch) in ("So", "Sk") for ch in rest)


def sad(ctx: Context) -> bool:
    """Crying faces or sounds and nothing else ("😭😭😭", "[流泪]", "呜呜呜"), or at a loss
    ("我该怎么办啊") with no policy answer or story just before it to ask about: the payer is
    upset, not saying hello nor asking what to do about what they told."""
    message = (ctx.text or "").strip()
    if SAD_SOUNDS.match(message):
        return True
    if AT_A_LOSS.match(message):
        return not asks_what_to_do(ctx)
    return bool(SAD_FACES.search(message)) and only_faces(message)


async def comfort(ctx: Context) -> list[str]:
    """Sympathy and an invitation to tell what happened; a payer with a case in hand is
    also shown how to look at it."""
    reply = text("sad_ack")
    has_cases = ctx.snapshot is not None and ctx.snapshot.cases
    case = await newest_open_case(ctx) if has_cases else None
    if case is not None:
        reply += "\n" + text("sad_case_hint", case_no=case.case_no,
                             status=status_label(case.status))
    return [reply]


def junk(ctx: Context) -> bool:
    """"aaaa…" thousands of times: answered with "not understood", never as a greeting, a
    story or information for a case."""
    return is_junk(ctx.text)


TRIED = [re.compile(p) for p in WORDS["tried_elsewhere"]]
TRIED_REST = re.compile(f"{WORDS['tried_outcome']}|{WORDS['tried_filler']}|[^\u4e00-\u9fff]")
TRIED_REST_CHARS = 4
"""A complaint beside it ("12345打了没人管，公司欠我一年社保") is filed as usual."""


def tried_elsewhere(ctx: Context) -> bool:
    """The payer already called a hotline or went to an office and got nowhere, and says
    little else: the hotline list would send them back, so they are told what this channel
    does instead."""
    message = (ctx.text or "").strip()
    if not any(p.search(message) for p in TRIED):
        return False
    nlu = ctx.nlu
    if nlu is not None and any(e.type in _FACTS for e in nlu.entities):
        return False
    rest = message
    for pattern in TRIED:
        rest = pattern.sub("", rest)
    return len(TRIED_REST.sub("", rest)) <= TRIED_REST_CHARS


PERSON = re.compile(WORDS["person_request"])


def _short_without_facts(message: str, nlu, pattern: re.Pattern, max_chars: int) -> bool:
    """A few words matching ``pattern`` that name no case facts: a request, not a story."""
    message = (message or "").strip()
    return (len(message) <= max_chars and bool(pattern.search(message))
            and not (nlu is not None and any(e.type in _FACTS for e in nlu.entities)))


def asks_for_person(message: str, nlu=None) -> bool:
    """"能不能让工作人员给我回个电话": a call-back wished in a few words, naming no facts."""
    return _short_without_facts(message, nlu, PERSON, WORDS["person_request_max_chars"])


CHASE = re.compile(WORDS["chase_without_case"])
OBJECTION_WITHOUT_CASE = re.compile(WORDS["objection_without_case"])
BARE_QUESTION_MARKS = re.compile(WORDS["bare_question_marks"])
FORWARD_HEADER = re.compile(WORDS["forward_header"])


def without_forward_header(message: str) -> str:
    """"【转发】老乡帮我问一下：…" read and stored as what follows the header; a message that is
    nothing but a header stays as it is."""
    rest = FORWARD_HEADER.sub("", message or "", count=1)
    return rest if rest.strip() else message


def chases_without_case(ctx: Context) -> bool:
    """"工作人员一直没联系我", "结果我不服" from a payer with no case here: nothing to chase,
    object to or file yet."""
    snapshot = ctx.snapshot
    return (not (snapshot is not None and snapshot.cases)
            and (_short_without_facts(ctx.text, ctx.nlu, CHASE,
                                      WORDS["chase_without_case_max_chars"])
                 or bool(OBJECTION_WITHOUT_CASE.match((ctx.text or "").strip()))))


MENU_NUMBERS = {key: tuple(value) for key, value in WORDS["menu_numbers"].items()}


def menu_choice(message: str) -> tuple[str, str] | None:
    """"1", "２。" after "没太明白" (or the help text): the intent of that menu line and the
    words that stand for it."""
    bare = _BARE.sub("", unicodedata.normalize("NFKC", message or ""))
    return MENU_NUMBERS.get(bare)


def announces(ctx: Context) -> bool:
    """"还有一件事": the payer is about to say more."""
    return is_announcement(ctx.text)


async def greet(ctx: Context) -> list[str]:
    """A hello that asks who answers ("喺唔喺真人嚟㗎", "你好 你是谁") is answered as that."""
    message = (ctx.text or "").strip()
    if _short_ask(IDENTITY, message):
        return identity_reply()
    if asks_if_bot(message):
        return [text("bot_identity")]
    return [text("greet")]


def asks_if_bot(message: str | None) -> bool:
    """"是不是AI回复的", "你是机器人吗": who answers here, in a few words, whatever intent the
    classifier guessed (a progress check, a greeting)."""
    message = (message or "").strip()
    return bool(BOT_QUESTION.search(message)) and len(message) <= 15


def asks_identity(ctx: Context) -> bool:
    """"你们是哪个部门的", "这个号是税务局的吗": who runs this account, in a few words naming
    no facts and asking for no person; the knowledge base's account of the mechanism does not
    say that a bot answers here."""
    message = (ctx.text or "").strip()
    return (_short_ask(IDENTITY, message) and not asks_for_person(message, ctx.nlu)
            and not tells_facts(ctx))


def asks_abilities(ctx: Context) -> bool:
    """"俺想问问这个咋弄", "你能干啥": what can be done here, naming nothing of social
    insurance ("交社保有什么用" is a policy question), of filing ("投诉有什么用") or facts."""
    message = (ctx.text or "").strip()
    return (_short_ask(ABILITIES, message) and not CONTRIBUTIONS.search(message)
            and not ABILITIES_NOT.search(message) and not tells_facts(ctx))


def identity_reply() -> list[str]:
    return [text("bot_identity") + "\n" + text("bot_agencies")]


OFFICE_MATTERS = {key: re.compile(pattern) for key, pattern in WORDS["office_matters"].items()}
OFFICE_MATTERS_NOT = {key: re.compile(pattern)
                      for key, pattern in WORDS["office_matters_not"].items()}
CONTRIBUTIONS = words_regex(WORDS["contribution_words"], flags=re.IGNORECASE)
OFFICE_OWN_TERMS = re.compile(WORDS["office_own_terms"])


def _names_contributions(message: str) -> bool:
    """Social-insurance words in ``message`` beside those of another office's matter
    ("公积金断缴" is the housing fund's)."""
    return bool(CONTRIBUTIONS.search(OFFICE_OWN_TERMS.sub("", message)))


def office_matter(ctx: Context) -> str | None:
    """The reply key for wages, labour arbitration or 公积金 that name nothing of social
    insurance ("老板拖欠工资三个月了", "我想申请劳动仲裁", "公司不给交公积金"): another office's
    matter, said as such with the offer to register the contributions part, never a
    contribution case started with it. A major one (a boss gone, dozens unpaid) is registered
    as usual for the leadership office."""
    message = ctx.text or ""
    if _names_contributions(message) or ctx.nlu is not None and ctx.nlu.severity == "major":
        return None
    return office_of(message)


def office_beside_contributions(ctx: Context) -> str | None:
    """The reply key of another office's matter told beside unpaid contributions ("被辞退了
    补偿金没给 社保也欠了半年", "工资拖了两个月 社保也停了"): the contributions are filed and
    the other part is said to belong to its office; None otherwise."""
    message = ctx.text or ""
    return office_of(message) if _names_contributions(message) else None


def office_told_beside(ctx: Context, replies: list[str]) -> list[str]:
    """A knowledge-base answer to a message that also names another office's matter beside
    contributions ("工资和社保都拖着不给 咋整"): who handles that part is said first
    (首问责任制), as when the same message starts the form."""
    key = office_beside_contributions(ctx)
    if key is None or not replies:
        return replies
    said = text(f"{key}_beside")
    if any(said in reply for reply in replies):
        return replies
    return [said + "\n" + replies[0], *replies[1:]]


def office_of(message: str) -> str | None:
    """The reply key of the first other office's matter ``message`` names, if any."""
    return next((key for key, pattern in OFFICE_MATTERS.items()
                 if pattern.search(OFFICE_MATTERS_NOT[key].sub("", message)
                                   if key in OFFICE_MATTERS_NOT else message)), None)


def asks_own_record(message: str | None) -> bool:
    """"帮我看看我社保交了几年", "我医保还有没有在交": the payer's own record asked of the bot,
    which sees no one's record; not a case to file (no employer failing to pay is told) nor
    a progress check."""
    message = message or ""
    return bool(OWN_RECORD.search(message)) and not OWN_RECORD_NOT.search(message)


def benefit_payment(message: str | None) -> bool:
    """"养老金这个月怎么还没发": a benefit the agency pays, not a contribution dispute, unless
    an unpaid contribution is told beside it."""
    message = message or ""
    return bool(BENEFIT_PAYMENT.search(message)) and not OWN_RECORD_NOT.search(message)


MATERIAL = re.compile(f"^(({_words('material_filler')})|[，,、。.!！~～\\s])*"
                      f"({_words('material_words')})"
                      f"(({_words('material_filler', 'material_words')})|[，,、。.!！~～\\s])*$")
LOOK_AT_THIS = re.compile(WORDS["look_at_this"])
IMAGE_RECEIVED = re.compile(WORDS["image_received"])
MATERIALS_QUESTION = re.compile(WORDS["materials_question"])


def about_material(ctx: Context) -> str | None:
    """The reply key for words that only say what a picture is ("这是工资条", "图片上是劳动
    合同") or, right after one, point at it ("你看下这个"): material for a case to be filed,
    not a question the knowledge base declines nor a story to file."""
    message = (ctx.text or "").strip()
    if MATERIAL.match(message):
        return "material_first"
    if LOOKED_AT_IMAGE.get(ctx) is None:
        return None
    if LOOK_AT_THIS.match(message):
        return "material_look"
    return "image_received" if IMAGE_RECEIVED.match(message) else None


def asks_materials(message: str | None) -> bool:
    """"需要准备什么资料", "要提供身份证吗": what to prepare, asked at first contact with no
    filing word, is about filing here (the knowledge base alone declines it)."""
    return bool(MATERIALS_QUESTION.match((message or "").strip()))


def nudges(message: str | None) -> bool:
    """"怎么不回我", "人呢": the payer thinks nobody is answering this chat."""
    return bool(NUDGE.match((message or "").strip()))


async def fallback(ctx: Context) -> list[str]:
    message = (ctx.text or "").strip()
    if message and (loose_case_no(message) or PROGRESS.match(message)):
        return await progress(ctx)  # "Z Y 2026 1126 0001", "进读": a progress check
    if THANKS.match(message):
        return [text("thanks")]
    if nudges(message):
        return [text("nudge")]
    if is_courtesy(message):
        return [text("greet")]  # "你好，谢谢", "hello 请问一下": a hello, not a riddle
    if BARE_QUESTION_MARKS.match(message):
        return [text("help")]  # "？？？": what to send here
    topic = vague_topic(message)
    if topic is not None:
        return [topic_prompt(topic)]
    if _short_ask(IDENTITY, message):
        return identity_reply()
    if asks_if_bot(message):
        return [text("bot_identity")]
    if _short_ask(ABILITIES, message):
        return [text("help")]
    if _closing(message):
        return [text("ack")]
    if polite_close(message):
        return [text("thanks" if thanked(message) else "ack")]
    if only_faces(message):
        return [text("face_ack")]
    typed = (ctx.inbound.text or "").strip()  # as typed: the reading turns "is" into 是
    if _only_english(typed):
        return [text("greet" if ENGLISH_GREETING.match(typed) else "english_only")]
    if is_acknowledgement(message) or _lexicon_ack(ctx):
        return [text("ack")]  # "收到", "好的 谢谢", "要得", "okk": nothing to answer
    if ctx.services.parser is not None and ctx.services.parser.is_advert(message):
        return [text("fallback")]  # "代办社保挂靠 包过 私聊VX": no question for the hotline
    return _known_to_the_kb(ctx) or [text("fallback")]


async def nothing_to_cancel(ctx: Context) -> list[str]:
    if REOPEN.match((ctx.text or "").strip()):
        return await nothing_to_reopen(ctx)
    known = _known_to_the_kb(ctx)  # "算了算了，还是先问问吧，滞纳金怎么算的"
    if known is None and JUST_ASKING.search(ctx.text or ""):
        return [text("ask_policy_prompt")]  # "算了先不投诉了，我就问问"
    return known or [text("nothing_to_cancel")]


def _lexicon_ack(ctx: Context) -> bool:
    """A whole-message "got it" of the NLU's lexicon (dialect 要得, 嗯呐, pinyin okk) that
    the form's acknowledgement words do not list."""
    parser = ctx.services.parser
    message = ctx.text or ""
    return (parser is not None and bool(_LETTERS.search(message))
            and parser.exact_intent(message) == "other")


def _known_to_the_kb(ctx: Context) -> list[str] | None:
    """A message the classifier could not place ("我的社保卡丢了怎么办", "社保卡密码忘了") may
    still be one the knowledge base answers, or knows the office for: better than "我没太明白".
    Only a decline to the general 12345 line (weather, chit-chat) is left to the caller."""
    kb = ctx.services.kb
    message = (ctx.text or "").strip()
    if kb is None or len(message) < 4:
        return None
    answer = ask(ctx, message)  # its topic is kept: "新农合怎么交", then "那一年多少钱"
    key = office_beside_contributions(ctx) if answer.declined else None
    if key is not None:  # "公积金和社保都断缴了 怎么办": the contributions part is answered
        answer = ask(ctx, OFFICE_MATTERS[key].sub("", message))
    if answer.declined and answer.hotline in (None, kb.scope.default_hotline):
        return None
    return [answer.reply_text()]


REPEATED_WORD = re.compile(WORDS["repeated_word"])


def without_repeats(message: str) -> str:
    """"人工人工人工", "在吗 在吗 在吗": one word said again and again, read as said once; a run
    of one character ("啊啊啊…") or a long one stays junk."""
    found = REPEATED_WORD.match(message or "")
    if found is None or len(set(found.group(1))) < 2 or len(message) > WORDS["repeated_max_chars"]:
        return message
    return found.group(1)


SLIP_LABELS = words_regex(WORDS["slip_labels"])
_AMOUNT = re.compile(r"\d+(?:\.\d+)?")


def bare_salary_slip(ctx: Context) -> bool:
    """A salary slip pasted with nothing said about it: labels and amounts, no harm and no
    question; what it is about is asked, never a case guessed from its numbers."""
    message, parser = ctx.text or "", ctx.services.parser
    labels = set(SLIP_LABELS.findall(message))
    return (len(labels) >= WORDS["slip_min_labels"] and len(_AMOUNT.findall(message)) >= 2
            and parser is not None and not names_harm(parser, message)
            and not parser.is_question(message))


OTHER_CITIES = [c for c in SPEC["outside_cities"] if c not in WORDS["home_cities"]]
SOURCE_MARK = "（依据："


def outside_city_told(ctx: Context, replies: list[str]) -> list[str]:
    """A harm or a question about filing that names a city outside the area ("东莞的公司没交
    社保 能在你们这投诉吗"): the answer, after what this account takes and that a case there is
    still registered here and passed on (首问责任制); a policy question about it ("深圳的社保
    基数是多少"), after saying the answer is the general rule and this area's."""
    message, parser = ctx.text or "", ctx.services.parser
    city = next((c for c in OTHER_CITIES if c in message), None)
    if city is None or not replies or parser is None or any(city in r for r in replies):
        return replies
    key = ("outside_city" if names_harm(parser, message) or asks_about_filing(ctx)
           else "outside_city_question")  # "深圳的社保基数是多少": answered for here
    if key == "outside_city_question" and SOURCE_MARK not in replies[0]:
        return replies  # a decline answers nothing for here either
    area = "、".join(j.name for j in ctx.services.config.jurisdictions)
    note = text(key, area=area, city=city)
    return [note + "\n" + replies[0], *replies[1:]]

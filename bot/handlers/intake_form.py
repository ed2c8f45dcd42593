"""The dispute intake form as a rasa-sdk ``FormValidationAction``.

It is stateless: everything it knows comes from the tracker (slots + the latest message
with its NLU result), and it answers with ``SlotSet`` events and utterances. Our dialogue
loop runs it in-process; a Rasa deployment can serve the same class with
``python -m rasa_sdk --actions bot.handlers.intake_form``.
"""
from __future__ import annotations

import difflib
import re
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.nlu.cnnum import CN_NUM_CHARS, to_number
from bot.nlu.dataset import load_rules
from bot.nlu.entities import homophone_table
from bot.nlu.normalize import word_map
from bot.privacy import mask_phone
from bot.texts import text

SPEC = yaml.safe_load((Path(__file__).resolve().parent / "intake.yaml").read_text("utf-8"))
RULES = load_rules()
PLACE_FOLD = homophone_table((RULES.get("entities") or {}).get("place_homophones") or [])
MANDARIN = word_map(RULES.get("dialect"))
FORM = SPEC["form"]
CATEGORY_KEYS = list(SPEC["category_choices"])
MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Words around a number typed as an answer: "座机020 8765 4321", "手机号是138…", "电话：…".
PHONE_CUE = re.compile(r"(我的|联系方式|联系电话|电话号码|手机号码|手机号|电话|手机|座机|号码|"
                       r"打这个|打|就是|是|为|[:：,，。.!！]+$|[:：])")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
PLACE_SUFFIX = re.compile(r"(省|市|区|县|镇|乡|街道|街|村|开发区|园区)$")
NOT_A_NAME = re.compile(r"(社保|医保|缴|费|公司|单位|厂|补|退|投诉|反映|确认|跳过|没有|不知道|"
                        r"处理|要求|希望|问题|工资|保险|进度|查询|取消|咨询|人工|基数|金额|电话|手机|"
                        r"号码|地址|不对|不是|错了|写错|填错|^[零〇一幺二两三四五六七八九十]+$)")
PRONOUN = re.compile(r"[我你他她俺咱]|\b(?:i|me|my|we|our|you|your|he|she|they|their)\b", re.IGNORECASE)
ORG_SUFFIX = re.compile(r"(\b(?:ltd|co|inc|corp|llc|limited)\b\.?|公司|厂|店|中心|医院|学校|集团|银行|酒店|超市|餐厅|工作室|合作社|事务所|"
                        r"商行|门市|研究院|幼儿园|物业|车队|工地|项目部)", re.IGNORECASE)
NO_EMPLOYER = re.compile(r"(我自己|自己交|自己缴|个人交|个人缴|灵活就业|没有单位|没单位|无单位|个体户|"
                         r"没上班|没有上班|没工作|没有工作|自由职业|退休了)")
CORRECTION_WORDS = re.compile(r"(不对|错了|写错|填错|不是|改成|改一下)")
ORG_END = re.compile(ORG_SUFFIX.pattern.replace("(", "(?:", 1) + "$", re.IGNORECASE)
ORG_TAIL = re.compile(r"[。！!~～\s]*(?:啊|呀|吧|的|哦|呢|嘛)?[。！!~～\s]*$")
# "我们/我在…" before a name that ends with its kind: "我在宏达电子厂" still names the employer.
EMPLOYER_LEAD = re.compile(r"^(?:(?:就是|是|叫做|叫|那个|这个|那家|这家|一家|公司|单位|厂名|厂子|名字|"
                           r"全称|名称)[:：\s]?)+")
NAME_LEAD = re.compile(r"^(我们|我在|我是|就是|叫|在)")
GENERIC_EMPLOYERS = {"单位", "公司", "工厂", "厂", "老板", "企业", "厂里", "公司里", "单位里", "厂子"}
ALL_PEOPLE = 100
MAX_HEADCOUNT = 100_000  # cases.headcount is INTEGER (int4 on PostgreSQL); a phone is no count


def _alternatives(*keys: str) -> str:
    """The word lists ``keys`` of intake.yaml as one regex alternation, longest words first."""
    words = {w for key in keys for w in SPEC[key]}
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


OUTCOME = re.compile(rf"(?:{_alternatives('wish_words')})[^，。！？,.!?]{{2,40}}")
SURNAME = rf"(?:{_alternatives('compound_surnames')}|[{SPEC['surnames']}])"
BARE_PERSON = re.compile(
    rf"^{SURNAME}(?:(?![{''.join(SPEC['trade_marks'])}])[\u4e00-\u9fff]){{1,2}}$")
TITLED_PERSON = re.compile(
    rf"^(?:(?:{_alternatives('person_prefixes')})?{SURNAME}[\u4e00-\u9fff]{{0,2}}?"
    rf"(?:{_alternatives('person_titles')})|(?:{_alternatives('person_prefixes')}){SURNAME}|"
    rf"(?:{_alternatives('person_leads')})[\u4e00-\u9fff]{{1,4}}|"
    rf"[\u4e00-\u9fff]{{1,4}}(?:{_alternatives('person_tails')}))$")
SOLO = re.compile(
    rf"^(?:(?:{_alternatives('headcount_only')})(?:{_alternatives('headcount_self')})"
    rf"(?:{_alternatives('headcount_one')})?|(?:{_alternatives('headcount_only')})?"
    rf"(?:{_alternatives('headcount_self')})(?:{_alternatives('headcount_one')}))"
    rf"(?:{_alternatives('headcount_tails')})*$")
COUNT = re.compile(
    rf"^(?:{_alternatives('headcount_leads')})*(?P<count>[0-9{CN_NUM_CHARS}]+)(?:多|来|几)?"
    rf"(?:{_alternatives('headcount_units')})(?:{_alternatives('headcount_tails')})*$")
DETAILS_CUE = re.compile(_alternatives("details_cues"))
NOT_A_PLACE = re.compile(_alternatives("not_place_words"))
UNSURE = re.compile(_alternatives("unsure_words"))
META = re.compile(_alternatives("meta_words"))
FACT_LINKS = re.compile(_alternatives("fact_links"))
POINTER = re.compile(rf"(?:{_alternatives('employer_pointers')})$")
ANNOUNCE_CUE = re.compile(_alternatives("announce_cues"))
ANNOUNCE_WORDS = re.compile(_alternatives("announce_words"))
WHY_ASK = re.compile(
    rf"(?:{_alternatives('why_words')})[^，,。！!？?]{{0,4}}(?:{_alternatives('ask_words')})|"
    rf"(?:{_alternatives('ask_words')})[^，,。！!？?]{{0,6}}(?:{_alternatives('why_words')})|"
    rf"{_alternatives('why_phrases')}")
FACT_ENTITIES = {"phone", "name", "district", "employer", "id_number", "headcount"}
PUNCTUATION = re.compile(r"[\s，。！？,.!?~～…、:：;；\"'“”]")
CONTACT_ENTITIES = {"phone", "id_number", "name", "case_no"}
COURTESY = re.compile(_alternatives("courtesy_words"), re.IGNORECASE)
ACKNOWLEDGEMENT = re.compile(_alternatives("courtesy_words", "ack_words"), re.IGNORECASE)
ACK_THANKS = re.compile(_alternatives("ack_thanks"))
ACK_TAIL = re.compile(
    "(?:" + "|".join(re.escape(w) for w in sorted(
        {w for w in SPEC["courtesy_words"] + SPEC["ack_words"] if len(w) >= 2},
        key=len, reverse=True)) + ")+$", re.IGNORECASE)
CALLED = re.compile(rf"(?:{_alternatives('called_leads')})[:：\s]*(?P<value>.+)$")
CALLED_OWNER = re.compile(rf"(?:{_alternatives('called_owners')})的?(?:名字|姓名)?$")
CALLED_TAIL = re.compile(rf"(?:{_alternatives('called_tails')}|[。！!~～\s])+$")
SURNAME_SPELLING = re.compile(_alternatives("surname_spellings"))
WAIT = re.compile(_alternatives("wait_words"))
WAIT_CHAIN = re.compile(_alternatives("courtesy_words", "ack_words", "wait_words"), re.IGNORECASE)
NAME_REFUSAL = re.compile(_alternatives("name_refusal_words"))
NOT_NAME_WORDS = re.compile(_alternatives("not_name_words"))
WORKPLACE = re.compile(
    rf"(?:{_alternatives('workplace_leads')})(?P<place>[^，,。；;]+?)(?:但|而|[，,。；;]|$)")
PHONE_WORDS = re.compile(_alternatives("phone_words"))
TYPED_TWICE = re.compile(r"^([\u4e00-\u9fff]{2,4})\1$")
QUESTION = re.compile((RULES.get("statement_grievance") or {}).get("question") or "$^")
WISH_VERB = re.compile(rf"{_alternatives('wish_verbs')}|{_alternatives('wish_words')}")
WISH_TOPIC = re.compile(_alternatives("wish_topics"))
EXTRAS_TOPIC = re.compile(rf"{_alternatives('extras_topics')}|{_alternatives('story_words')}")
NUMBER = rf"(?:\d+|[{CN_NUM_CHARS}]+)"
# A number is a people count only with a people unit after it ("7个人", "30多个", "七名"), and
# never when a duration, a date, an age or an amount follows it ("7年", "3个月", "45岁").
PEOPLE = re.compile(
    rf"(?P<count>{NUMBER})(?:多|来|余)?(?!{_alternatives('not_headcount_units')})"
    rf"(?:{_alternatives('headcount_units')})(?!{_alternatives('not_headcount_units')})")
BARE_COUNT = re.compile(
    rf"^(?:{_alternatives('headcount_leads')})*(?P<count>{NUMBER})(?:多|来|余)?"
    rf"(?:{_alternatives('headcount_tails')})*$")
SELF_ONLY = re.compile(_alternatives("headcount_self_words"))
COUNT_NEGATION = re.compile(rf"^\s*(?:{_alternatives('count_negations')})")
STORY_WORDS = re.compile(_alternatives("story_words"))
ANGER_WORDS = re.compile(_alternatives("anger_words"), re.IGNORECASE)
FORM_SLOTS = set(SPEC["slots"] + SPEC["optional_slots"])
ORG_WORDS = re.compile(_alternatives("org_name_words"))
TRADE_TYPO = re.compile(rf"(?<=[\u4e00-\u9fff])(?P<trade>{_alternatives('org_trades')})"
                        rf"(?P<typo>{_alternatives('org_trade_typos')})$")
WORD_TYPO = re.compile(rf"(?:{_alternatives('org_word_typos')})$")
FILING_ONLY = re.compile(
    rf"^(?:{_alternatives('filing_verb_leads')})*(?:(?:{_alternatives('filing_verbs')})"
    rf"(?:{_alternatives('filing_verb_tails')})*)+(?:{_alternatives('generic_employer_words')})$")
FIX_LEAD = re.compile(_alternatives("previous_fix_leads"))
PREVIOUS_FIX = re.compile(
    rf"^(?P<leads>(?:(?:{_alternatives('previous_fix_leads', 'previous_fix_pauses')})"
    rf"[\s，,。.!！~～、]*)+)(?P<lead>(?:{_alternatives('previous_fix_value_leads')})[:：\s]*)?"
    rf"(?P<value>[^\s，,。.!！~～、:：].*?)[\s。.!！~～]*$")
VALUE_LEAD_END = re.compile(
    rf"(?<!不)(?:{_alternatives('previous_fix_value_leads')})[\s，,:：]*$")  # 应该是, not 不是
FIX_TURN = re.compile(rf"(?:不是|不叫)(?P<old>.+?)[，,\s]*(?:{_alternatives('previous_fix_turns')})"
                      rf"[:：\s]*(?P<value>[^，,\s].*)$")
VAGUE_COUNT = re.compile(_alternatives("vague_counts"))
BARE_FIX = re.compile(
    rf"(?:{_alternatives('previous_fix_leads', 'previous_fix_pauses', 'previous_fix_bare')})+")
PLACE_NAME = re.compile(rf"(?:{_alternatives('name_place_tails')})$")
NUMERALS = "0-9０-９零〇一幺二两三四五六七八九"
NUMBER_RUN = re.compile(rf"\+?[{NUMERALS}](?:[\s\-－—]*[{NUMERALS}]){{6,}}[XxＸ]?")
DIGITS = str.maketrans("０１２３４５６７８９零〇一幺二两三四五六七八九Ｘx", "01234567890011223456789XX")
ID_DIGITS = re.compile(r"^(?:\d{17}[\dX]|\d{15})$")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _only(*keys: str) -> re.Pattern:
    """The words of ``keys`` one after another, cancel_neutral words in front and
    cancel_tails after each word."""
    return re.compile(rf"(?:{_alternatives('cancel_neutral')})*"
                      rf"(?:(?:{_alternatives(*keys)})(?:{_alternatives('cancel_tails')})*)+")


CANCEL_YES = _only("cancel_yes")
MEANING = re.compile(rf"(?:(?:{_alternatives('meaning_tails')})*(?:{_alternatives('meaning_words')}))+"
                     rf"(?:{_alternatives('meaning_tails')})*")
SALARY_BEFORE = re.compile(rf"(?:{_alternatives('salary_words')})|(?:{_alternatives('base_marks')})$")
GLUED_LINK = re.compile(rf"^(?:{_alternatives('glued_place_links')})")
CANCEL_NO = _only("cancel_no", "go_on_words")
GO_ON = _only("go_on_words")
SIGH = re.compile(_alternatives("cancel_sighs"))
ASK_ONLY = re.compile(_alternatives("ask_only_words"))
OPTIONAL_SKIP = re.compile(
    rf"(?:{_alternatives('courtesy_words', 'ack_words')})*(?:(?:{_alternatives('skip_leads')})*"
    rf"(?:{_alternatives('skip_words', 'optional_skip_words')})"
    rf"(?:{_alternatives('skip_tails', 'courtesy_words', 'ack_words')})*)+$", re.IGNORECASE)
# "十几", "二十多", "几十", "30来", "二三十", "上百" before a people unit.
APPROX_COUNT = re.compile(
    rf"(?P<said>(?:\d+|[{CN_NUM_CHARS}]*[十百千万])[{''.join(SPEC['approx_marks'])}]|"
    rf"几[十百千]|[一二两三四五六七八九][二两三四五六七八九][十百千]?|上[百千])"
    rf"(?:号人|(?!{_alternatives('not_headcount_units')})(?:{_alternatives('headcount_units')})"
    rf"(?!{_alternatives('not_headcount_units')}))")
NUMBER_ENTITIES = {"phone", "id_number", "case_no"}  # contact numbers never join the story
VALUE_ENTITIES = {"district", "employer", "name", "headcount"}


@lru_cache(maxsize=1)
def configured_places() -> tuple[tuple[str, str], ...]:
    """(place, district) pairs from config.yaml, for a Rasa action server run standalone."""
    from bot.config import load_config

    config = load_config()
    return places_of(config.jurisdictions)


def places_of(jurisdictions) -> tuple[tuple[str, str], ...]:
    pairs = []
    for j in jurisdictions:
        pairs.append((j.name, j.name))
        pairs.extend((town, j.name) for town in j.towns)
    return tuple(pairs)


def _without_spans(text: str, entities: list[dict]) -> str:
    """The reply minus its recognised values: "李雷 020-87654321" → "李雷"."""
    kept = list(text)
    spans = [(e.get("start"), e.get("end")) for e in entities] + contact_numbers(text)
    for start, end in spans:
        if isinstance(start, int) and isinstance(end, int):
            kept[start:end] = [" "] * (end - start)
    return re.sub(r"[\s，。,.!！?？:：;；、]|电话|手机|号码|是", "", "".join(kept))


def contact_numbers(text: str) -> list[tuple[int, int]]:
    """Where a phone or ID number stands however it is typed ("1三8一二3四5六7八", "138 1234
    5678", "020-87654321"), read as the phone question reads one: such a number is never
    more of the story, even when the entity extractor missed it."""
    spans = []
    for found in NUMBER_RUN.finditer(text or ""):
        digits = re.sub(r"[\s\-－—+]", "", found.group(0)).translate(DIGITS)
        if phone_problem(found.group(0))[0] or ID_DIGITS.match(digits):
            spans.append(found.span())
    return spans


def words_beside(reply: str, entities: list[dict]) -> str:
    """What a reply says beside its values and the words that only link them
    ("我的电话是13700001111" → "")."""
    return FACT_LINKS.sub("", _without_spans(reply, entities))


def facts_only(reply: str, entities: list[dict]) -> bool:
    """Who, where and which employer, but not what happened ("我叫李四，电话138…，在新塘镇",
    "新塘镇宏达电子厂"): the facts fill their slots, and the description is still to ask."""
    if not any(e.get("entity") in FACT_ENTITIES for e in entities):
        return False
    rest = FACT_LINKS.sub("", _without_spans(reply, entities))
    return len(LETTERS.findall(rest)) <= 1


FACES = re.compile(r"\[[^\[\]]{1,6}\]")  # WeChat faces: [捂脸], [OK]
LETTERS = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]")
NAME_PREFIX = re.compile(rf"^(?:{_alternatives('name_leads')})[:：\s]*")
NAME_SUFFIX = re.compile(r"(就行了?|就好了?|就可以了?|吧|啊|呀|哈|哦|嘛|啦|呢|嘞|咯)$")
CLAUSE = re.compile(r"[，,。！!？?；;\n]")


def is_filler(value: str) -> bool:
    """A reply that answers nothing: "好的", "嗯嗯嗯", "哈哈", only punctuation, emoji or faces."""
    bare = re.sub(r"[\s，。！？,.!?~～…、:：;；\"'“”]", "", FACES.sub("", value)).lower()
    if not LETTERS.search(bare):
        return True
    once = re.sub(r"(.)\1+", r"\1", bare)
    twice = re.sub(r"(.)\1+", r"\1\1", bare)
    return bool({bare, once, twice} & set(SPEC["filler_words"]))


def is_skip(value: str) -> bool:
    """"跳过", "我忘了", "没了", "就这些", "好的确认": an optional question passed over,
    nothing to store."""
    plain = PUNCTUATION.sub("", MANDARIN(value or "")).lower()
    return (plain in SPEC["skip_words"] or bool(OPTIONAL_SKIP.match(plain))
            or bool(UNSURE.search(plain)) and len(plain) <= SPEC["skip_max_chars"])


def _reply_of(words: re.Pattern, value: str) -> bool:
    """The reply is ``words`` only ("那就登记吧", "对，取消吧")."""
    plain = PUNCTUATION.sub("", MANDARIN(FACES.sub("", value or ""))).lower()
    return bool(plain) and bool(words.fullmatch(plain))


def asks_meaning(value: str) -> bool:
    """"啥子意思哦", "咋弄", "看不懂", "我不会选": the payer does not understand the question."""
    raw = PUNCTUATION.sub("", FACES.sub("", value or ""))
    if not raw or len(raw) > SPEC["meaning_max_chars"]:
        return False  # short by nature; the word lists overlap, so no long text is tried
    return any(MEANING.fullmatch(v) for v in (raw, MANDARIN(raw)))


def disputed_amounts(text_: str, entities: list[dict]) -> list:
    """The money entities that may be the amount in dispute: not a salary or a base
    ("我工资八千，基数才三千多", "工资5000但是按2000交的"), which only describe the matter."""
    found = []
    for entity in entities:
        if entity.get("entity") != "money":
            continue
        start = entity.get("start")
        if isinstance(start, int):
            lead = CLAUSE.split((text_ or "")[max(0, start - SPEC["salary_window"]):start])[-1]
            if SALARY_BEFORE.search(lead):
                continue
        found.append(entity.get("value"))
    return found


def _lead_only(lead: str) -> bool:
    """Something before a place beyond words like 就是, 在 ("就是新塘镇宏达")."""
    return bool(NAME_LEAD.sub("", EMPLOYER_LEAD.sub("", lead.strip())))


def _bare_name(value: str) -> bool:
    """A short run of characters that may be a company's name ("宏达电子", "的宏达"); not a
    road, a pointer, a question word, more of the story or 不知道."""
    name = ORG_TAIL.sub("", GLUED_LINK.sub("", EMPLOYER_LEAD.sub("", value.strip()))).strip()
    return (SPEC["glued_name_min_chars"] <= len(CJK.findall(name)) == len(name)
            <= SPEC["glued_name_max_chars"] and not (
                PLACE_NAME.search(name) or POINTER.search(name)
                or name in SPEC["employer_pointers"] or STORY_WORDS.search(name)
                or NOT_A_PLACE.search(name) or UNSURE.search(name) or is_filler(name)
                or CALLED_TAIL.fullmatch(name) or PRONOUN.search(name)))


def cancel_answer(value: str) -> str | None:
    """The answer to "确定要取消这次登记吗？": "yes" (确定取消, 对 取消吧, 不办了, 嗯), "no"
    (否, 不取消, 继续, 还是投诉吧) or None when it is neither."""
    if _reply_of(CANCEL_YES, value):
        return "yes"  # "不登记" reads as 不 + 登记 too: the negated filing word wins
    if _reply_of(CANCEL_NO, value):
        return "no"
    return None


def is_sigh(value: str) -> bool:
    """"算了", "唉": a sigh, beside an answer no part of it ("算了，补缴就行")."""
    plain = PUNCTUATION.sub("", MANDARIN(value or ""))
    return bool(plain) and not SIGH.sub("", plain)


def goes_on(value: str) -> bool:
    """"还是投诉吧", "接着来", "那就登记吧": the payer goes on with the filing, nothing else."""
    return _reply_of(GO_ON, value)


def only_asks(value: str) -> bool:
    """"我就问问…", "先不投诉了，我就咨询一下": the payer wants an answer, not a case."""
    return bool(ASK_ONLY.search(PUNCTUATION.sub("", MANDARIN(value or ""))))


def ask_only_rest(value: str) -> str:
    """The question beside "我就问问" ("我就问问 医保断交了怎么补" → "医保断交了怎么补")."""
    rest = ASK_ONLY.sub("，", MANDARIN(value or ""))
    return "，".join(c.strip() for c in CLAUSE.split(rest) if len(
        LETTERS.findall(c)) >= SPEC["question_beside_min_chars"])


def approximate_count(reply: str) -> str | None:
    """A headcount said roughly, as said ("我们车间有十几个人" → "十几", "二三十个" → "二三十"),
    or None for an exact count."""
    found = APPROX_COUNT.search(PUNCTUATION.sub("", reply or ""))
    return found.group("said") if found else None


def rough_count(said: str) -> int | None:
    """The round figure of a rough count, as the parser reads one: 十几 → 10, 二十多 → 20,
    二三十 → 20, 上百 → 100, 几十 → 30 (cnnum's conservative reading)."""
    said = re.sub(rf"[{''.join(SPEC['approx_marks'])}]$", "", said)
    said = re.sub(r"^上", "一", said)
    said = re.sub(r"^([一二两三四五六七八九])[二两三四五六七八九](?=[十百千万]|$)", r"\1", said)
    count = to_number(said)
    return int(count) if count is not None and 1 <= count <= MAX_HEADCOUNT else None


def is_announcement(value: str) -> bool:
    """"还有一件事", "对了，我还想说": more is coming, nothing is said yet. Never an answer."""
    plain = PUNCTUATION.sub("", MANDARIN(FACES.sub("", value or "")))
    return bool(ANNOUNCE_CUE.search(plain)) and not ANNOUNCE_WORDS.sub("", plain)


def asks_why(value: str) -> bool:
    """"问这么多干嘛", "为什么要留电话": the payer questions the question."""
    plain = MANDARIN(value or "")
    return len(LETTERS.findall(plain)) <= SPEC["why_max_chars"] and bool(WHY_ASK.search(plain))


def is_junk(value: str) -> bool:
    """A long run of a few characters over and over ("aaaa…"): no message at all."""
    letters = LETTERS.findall(FACES.sub("", value or "").lower())
    return (len(letters) >= SPEC["junk_min_chars"]
            and len(set(letters)) <= len(letters) * SPEC["junk_max_distinct_share"])


def is_courtesy(value: str) -> bool:
    """Only a greeting, thanks or a polite tail ("早上好，麻烦了", "你好，谢谢", "hello啊"):
    it answers no question, so it must never fill a slot; the question is asked again."""
    plain = PUNCTUATION.sub("", MANDARIN(FACES.sub("", value or ""))).lower()
    return bool(plain) and not COURTESY.sub("", plain)


def is_acknowledgement(value: str) -> bool:
    """"好的好的我知道了谢谢你们啊", "OK收到，辛苦了": thanks, greetings and "got it" chained to
    any length answer no question; never a name, an employer or any other value."""
    plain = PUNCTUATION.sub("", MANDARIN(FACES.sub("", value or ""))).lower()
    return bool(plain) and not ACKNOWLEDGEMENT.sub("", plain)


def is_wait(value: str) -> bool:
    """"好的好的，稍等我找一下": the payer is looking the answer up; nothing is said yet."""
    plain = PUNCTUATION.sub("", MANDARIN(FACES.sub("", value or ""))).lower()
    return bool(WAIT.search(plain)) and not WAIT_CHAIN.sub("", plain)


def thanks_in(value: str) -> bool:
    """Thanks among the words, answered with 不客气 rather than 好的."""
    return bool(ACK_THANKS.search(value or ""))


def called(reply: str) -> str | None:
    """What the thing asked about is called: "就是那个做衣服的厂，名字叫永发制衣" → 永发制衣,
    "大家都叫它宏达" → 宏达; None when a person owns the name ("我叫李四", "老板叫张伟")."""
    for clause in reversed([c.strip() for c in CLAUSE.split(reply or "") if c.strip()]):
        found = CALLED.search(clause)
        if found is None or CALLED_OWNER.search(clause[:found.start()]):
            continue
        value = CALLED_TAIL.sub("", found.group("value")).strip()
        if (LETTERS.search(value) and not is_filler(value) and len(value) <= 40
                and not is_question(value) and not UNSURE.search(value)):
            return value  # "忘了叫什么了" calls it nothing
    return None


def is_question(value: str) -> bool:
    """Asks something: the parser's question words (吗, 怎么, 多少…) over the text as typed and
    as read in Mandarin, or a clause ending like a question mark in speech ("明天下雨不")."""
    raw = FACES.sub("", value or "")
    return bool(QUESTION.search(raw) or QUESTION.search(MANDARIN(raw)))


def is_chatter(value: str) -> bool:
    """A greeting, or a question that wants nothing done about the dispute ("宽带坏了咋报修",
    "老板要给我交社保不"): no answer to any form question. A question with a wish verb
    ("能不能帮我把钱要回来") is still a wish."""
    return is_acknowledgement(value) or is_question(value) and not WISH_VERB.search(
        value or "")


def is_wish(value: str) -> bool:
    """Says what the payer wants done about the dispute, or that nothing in particular is
    wanted ("没有"); off-topic talk ("宽带坏了") and questions about other things are no wish."""
    value = (value or "").strip()
    if is_acknowledgement(value) or is_filler(value):
        return False
    if WISH_VERB.search(value):
        return True
    if is_question(value):
        return False
    plain = PUNCTUATION.sub("", value)
    return (plain in SPEC["none_words"] or plain in SPEC["skip_words"]
            or bool(WISH_TOPIC.search(MANDARIN(value))))


def people_count(reply: str, entities: list[dict] | None = None) -> int | None:
    """The number of people a headcount answer names, or None. Numbers inside a recognised
    period or amount, or followed by 年/个月/岁/元…, count no one ("我交了7年")."""
    text = list(reply or "")
    for entity in entities or []:
        start, end = entity.get("start"), entity.get("end")
        if entity.get("entity") in ("period", "money") and isinstance(start, int) and isinstance(
                end, int):
            text[start:end] = [" "] * (end - start)
    plain = PUNCTUATION.sub("", unnegated("".join(text)))
    found = BARE_COUNT.match(plain) or PEOPLE.search(plain)
    if found is None or found.group("count") == "几":
        return None  # "好几个吧": no number; an estimate is asked for, not 3 guessed
    count = to_number(found.group("count"))
    if count is None or not 1 <= count <= MAX_HEADCOUNT:
        return None
    return int(count)


def vague_count(reply: str) -> bool:
    """"好几个", "不止我一个，还有好多": people without a number."""
    return bool(VAGUE_COUNT.search(MANDARIN(reply or "")))


def count_only(text_: str) -> int | None:
    """The count when a reply says nothing but how many people are concerned ("就我一个",
    "我们厂30多个人"), or None."""
    reply = PUNCTUATION.sub("", text_ or "")
    if not reply or pick_number(reply, 99) is not None or is_question(text_):
        return None  # "3个" picks from a list; "几个人算多少钱" asks
    if SOLO.match(reply):
        return 1
    found = COUNT.match(reply)
    count = to_number(found.group("count")) if found else None
    if count is None or not 1 <= count <= MAX_HEADCOUNT:
        return None
    return int(count)


def unnegated(reply: str) -> str:
    """The reply without the clauses that say what the count is not ("不是我一个人，有5个" →
    "有5个"); "" when every clause does."""
    return "，".join(c for c in CLAUSE.split(reply or "") if not COUNT_NEGATION.match(c))


def only_wish(reply: str) -> bool:
    """The reply is a wish and nothing else: "要求补交", "希望他们给我补上"."""
    bare = PUNCTUATION.sub("", reply)
    wish = OUTCOME.match(bare)
    return wish is not None and wish.end() == len(bare)


PERSON_NAME = re.compile(rf"^{SURNAME}[\u4e00-\u9fff]{{1,2}}$")
# How a payer may be called: a name (李大明), 小陈, 老王, 阿强, 陈姐, 王师傅.
ADDRESS = re.compile(
    rf"^(?:{SURNAME}[\u4e00-\u9fff]{{1,2}}|(?:{_alternatives('person_prefixes')}){SURNAME}|"
    rf"阿[\u4e00-\u9fff]{{1,2}}|{SURNAME}(?:{_alternatives('person_titles')}))$")


def bare_name(value: str) -> str:
    """"我叫李 四吧" → "李四", "叫我小陈就行，麻烦你们了哈" → "小陈", "我姓陈，叫我陈姐就好"
    → "陈姐": lead words, polite tails, thanks and a spelt-out surname beside the name, and
    spaces typed inside a name dropped; of several names the fullest."""
    value = MANDARIN(str(value)).strip()
    clauses = [c for c in CLAUSE.split(value) if c.strip() and not is_acknowledgement(c)]
    if len(clauses) <= 1:
        return _one_name(clauses[0] if clauses else value)
    names = [n for n in (_one_name(SURNAME_SPELLING.sub("", c)) for c in clauses) if n]
    called_names = [n for n in names if ADDRESS.match(n)]
    if len(names) == 1 or called_names and all(n in called_names[-1] or len(n) == 1
                                               for n in names):
        return called_names[-1] if len(names) > 1 else names[0]
    return value


def _one_name(value: str) -> str:
    value = TYPED_TWICE.sub(r"\1", value.strip("。！!~～，,. "))
    value = ACK_TAIL.sub("", NAME_PREFIX.sub("", value)).strip("。！!~～，,. ") or value
    value = NAME_SUFFIX.sub("", value).strip("。！!~～，,. ")
    return re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", value)


COMPOUND_NAME = re.compile(rf"^(?:{_alternatives('compound_surnames')})[\u4e00-\u9fff]{{1,3}}$")


def organisation(value: str) -> str | None:
    """The company a reply at the name question names, its kind's typo mended ("利民制衣长"
    → "利民制衣厂"); None for a person's name or a form of address (陈厂长)."""
    plain = PUNCTUATION.sub("", value or "")
    if ADDRESS.match(plain):
        return None
    fixed = mended_kind(plain)
    return fixed if ORG_WORDS.search(fixed) else None


def mended_kind(name: str) -> str:
    """"利民制衣长" → "利民制衣厂", "宏达公思" → "宏达公司": the kind at a company name's end
    typed with a character of the same sound."""
    fixed = TRADE_TYPO.sub(lambda m: m["trade"] + SPEC["org_trade_typos"][m["typo"]], name)
    return WORD_TYPO.sub(lambda m: SPEC["org_word_typos"][m.group(0)], fixed)


def unusual_name(value: str) -> bool:
    """More Chinese characters than a name has ("张三丰的徒弟"), unless a compound surname or a
    form of address (欧阳总经理) or an ethnic name with "·" explains them."""
    plain = re.sub(r"\s", "", value or "")
    return (len(CJK.findall(plain)) > SPEC["name_max_plain_chars"]
            and not re.search(r"[·•・]", plain) and not COMPOUND_NAME.match(plain)
            and not ADDRESS.match(plain))


def names_no_employer(value: str) -> bool:
    """"头诉公司", "举报这家公司", "我想投诉单位": a filing verb (or a typo of one) before a
    generic word names nobody."""
    return bool(FILING_ONLY.match(PUNCTUATION.sub("", MANDARIN(value or ""))))


def previous_fix(reply: str) -> tuple[str, bool] | None:
    """The value of "不对 是宏达电子", "等一下 应该是宏发电子", "刚才说错了，王五", and whether a
    word like 是 leads it (so it is a value, not "不是本地人"): a correction lead (or a pause
    and a value lead) before it; None for anything else."""
    reply = (reply or "").strip()
    found = PREVIOUS_FIX.match(reply)
    if found is None or not (FIX_LEAD.search(found["leads"]) or found["lead"]):
        return None
    turned = FIX_TURN.search(reply)  # "不是宏达厂，是宏发厂": the value after the old one
    value = (turned["value"] if turned else found["value"]).strip("。.!！~～ ")
    if not LETTERS.search(value) or bare_fix(value):
        return None
    return value, bool(turned or found["lead"] or VALUE_LEAD_END.search(found["leads"]))


def bare_fix(reply: str) -> bool:
    """"不对", "不是这个", "错了吧": the answer just given is wrong, and nothing more."""
    plain = PUNCTUATION.sub("", reply or "")
    return bool(plain) and bool(BARE_FIX.fullmatch(plain)) and bool(FIX_LEAD.search(plain) or (
        plain in SPEC["employer_pointers"]))


def fullest_name(reply: str, surname: str) -> str | None:
    """"我姓李，木子李，叫李大明" → 李大明: a whole name in another clause beside the surname."""
    for clause in CLAUSE.split(reply or ""):
        name = bare_name(SURNAME_SPELLING.sub("", clause))
        if name != surname and name.startswith(surname) and PERSON_NAME.match(name):
            return name
    return None


def answer_clause(reply: str, slot: str) -> str | None:
    """The clause of a longer reply that answers ``slot`` ("就我一个，希望尽快补上" → "就我一个",
    "李四，厂里说交了但我查不到" → "李四"), so the answer is taken with the story beside it."""
    for clause in (c.strip() for c in CLAUSE.split(reply or "")):
        if not clause:
            continue
        if slot == "headcount" and (people_count(clause) is not None or SELF_ONLY.search(
                MANDARIN(unnegated(clause)))):
            return clause
        if slot == "name" and ADDRESS.match(bare_name(clause)) and not is_acknowledgement(clause):
            return clause
        if slot == "employer" and ORG_END.search(ORG_TAIL.sub("", clause)):
            return clause
    return None


def facts_beside(reply: str, entities: list[dict], answered: dict, description: str
                 ) -> str | None:
    """The clauses of an answer that tell more of the matter than the values taken from it
    ("他们两年没交社保还扣工资，广州某某电子厂" → "他们两年没交社保还扣工资"); contact
    numbers, the wish, greetings, questions and 不知道 are no facts."""
    masked = list(reply or "")
    for entity in entities:
        start, end = entity.get("start"), entity.get("end")
        if entity.get("entity") in NUMBER_ENTITIES and isinstance(start, int) and isinstance(
                end, int):
            masked[start:end] = ["，"] + [""] * (end - start - 1)
    for start, end in contact_numbers(reply):
        masked[start:end] = ["，"] + [""] * (end - start - 1)
    values = [str(v) for v in answered.values() if isinstance(v, str)] + [
        (reply or "")[e["start"]:e["end"]] for e in entities
        if e.get("entity") in VALUE_ENTITIES and isinstance(e.get("start"), int)]
    kept = []
    for clause in (c.strip() for c in CLAUSE.split("".join(masked))):
        rest = clause
        for value in sorted(filter(None, values), key=len, reverse=True):
            rest = rest.replace(value, "")
        if "headcount" in answered:
            rest = SELF_ONLY.sub("", PEOPLE.sub("", rest))
        for noise in (OUTCOME, ANGER_WORDS, COURTESY, WISH_TOPIC, PUNCTUATION, FACT_LINKS):
            rest = noise.sub("", rest)
        content = len(LETTERS.findall(rest))
        if not (content >= SPEC["details_min_chars"]
                or content >= SPEC["details_story_chars"] and STORY_WORDS.search(rest)):
            continue
        if not (is_question(clause) or UNSURE.search(clause) or META.search(clause)
                or is_filler(clause) or asks_why(clause)):
            kept.append(clause)
    facts = "，".join(kept)
    return facts if facts and facts not in (description or "") else None


def numbered(options: list[str]) -> str:
    return "\n".join(f"{i}. {o}" for i, o in enumerate(options, 1))


def pick_number(reply: str, count: int) -> int | None:
    """The 0-based choice in a reply like "2" or "第2个", or None."""
    match = re.fullmatch(r"\s*(?:第|选)?\s*([1-9]\d?)\s*(?:个|项|号|\.|。)?\s*", reply)
    if match and 1 <= int(match.group(1)) <= count:
        return int(match.group(1)) - 1
    return None


def phone_problem(raw: str) -> tuple[str | None, str | None]:
    """(normalised number, None) when valid, else (None, why) in words a payer understands."""
    digits = re.sub(r"[\s\-－—()（）]", "", PHONE_CUE.sub("", raw or ""))
    digits = digits.translate(str.maketrans("０１２３４５６７８９零〇一幺二两三四五六七八九",
                                            "01234567890011223456789"))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if MOBILE.match(digits):
        return digits, None
    if LANDLINE.match(digits):
        area_len = 3 if digits[:3] in ("010", "020", "021", "022", "023", "024", "025", "027",
                                       "028", "029") else 4
        return f"{digits[:area_len]}-{digits[area_len:]}", None
    if not digits.isdigit():
        return None, "里面有不是数字的字符"
    if digits.startswith("1") and len(digits) != 11:
        return None, f"手机号应为11位，您输入的是{len(digits)}位"
    if digits.startswith("1"):
        return None, "手机号第二位应是3到9"
    return None, "座机请带区号，例如020-12345678"


class ValidateDisputeForm(FormValidationAction):
    """Fills the intake slots from whatever the payer says, in any order."""

    def __init__(self, places: tuple[tuple[str, str], ...] | None = None):
        self._places = places

    def name(self) -> str:
        return f"validate_{FORM}"

    @property
    def places(self) -> tuple[tuple[str, str], ...]:
        return self._places if self._places is not None else configured_places()

    @staticmethod
    def ask_order(tracker: Tracker) -> list[str]:
        """The slots to ask for, in order; optional ones are only taken when offered."""
        if tracker.get_slot("needs_callback"):
            return list(SPEC["callback_slots"])
        slots = [s for s in SPEC["slots"] if s != "employer"
                 or tracker.get_slot("category") in SPEC["employer_categories"]]
        if tracker.get_slot("period") is None and tracker.get_slot("amount") is None:
            slots.append("extras")
        return slots

    async def run(self, dispatcher, tracker, domain):
        """The form as rasa-sdk runs it; then what the payer told beside an answer joins the
        description ("宏达公司，而且离职时还不给开证明"): nothing said is lost."""
        before = dict(tracker.slots)
        events = await super().run(dispatcher, tracker, domain)
        taken = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
        facts = self._told_beside(tracker, before, taken)
        if facts:
            dispatcher.utter_message(text=text("details_added"))
            current = str(before["description"]).rstrip("。；;，, ")
            events.append(SlotSet("description", f"{current}；{facts}"))
        alternate = self._alternate_phone(tracker, {**before, **taken})
        if alternate:
            dispatcher.utter_message(text=SPEC["replies"]["alternate_phone"].format(
                phone=mask_phone(alternate)))
            description = {**before, **taken}["description"] or ""
            line = SPEC["replies"]["alternate_phone_line"].format(phone=alternate)
            current = str(description).rstrip("。；;，, ")
            events.append(SlotSet("description", f"{current}；{line}" if current else line))
        return events

    @staticmethod
    def _alternate_phone(tracker: Tracker, slots: dict) -> str | None:
        """"13800138000或者13900139000": the number after the one stored as the phone, kept
        for the liaison instead of dropped."""
        numbers = []
        for entity in tracker.latest_message.get("entities") or []:
            if entity.get("entity") == "phone":
                phone, _ = phone_problem(str(entity.get("value")))
                if phone and phone not in numbers:
                    numbers.append(phone)
        others = [n for n in numbers if n != slots.get("phone")]
        if len(numbers) < 2 or not slots.get("phone") or not others:
            return None
        return None if others[0] in str(slots.get("description") or "") else others[0]

    def _told_beside(self, tracker: Tracker, before: dict, taken: dict) -> str | None:
        """The facts beside the answer to the question asked, unless the description took
        this message already."""
        description = before.get("description")
        if (before.get("requested_slot") not in SPEC["facts_beside_slots"] or not description
                or taken.get("description", description) != description):
            return None
        answered = {k: v for k, v in taken.items()
                    if k in FORM_SLOTS and v is not None and before.get(k) != v}
        if not answered:
            return None
        return facts_beside(self._text(tracker), tracker.latest_message.get("entities") or [],
                            answered, str(description))

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        """Every slot may be extracted from any message, whatever is asked next."""
        return SPEC["slots"] + SPEC["optional_slots"] + ["extras"]

    async def next_requested_slot(self, dispatcher, tracker, domain):
        """Keep asking the slot just asked (a failed answer or a correction) before moving on."""
        order = self.ask_order(tracker)
        current = tracker.get_slot("requested_slot")
        if current in order and tracker.get_slot(current) is None:
            return SlotSet("requested_slot", current)
        missing = (s for s in order if tracker.get_slot(s) is None)
        return SlotSet("requested_slot", next(missing, None))

    # --- extraction: every message may fill several slots -------------------------------

    @staticmethod
    def _entity(tracker: Tracker, kind: str):
        for entity in tracker.latest_message.get("entities") or []:
            if entity.get("entity") == kind:
                return entity.get("value")
        return None

    @staticmethod
    def _asked(tracker: Tracker, slot: str) -> bool:
        return tracker.get_slot("requested_slot") == slot

    @staticmethod
    def _text(tracker: Tracker) -> str:
        return (tracker.latest_message.get("text") or "").strip()

    @staticmethod
    def _headcount_only(tracker: Tracker) -> int | None:
        """The count when the reply says nothing but how many people are concerned ("就我一个",
        "我们厂30多个人"): it answers no other question, least of all the category."""
        return count_only(tracker.latest_message.get("text") or "")

    @staticmethod
    def _headcount_beside(tracker: Tracker) -> int | None:
        """"13812345678 就我一个": a count said on its own beside another value."""
        text_ = tracker.latest_message.get("text") or ""
        spans = [(e.get("start"), e.get("end")) for e in tracker.latest_message.get(
            "entities") or [] if e.get("entity") != "headcount"] + contact_numbers(text_)
        masked = list(text_)
        for start, end in spans:
            if isinstance(start, int) and isinstance(end, int):
                masked[start:end] = ["，"] * (end - start)
        if masked == list(text_) or is_question(text_):
            return None
        counts = [count_only(c) for c in re.split(r"[\s，,。！!？?；;]+", "".join(masked))]
        return next((c for c in counts if c is not None), None)

    @staticmethod
    def _choice_and_rest(reply: str) -> tuple[int | None, str]:
        """"2，还有医保也没交": the list number in front and the words after it."""
        found = re.match(r"^\s*(?:第|选)?\s*([1-9]\d?)\s*(?:个|项|号)?\s*[，,。.、:：\s]+(.+)$", reply)
        if found and int(found.group(1)) <= len(CATEGORY_KEYS):
            return int(found.group(1)) - 1, found.group(2).strip()
        return pick_number(reply, len(CATEGORY_KEYS)), ""

    def _new_details(self, tracker: Tracker) -> str | None:
        """A further grievance typed at another question ("还有一个事，公司也没给我交医保"),
        which belongs in the description rather than being lost; None for a plain answer.
        At the category question anything beyond a number or a copied category is one; at
        the others only a message the classifiers clearly read as a complaint."""
        asked = tracker.get_slot("requested_slot")
        if asked in (None, "description", "desired_outcome", "extras"):
            return None
        reply = self._text(tracker)
        kinds = {e.get("entity") for e in tracker.latest_message.get("entities") or []}
        if (kinds & CONTACT_ENTITIES or contact_numbers(reply) or is_filler(reply)
                or only_wish(reply) or UNSURE.search(reply) or META.search(reply)
                or self._headcount_only(tracker) is not None):
            return None
        intent = tracker.latest_message.get("intent") or {}
        complaint = intent.get("name") == "file_dispute"
        sure = complaint and intent.get("confidence", 0) >= SPEC["details_min_confidence"]
        guess = tracker.latest_message.get("category") or {}
        classified = (guess.get("name") not in (None, "other")
                      and guess.get("confidence", 0) >= SPEC["category_min_confidence"])
        if asked == "category":
            choice, rest = self._choice_and_rest(reply)
            if choice is not None:
                reply = rest
            content = len(LETTERS.findall(reply))
            if content < SPEC["details_min_chars"] or self._is_category_label(reply):
                return None
            long = content >= SPEC["details_long_chars"]
            return reply if (sure or DETAILS_CUE.search(reply) or long and (
                complaint or classified or CLAUSE.search(reply))) else None
        if (sure and classified
                and len(LETTERS.findall(reply)) >= SPEC["details_long_chars"]
                and not ORG_END.search(ORG_TAIL.sub("", reply))):
            return reply
        return None

    @staticmethod
    def _is_category_label(reply: str) -> bool:
        """A category copied or retyped from the list ("缴费基数和工资对不上")."""
        bare = PUNCTUATION.sub("", reply)
        for label in SPEC["category_choices"].values():
            label = PUNCTUATION.sub("", label)
            if bare in label or difflib.SequenceMatcher(None, bare, label).ratio() >= 0.5:
                return True
        return False

    def _fill(self, tracker: Tracker, slot: str, entity_kind: str | None = None) -> dict:
        """Entity value for an empty slot; the raw reply when this slot was asked for and
        the reply is not plainly an answer to something else (e.g. "我姓陈" when asked for a
        phone number fills the name, not a wrong phone)."""
        if tracker.get_slot(slot) is not None and not self._asked(tracker, slot):
            return {}
        reply = self._text(tracker)
        if is_acknowledgement(reply):
            return {}  # "早上好，麻烦了", "好的我知道了谢谢": the question is asked again
        name = called(reply) if slot in ("employer", "jurisdiction") else None
        if name and self._asked(tracker, slot):
            return {slot: name}  # "名字叫永发制衣" names the company, not the payer
        value = self._entity(tracker, entity_kind or slot)
        if slot == "headcount" and unnegated(reply) != "，".join(CLAUSE.split(reply)):
            value = None  # "不是我一个人，有5个": the 1 the parser found is what it is not
        if value is not None and not (slot == "headcount" and self._asked_count(tracker)):
            return {slot: value}  # a name or number in a question is kept; "几个人" is no count
        if not (self._asked(tracker, slot) and reply):
            return {}
        if is_chatter(reply):
            part = answer_clause(reply, slot) if is_question(reply) else None
            return {slot: part} if part else {}  # "李四。这个会不会被公司知道": 李四
        if slot != "headcount" and self._headcount_only(tracker) is not None and not (
                slot == "employer" and NO_EMPLOYER.search(reply)):
            return {}
        if only_wish(reply) and slot != "jurisdiction":
            return {}  # "要求补交" is kept as the wish; the place question lists the places
        if self._new_details(tracker):
            part = answer_clause(reply, slot)  # the grievance goes to the description
            return {slot: part} if part else {}
        entities = tracker.latest_message.get("entities") or []
        other = {e.get("entity") for e in entities}
        if slot == "name" and other:
            rest = _without_spans(reply, entities)
            return {"name": rest} if re.fullmatch(r"[\u4e00-\u9fff·]{2,5}", rest) else {}
        if slot == "employer" and other <= {"district", "money", "period"} and (
                ORG_SUFFIX.search(reply)):
            return {"employer": reply}  # "荔城好又多超市": the place is part of the name
        beside = self._name_by_place(reply, entities) if slot == "employer" and other <= {
            "district", "money", "period"} else None
        if beside:
            return {"employer": beside}
        if other - {"money", "period"} and slot != "headcount":
            return {}
        if slot == "headcount" and other & {"phone", "id_number", "case_no"}:
            return {}  # "020-82345678" answers no count: its area code is not 20 people
        if slot == "phone" and len(re.findall(r"\d", reply)) < 3:
            return {"phone": reply} if not other else {}
        return {slot: reply}

    @staticmethod
    def _name_by_place(reply: str, entities: list[dict]) -> str | None:
        """The employer of a reply that names a place and a name without a kind (厂, 公司):
        the whole reply when the name is typed right after the place ("新塘镇宏达电子",
        "增城区新塘镇宏达": the place is part of it, as in "新塘镇宏达电子厂"), or the name's
        clause beside a clause with only the place ("宏达电子，在新塘镇"); None when what is
        left is a road, a pointer or more of the story."""
        places = sorted((e for e in entities if e.get("entity") == "district"
                         and isinstance(e.get("start"), int) and isinstance(e.get("end"), int)),
                        key=lambda e: e["start"])
        if not places or any(reply[a["end"]:b["start"]].strip() for a, b in pairwise(places)):
            return None
        *before, lead = CLAUSE.split(reply[:places[0]["start"]])
        tail = reply[places[-1]["end"]:]
        if _lead_only(lead):
            return None
        after = [c for c in CLAUSE.split(tail) if c.strip()]
        if not any(c.strip() for c in before) and len(after) == 1:
            name = ORG_TAIL.sub("", GLUED_LINK.sub("", after[0].strip())).strip()
            if not _bare_name(name):
                return None
            glued = tail.startswith(name)  # "新塘镇，宏达", "新塘镇的宏达": the name alone
            return ORG_TAIL.sub("", reply[places[0]["start"]:]).strip() if glued else name
        before = [c for c in before if c.strip()]
        if len(before) == 1 and not ORG_TAIL.sub("", tail).strip() and _bare_name(before[0]):
            return ORG_TAIL.sub("", EMPLOYER_LEAD.sub("", before[0].strip())).strip()
        return None

    def _asked_count(self, tracker: Tracker, kind: str = "headcount") -> bool:
        """"几个人算多少钱", "失业金能领几个月": the number in a question is what is asked."""
        reply = self._text(tracker)
        if not is_question(reply):
            return False
        spans = [reply[e["start"]:e["end"]] for e in tracker.latest_message.get("entities") or []
                 if e.get("entity") == kind and isinstance(e.get("start"), int)]
        return any(re.match(r"几(?![十百千万])", span) for span in spans)

    async def extract_description(self, dispatcher, tracker, domain) -> dict:
        if is_acknowledgement(self._text(tracker)):
            return {}
        current = tracker.get_slot("description")
        if current is not None:
            details = self._new_details(tracker)
            if not details or details in current:
                return {}
            dispatcher.utter_message(text=text("details_added"))
            return {"description": f"{current.rstrip('。；;，, ')}；{details}"}
        if self._headcount_only(tracker) is not None or facts_only(
                self._text(tracker), tracker.latest_message.get("entities") or []):
            return {}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if self._asked(tracker, "description") or intent == "file_dispute":
            return {"description": self._text(tracker)}
        return {}

    async def extract_category(self, dispatcher, tracker, domain) -> dict:
        if tracker.get_slot("category") is not None:
            return {}
        reply = self._text(tracker)
        if is_acknowledgement(reply):
            return {}
        if self._headcount_only(tracker) is not None or facts_only(
                reply, tracker.latest_message.get("entities") or []):
            return {}
        if self._asked(tracker, "category"):
            choice, _ = self._choice_and_rest(reply)
            if choice is not None:
                return {"category": CATEGORY_KEYS[choice]}
        guess = tracker.latest_message.get("category") or {}
        floor = SPEC["category_min_confidence"] * (0.8 if self._asked(tracker, "category") else 1)
        details = self._asked(tracker, "category") and self._new_details(tracker)
        if (guess.get("name") and guess.get("confidence", 0) >= floor
                and not (details and guess["name"] == "other")):
            return {"category": guess["name"]}
        if self._asked(tracker, "category") and not details:
            return {"category": reply}
        return {}

    async def extract_employer(self, dispatcher, tracker, domain) -> dict:
        return self._fill(tracker, "employer")

    async def extract_jurisdiction(self, dispatcher, tracker, domain) -> dict:
        """"增城新塘" names the district and the town: the town is the more precise place; of
        a home and a workplace, the workplace."""
        found = self._fill(tracker, "jurisdiction", "district")
        districts = {d for p, d in self.places if p == d}
        entities = [e for e in tracker.latest_message.get("entities") or []
                    if e.get("entity") == "district"]
        named = [e.get("value") for e in entities]
        towns = [v for v in named if v not in districts]
        workplace = WORKPLACE.search(self._text(tracker))
        at_work = [e.get("value") for e in entities if workplace and isinstance(
            e.get("start"), int) and workplace.start("place") <= e["start"] < workplace.end("place")]
        if found.get("jurisdiction") and len(set(named)) > 1 and at_work:
            return {"jurisdiction": at_work[0]}  # "我住在石滩但是厂在新塘": 新塘
        if found.get("jurisdiction") in districts and towns:
            return {"jurisdiction": towns[0]}
        return found

    async def extract_name(self, dispatcher, tracker, domain) -> dict:
        """"我姓李，木子李，叫李大明": the whole name, not the surname the parser found first;
        "名字叫永发制衣" where the employer or place is asked names that, not the payer."""
        reply = self._text(tracker)
        if tracker.get_slot("requested_slot") in ("employer", "jurisdiction") and called(reply):
            return {}
        found = self._fill(tracker, "name")
        name = found.get("name")
        clause = answer_clause(reply, "name") if self._asked(tracker, "name") else None
        if isinstance(name, str) and clause and name not in clause:
            return {"name": clause}  # "李四，你们会不会把我的名字告诉老板啊": not 告诉老板
        if isinstance(name, str) and len(name) == 1:
            return {"name": fullest_name(reply, name) or name}
        return found

    async def extract_phone(self, dispatcher, tracker, domain) -> dict:
        return self._fill(tracker, "phone")

    async def extract_headcount(self, dispatcher, tracker, domain) -> dict:
        found = self._fill(tracker, "headcount")
        if not found and tracker.get_slot("headcount") is None:
            count = self._headcount_only(tracker)
            if count is None:
                count = self._headcount_beside(tracker)
            return {} if count is None else {"headcount": count}
        return found

    async def extract_desired_outcome(self, dispatcher, tracker, domain) -> dict:
        """The answer to the wish question, or a wish said along the way ("要求补交" where the
        place was asked); a later wish is added to the first, never dropped."""
        current = tracker.get_slot("desired_outcome")
        if current is None and self._asked(tracker, "desired_outcome"):
            if self._headcount_only(tracker) is not None or not is_wish(self._text(tracker)):
                return {}  # a greeting, an off-topic question: the wish is asked again
            return {"desired_outcome": self._text(tracker)}
        wish = OUTCOME.search(self._text(tracker))
        if wish is None:
            return {}
        if current is None:
            return {"desired_outcome": wish.group(0)}
        if wish.group(0) in current:
            return {}
        return {"desired_outcome": f"{current}；{wish.group(0)}"}

    def _asks_only(self, tracker: Tracker) -> bool:
        """A question or greeting outside the story question: its numbers ("失业金能领几个月")
        are asked about, not facts of the dispute."""
        asked = tracker.get_slot("requested_slot")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        return (asked not in (None, "description") and intent != "file_dispute"
                and is_chatter(self._text(tracker)))

    async def extract_period(self, dispatcher, tracker, domain) -> dict:
        if self._asks_only(tracker) or self._asked_count(tracker, "period"):
            return {}
        value = self._entity(tracker, "period")
        return {"period": str(value)} if value and tracker.get_slot("period") is None else {}

    async def extract_amount(self, dispatcher, tracker, domain) -> dict:
        if self._asks_only(tracker):
            return {}
        values = disputed_amounts(self._text(tracker), tracker.latest_message.get("entities") or [])
        value = values[0] if values else None
        return {"amount": value} if value and tracker.get_slot("amount") is None else {}

    async def extract_id_number(self, dispatcher, tracker, domain) -> dict:
        value = self._entity(tracker, "id_number")
        return {"id_number": value} if value and tracker.get_slot("id_number") is None else {}

    async def extract_extras(self, dispatcher, tracker, domain) -> dict:
        """The answer to the optional question: period/amount entities, 跳过, or free text."""
        reply = self._text(tracker)
        if not (self._asked(tracker, "extras") and reply) or self._headcount_only(tracker):
            return {}
        has_value = self._entity(tracker, "period") or self._entity(tracker, "money")
        skipped = is_skip(reply)  # "没啥了" reads like a question (啥) and is none
        if not skipped and is_chatter(reply) or not (
                has_value or skipped or EXTRAS_TOPIC.search(MANDARIN(reply))):
            return {}  # a greeting, a question or off-topic talk: the question is asked again
        found = {"extras": reply}
        if not has_value and not skipped:
            found["period"] = reply[:100]
        return found

    # --- validation: say why and ask again, never lose what was captured ----------------

    def validate_description(self, value, dispatcher, tracker, domain) -> dict:
        value = str(value).strip()
        if len(value) < 4 or not re.search(r"[A-Za-z\u4e00-\u9fff]", value):
            dispatcher.utter_message(text=text("description_too_short"))
            return {"description": None}
        return {"description": value}

    def validate_category(self, value, dispatcher, tracker, domain) -> dict:
        if value in CATEGORY_KEYS:
            return {"category": value}
        if self._asked(tracker, "category"):
            dispatcher.utter_message(text=text("category_invalid"))
        return {"category": None}

    def validate_employer(self, value, dispatcher, tracker, domain) -> dict:
        value = mended_kind(MANDARIN(str(value).strip()))
        if is_announcement(value):
            return {"employer": None}
        if value in SPEC["none_words"] or NO_EMPLOYER.search(value) and not ORG_SUFFIX.search(value):
            return {"employer": "无"}
        places = {p for p, _ in self.places}
        is_place = value in places or any(value in p for p in places if len(value) >= 2)
        # A name either ends with its kind (…电子厂, …有限公司, … Co. Ltd) or is a short bare
        # name (宏达); a sentence that merely mentions 公司 is not one.
        clauses = [ORG_TAIL.sub("", c).strip() for c in CLAUSE.split(value)]
        named = [c for c in clauses if ORG_END.search(c) and 2 <= len(c) <= 40]
        if named:
            value = EMPLOYER_LEAD.sub("", named[0]) or named[0]
            not_a_name = len(named) > 1 or bool(PRONOUN.search(value)) and not NAME_LEAD.search(
                value) or bool(POINTER.search(ORG_END.sub("", value)))
        else:
            value = ORG_TAIL.sub("", value).strip()
            not_a_name = (len(clauses) > 1 or len(value) > 15 or bool(PRONOUN.search(value))
                          or bool(CORRECTION_WORDS.search(value)) or is_filler(value))
        if (value in GENERIC_EMPLOYERS or len(value) < 2 or value.startswith("改") or is_place
                or not_a_name or names_no_employer(value) or value in SPEC["employer_pointers"]
                or pick_number(value, 99) is not None
                or not re.search(r"[A-Za-z\u4e00-\u9fff]", value)):
            if self._asked(tracker, "employer"):
                dispatcher.utter_message(text=text(
                    "employer_is_place" if is_place else "employer_invalid"))
            return {"employer": None}
        if not named:
            bare = EMPLOYER_LEAD.sub("", value) or value
            person = self._person(bare, tracker)
            if person:
                if self._asked(tracker, "employer"):
                    dispatcher.utter_message(text=text(person, value=bare))
                doubt = {"employer_doubt": bare} if person == "employer_person" else {}
                return {"employer": None, **doubt}
        doubt = {"employer_doubt": None} if tracker.get_slot("employer_doubt") else {}
        return {"employer": value[:200], **doubt}

    @staticmethod
    def _person(value: str, tracker: Tracker) -> str | None:
        """The text to ask again with when a person is named for the employer: a boss
        (王老板, 李总, 老板叫张伟) never identifies the company; a bare personal name (张伟)
        may be a trade name, so the same answer a second time is taken."""
        if TITLED_PERSON.match(value):
            return "employer_boss"
        if BARE_PERSON.match(value) and tracker.get_slot("employer_doubt") != value:
            return "employer_person"
        return None

    def validate_jurisdiction(self, value, dispatcher, tracker, domain) -> dict:
        value = re.sub(r"\s", "", str(value))
        workplace = WORKPLACE.search(value)
        if workplace:
            value = workplace.group("place")  # "我住在石滩但是厂在新塘": 新塘
        choices = tracker.get_slot("jurisdiction_choices") or []
        if choices:
            picked = pick_number(value, len(choices))
            if picked is not None:
                return {"jurisdiction": choices[picked], "jurisdiction_choices": None}
        names = [p for p, _ in self.places]
        if value in names:
            return {"jurisdiction": value, "jurisdiction_choices": None}
        matches = [p for p in names if value and (value in p or p in value)]
        folded = value.translate(PLACE_FOLD)
        if not matches and len(folded) >= 2:
            matches = [p for p in names
                       if folded in p.translate(PLACE_FOLD) or p.translate(PLACE_FOLD) in folded]
        if not matches:
            matches = difflib.get_close_matches(value, names, n=3, cutoff=0.6)
        towns = [m for m in matches if m not in {d for _, d in self.places if _ == d}]
        if len(matches) > 1 and len(towns) == 1 and towns[0] in value:
            matches = towns
        if len(matches) == 1:
            return {"jurisdiction": matches[0], "jurisdiction_choices": None}
        if len(matches) > 1:
            return {"jurisdiction": None, "jurisdiction_choices": matches}
        if self._asked(tracker, "jurisdiction") and self._not_a_place(value, tracker):
            return {"jurisdiction": None, "jurisdiction_choices": self.place_list()}
        if PLACE_SUFFIX.search(value) and len(value) >= 2:
            return {"jurisdiction": value[:64], "jurisdiction_choices": None}
        if self._asked(tracker, "jurisdiction"):
            dispatcher.utter_message(text=text("jurisdiction_unknown", value=value[:20],
                                               area=self.area(), example=self._example()))
        return {"jurisdiction": None}

    @staticmethod
    def _not_a_place(value: str, tracker: Tracker) -> bool:
        """A wish, a complaint or 不知道 where the place is asked: answered with the list of
        places (a wish is kept by ``extract_desired_outcome``), not with "没找到…"."""
        intent = tracker.latest_message.get("intent") or {}
        complaint = (intent.get("name") == "file_dispute"
                     and intent.get("confidence", 0) >= SPEC["details_min_confidence"])
        return bool(UNSURE.search(value) or OUTCOME.search(value)
                    or value in SPEC["none_words"] or value in SPEC["skip_words"]
                    or not PLACE_SUFFIX.search(value) and (NOT_A_PLACE.search(value) or complaint))

    def place_list(self) -> list[str]:
        """The places offered by number when the payer's reply named none."""
        towns = [p for p, d in self.places if p != d]
        return towns or [p for p, _ in self.places]

    def area(self) -> str:
        return "、".join(d for p, d in self.places if p == d)

    def _example(self) -> str:
        towns = [p for p, d in self.places if p != d]
        return towns[0] if towns else self.places[0][0]

    def validate_name(self, value, dispatcher, tracker, domain) -> dict:
        value = bare_name(value)
        company = organisation(value)
        place = bool(PLACE_NAME.search(value)) and not ADDRESS.match(value)
        unusual = unusual_name(value) or place
        if (1 <= len(value) <= 20 and not re.search(r"\d", value) and not is_filler(value)
                and not NOT_A_NAME.search(value) and not CLAUSE.search(value)
                and not PRONOUN.search(value) and not is_acknowledgement(value)
                and not NOT_NAME_WORDS.search(value) and not NAME_REFUSAL.search(value)
                and not company and not unusual):
            return {"name": value}
        replies = SPEC["replies"]
        if self._asked(tracker, "name"):
            dispatcher.utter_message(
                text=text("why_name") + replies["name_refused"] if NAME_REFUSAL.search(value)
                else replies["name_is_org"].format(value=value) if company
                else replies["name_is_place"].format(value=value[:20]) if place
                else replies["name_unusual"].format(value=value[:20])
                if unusual and not CLAUSE.search(value) else text("name_invalid"))
        return {"name": None}

    def validate_phone(self, value, dispatcher, tracker, domain) -> dict:
        """A reply without digits ("我没有电话", "号码就是这个微信号") gets why a number is
        needed, not "里面有不是数字的字符"."""
        phone, why = phone_problem(str(value))
        if phone:
            return {"phone": phone}
        for start, end in contact_numbers(str(value)):  # "138一二345678 李四"
            phone = phone_problem(str(value)[start:end])[0]
            if phone:
                return {"phone": phone}
        if self._asked(tracker, "phone"):
            reply = PUNCTUATION.sub("", str(value))
            no_phone = not re.search(r"\d|[零〇一幺二两三四五六七八九]{3}", reply)
            dispatcher.utter_message(text=text("phone_needed") if no_phone
                                     else text("phone_invalid", why=why))
        return {"phone": None}

    def validate_headcount(self, value, dispatcher, tracker, domain) -> dict:
        """A count, or 1 for the payer alone; a rough count ("十几个人") is stored as its round
        figure (10) with the words kept, so the summary and the card say "约十几人"."""
        found = self._count(value, tracker)
        if found is not None:
            said = approximate_count(str(value) if isinstance(value, str) else self._text(
                tracker))
            rough = rough_count(said) if said and found > 1 else None
            return {"headcount": rough or found, "headcount_said": said if rough else None}
        if self._asked(tracker, "headcount"):
            dispatcher.utter_message(text=text("headcount_invalid"))
        return {"headcount": None}

    def _count(self, value, tracker: Tracker) -> int | None:
        """The people a headcount value names, or None when it names no count."""
        if isinstance(value, (int, float)) and value <= MAX_HEADCOUNT:
            count = int(value)
            return ALL_PEOPLE if count < 0 else max(count, 1)
        value = str(value)
        entities = (tracker.latest_message.get("entities") or []
                    if value == self._text(tracker) else [])
        count = people_count(value, entities)
        if count is not None:
            return count
        if SELF_ONLY.search(MANDARIN(unnegated(value))) and not is_chatter(value):
            return 1
        return None

    def validate_desired_outcome(self, value, dispatcher, tracker, domain) -> dict:
        """The wish without the thanks around it ("好的，补缴就行，谢谢" → "补缴就行")."""
        value = str(value).strip()
        clauses = [c for c in CLAUSE.split(value) if c.strip()]
        kept = [c.strip() for c in clauses if not (is_acknowledgement(c) or is_sigh(c))]
        if kept and len(kept) < len(clauses):
            value = "，".join(kept)
        wish = (len(value) >= 2 and is_wish(value)
                and re.search(r"[A-Za-z\u4e00-\u9fff]", value))
        return {"desired_outcome": value[:500] if wish else None}

    def validate_extras(self, value, dispatcher, tracker, domain) -> dict:
        return {"extras": value}

    def validate_period(self, value, dispatcher, tracker, domain) -> dict:
        return {"period": str(value)[:100] if value else None}

    def validate_amount(self, value, dispatcher, tracker, domain) -> dict:
        try:
            return {"amount": float(value)}
        except (TypeError, ValueError):
            return {"amount": None}

    def validate_id_number(self, value, dispatcher, tracker, domain) -> dict:
        return {"id_number": str(value).upper() if value else None}


def tracker_for(openid: str, slots: dict[str, Any], message: dict) -> Tracker:
    """A rasa-sdk tracker holding our stored slots and the latest message's NLU result."""
    return Tracker(openid, dict(slots), message, [], False, None,
                   {"name": FORM}, "action_listen")


def domain() -> dict:
    slot_names = SPEC["slots"] + SPEC["optional_slots"] + [
        "extras", "needs_callback", "jurisdiction_choices", "employer_doubt", "headcount_said",
        "requested_slot"]
    return {
        "forms": {FORM: {"required_slots": SPEC["slots"]}},
        "slots": {name: {"type": "any", "mappings": [{"type": "custom"}]} for name in slot_names},
    }


async def run_form(action: ValidateDisputeForm, openid: str, slots: dict, message: dict
                   ) -> tuple[dict, list[str]]:
    """Run the action; return the updated slots and the utterances it produced."""
    dispatcher = CollectingDispatcher()
    tracker = tracker_for(openid, slots, message)
    events = await action.run(dispatcher, tracker, domain())
    updated = dict(slots)
    for event in events:
        if event.get("event") == "slot":
            updated[event["name"]] = event["value"]
    return updated, [m["text"] for m in dispatcher.messages if m.get("text")]

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
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.handlers.answers import (
    ADDRESS,
    AMOUNT_ABOUT,
    AMOUNT_MORE,
    AMOUNT_ROUGH,
    AMOUNT_VAGUE,
    BARE_PERSON,
    CALLED_TAIL,
    CJK,
    CLAUSE,
    CONTACT_ENTITIES,
    CORRECTION_WORDS,
    DETAILS_CUE,
    EMPLOYER_LEAD,
    EMPLOYER_MAX,
    EXTRAS_TOPIC,
    GENERIC_EMPLOYERS,
    GLUED_LINK,
    LETTERS,
    MANDARIN,
    MAX_HEADCOUNT,
    META,
    MONEY_UNIT,
    NAME_LEAD,
    NAME_REFUSAL,
    NAME_STORY,
    NO_EMPLOYER,
    NOT_A_NAME,
    NOT_A_PLACE,
    NOT_NAME_WORDS,
    ORG_END,
    ORG_SUFFIX,
    ORG_TAIL,
    OUTCOME,
    OWN_NAME,
    PHONE_WORDS,
    PLACE_AFTER_ORG,
    PLACE_FOLD,
    PLACE_NAME,
    PLACE_SUFFIX,
    POINTER,
    PRONOUN,
    PUNCTUATION,
    ROLE_ONLY,
    SELF_ONLY,
    STORY_CUE,
    STORY_WORDS,
    TITLED_PERSON,
    UNSURE,
    WISH_TOPIC,
    WISH_VERB,
    WORKPLACE,
    amount_said,
    answer_clause,
    approximate_count,
    bare_name,
    called,
    category_said,
    changed_category,
    count_only,
    defunct_only,
    disputed_amounts,
    employer_by_job,
    employer_hints,
    facts_beside,
    facts_only,
    festival_period,
    full_name_after_address,
    fullest_name,
    household_by_surname,
    indefinite_unit,
    is_acknowledgement,
    is_announcement,
    is_chatter,
    is_filler,
    is_question,
    is_sigh,
    is_skip,
    is_wish,
    keyboard_mash,
    mended_kind,
    name_run_on,
    names_no_employer,
    numeric_period,
    only_wish,
    organisation,
    overlaps,
    own_business,
    people_count,
    period_clarity,
    period_found,
    pick_number,
    rough_count,
    tells_story,
    unit_at_work,
    unit_name_end,
    unknown_employer,
    unnegated,
    unusual_name,
    unvoiced,
    whole_unit_name,
    without_emoji,
    without_numeric_period,
    without_spans,
    words_beside,
    works_at_place,
)
from bot.handlers.contacts import contact_numbers, phone_problem
from bot.handlers.intake_spec import SPEC
from bot.handlers.smalltalk import MATERIAL, office_of
from bot.handlers.unit_codes import UNIT_CODE, code_joined, id_like
from bot.nlu.cnnum import to_number
from bot.periods import period_text
from bot.privacy import mask_phone
from bot.texts import text
from bot.word_patterns import one_of, words_regex

FORM = SPEC["form"]
CATEGORY_KEYS = list(SPEC["category_choices"])
PRIVACY_WORRY = re.compile(SPEC["privacy_worry"])
CHOICE_ONLY = re.compile(SPEC["choice_only"])
# A minority-ethnic name with its parts joined by "." or "•" instead of "·".
ETHNIC_NAME_DOTS = re.compile(r"[\u4e00-\u9fff]{2,}(?:\s*[.．・•·]\s*[\u4e00-\u9fff]{2,})+")
CATEGORY_NAMED_TAIL = re.compile(one_of(SPEC["category_named_tails"]))
PLEA_END = re.compile(rf"[\s，,]*(?:{one_of(SPEC['question_beside_pleas'])})"
                      rf"(?:{one_of(SPEC['question_beside_plea_tails'])})*[\s。！!？?~～]*$")
ALL_PEOPLE = 100
FORM_SLOTS = set(SPEC["slots"] + SPEC["optional_slots"])
SURNAMES = set(SPEC["surnames"]) | set(SPEC["compound_surnames"])
_SURNAME = one_of(SURNAMES)
ADDRESS_FORM = re.compile(
    rf"^(?:(?:{one_of(SPEC['address_prefixes'])})(?:{_SURNAME})|(?:{_SURNAME})"
    rf"(?:{one_of(SPEC['kin_titles'], SPEC['person_titles'])}))$")
FULL_NAME = re.compile(rf"^(?:{_SURNAME})[\u4e00-\u9fff]{{1,2}}$")
SPOKEN_LEAD = re.compile(
    rf"^(?:{one_of(SPEC['generic_employer_words'])})"
    rf"(?:{one_of(SPEC['employer_spoken_particles'])})+")
EMPLOYER_JOIN = SPEC["employer_join"]
WISH_STOP = words_regex(SPEC["wish_stops"])
WISH_ADDED_LEAD = re.compile(SPEC["wish_added_lead"])
STORY_FIX = words_regex(SPEC["story_fix_words"])
WISH_END_ENTITIES = {"employer", "district", "name", "phone", "id_number"}
WISH_END_CLAUSE_ENTITIES = {"period", "money"}
WISH_CLAUSE_GAP = re.compile(r"[\s，,。；;！!]+")
RELATIVE = words_regex(SPEC["relative_words"])
ROLE = words_regex(SPEC["name_roles"])


def run_on_cut(name: str, said: str) -> str:
    """"王芳芳然" from "我叫王芳芳然后电话是…" → "王芳芳": a name ends before a run-on word,
    also where the word's first characters were taken into the name."""
    for word in SPEC["name_voice_joins"]:
        if word in name:
            return name[:name.index(word)] or name
        for cut in range(1, len(word)):
            if len(name) > cut + 1 and name.endswith(word[:cut]) and name[:-cut] + word in said:
                return name[:-cut]
    return name


def full_name_beside(reply: str) -> str | None:
    """The full name in a reply that also says how the payer is called ("大家都叫我陈姨，全名
    陈秀英", "我是老陈，陈秀英", "老陈 陈水生"): the name the agency can find the payer by; None otherwise."""
    parts = [p for c in CLAUSE.split(reply or "") for p in c.split()]  # "老陈 陈水生"
    names = [bare_name(c) for c in parts if c.strip() and not RELATIVE.search(c)]
    full = [n for n in names if FULL_NAME.match(n) and not ADDRESS_FORM.match(n)]
    called_as = [n for n in names if ADDRESS_FORM.match(n)]
    return full[-1] if full and called_as else None


def fact_clause_start(reply: str, entities: list[dict], start: int, end: int) -> int | None:
    """"要求补缴 大概欠了三千多": where a clause holding a period or an amount begins between
    ``start`` and ``end`` (a space or comma before it), so a wish ends there; None when the
    wish says it itself ("要求退还多扣的800元")."""
    gaps = [m.start() for e in entities if e.get("entity") in WISH_END_CLAUSE_ENTITIES
            and isinstance(e.get("start"), int) and start < e["start"] < end
            for m in list(WISH_CLAUSE_GAP.finditer(reply, start, e["start"]))[-1:]]
    return min(gaps) if gaps else None


UNKNOWN_FACT = re.compile(
    rf"(?:具体|到底)?(?:是)?(?:{one_of(SPEC['unknown_fact_words'])})(?:的)?(?:钱)?[我俺]?(?:也|都)?"
    rf"(?:{one_of(SPEC['unsure_words'])})(?:了)?"
    rf"|[我俺]?(?:也|都)?(?:{one_of(SPEC['unsure_words'])})(?:具体)?(?:是)?"
    rf"(?:{one_of(SPEC['unknown_fact_words'])})(?:了)?")
UNIT_IS = re.compile(rf"^(?:{one_of(SPEC['unit_is_leads'])})\s*"
                     r"(?P<name>(?![在去从到])[^，,。；;！!？?\s]{2,30})(?=[，,。；;！!？?\s]|$)")
BARE_AMOUNT = re.compile(SPEC["bare_amount"])
ROUGH_FIGURE = re.compile(SPEC["rough_figure"])
AMOUNT_VAGUE_LEAD_START = re.compile(rf"^(?:{one_of(SPEC['amount_vague_leads'])})")
CAPITAL_NUMERALS = str.maketrans(SPEC["capital_numerals"])


def spoken_amount(reply: str) -> tuple[float, str | None] | None:
    """"五六百", "一万出头", "2.3k", "8000左右" typed alone: the figure and, when rough, the
    words to show it with ("约五六百元", "一万出头", "约8000元"); None when the reply is more
    than an amount."""
    plain = MANDARIN(reply or "").translate(CAPITAL_NUMERALS)
    found = BARE_AMOUNT.match(PUNCTUATION.sub("", plain).lower())
    if found is None:
        rough = ROUGH_FIGURE.match(PUNCTUATION.sub("", plain))
        if rough is None or not (rough["lead"] or rough["tail"]):
            return None
        return float(rough["said"]), SPEC["amount_said_format"].format(
            per="", about=SPEC["amount_about_mark"], said=rough["said"], unit="元")
    said = found["said"]
    figure = AMOUNT_VAGUE_LEAD_START.sub("", said) if AMOUNT_VAGUE.search(said) else said
    value = to_number(re.sub(r"(?:多|来|余)?(?:块钱|块|元|快钱|快|决|筷)?$", "", figure))
    if not value:
        return None
    tail = found["tail"] or ""
    more = AMOUNT_MORE.search(said) or AMOUNT_VAGUE.search(said)  # "三千多", "几千": as said
    about = not more and bool(AMOUNT_ROUGH.search(said) or AMOUNT_ABOUT.search(found.group(0))
                              or tail and tail not in SPEC["bare_amount_no_unit_tails"])
    if not (about or tail or more):
        return float(value), None
    shown = said + tail if tail in SPEC["bare_amount_no_unit_tails"] else said
    unit = "" if MONEY_UNIT.search(said) or tail in SPEC["bare_amount_no_unit_tails"] else "元"
    return float(value), SPEC["amount_said_format"].format(
        per="", about=SPEC["amount_about_mark"] if about else "", said=shown, unit=unit)


def told_amount(reply: str) -> tuple[float, str | None] | None:
    """spoken_amount of the reply, or of it without a clause saying the exact sum is not known
    ("好几千吧 具体多少不清楚": the rough sum is still what was said)."""
    found = spoken_amount(reply)
    if found is None and UNKNOWN_FACT.search(reply or ""):
        found = spoken_amount(UNKNOWN_FACT.sub("", reply).strip(" ，,。"))
    return found


PROVINCE = words_regex(SPEC["provinces"])
PLACE_VAGUE_TAIL = re.compile(f"(?:{one_of(SPEC['place_vague_tails'])})$")
UNIT_ONLY = words_regex(SPEC["headcount_unit_words"])
UNIT_PAYER = words_regex(SPEC["unit_payer_words"])
OUTSIDE_CITY = re.compile(f"^(?:{one_of(SPEC['outside_cities'])})市?")
OUTSIDE_AREAS = set(SPEC["outside_areas"])
PERIOD_ANSWER_ASKS = re.compile(SPEC["period_answer_asks"])
COUNT_OF_TIME = re.compile(SPEC["headcount_not_before"])
COMPANY_REGION = re.compile(f"^(?:{one_of(SPEC['outside_cities'], SPEC['provinces'])})")
OUTSIDE_SUFFIX = re.compile(r"(?:区|县|镇|街道|市)$")
OUTSIDE_DISTRICT = re.compile(f"^(?:{one_of(SPEC['outside_areas'])})区?")
DISTRICT_SHAPE = re.compile(SPEC["outside_district_shape"])
PLACE_LEAD = re.compile(f"^(?:{one_of(SPEC['place_leads'])})")
NOT_A_TOWN = re.compile(one_of(SPEC["not_town_tails"]))


def _town_tail(tail: str) -> bool:
    """"大石" after 番禺区: a town or street of a known district we do not list, taken as said."""
    return 1 <= len(tail) <= 3 and not NOT_A_PLACE.search(tail) and not NOT_A_TOWN.search(tail)


def place_only(reply: str, entities: list[dict]) -> bool:
    """"宝安区西乡街道", "在新塘镇那边": where, and nothing else."""
    trimmed = PLACE_VAGUE_TAIL.sub("", (reply or "").rstrip(" 。.!！~～"))
    return bool(outside_place(reply)) or any(
        e.get("entity") == "district" for e in entities) and facts_only(trimmed, entities)
GENERIC_EMPLOYER = words_regex(SPEC["generic_employer_words"])
UNIT_AFTER_DEMONSTRATIVE = re.compile(SPEC["unit_after_demonstrative"])
CONTRACTOR_EMPLOYER = re.compile(SPEC["contractor_employer"])
ERRAND_KIN = re.compile(SPEC["errand_kin"])
BARE_TRADE_UNIT = re.compile(rf"^(?:{one_of(SPEC['bare_trade_unit_leads'])})?"
                             rf"(?:{one_of(SPEC['org_trades'])})"
                             rf"(?:{one_of(SPEC['bare_trade_unit_kinds'])})$")
PERIOD_KIND = words_regex(SPEC["period_kind_words"])


def _one_typo(typed: str, name: str) -> bool:
    """"增成区" for 增城区: one character typed wrong in its place. "城南区" is as close to
    增城区 by ratio but is another district's name."""
    return len(typed) == len(name) and sum(a != b for a, b in zip(typed, name)) <= 1


def outside_place(reply: str) -> str | None:
    """"深圳南山", "东莞长安镇", "黄埔区": a place outside the configured area (a city, or a
    city's district or town) and nothing else, as typed; None otherwise."""
    value = PLACE_LEAD.sub("", PLACE_VAGUE_TAIL.sub("", PUNCTUATION.sub("", reply or "")))
    if not 2 <= len(value) <= 12 or not CJK.fullmatch(value[0]) or len(CJK.findall(value)) != len(
            value) or ORG_SUFFIX.search(value) or NOT_A_PLACE.search(value):
        return None
    city = OUTSIDE_CITY.match(value)
    rest = value[city.end():] if city else value
    district = OUTSIDE_DISTRICT.match(rest)  # "宝安区西乡街道": a district, then its town
    town = OUTSIDE_SUFFIX.sub("", rest[district.end():]) if district else None
    if town and (town in OUTSIDE_AREAS or _town_tail(town)):
        return value
    if town and NOT_A_TOWN.match(town):
        return value[:len(value) - len(rest) + district.end()]  # "在番禺上班": 番禺
    area = OUTSIDE_SUFFIX.sub("", rest)
    if city and (not rest or area in OUTSIDE_AREAS or OUTSIDE_SUFFIX.search(rest) and len(area) >= 2):
        return value
    return value if area in OUTSIDE_AREAS or DISTRICT_SHAPE.match(value) else None



OUTSIDE_WITHIN = re.compile(
    f"(?:{one_of(SPEC['outside_cities'])})市?(?:(?:{one_of(SPEC['outside_areas'])})"
    f"(?:区|县|镇|街道)?)?|(?:{one_of(SPEC['outside_areas'])})(?:区|县|镇|街道)")
OUTSIDE_APART = re.compile(
    f"(?:^(?:在|位于)?(?P<lead>{OUTSIDE_WITHIN.pattern})(?:{one_of(SPEC['place_vague_tails'])})?"
    f"(?:的|[，,\\s])+|(?:[，,\\s]+(?:在|位于)?|在|位于)(?P<tail>{OUTSIDE_WITHIN.pattern})"
    f"(?:{one_of(SPEC['place_vague_tails'])})?[。！!]?$)")


def outside_place_apart(reply: str) -> tuple[str, str] | None:
    """"叫鸿发五金 在东莞市长安镇", "在深圳宝安的宏达电子厂": a place outside the area said
    before or after the unit, apart from its name, and the rest; None when the place runs into
    the name ("深圳市鸿发五金制品有限公司" is a registered name) or no such place is said."""
    found = OUTSIDE_APART.search(reply or "")
    if found is None:
        return None
    rest = (reply[:found.start()] + reply[found.end():]).strip(" ，,")
    return (found["lead"] or found["tail"], rest) if len(LETTERS.findall(rest)) >= 2 else None


def unit_spans(entities: list[dict]) -> list[tuple[int, int]]:
    """Where the employers the parser found stand in the message."""
    return [(e["start"], e["end"]) for e in entities if e.get("entity") == "employer"
            and isinstance(e.get("start"), int) and isinstance(e.get("end"), int)]


def place_beside_unit(reply: str) -> str | None:
    """The outside place of :func:`outside_place_apart` when the rest names a unit ("湖南长沙"
    is one place, not 长沙 beside 湖南)."""
    apart = outside_place_apart(reply)
    return apart[0] if apart and (ORG_SUFFIX.search(apart[1]) or called(apart[1])) else None


STREET_ADDRESS = re.compile(SPEC["street_address"])
ADDRESS_LEAD = re.compile(SPEC["address_lead"])
PLACE_BEFORE_STREET = re.compile(r"^.*(?:区|县|镇|街道|市|乡)")


def address_place(reply: str) -> str | None:
    """"朝阳区建国路88号": a street address, and the place written before its street ("朝阳区";
    "" when none is); None when the reply holds no street address."""
    value = re.sub(r"\s", "", reply or "")
    street = STREET_ADDRESS.search(value)
    if street is None:
        return None
    place = PLACE_BEFORE_STREET.match(ADDRESS_LEAD.sub("", value[:street.start()]))
    return place.group(0) if place else ""

WORKED_AT = re.compile(rf"(?:[我俺](?:现在|实际上?|其实|人)?)在(?P<org>[^，,。；;！!？?\s在]{{2,24}}?)"
                       rf"(?:{one_of(SPEC['work_at_verbs'])})")


def workplace_beside(reply: str, employer, description: str, entities: list[dict]
                     ) -> str | None:
    """"派遣公司是众鑫人力，我在广汽本田上班": where a dispatched or contracted payer works,
    beside the unit named as the employer, is a fact for the liaison; a town ("我在新塘上班")
    is the place, no fact. None otherwise."""
    if not isinstance(employer, str):
        return None
    for found in WORKED_AT.finditer(reply or ""):
        org, (start, end) = found.group("org"), found.span("org")
        place = sum(min(end, e["end"]) - max(start, e["start"]) for e in entities
                    if e.get("entity") == "district" and isinstance(e.get("start"), int)
                    and isinstance(e.get("end"), int) and e["start"] < end and start < e["end"])
        if (len(org) - place > 2 and org not in employer and employer not in org
                and org not in description):
            return found.group(0)
    return None


def unit_payer(category: str | None, description: str | None) -> bool:
    """A unit disputing its own assessment or record: the unit is the payer to be found."""
    return (category in SPEC["unit_payer_categories"]
            and bool(UNIT_PAYER.search(MANDARIN(description or "").lower())))


UNIT_PLACE_LEAD = one_of(SPEC["unit_place_leads"])
OTHERS_PHONE = re.compile(SPEC["others_phone"].format(labels=one_of(SPEC["others_phone_labels"])))
UNIT_PLACE_TAIL = one_of(SPEC["unit_place_tails"])
RECALLED_NAME = re.compile(SPEC["recalled_name"])
UNIT_CODE_LABEL = words_regex(SPEC["unit_code_labels"])


UNIT_CODE_LABEL_ONLY = words_regex(SPEC["unit_code_named_by"])
UNIT_CODE_LEAD = re.compile(SPEC["unit_code_lead"])


def unit_code(reply: str) -> tuple[str, str] | None:
    """The unit's code in a reply ("税号91440101MA5C…") and the rest of the reply; None without
    one. A number shaped like an ID (17 digits, then a digit or X) needs a label."""
    found = UNIT_CODE.search(reply or "")
    if found is None or id_like(found.group(0)) and not UNIT_CODE_LABEL.search(reply):
        return None
    rest = UNIT_CODE_LABEL.sub("", reply[:found.start()] + reply[found.end():])
    return found.group(0).upper(), PUNCTUATION.sub("", rest).strip()


def unsure_only(reply: str) -> bool:
    """"不知道", "记不得了": a reply that says only that the payer is unsure."""
    return bool(UNSURE.search(reply or "")) and not UNSURE.sub(
        "", PUNCTUATION.sub("", reply)).strip(SPEC["unsure_tail"])


EMPLOYER_DEDUCTION = words_regex(SPEC["employer_deduction_words"])


def deducted_by_employer(category: str | None, description: str | None) -> bool:
    """"工资条上扣了社保 查不到记录": a record dispute over what the employer deducted."""
    return (category in SPEC["employer_deduction_categories"]
            and bool(EMPLOYER_DEDUCTION.search(MANDARIN(description or ""))))


def asks_employer(slots: dict) -> bool:
    """The form asks for a unit: a dispute with an employer, or a unit's own dispute; never
    for a complaint about a service window ("窗口态度差" has no employer)."""
    category = slots.get("category")
    return (category is None or category in SPEC["employer_categories"]
            and not self_payer(slots.get("description"))
            or unit_payer(category, slots.get("description"))
            or deducted_by_employer(category, slots.get("description")))


NAME_OWN_WORDS = words_regex(SPEC["name_own_words"])


def refuses_name(reply: str) -> bool:
    """"我不想说名字可以吗", "名字能不能不说": the name refused in words that name it (not "我不想
    找人社局", which refuses an office)."""
    plain = MANDARIN(reply or "")
    return bool(NAME_REFUSAL.search(plain)) and bool(NAME_OWN_WORDS.search(plain))


OTHERS_TOO = re.compile(SPEC["others_too"])
HEADCOUNT_TOTAL = re.compile(SPEC["headcount_total_said"].replace(
    "{leads}", one_of(SPEC["headcount_total_leads"])))
SELF_PAYER = words_regex(SPEC["self_payer_words"])
EMPLOYER_MENTION = words_regex(SPEC["employer_mention_words"])


def self_payer(description) -> bool:
    """"我是灵活就业人员 今年的养老保险扣了两遍": paid as an individual, no unit named."""
    plain = MANDARIN(str(description or ""))
    return bool(SELF_PAYER.search(plain)) and not EMPLOYER_MENTION.search(plain)


EXTRAS_FIGURE_LEAD = re.compile(rf"^(?:{one_of(SPEC['extras_figure_leads'])})")


def extras_figure(reply: str) -> float | None:
    """"4800" alone where the period or amount is asked: an amount; a year ("2023") is not.
    "一笔1184.5", "总共4800": a word for a sum before it changes nothing."""
    point = re.sub(r"(?<=\d)[.．](?=\d)", "\0", reply or "")  # "1184.5": the point is kept
    plain = EXTRAS_FIGURE_LEAD.sub("", PUNCTUATION.sub("", point)).replace("\0", ".")
    if not re.fullmatch(r"\d{3,8}(?:\.\d{1,2})?", plain) or re.fullmatch(r"(?:19|20)\d{2}", plain):
        return None
    return float(plain)


def plain_wish(reply: str) -> bool:
    """"重新核定", "多退少补" typed where the employer is asked: a wish, not a company name;
    "随便" or "没有" say no wish and stay answers of the question asked."""
    value = PUNCTUATION.sub("", MANDARIN(reply or ""))
    if not value or ORG_END.search(value) or value in SPEC["none_words"] or is_skip(value):
        return False
    if STORY_FIX.search(value):
        return False  # "说错了 不是没交 是…给我交的": the story put right, not a wish
    found = [m.group(0) for m in (*WISH_VERB.finditer(value), *WISH_TOPIC.finditer(value))]
    return is_wish(value) and any(w not in SPEC["vague_wish_words"] for w in found)


OWNER_CLUE = re.compile(SPEC["owner_clue"])
OWNER_ASIDE = re.compile(SPEC["employer_owner_aside"])


def owner_only_known(reply: str) -> bool:
    """"砖厂叫什么我不知道 只知道老板姓张": the name unknown, its owner said; no question
    (叫什么) to answer, and the owner joins the description."""
    return bool(OWNER_CLUE.search(reply or "") and UNSURE.search(MANDARIN(reply)))


def verb_wish(reply: str) -> bool:
    """"补上就行", "把钱退给我就行" where the name, phone or headcount is asked: a wish said
    early (its verb says so), never a name or a count."""
    value = PUNCTUATION.sub("", MANDARIN(reply or ""))
    return (plain_wish(reply) and bool(WISH_VERB.search(value))
            and not re.search(SPEC["verb_wish_not"], value)
            and len(value) <= SPEC["verb_wish_max_chars"])


PLACE_NEAR = re.compile(SPEC["place_near"])
SIGN_LEAD = re.compile(SPEC["employer_sign_lead"])
PLACE_VAGUE = words_regex(SPEC["place_vague_words"])
PLACE_AGENCY = words_regex(SPEC["place_agency_words"])
PLACE_RELATIVE_ERRAND = re.compile(SPEC["place_relative_errand"].format(
    roles=one_of(SPEC["relative_roles"]), relatives=one_of(SPEC["relative_words"])))
BRAND_KINDS = {kind: words_regex(words) for kind, words in SPEC["bare_brand_kinds"].items()}
KNOWN_BRAND = re.compile(rf"^(?:{one_of(SPEC['known_brands'])})")
GENERIC_UNIT = re.compile(rf"^(?:{one_of(SPEC['generic_unit_leads'])})+"
                          rf"(?:{one_of(SPEC['generic_employer_words'])})$")
INSURANCE_PART = re.compile(rf"^(?:就是|就|是|只是|主要是)?(?:{one_of(SPEC['insurance_part_words'])})"
                            rf"(?:{one_of(SPEC['insurance_part_tails'])})?(?:吧|啊|呀|哈)?$")
# Voice input has no commas: "金盛五金厂的嗯在石滩那边" is split where the payer hesitated.
UNIT_CLAUSE = re.compile(rf"{CLAUSE.pattern}|{one_of(SPEC['spoken_breaks'])}")
UNIT_LEAD_WORD = re.compile(rf"^(?:(?:{one_of(SPEC['employer_lead_words'])})[\s，,、]*)+")


def with_story_kind(brand: str, description) -> str:
    """"韵达" answered after "我在一家快递公司上班…": 韵达（快递）, so the liaison knows which
    韵达; a brand with no kind in the story stays as said."""
    if not KNOWN_BRAND.match(brand):
        return brand
    story = MANDARIN(str(description or ""))
    kind = next((k for k, words in BRAND_KINDS.items() if words.search(story)), None)
    return SPEC["brand_with_kind"].format(brand=brand, kind=kind) if kind else brand


PERIOD_LINKS = words_regex(SPEC["period_only_links"])


def period_only(reply: str, entities: list[dict]) -> bool:
    """"2024年1月到2024年12月", "从去年3月到现在": when, and nothing else."""
    spans = [e for e in entities if e.get("entity") == "period"]
    rest = PERIOD_LINKS.sub("", PUNCTUATION.sub("", without_spans(reply, spans)))
    return bool(spans) and not LETTERS.search(rest)


def unit_only(reply: str) -> bool:
    """"广州市增城区顺景贸易有限公司": a unit's name and nothing else (no clause of the story)."""
    value = PUNCTUATION.sub("", reply or "").strip()
    return (unit_name_end(value) and len(value) <= EMPLOYER_MAX
            and not NAME_STORY.search(MANDARIN(value)) and not CLAUSE.search(value))


WISH_REQUEST = re.compile(SPEC["wish_request"])


def requests_wish(reply: str) -> bool:
    """"能不能帮我们把社保补上 还有滞纳金也让厂里出": what is to be done, asked as a favour."""
    value = PUNCTUATION.sub("", MANDARIN(reply or ""))
    return bool(WISH_REQUEST.search(value) and WISH_VERB.search(value)) and plain_wish(reply)


def surname_call(reply: str, surname: str) -> str:
    """How a payer who gave only a surname may be called: 刘会计 beside 会计, else 刘先生/刘女士."""
    role = ROLE.search(reply or "")
    if role:
        return SPEC["surname_role_call"].format(surname=surname, role=role.group(0))
    return SPEC["surname_call"].format(surname=surname)


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


def _without_town(value: str, places) -> str:
    """"新塘镇广州顺发物流有限公司": a configured town said before a company whose own name
    starts with its city or province is where it is, no part of the name."""
    for place in sorted(places, key=len, reverse=True):
        rest = value[len(place):] if place and value.startswith(place) else ""
        if rest and COMPANY_REGION.match(rest) and ORG_END.search(rest):
            return rest
    return value


@lru_cache(maxsize=8)
def _place_after(places: frozenset) -> re.Pattern:
    """A configured place after the unit, by its whole name or without its 镇/街道 ("在石滩")."""
    short = {PLACE_SUFFIX.sub("", p) for p in places}
    names = places | {p for p in short if len(p) >= 2}
    return re.compile(rf"[\s，,]*(?:{UNIT_PLACE_LEAD})(?:{one_of(names)})(?:{UNIT_PLACE_TAIL})*"
                      rf"[。.!！]*$")


def others_phone(text: str, entity: dict) -> bool:
    """"单位电话020-87654321", "老板手机是139…": a number labelled as someone else's (the unit,
    its boss, its HR), never the payer's contact nor their second number."""
    start = entity.get("start")
    return isinstance(start, int) and bool(OTHERS_PHONE.search(text[max(0, start - 12):start]))


def _without_place_after(value: str, places: frozenset) -> str:
    """"鑫诚装饰 在永宁街道", "宏达电子厂，在新塘镇那边": a configured place after the name, with a
    word that says where, is cut off (the place question takes it); a place inside a name stays."""
    found = _place_after(places).search(value)
    return value[:found.start()].strip() if found and found.start() >= 2 else value


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
        slots = [s for s in SPEC["slots"] if s != "employer" or asks_employer(tracker.slots)]
        if tracker.get_slot("period") is None and tracker.get_slot("amount") is None:
            slots.append("extras")
        return slots

    async def run(self, dispatcher, tracker, domain):
        """The form as rasa-sdk runs it; then what the payer told beside an answer joins the
        description ("宏达公司，而且离职时还不给开证明"): nothing said is lost."""
        coded = self._unit_code_apart(tracker)
        if coded:
            tracker, employer = coded
            dispatcher.utter_message(text=SPEC["replies"]["unit_code_joined"].format(
                employer=employer))
        before = dict(tracker.slots)
        again = self._employer_again(tracker)
        events = await super().run(dispatcher, tracker, domain)
        if coded and not any(e.get("name") == "employer" for e in events):
            events.append(SlotSet("employer", employer))
        taken = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
        facts = self._told_beside(tracker, before, taken)
        period = taken.get("period")
        if period is not None and self._period_instead(tracker):
            facts = None  # "去年5月开始" where the place is asked: the period, said as noted
            if PERIOD_KIND.search(self._text(tracker)) and self._text(tracker) not in str(
                    before.get("description")):  # "试用期半年": what the span was, kept too
                current = str(before.get("description") or "").rstrip("。；;，, ")
                events.append(SlotSet("description", f"{current}；{self._text(tracker)}"))
            said = (taken.get("period_said") or [None, None])[1]
            item = (f"{SPEC['period_duration_label']}：{said}" if said
                    else f"{SPEC['field_names']['period']}：{period_text(period)}")
            if before.get("period") is None:
                dispatcher.utter_message(text=SPEC["moved_noted"].format(items=item))
        if again and taken.get("employer") == again:
            dispatcher.utter_message(text=SPEC["moved_replaced"].format(
                value=taken["employer"], old=before["employer"]))
        if facts:
            dispatcher.utter_message(text=text("details_added"))
            current = str(before["description"]).rstrip("。；;，, ")
            events.append(SlotSet("description", f"{current}；{facts}"))
        if before.get("period") is not None and taken.get("period") not in (None, before["period"]):
            dispatcher.utter_message(text=SPEC["period_replaced"].format(
                period=period_text(taken["period"])))  # a clearer period said later
        alternate = self._alternate_phone(tracker, {**before, **taken}, before)
        if alternate and before.get("requested_slot") in SPEC["alternate_phone_apart_slots"]:
            dispatcher.utter_message(text=SPEC["replies"]["alternate_phone_kept"].format(
                phone=mask_phone(alternate)))
            events.append(SlotSet("alternate_phone", alternate))  # "13622223333" for 几个人
        elif alternate:
            dispatcher.utter_message(text=SPEC["replies"]["alternate_phone"].format(
                phone=mask_phone(alternate)))
            description = str({**before, **taken}["description"] or "")
            if alternate not in description:  # a first message holds it already
                line = SPEC["replies"]["alternate_phone_line"].format(phone=alternate)
                current = description.rstrip("。；;，, ")
                events.append(SlotSet("description", f"{current}；{line}" if current else line))
        return events

    @staticmethod
    def _unit_code_apart(tracker: Tracker) -> tuple[Tracker, str] | None:
        """"91440183MA59XXXX1K" at a later question once the unit is named: the code joins the
        stored unit (never "不像是姓名"), and a tracker without it answers the question asked."""
        current = tracker.get_slot("employer")
        message = tracker.latest_message or {}
        said = message.get("text") or ""
        found = UNIT_CODE.search(said)
        if (not current or current == "无" or tracker.get_slot("requested_slot") in (None, "employer")
                or found is None
                or id_like(found.group(0)) and not UNIT_CODE_LABEL_ONLY.search(said)):
            return None
        code = found.group(0).upper()
        start, end = UNIT_CODE_LEAD.search(said[:found.start()]).start(), found.end()
        joined = said[:start] + said[end:]
        shift = len(joined) - len(joined.lstrip())
        entities = []
        for entity in message.get("entities") or []:
            first, last = entity.get("start"), entity.get("end")
            if not (isinstance(first, int) and isinstance(last, int)):
                entities.append(entity)
            elif last <= start:
                entities.append({**entity, "start": first - shift, "end": last - shift})
            elif first >= end:
                moved = end - start + shift
                entities.append({**entity, "start": first - moved, "end": last - moved})
        rest = joined.strip() if PUNCTUATION.sub("", joined).strip() else ""
        employer = code_joined(current, code)
        stripped = tracker_for(tracker.sender_id, tracker.slots,
                               {**message, "text": rest, "entities": entities})
        return stripped, employer

    @staticmethod
    def _alternate_phone(tracker: Tracker, slots: dict, before: dict) -> str | None:
        """"13800138000或者13900139000": the number after the one stored as the phone, kept
        for the liaison instead of dropped; said back even when this message went into the
        description whole, unless an earlier one held it."""
        numbers = []
        text_ = tracker.latest_message.get("text") or ""
        for entity in tracker.latest_message.get("entities") or []:
            if entity.get("entity") == "phone" and not others_phone(text_, entity):
                phone, _ = phone_problem(str(entity.get("value")))
                if phone and phone not in numbers:
                    numbers.append(phone)
        others = [n for n in numbers if n != slots.get("phone")]
        another = (len(numbers) == 1 and before.get("phone") and before.get(
            "requested_slot") not in (None, *SPEC["alternate_phone_skip_slots"]))
        if len(numbers) < 2 and not another or not slots.get("phone") or not others:
            return None  # one number at a later question ("13622223333" for the wish) too
        return None if others[0] in str(before.get("description") or "") else others[0]

    def _told_beside(self, tracker: Tracker, before: dict, taken: dict) -> str | None:
        """The facts beside the answer to the question asked, unless the description took
        this message already."""
        description = before.get("description")
        if (before.get("requested_slot") not in SPEC["facts_beside_slots"] or not description
                or taken.get("description", description) != description):
            return None
        answered = {k: v for k, v in taken.items()
                    if k in FORM_SLOTS and v is not None and before.get(k) != v}
        if set(answered) == {"category"} and len(LETTERS.findall(CATEGORY_NAMED_TAIL.sub(
                "", self._text(tracker)))) < SPEC["details_min_chars"]:
            return None  # "缴费基数的问题": the category named, nothing beside it
        if not answered:
            unnamed = before.get("requested_slot") == "employer" and (
                "employer" in taken or owner_only_known(self._text(tracker)))
            return employer_hints(self._text(tracker), str(description)) if unnamed else None
        said = self._text(tracker)
        if PUNCTUATION.sub("", str(answered.get("desired_outcome") or "")) == PUNCTUATION.sub(
                "", said):
            return None  # "能不能帮我们把社保补上 还有滞纳金也让厂里出": all of it is the wish
        if period_only(said, tracker.latest_message.get("entities") or []):
            return None  # "2024年1月到2024年12月" at the menu: the period, nothing beside it
        if "·" in str(answered.get("name") or ""):  # 买买提江.吐尔逊 stored as 买买提江·吐尔逊
            said = ETHNIC_NAME_DOTS.sub(lambda m: re.sub(r"\s*[.．・•]\s*", "·", m.group()), said)
        facts = facts_beside(said, tracker.latest_message.get("entities") or [],
                             answered, str(description))
        facts = facts or workplace_beside(self._text(tracker), answered.get("employer"),
                                          str(description),
                                          tracker.latest_message.get("entities") or [])
        return PLEA_END.sub("", facts) or None if facts else None  # "冇交 咋整": the plea is the form

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
        """The first value of ``kind`` (one taken back in the same message is already cut out,
        bot/handlers/self_fix.py)."""
        text_ = tracker.latest_message.get("text") or ""
        for entity in tracker.latest_message.get("entities") or []:
            if entity.get("entity") != kind:
                continue
            end = entity.get("end")
            if kind == "headcount" and isinstance(end, int) and COUNT_OF_TIME.match(text_[end:]):
                continue  # "拖了我俩月工资": two months, not two people
            if kind == "phone" and others_phone(text_, entity):
                continue
            if kind == "employer" and GENERIC_UNIT.match(PUNCTUATION.sub("", str(entity.get(
                    "value")))):
                continue  # "我们自己公司 恒达贸易有限公司": the pointer is no name, the name is
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
    def _others_too(tracker: Tracker) -> int | None:
        """"还有二十几个老乡也没买": others in the same plight, counted where they are said."""
        found = OTHERS_TOO.search(tracker.latest_message.get("text") or "")
        return people_count(found.group(0)) if found else None

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
        found = re.match(r"^\s*(?:第|选)?\s*([1-9]\d?)\s*(?:个|项|号)?\s*(?:[，,。、:：\s]|\.(?!\d))+(.+)$",
                         reply)  # "2.3k" is an amount, not choice 2
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
                or asked in SPEC["verb_wish_slots"] and requests_wish(reply)
                or asked in SPEC["verb_wish_slots"] + SPEC["verb_wish_listed_slots"]
                and verb_wish(reply)
                or self._headcount_only(tracker) is not None):
            return None
        intent = tracker.latest_message.get("intent") or {}
        complaint = intent.get("name") == "file_dispute"
        sure = complaint and intent.get("confidence", 0) >= SPEC["details_min_confidence"]
        guess = tracker.latest_message.get("category") or {}
        classified = (guess.get("name") not in (None, "other")
                      and guess.get("confidence", 0) >= SPEC["category_min_confidence"])
        if asked == "category" and (period_only(reply, tracker.latest_message.get("entities") or [])
                                    or unit_only(reply)):
            return None  # "2024年1月到2024年12月", a unit's name at the menu: no new grievance
        if asked == "category":
            choice, rest = self._choice_and_rest(reply)
            if choice is not None:
                reply = rest
            content = len(LETTERS.findall(CATEGORY_NAMED_TAIL.sub("", reply)))
            if content < SPEC["details_min_chars"] or self._is_category_label(reply):
                return None
            long = content >= SPEC["details_long_chars"]
            return reply if (sure or DETAILS_CUE.search(reply) or category_said(reply) or long and (
                complaint or classified or CLAUSE.search(reply))) else None
        surest = (intent.get("confidence", 0) >= SPEC["details_story_confidence"]
                  and guess.get("name") not in (None, "other")
                  and guess.get("confidence", 0) >= SPEC["details_story_category_confidence"]
                  and STORY_WORDS.search(MANDARIN(reply)))  # "他说试用期不交 后来一直拖"
        if (sure and (classified or surest)
                and len(LETTERS.findall(reply)) >= SPEC["details_long_chars"]
                and not ORG_END.search(ORG_TAIL.sub("", reply))):
            return reply
        return None

    def _no_category(self, reply: str) -> bool:
        """A reply at the category question that names no category and tells no story: a
        name ("李四"), a stray word."""
        return not (self._is_category_label(reply) or STORY_WORDS.search(MANDARIN(reply))
                    or len(LETTERS.findall(reply)) >= SPEC["category_other_min_chars"])

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
        if slot == "employer" and self._asked(tracker, slot):
            shown = UNIT_AFTER_DEMONSTRATIVE.search(ORG_TAIL.sub("", reply.strip()))
            named = shown["name"] if shown else ""
            if (len(named) >= 3 and ORG_END.search(named) and not CLAUSE.search(named)
                    and not BARE_TRADE_UNIT.match(named)):
                return {slot: named}  # "系新塘嗰间宏发五金厂": 宏发五金厂; never "那个厂": 厂
            value = whole_unit_name(reply, value) or value
        if value is not None and not (slot == "headcount" and self._asked_count(tracker)):
            return {slot: value}  # a name or number in a question is kept; "几个人" is no count
        unit = UNIT_IS.match(reply) if slot == "employer" and self._asked(tracker, slot) else None
        if unit and not (STORY_WORDS.search(unit["name"]) or UNSURE.search(unit["name"])
                         or is_question(unit["name"])):
            return {"employer": unit["name"]}  # "单位是新世纪商贸 在荔城 我叫刘小红"
        if not (self._asked(tracker, slot) and reply):
            return {}
        if slot == "jurisdiction" and (PLACE_VAGUE.search(reply) or PLACE_NEAR.search(reply)):
            return {slot: reply}  # "不知道是哪个镇 就在城里": validated into the list of places
        if is_chatter(reply):
            part = answer_clause(reply, slot) if is_question(reply) else None
            return {slot: part} if part else {}  # "李四。这个会不会被公司知道": 李四
        if slot != "headcount" and (self._headcount_only(tracker) is not None
                                    or self._others_too(tracker) is not None) and not (
                slot == "employer" and NO_EMPLOYER.search(reply)):
            return {}
        if only_wish(reply) and slot != "jurisdiction" or slot in SPEC[
                "verb_wish_slots"] and (verb_wish(reply) or requests_wish(reply)):
            return {}  # "要求补交" is kept as the wish; the place question lists the places
        if self._new_details(tracker):
            part = answer_clause(reply, slot)  # the grievance goes to the description
            return {slot: part} if part else {}
        entities = tracker.latest_message.get("entities") or []
        other = {e.get("entity") for e in entities}
        if slot == "name" and other:
            rest = without_spans(reply, entities)
            if re.fullmatch(r"[\u4e00-\u9fff·]{2,5}", rest) and rest in re.sub(
                    r"[\s，。,.!！?？:：;；、]", "", reply):
                return {"name": rest}  # never the words left around a value ("具体是去年三月开始停的")
            part = answer_clause(reply, "name")  # "李四，今年45岁": the age is no part of it
            return {"name": part} if part else {}
        if slot == "employer" and other <= {"district", "money", "period"} and (
                ORG_SUFFIX.search(reply)):
            return {"employer": reply}  # "荔城好又多超市": the place is part of the name
        beside = self._name_by_place(reply, entities) if slot == "employer" and other <= {
            "district", "money", "period"} else None
        if slot == "employer" and not beside and other <= {"district", "money", "period"}:
            head = _without_place_after(reply, frozenset(p for p, _ in self.places))
            beside = head if head != reply and _bare_name(head) else None  # "鑫诚装饰 在永宁那边"
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
        """"几个人算多少钱", "失业金能领几个月": the number in a question is what is asked;
        "10几年", with a figure before it, is a rough number said."""
        reply = self._text(tracker)
        if not is_question(reply) or kind == "period" and self._asked(
                tracker, "extras") and not PERIOD_ANSWER_ASKS.search(reply):
            return False  # "几年了记不清" answering the period question: several years
        starts = [e["start"] for e in tracker.latest_message.get("entities") or []
                  if e.get("entity") == kind and isinstance(e.get("start"), int)]
        return any(re.match(r"几(?![十百千万])", reply[start:])
                   and not re.search(r"[\d十百]$", reply[:start]) for start in starts)

    def _told_periods(self, tracker: Tracker) -> list[dict]:
        """The entities without the durations a question asks about ("失业金能领几个月"); a
        story that also says "再过几年就要退休" still tells its "2020年到2022年"."""
        entities = tracker.latest_message.get("entities") or []
        if not self._asked_count(tracker, "period"):
            return entities
        reply = self._text(tracker)
        return [e for e in entities if e.get("entity") != "period" or not (
            isinstance(e.get("start"), int)
            and re.match(r"几(?![十百千万])", reply[e["start"]:e["end"]]))]

    async def extract_description(self, dispatcher, tracker, domain) -> dict:
        if is_acknowledgement(self._text(tracker)) or is_announcement(self._text(tracker)):
            return {}  # "我还有另外一个事要反映": the matter itself is still to be told
        current = tracker.get_slot("description")
        if current is not None:
            details = PLEA_END.sub("", self._new_details(tracker) or "")
            if not details or details in current:
                return {}
            dispatcher.utter_message(text=text("details_added"))
            taken = {"description": f"{current.rstrip('。；;，, ')}；{details}"}
            return {**taken, **self._category_taken_back(dispatcher, tracker, details)}
        if self._headcount_only(tracker) is not None or facts_only(
                self._text(tracker), tracker.latest_message.get("entities") or []) or place_only(
                self._text(tracker), tracker.latest_message.get("entities") or []):
            return {}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if self._asked(tracker, "description") or intent == "file_dispute":
            return {"description": self._text(tracker)}
        return {}

    @staticmethod
    def _category_taken_back(dispatcher, tracker: Tracker, details: str) -> dict:
        """"其实公司交了 就是交少了 按最低档交的" told at another question: the category follows
        (see :func:`changed_category`), and the reply says so."""
        said = category_said(details)
        guess = ({"name": said, "confidence": 1.0} if said
                 else tracker.latest_message.get("category") or {})
        changed = changed_category(details, guess, tracker.get_slot("category"))
        if changed is None:
            return {}
        dispatcher.utter_message(text=SPEC["replies"]["category_changed"].format(
            label=SPEC["category_choices"][changed]))
        return {"category": changed}

    async def extract_category(self, dispatcher, tracker, domain) -> dict:
        current = tracker.get_slot("category")
        if current is not None:
            reply = self._text(tracker)
            changed = self._new_details(tracker) and changed_category(
                reply, tracker.latest_message.get("category") or {}, current)
            if not changed:
                return {}
            dispatcher.utter_message(text=SPEC["replies"]["category_changed"].format(
                label=SPEC["category_choices"][changed]))
            return {"category": changed}
        reply = self._text(tracker)
        if is_acknowledgement(reply):
            return {}
        if self._headcount_only(tracker) is not None or facts_only(
                reply, tracker.latest_message.get("entities") or []) or period_only(
                reply, tracker.latest_message.get("entities") or []):
            return {}
        if self._employer_called(tracker) or outside_place(reply) or (
                self._asked(tracker, "category") and self._person_at_place(tracker)):
            return {}  # "厂里叫 鑫达五金", "东莞长安", "王芳": an answer to another question
        if self._asked(tracker, "category"):
            choice, _ = self._choice_and_rest(reply)
            if choice is not None:
                return {"category": CATEGORY_KEYS[choice]}
            if category_said(reply):
                return {"category": category_said(reply)}  # "扣款扣了两次": a refund
        guess = tracker.latest_message.get("category") or {}
        unsure = (guess.get("name") in (None, "other")
                  or guess.get("confidence", 0) < SPEC["category_min_confidence"])
        told = tracker.get_slot("requested_slot") in (None, "description")
        if unsure and told and category_said(reply):
            return {"category": category_said(reply)}  # "钱扣了但是查不到缴费记录"
        named = ADDRESS.match(PUNCTUATION.sub("", reply).strip())
        if self._asked(tracker, "category") and (unsure or named) and self._no_category(reply):
            dispatcher.utter_message(text=SPEC["meaning_help"]["category"])
            return {}  # "李四", "王小明" (however sure the classifier): no category, nor 其他
        floor = SPEC["category_min_confidence"] * (0.8 if self._asked(tracker, "category") else 1)
        details = self._asked(tracker, "category") and self._new_details(tracker)
        if (guess.get("name") and guess.get("confidence", 0) >= floor
                and not (details and guess["name"] == "other")):
            return {"category": guess["name"]}
        if self._asked(tracker, "category") and not details:
            return {"category": reply}
        return {}

    async def extract_employer(self, dispatcher, tracker, domain) -> dict:
        """The employer; two named in one message ("宏达电子厂和永发制衣厂", "先在宏达干了两年，
        后来去了永发制衣厂") are both kept, never the second one dropped."""
        found = await self._employer_found(tracker)
        if (not self._asked(tracker, "employer") and tracker.get_slot("employer") is None
                and BARE_TRADE_UNIT.match(str(found.get("employer") or ""))):
            return {}  # "新塘镇的制衣厂", "开五金店的": a kind of unit, its name is asked
        return found

    async def _employer_found(self, tracker: Tracker) -> dict:
        again = self._employer_again(tracker)
        if again:
            return {"employer": again}
        if self._period_instead(tracker):
            return {}
        household = household_by_surname(self._text(tracker))
        if household and self._asked(tracker, "employer"):
            return {"employer": household}  # "没有单位 就是雇主家 姓陈"
        contractor = CONTRACTOR_EMPLOYER.search(MANDARIN(self._text(tracker)))
        if contractor and self._asked(tracker, "employer"):
            return {"employer": contractor["boss"]}  # "没有公司 就是跟着包工头陈老板干的"
        recalled = RECALLED_NAME.search(MANDARIN(self._text(tracker)))
        if recalled and self._asked(tracker, "employer"):
            return {"employer": recalled.group("name")}  # "叫啥来着 宏达 对 宏达电子"
        found = self._fill(tracker, "employer")
        said = self._employer_called(tracker)
        if said and not found:
            return {"employer": said}
        reply = MANDARIN(self._text(tracker))
        named = list(dict.fromkeys(
            SPOKEN_LEAD.sub("", str(e.get("value"))) for e in tracker.latest_message.get(
                "entities") or [] if e.get("entity") == "employer"
            and not overlaps(str(e.get("value")), reply, OUTCOME)
            and not GENERIC_UNIT.match(PUNCTUATION.sub("", str(e.get("value"))))))
        if len(named) > 1 and SPOKEN_LEAD.sub("", str(found.get("employer") or "")) in named:
            return {"employer": EMPLOYER_JOIN.join(named)}
        coded = unit_code(reply) if UNIT_CODE_LABEL_ONLY.search(reply) else None
        if coded and tracker.get_slot("employer") is None and not self._asked(tracker, "employer"):
            code = SPEC["unit_code_alone"].format(code=coded[0])
            return {"employer": f"{named[0]}，{code}" if named else code}
        return found

    def _employer_again(self, tracker: Tracker) -> str | None:
        """"腾飞科技有限公司" alone where the place is asked, with another employer stored, or a
        unit named at a later question after "没有单位": the name the payer means now (the
        stored one is said in the reply), never dropped."""
        current = tracker.get_slot("employer")
        named = [str(e.get("value")) for e in tracker.latest_message.get("entities") or []
                 if e.get("entity") == "employer"]
        asked = tracker.get_slot("requested_slot")
        if current == "无" and asked not in (None, "employer"):
            units = [n for n in named if ORG_END.search(n)]
            if units:
                return units[-1]  # "没有单位", then "其实…合同是跟…签的 叫好帮手家政服务有限公司"
        if current is None:
            return None
        renamed = self._unit_renamed(tracker) if asked in SPEC["unit_renamed_slots"] else None
        if renamed and renamed != current and renamed not in str(current):
            return renamed  # "单位叫好帮手家政服务有限公司" at the place or name question
        if not self._asked(tracker, "jurisdiction"):
            return None  # decided before the reply is trimmed (two regex passes a message)
        reply = ORG_TAIL.sub("", PUNCTUATION.sub("", self._text(tracker)))
        if (named != [reply] or not ORG_END.search(reply) or reply == current
                or reply in str(current)):
            return None
        return reply

    def _unit_renamed(self, tracker: Tracker) -> str | None:
        """"单位叫…", "公司名字是…" opening a reply at a later question: a unit named with its
        label, whatever follows it ("… 在新塘镇" still answers the place question)."""
        unit = UNIT_IS.match(self._text(tracker))
        if unit is None:
            return None
        at_place = PLACE_AFTER_ORG.match(unit["name"])  # "…有限公司在新塘镇": the place apart
        name = at_place["name"] if at_place else unit["name"]
        if (not ORG_END.search(name) or STORY_WORDS.search(ORG_END.sub("", name))
                or UNSURE.search(name) or is_question(name)):
            return None
        return name

    def _employer_called(self, tracker: Tracker) -> str | None:
        """"厂里叫 鑫达五金", "公司名字叫腾飞" at another question (the category's list): the
        employer's name, taken while it is still empty, and the question asked again."""
        reply = self._text(tracker)
        if (tracker.get_slot("employer") is not None or self._asked(tracker, "employer")
                or not SPOKEN_LEAD.sub("", reply)
                or not GENERIC_EMPLOYER.match(reply.strip())):
            return None
        name = called(reply)
        return name if name and not CLAUSE.search(name) and len(name) <= 20 else None

    async def extract_jurisdiction(self, dispatcher, tracker, domain) -> dict:
        """"增城新塘" names the district and the town: the town is the more precise place; of
        a home and a workplace, the workplace."""
        moved = self._moved_from_place(tracker)
        if moved is not None:
            return moved
        districts = {d for p, d in self.places if p == d}
        if self._district_in_unit_name(tracker, districts):
            return {}
        if tracker.get_slot("jurisdiction") in districts:  # "增城区", then "永宁": the town
            towns = {e.get("value") for e in tracker.latest_message.get("entities") or []
                     if e.get("entity") == "district"} - districts
            if len(towns) == 1:
                return {"jurisdiction": towns.pop()}
        beside = place_beside_unit(self._text(tracker)) if self._asked(
            tracker, "jurisdiction") else None
        if beside and not any(e.get("entity") == "district"
                              for e in tracker.latest_message.get("entities") or []):
            return {"jurisdiction": beside}  # "东莞市长安镇的一个五金厂 叫鸿发五金"
        found = self._fill(tracker, "jurisdiction", "district")
        outside = None
        if tracker.get_slot("jurisdiction") is None and self._asked(tracker, "description"):
            outside = outside_place(self._text(tracker))
        elif tracker.get_slot("jurisdiction") is None and self._asked(tracker, "employer"):
            place = address_place(self._text(tracker)) or ""  # "地址是朝阳区建国路88号": 朝阳区
            outside = outside_place(place) or (place if len(place) >= 3 else None)
            outside = outside or place_beside_unit(self._text(tracker))  # "叫鸿发五金 在东莞长安"
        if not found and outside:
            return {"jurisdiction": outside}  # "宝安区西乡街道" where the story is asked
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
        units = unit_spans(tracker.latest_message.get("entities") or [])
        free = [e.get("value") for e in entities if e.get("value") not in districts
                and not any(s <= (e.get("start") or -1) < t for s, t in units)]
        if self._asked(tracker, "jurisdiction") and free and found.get("jurisdiction") not in named:
            return {"jurisdiction": free[0]}  # "是荔湖街道的 叫广州市增城区恒达…公司": 荔湖街道
        return found

    def _district_in_unit_name(self, tracker: Tracker, districts: set[str]) -> bool:
        """"顺丰增城分公司", "增城糖厂" where the place is not asked: the district is part of
        the unit's name and says no town, so the place is still asked."""
        if self._asked(tracker, "jurisdiction"):
            return False
        entities = tracker.latest_message.get("entities") or []
        units = unit_spans(entities)
        places = [e for e in entities if e.get("entity") == "district"]
        return bool(places) and all(
            e.get("value") in districts and isinstance(e.get("start"), int)
            and any(s <= e["start"] and e.get("end", e["start"]) <= t for s, t in units)
            for e in places)

    def _moved_from_place(self, tracker: Tracker) -> dict | None:
        """An out-of-area place typed at another question ("深圳南山" where the employer is
        asked) is the place; a bare name ("王芳", "王姐") or only a period or amount
        ("2023年3月到现在") typed where the place is asked is no place, so nothing is stored
        in it and no "没找到" said: the name and the period are taken by their own slots."""
        reply = self._text(tracker)
        place = outside_place(reply)
        if place and not self._asked(tracker, "jurisdiction"):
            return {"jurisdiction": place} if tracker.get_slot("jurisdiction") is None else None
        if not self._asked(tracker, "jurisdiction") or place:
            return None
        if self._person_at_place(tracker) or self._period_only(tracker):
            return {}
        return None

    def _person_at_place(self, tracker: Tracker) -> str | None:
        """"王芳", "老李", "王姐" alone where the place is asked: the payer's name, unless it
        is one of the configured places (石滩, or 石摊 typed for it) or one outside (黄埔)."""
        reply = PUNCTUATION.sub("", self._text(tracker))
        if (not (BARE_PERSON.match(reply) or ADDRESS_FORM.match(reply)) or outside_place(reply)
                or tracker.get_slot("name") is not None
                or any(e.get("entity") == "district"
                       for e in tracker.latest_message.get("entities") or [])
                or any(reply in p or p in reply or reply.translate(PLACE_FOLD) in p.translate(
                    PLACE_FOLD) or difflib.SequenceMatcher(None, reply, p).ratio() >= 0.6
                    for p, _ in self.places)):
            return None
        return reply

    def _period_instead(self, tracker: Tracker) -> bool:
        """Only a period where the place, the employer or the name is asked: no answer to it."""
        return (tracker.get_slot("requested_slot") in SPEC["moved_period_slots"]
                and self._period_only(tracker))

    def _period_only(self, tracker: Tracker) -> bool:
        """"2023年3月到现在", "去年5月开始": only a period (or an amount) and no place."""
        entities = [e for e in tracker.latest_message.get("entities") or []
                    if e.get("entity") in ("period", "money")]
        return bool(entities) and len(LETTERS.findall(PERIOD_KIND.sub("", words_beside(
            self._text(tracker), entities)))) <= SPEC["moved_period_rest_chars"]

    async def extract_name(self, dispatcher, tracker, domain) -> dict:
        """"我姓李，木子李，叫李大明": the whole name, not the surname the parser found first;
        "名字叫永发制衣" where the employer or place is asked names that, not the payer."""
        reply = self._text(tracker)
        fuller = (None if self._asked(tracker, "name")
                  else full_name_after_address(tracker.get_slot("name"), reply))
        if fuller:
            dispatcher.utter_message(text=text("corrected", items=f"{SPEC['field_names']['name']}：{fuller}"))
            return {"name": fuller}  # "黄志强" after "黄师傅", wherever it is typed
        person = (self._person_at_place(tracker) if tracker.get_slot("requested_slot")
                  in SPEC["moved_name_slots"] else None)
        if person:
            return {"name": person}
        if self._period_instead(tracker):
            return {}
        if household_by_surname(reply) and not OWN_NAME.search(reply):
            return {}  # "就是雇主家 姓陈": the family's surname, not the payer's
        name_of = called(reply)
        if name_of and not OWN_NAME.search(reply) and (
                tracker.get_slot("requested_slot") in ("employer", "jurisdiction")
                or organisation(name_of)):
            return {}  # "名字叫好味道餐馆" names a shop wherever it is said
        worried = self._name_beside_worry(tracker, reply)
        if worried:
            return {"name": worried}
        found = self._fill(tracker, "name") or self._name_beside_number(tracker)
        name = found.get("name")
        if isinstance(name, str) and any(name.startswith(m["kin"])
                                         for m in ERRAND_KIN.finditer(reply)):
            return {}  # "我叫孙子帮我一查": the grandson was asked to help, no one is named
        if (self._asked(tracker, "name") and refuses_name(reply)
                and not (isinstance(name, str) and (name[:1] in SURNAMES or ADDRESS.match(name)))):
            called_by = [bare_name(part) for part in MANDARIN(reply).split()[1:]]
            called_by = [n for n in called_by if ADDRESS.match(n) and len(n) <= 4]
            # "不想说名字 叫我小李吧": the 称呼 offered; "我不想说名字可以吗": refused, never 可以
            return {"name": called_by[0] if called_by else reply}
        full = full_name_beside(reply) if isinstance(name, str) else None
        if full:
            return {"name": full}  # "叫我陈姨就行，我叫陈秀英": 陈秀英
        clause = answer_clause(reply, "name") if self._asked(tracker, "name") else None
        if isinstance(name, str) and clause and name not in clause:
            return {"name": clause}  # "李四，你们会不会把我的名字告诉老板啊": not 告诉老板
        if isinstance(name, str) and len(name) == 1:
            whole = next((str(e.get("value")) for e in tracker.latest_message.get("entities") or []
                          if e.get("entity") == "name" and len(str(e.get("value"))) > 1
                          and str(e.get("value")).startswith(name)), None)
            return {"name": whole or fullest_name(reply, name) or name}  # "我姓刘啊叫刘德福"
        if isinstance(name, str):
            return {"name": name_run_on(reply, name)}  # 刘强东北人… → 刘强
        return found

    def _name_beside_worry(self, tracker: Tracker, reply: str) -> str | None:
        """"王五 别让厂里知道是我投诉的": a bare name and, after a space, a privacy worry
        (answered by the dialogue); the worry names 厂里, not the payer."""
        if not self._asked(tracker, "name"):
            return None
        first, _, rest = (reply or "").strip().partition(" ")
        first = first.strip("，,。.！!～~ ")
        if rest and BARE_PERSON.match(first) and PRIVACY_WORRY.search(MANDARIN(rest)):
            return first
        return None

    def _name_beside_number(self, tracker: Tracker) -> dict:
        """"13912345678 李四" at another question: a bare name beside a phone number."""
        reply = self._text(tracker)
        if tracker.get_slot("name") is not None or not contact_numbers(reply):
            return {}
        rest = without_spans(reply, tracker.latest_message.get("entities") or [])
        return {"name": rest} if BARE_PERSON.match(rest) else {}

    async def extract_phone(self, dispatcher, tracker, domain) -> dict:
        return self._fill(tracker, "phone")

    async def extract_headcount(self, dispatcher, tracker, domain) -> dict:
        found = self._fill(tracker, "headcount")
        if found and self._told_when_or_how_much(tracker) and self._count(
                found["headcount"], tracker) is None:
            return {}  # "从2022年开始一直这样": the period is noted, no count refused
        if not found and tracker.get_slot("headcount") is None:
            count = self._headcount_only(tracker)
            if count is None:
                count = self._headcount_beside(tracker)
            if count is None:
                count = self._others_too(tracker)
            if count is None and self_payer(tracker.get_slot("description")
                                            or self._text(tracker)):
                count = 1  # "我是个体户 自己交的灵活就业社保…": the payer alone
            return {} if count is None else {"headcount": count}
        if not found and self._total_said(tracker):
            count = self._entity(tracker, "headcount")
            if isinstance(count, int) and count > 0 and count != tracker.get_slot("headcount"):
                return {"headcount": count}
        return found

    @staticmethod
    def _told_when_or_how_much(tracker: Tracker) -> bool:
        return any(e.get("entity") in ("period", "money")
                   for e in tracker.latest_message.get("entities") or [])

    def _total_said(self, tracker: Tracker) -> bool:
        """"我们一共三个人都没交" while another question is asked: the count said again."""
        asked = tracker.get_slot("requested_slot")
        return (asked not in (None, "headcount") and tracker.get_slot("headcount") is not None
                and bool(HEADCOUNT_TOTAL.search(self._text(tracker))))

    async def extract_desired_outcome(self, dispatcher, tracker, domain) -> dict:
        """The answer to the wish question, or a wish said along the way ("要求补交" where the
        place was asked); a later wish is added to the first, never dropped."""
        current = tracker.get_slot("desired_outcome")
        if current is None and self._asked(tracker, "desired_outcome"):
            if self._headcount_only(tracker) is not None or not is_wish(self._text(tracker)):
                return {}  # a greeting, an off-topic question: the wish is asked again
            reply = self._text(tracker)
            gap = fact_clause_start(reply, tracker.latest_message.get("entities") or [], 2,
                                    len(reply))
            return {"desired_outcome": reply[:gap] if gap is not None else reply}
        asked = tracker.get_slot("requested_slot")
        if current is None and (asked == "employer" and plain_wish(self._text(tracker)) or (
                asked in SPEC["verb_wish_slots"] and requests_wish(self._text(tracker))) or (
                asked in SPEC["verb_wish_slots"] + SPEC["verb_wish_listed_slots"]
                and verb_wish(self._text(tracker)))):
            return {"desired_outcome": self._text(tracker)}
        found = OUTCOME.search(self._text(tracker))
        if found is None:
            return {}
        wish = self._wish_alone(found, tracker)
        if current is None:
            return {"desired_outcome": wish}
        if wish in current:
            return {}
        return {"desired_outcome": f"{current}；{wish}"}

    @staticmethod
    def _wish_alone(found: re.Match, tracker: Tracker) -> str:
        """"要求补缴公司叫永发制衣厂在荔城街道" → "要求补缴": a wish run on into other facts
        ends where a company, a place, a name or a phone is said."""
        ends = [found.end()] + [e["start"] for e in tracker.latest_message.get("entities") or []
                                if e.get("entity") in WISH_END_ENTITIES
                                and isinstance(e.get("start"), int)
                                and found.start() + 2 < e["start"] < found.end()]
        gap = fact_clause_start(found.string, tracker.latest_message.get("entities") or [],
                                found.start() + 2, found.end())
        stop = WISH_STOP.search(found.string, found.start() + 2, found.end())
        end = min(ends + ([stop.start()] if stop else []) + ([gap] if gap is not None else []))
        wish = found.string[found.start():end]
        return WISH_ADDED_LEAD.sub("", wish) or wish

    def _asks_only(self, tracker: Tracker) -> bool:
        """A question or greeting outside the story question: its numbers ("失业金能领几个月")
        are asked about, not facts of the dispute."""
        asked = tracker.get_slot("requested_slot")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        return (asked not in (None, "description") and intent != "file_dispute"
                and is_chatter(self._text(tracker)) and not told_amount(self._text(tracker)))

    async def extract_period(self, dispatcher, tracker, domain) -> dict:
        if self._asks_only(tracker):
            return {}
        found = period_found(self._text(tracker), self._told_periods(tracker))
        if found is None:
            return {}
        current = tracker.get_slot("period")
        if current is not None and period_clarity(found[0]) <= period_clarity(current):
            return {}  # "跑了两年了" is replaced by "从2022年3月开始", never the other way
        return {"period": found[0]}

    async def extract_amount(self, dispatcher, tracker, domain) -> dict:
        if self._asks_only(tracker):
            return {}
        entities = tracker.latest_message.get("entities") or []
        values = disputed_amounts(self._text(tracker), entities)
        value = values[0] if values else self._bare_amount(tracker)
        if not value or tracker.get_slot("amount") is not None:
            return {}
        return {"amount": value}

    def _bare_amount(self, tracker: Tracker) -> float | None:
        """"五六百" alone is an amount unless a count, a phone or a choice is asked."""
        if tracker.get_slot("requested_slot") in SPEC["bare_amount_skip_slots"]:
            return None
        told = without_numeric_period(self._text(tracker))  # "2023.5" is a month
        found = told_amount(told)
        if found is None and self._asked(tracker, "extras"):
            return extras_figure(told)
        return found[0] if found else None

    async def extract_id_number(self, dispatcher, tracker, domain) -> dict:
        value = self._entity(tracker, "id_number")
        return {"id_number": value} if value and tracker.get_slot("id_number") is None else {}

    async def extract_extras(self, dispatcher, tracker, domain) -> dict:
        """The answer to the optional question: period/amount entities, 跳过, or free text."""
        reply = self._text(tracker)
        if not (self._asked(tracker, "extras") and reply) or self._headcount_only(tracker):
            return {}
        dated = numeric_period(reply)
        said = period_found(reply, self._told_periods(tracker))
        if dated and (said is None or period_clarity(dated) > period_clarity(said[0])):
            return {"extras": reply, "period": dated}  # "2023.3-2024.5"
        has_value = (self._entity(tracker, "period") or self._entity(tracker, "money")
                     or spoken_amount(reply) or extras_figure(reply) or festival_period(reply))
        skipped = is_skip(reply)  # "没啥了" reads like a question (啥) and is none
        told = UNKNOWN_FACT.sub("，", reply)  # "具体多少钱不知道": not knowing asks nothing
        if not skipped and is_chatter(told) and not spoken_amount(reply) or not (
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
        asked = self._asked(tracker, "employer")
        coded = unit_code(self._text(tracker) if asked else str(value)) if asked or (
            UNIT_CODE_LABEL_ONLY.search(str(value))) else None
        if coded:
            return self._coded_employer(*coded, dispatcher, tracker, domain)
        value = without_emoji(str(value).strip())
        value = OWNER_ASIDE.sub(lambda m: f"，{m['inner']}", value).strip("， ")
        if MATERIAL.match(value):
            if asked:
                dispatcher.utter_message(text=text("employer_material"))
            return {"employer": None}  # "这是工资条": what a picture is, not the unit's name
        household = household_by_surname(value) if asked else None
        if household:
            return {"employer": household}
        if asked and self._story_goes_on(value, tracker) and not unit_name_end(value):
            return {"employer": None}  # "老板说试用期不交" joins the description
        if asked and STORY_CUE.search(value) and not unit_name_end(value):
            dispatcher.utter_message(text=text("employer_invalid"))
            return {"employer": None}  # "公司没给交": what the unit did, not its name
        if asked and address_place(value) is not None and not unit_name_end(value):
            dispatcher.utter_message(text=text("employer_is_address"))
            return {"employer": None}  # "地址是朝阳区建国路88号": where the unit is
        value = SPOKEN_LEAD.sub("", mended_kind(MANDARIN(value))) or value
        value = _without_place_after(value, frozenset(p for p, _ in self.places))
        apart = outside_place_apart(value) if asked else None
        value = apart[1] if apart else value  # "在深圳宝安的宏达电子厂": the place is taken apart
        value = UNIT_LEAD_WORD.sub("", value) or value
        signed = (SIGN_LEAD.sub("", value) if asked else value).strip("“”\"'「」‘’ ")
        value = signed or value  # "门口写着“好又多超市”": the sign is the name
        if asked and not employer_by_job(value):
            value = unit_at_work(value) or value  # "在海底捞上班": 海底捞
        bare_value = PUNCTUATION.sub("", value)
        if GENERIC_UNIT.match(bare_value) or INSURANCE_PART.match(bare_value):
            if asked:
                dispatcher.utter_message(text=text("employer_invalid"))
            return {"employer": None}  # "快递公司", "社保那块": which unit is still to be asked
        if is_announcement(value) or own_business(value) or overlaps(
                value, MANDARIN(self._text(tracker)), OUTCOME):
            return {"employer": None}  # "开小厂" is a trade; "希望公司把…补齐" a wish
        if office_of(value) and not unit_name_end(value):
            return {"employer": None}  # "还有公积金也没给交": another office's matter, said apart
        if value in SPEC["none_words"] or NO_EMPLOYER.search(value) and not ORG_SUFFIX.search(value):
            return {"employer": "无"}
        if plain_wish(value):
            return {"employer": None}  # "多退少补" is kept as the wish
        if ROLE_ONLY.match(PUNCTUATION.sub("", value)) or CHOICE_ONLY.fullmatch(
                PUNCTUATION.sub("", value)):
            if self._asked(tracker, "employer"):
                dispatcher.utter_message(text=text("employer_invalid"))
            return {"employer": None}  # "会计": the payer's job, "第一个": a choice, not the unit
        home = employer_by_job(value)
        if home:
            return {"employer": home}
        if defunct_only(value):
            if self._asked(tracker, "employer"):
                dispatcher.utter_message(text=SPEC["replies"]["employer_defunct"])
            return {"employer": None}
        if unknown_employer(value, MANDARIN(self._text(tracker))):
            if self._asked(tracker, "employer"):
                dispatcher.utter_message(text=SPEC["replies"]["employer_unsure"])
            return {"employer": None}
        if not asked and indefinite_unit(value, MANDARIN(self._text(tracker))):
            return {"employer": None}  # "在一个塑料厂干活": the employer question asks its name
        places = {p for p, _ in self.places}
        is_place = (value in places or any(value in p for p in places if len(value) >= 2)
                    or works_at_place(value, places) or bool(outside_place(value)))
        # A name either ends with its kind (…电子厂, …有限公司, … Co. Ltd) or is a short bare
        # name (宏达); a sentence that merely mentions 公司 is not one.
        clauses = [ORG_TAIL.sub("", c).strip() for c in UNIT_CLAUSE.split(value)]
        named = [c for c in clauses if unit_name_end(c) and 2 <= len(c) <= EMPLOYER_MAX]
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
        if not named and asked:
            value = with_story_kind(value, tracker.get_slot("description"))
        return {"employer": _without_town(value, places)[:200], **doubt}

    def _coded_employer(self, code: str, rest: str, dispatcher, tracker, domain) -> dict:
        """"信用代码91440101MA5C…" alone, or beside the unit's name; "名字记不清了 只有信用代码…"
        names none, so the code is the unit."""
        if not rest or UNSURE.search(rest):
            return {"employer": SPEC["unit_code_alone"].format(code=code)}
        named = self.validate_employer(rest, CollectingDispatcher(), tracker_for(
            tracker.sender_id, {}, {"text": rest}), domain).get("employer")
        if not named or named == "无":
            return {"employer": SPEC["unit_code_alone"].format(code=code)}
        return {"employer": SPEC["unit_code_beside"].format(name=named, code=code)}

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
        value = address_place(value) or value  # "朝阳区建国路88号": 朝阳区
        workplace = WORKPLACE.search(value)
        if workplace:
            value = workplace.group("place")  # "我住在石滩但是厂在新塘": 新塘
        if self._asked(tracker, "jurisdiction"):
            said = re.sub(r"\s", "", MANDARIN(self._text(tracker)))
            rest = PLACE_NEAR.sub("", said)
            if (rest != said or PLACE_VAGUE.search(said)) and not self._names_place(rest):
                return {"jurisdiction": None, "jurisdiction_choices": self.place_list()}
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
            matches = [m for m in difflib.get_close_matches(value, names, n=3, cutoff=0.6)
                       if not DISTRICT_SHAPE.match(value) or _one_typo(value, m)]
        towns = [m for m in matches if m not in {d for _, d in self.places if _ == d}]
        if len(matches) > 1 and len(towns) == 1 and towns[0] in value:
            matches = towns
        if len(matches) == 1:
            return {"jurisdiction": matches[0], "jurisdiction_choices": None}
        if len(matches) > 1:
            return {"jurisdiction": None, "jurisdiction_choices": matches}
        if outside_place(value):
            return {"jurisdiction": outside_place(value)[:64], "jurisdiction_choices": None}
        if self._asked(tracker, "jurisdiction") and PLACE_RELATIVE_ERRAND.search(value):
            dispatcher.utter_message(text=text("jurisdiction_for_relative"))
            return {"jurisdiction": None}  # "我是她儿子 帮她弄的": the place is asked again
        if self._asked(tracker, "jurisdiction") and (
                self._not_a_place(value, tracker)
                or PLACE_AGENCY.search(value) and not PLACE_SUFFIX.search(value)):
            return {"jurisdiction": None, "jurisdiction_choices": self.place_list()}
        if self._asked(tracker, "jurisdiction") and self._story_goes_on(value, tracker):
            return {"jurisdiction": None}  # "老板说试用期不交" joins the description
        if PLACE_SUFFIX.search(value) and len(value) >= 2:
            return {"jurisdiction": value[:64], "jurisdiction_choices": None}
        outside = PLACE_VAGUE_TAIL.sub("", value)
        province = PROVINCE.match(outside)
        if province and len(outside) > province.end() + 1 and not NOT_A_PLACE.search(outside):
            return {"jurisdiction": outside[:64], "jurisdiction_choices": None}  # 湖南长沙
        if self._asked(tracker, "jurisdiction"):
            dispatcher.utter_message(text=text("jurisdiction_unknown", value=value[:20],
                                               area=self.area(), example=self._example()))
        return {"jurisdiction": None}

    @staticmethod
    def _story_goes_on(value: str, tracker: Tracker) -> bool:
        """"老板说试用期不交" where a unit or a place is asked: more of the story, not yet in the
        description, for the form to add to it."""
        return tells_story(value) and value not in str(tracker.get_slot("description") or "")

    def _names_place(self, said: str) -> bool:
        """"离新塘很近 在石滩" still names 石滩: a place's first two characters, homophones folded."""
        folded = said.translate(PLACE_FOLD)
        return any(p.translate(PLACE_FOLD)[:2] in folded for p, _ in self.places)

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
        said = without_emoji(str(value))
        value = unvoiced(bare_name(unvoiced(said)))  # "嗯我叫那个李四": 李四
        value = run_on_cut(value, self._text(tracker))
        if ETHNIC_NAME_DOTS.fullmatch(value):
            value = re.sub(r"\s*[.．・•]\s*", "·", value)  # 买买提江.吐尔逊 typed on a phone
        if unsure_only(self._text(tracker)):
            if self._asked(tracker, "name"):
                dispatcher.utter_message(text=SPEC["replies"]["name_unsure"])
            return {"name": None}  # "不知道" is not the surname 不
        if value in SURNAMES and tracker.get_slot("name_surname") != value:
            return self._surname_only(value, f"{said} {self._text(tracker)}")
        company = organisation(value)
        place = (bool(PLACE_NAME.search(value)) and not ADDRESS.match(value)
                 or bool(outside_place(value)))
        unusual = unusual_name(value) or place
        mash = keyboard_mash(value)
        if (1 <= len(value) <= 20 and not mash and not re.search(r"\d", value) and not is_filler(value)
                and not NOT_A_NAME.search(value) and not CLAUSE.search(value)
                and not PRONOUN.search(value) and not is_acknowledgement(value)
                and not NOT_NAME_WORDS.search(value) and not NAME_REFUSAL.search(value)
                and not ROLE_ONLY.match(value) and not company and not unusual
                and not spoken_amount(self._text(tracker))):
            kept = {"name_surname": None} if tracker.get_slot("name_surname") else {}
            return {"name": value, **kept}
        replies = SPEC["replies"]
        refused = NAME_REFUSAL.search(value)
        said = self._text(tracker)
        surname = tracker.get_slot("name_surname")
        if surname and self._asked(tracker, "name") and (
                refused or PUNCTUATION.sub("", said) in SPEC["confirm_words"]):
            dispatcher.utter_message(text=replies["name_surname_taken"].format(surname=surname))
            return {"name": SPEC["surname_only_name"].format(surname=surname),
                    "name_surname": None}  # "确认" where the full name is asked: the surname will do
        if (refused and self._asked(tracker, "name") and PHONE_WORDS.search(said)
                and not NAME_OWN_WORDS.search(said)):
            dispatcher.utter_message(text=replies["phone_refused_at_name"])  # "不想留电话"
            return {"name": None}
        refusals = int(tracker.get_slot("name_refusals") or 0)
        if refused and self._asked(tracker, "name"):
            dispatcher.utter_message(text=replies["name_refused_again"] if refusals
                                     else text("why_name") + replies["name_refused"])
            return {"name": None, "name_refusals": refusals + 1}
        if self._asked(tracker, "name"):
            dispatcher.utter_message(
                text=replies["name_mash"] if mash
                else replies["name_is_org"].format(value=value) if company
                else replies["name_is_place"].format(value=value[:20]) if place
                else replies["name_unusual"].format(value=value[:20])
                if unusual and not CLAUSE.search(value) else text("name_invalid"))
        return {"name": None}

    @staticmethod
    def _surname_only(surname: str, said: str) -> dict:
        """"我是公司的会计，姓刘": a surname is kept, and the name question asks for the full
        name with the way to be called without it (刘会计); the same surname again is taken."""
        return {"name": None, "name_surname": surname, "name_call": surname_call(said, surname)}

    def validate_phone(self, value, dispatcher, tracker, domain) -> dict:
        """A reply without digits ("我没有电话", "号码就是这个微信号") gets why a number is
        needed, not "里面有不是数字的字符"; each one after that the ways on (another's number,
        the desk in person, 取消), so a payer who will not give one is never asked in a loop."""
        phone, why = phone_problem(str(value))
        if phone:
            return {"phone": phone}
        for start, end in contact_numbers(str(value)):  # "138一二345678 李四"
            phone = phone_problem(str(value)[start:end])[0]
            if phone:
                return {"phone": phone}
        if not self._asked(tracker, "phone") or PUNCTUATION.sub("", str(value)).strip() == (
                tracker.get_slot("name")):
            return {"phone": None}  # the name ("黄志强" after "黄师傅") is no refused phone
        reply = PUNCTUATION.sub("", str(value))
        if re.search(r"\d|[零〇一幺二两三四五六七八九]{3}", reply):
            dispatcher.utter_message(text=text("phone_invalid", why=why))
            return {"phone": None}
        refusals = int(tracker.get_slot("phone_refusals") or 0)
        dispatcher.utter_message(text=text("phone_refused_again") if refusals else text(
            "phone_needed"))
        return {"phone": None, "phone_refusals": refusals + 1}

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
        entities = (tracker.latest_message.get("entities") or []
                    if str(value) == self._text(tracker) else [])
        value = str(value) if entities else unvoiced(str(value))
        count = people_count(value, entities)
        if count is not None:
            return count
        if SELF_ONLY.search(MANDARIN(unnegated(value))) and not is_chatter(value):
            return 1
        if self._asked(tracker, "headcount") and UNIT_ONLY.search(MANDARIN(value)):
            return 1  # "单位缴费，不涉及员工": the unit is the one payer
        return None

    def validate_desired_outcome(self, value, dispatcher, tracker, domain) -> dict:
        """The wish without the thanks around it ("好的，补缴就行，谢谢" → "补缴就行")."""
        value = without_emoji(str(value).strip())
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
        """The period, and the words a duration of this message was said with ("3年")."""
        if not value:
            return {"period": None}
        found = period_found(self._text(tracker), self._told_periods(tracker))
        said = found[1] if found and found[0] == value else None
        return {"period": str(value)[:100], "period_said": [value, said] if said else None}

    def validate_amount(self, value, dispatcher, tracker, domain) -> dict:
        """The amount, and the words it was said with when per month, a range or rough."""
        try:
            amount = float(value)
        except (TypeError, ValueError):
            return {"amount": None}
        said = amount_said(self._text(tracker), tracker.latest_message.get("entities") or [],
                           value)
        bare = told_amount(self._text(tracker))
        if said is None and bare and bare[0] == amount:
            said = bare[1]
        return {"amount": amount, "amount_said": [amount, said] if said else None}

    def validate_id_number(self, value, dispatcher, tracker, domain) -> dict:
        return {"id_number": str(value).upper() if value else None}


def tracker_for(openid: str, slots: dict[str, Any], message: dict) -> Tracker:
    """A rasa-sdk tracker holding our stored slots and the latest message's NLU result."""
    return Tracker(openid, dict(slots), message, [], False, None,
                   {"name": FORM}, "action_listen")


def domain() -> dict:
    slot_names = SPEC["slots"] + SPEC["optional_slots"] + [
        "extras", "needs_callback", "jurisdiction_choices", "employer_doubt", "headcount_said",
        "alternate_phone", "period_said", "amount_said", "phone_refusals", "name_refusals",
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

"""How a payer's answer to an intake question is read: names and forms of address, employer
names, places, headcounts, wishes, corrections, and whether a reply is only courtesy, thanks,
junk or a question; the word lists of intake.yaml built into regexes."""
from __future__ import annotations

import datetime
import functools
import re
import unicodedata

from bot.handlers.contacts import contact_numbers
from bot.handlers.intake_spec import SPEC
from bot.nlu.cnnum import CN_NUM_CHARS, as_int_if_whole, to_number
from bot.nlu.dataset import load_rules
from bot.nlu.entities import homophone_table
from bot.nlu.normalize import word_map
from bot.word_patterns import one_of, words_regex

RULES = load_rules()
PLACE_FOLD = homophone_table((RULES.get("entities") or {}).get("place_homophones") or [])
NEAR_FOLD = {ord(ch): group[0] for group in SPEC["place_near_sounds"] for ch in group[1:]}
PLACE_FOLD = {c: PLACE_FOLD.get(c, chr(c)).translate(NEAR_FOLD)
              for c in {*PLACE_FOLD, *NEAR_FOLD}}
MANDARIN = word_map(RULES.get("dialect"))
# The steps of one message read its text again and again (is_question up to 4 times,
# is_acknowledgement 5, at 3-70 µs each): the readings below depend on the text alone.
_memo = functools.lru_cache(maxsize=64)
PLACE_SUFFIX = re.compile(r"(省|市|区|县|镇|乡|街道|街|村|开发区|园区)$")
NOT_A_NAME = re.compile(r"(社保|医保|缴|费|公司|单位|厂|补|退|投诉|反映|确认|跳过|没有|不知道|"
                        r"处理|要求|希望|问题|工资|保险|进度|查询|取消|咨询|人工|基数|金额|电话|手机|"
                        r"号码|地址|不对|不是|错了|写错|填错|^[零〇一幺二两三四五六七八九十]+$)")
PRONOUN = re.compile(r"[我你他她俺咱]|\b(?:i|me|my|we|our|you|your|he|she|they|their)\b", re.IGNORECASE)
ORG_SUFFIX = re.compile(r"(\b(?:ltd|co|inc|corp|llc|limited)\b\.?|公司|厂|店|中心|医院|学校|集团|银行|酒店|超市|餐厅|工作室|合作社|事务所|"
                        r"商行|门市|研究院|幼儿园|物业|车队|工地|项目部|"
                        + one_of(SPEC["org_kinds"]) + ")", re.IGNORECASE)
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
MAX_HEADCOUNT = 100_000  # cases.headcount is INTEGER (int4 on PostgreSQL); a phone is no count


def alternatives(*keys: str) -> str:
    """The word lists ``keys`` of intake.yaml as one regex alternation, longest words first."""
    return one_of(*(SPEC[key] for key in keys))


OUTCOME = re.compile(rf"(?:{alternatives('wish_words')})[^，。！？,.!?]{{2,40}}")
SURNAME = rf"(?:{alternatives('compound_surnames')}|[{SPEC['surnames']}])"
BARE_PERSON = re.compile(
    rf"^{SURNAME}(?:(?![{''.join(SPEC['trade_marks'])}])[\u4e00-\u9fff]){{1,2}}$")
TITLED_PERSON = re.compile(
    rf"^(?:(?:{alternatives('person_prefixes')})?{SURNAME}[\u4e00-\u9fff]{{0,2}}?"
    rf"(?:{alternatives('person_titles')})|(?:{alternatives('person_prefixes')}){SURNAME}|"
    rf"(?:{alternatives('person_leads')})[\u4e00-\u9fff]{{1,4}}|"
    rf"[\u4e00-\u9fff]{{1,4}}(?:{alternatives('person_tails')}))$")
SOLO = re.compile(
    rf"^(?:(?:{alternatives('headcount_only')})(?:{alternatives('headcount_self')})"
    rf"(?:{alternatives('headcount_one')})?|(?:{alternatives('headcount_only')})?"
    rf"(?:{alternatives('headcount_self')})(?:{alternatives('headcount_one')}))"
    rf"(?:{alternatives('headcount_tails')})*$")
COUNT = re.compile(
    rf"^(?:{alternatives('headcount_leads')})*(?P<count>[0-9{CN_NUM_CHARS}]+)(?:多|来|几)?"
    rf"(?:{alternatives('headcount_units')})(?:{alternatives('headcount_tails')})*$")
DETAILS_CUE = re.compile(alternatives("details_cues"))
NOT_A_PLACE = re.compile(alternatives("not_place_words"))
UNSURE = re.compile(alternatives("unsure_words"))
META = re.compile(alternatives("meta_words"))
FACT_LINKS = re.compile(alternatives("fact_links"))
POINTER = re.compile(rf"(?:{alternatives('employer_pointers')})$")
ANNOUNCE_CUE = re.compile(alternatives("announce_cues"))
ANNOUNCE_WORDS = re.compile(alternatives("announce_words"))
WHY_ASK = re.compile(
    rf"(?:{alternatives('why_words')})[^，,。！!？?]{{0,4}}(?:{alternatives('ask_words')})|"
    rf"(?:{alternatives('ask_words')})[^，,。！!？?]{{0,6}}(?:{alternatives('why_words')})|"
    rf"{alternatives('why_phrases')}")
FACT_ENTITIES = {"phone", "name", "district", "employer", "id_number", "headcount"}
PUNCTUATION = re.compile(r"[\s，。！？,.!?~～…、:：;；\"'“”]")
CONTACT_ENTITIES = {"phone", "id_number", "name", "case_no"}
COURTESY = re.compile(alternatives("courtesy_words"), re.IGNORECASE)
ACKNOWLEDGEMENT = re.compile(alternatives("courtesy_words", "ack_words"), re.IGNORECASE)
ACK_THANKS = re.compile(alternatives("ack_thanks"))
ACK_TAIL = re.compile(
    "(?:" + one_of(w for w in SPEC["courtesy_words"] + SPEC["ack_words"] if len(w) >= 2)
    + ")+$", re.IGNORECASE)
CALLED = re.compile(
    rf"(?:{SPEC['called_doubt_lead']}|{alternatives('called_leads')})[:：\s]*(?P<value>.+)$")
OWN_NAME = re.compile(alternatives("own_name_leads"))
CALLED_OWNER = re.compile(rf"(?:{alternatives('called_owners')})的?(?:名字|姓名)?$")
CALLED_TAIL = re.compile(rf"(?:{alternatives('called_tails')}|[。！!~～\s])+$")
CALLED_DEAL = re.compile(rf"(?P<kind>公司|厂|单位)(?:{alternatives('called_deal_tails')})$")
CALLED_KIND_OF = re.compile(r"(?P<name>[\u4e00-\u9fff]{2,})的(?P<kind>公司|厂)$")
PLACE_AFTER_ORG = re.compile(
    rf"^(?P<name>.*?{ORG_SUFFIX.pattern})[，,\s]*(?:{alternatives('place_after_leads')}).+$",
    re.IGNORECASE)
INDEFINITE = re.compile(rf"{alternatives('indefinite_words')}|{alternatives('unsure_words')}")
OWN_BUSINESS = re.compile(rf"^(?:{alternatives('own_business_leads')})"
                          rf"(?:{alternatives('own_business_kinds')})的?$")
PERIOD_NUMERIC = re.compile(SPEC["period_numeric"])
PERIOD_NUMERIC_DAY = re.compile(SPEC["period_numeric_day"])
PERIOD_NUMERIC_OPEN = re.compile(SPEC["period_numeric_open"])
PERIOD_NUMERIC_MONEY = re.compile(SPEC["period_numeric_money"])
PERIOD_YEARS = re.compile(SPEC["period_years"])
FILING_COST = re.compile(alternatives("filing_cost_words"))
FILING_PROCESS_FILLER = re.compile(alternatives("filing_process_filler"))
HURRY = re.compile(alternatives("hurry_words"))
HOW_LONG = re.compile(alternatives("how_long_words"))
WHO_HANDLES = re.compile(alternatives("who_handles_words"))
PUZZLED = re.compile(rf"[{SPEC['puzzled_marks']}]")
AGE_AFTER = re.compile(
    rf"^\s*(?:{alternatives('age_leads')})?(?:(?:\d+|[{CN_NUM_CHARS}]+)多?(?:{alternatives('age_marks')})"
    rf"|(?:[1-9]\d|[二三四五六七八九]十[一二三四五六七八九]?|十[一二三四五六七八九])多?"
    rf"(?:{alternatives('age_end_words')}))")
EMOJI = re.compile(SPEC["emoji"])
SURNAME_SPELLING = re.compile(alternatives("surname_spellings"))
WAIT = re.compile(alternatives("wait_words"))
WAIT_CHAIN = re.compile(alternatives("courtesy_words", "ack_words", "wait_words"), re.IGNORECASE)
NAME_REFUSAL = re.compile(alternatives("name_refusal_words"))
NOT_NAME_WORDS = re.compile(alternatives("not_name_words"))
WORKPLACE = re.compile(
    rf"(?:{alternatives('workplace_leads')})(?P<place>[^，,。；;]+?)(?:但|而|[，,。；;]|$)")
PHONE_WORDS = re.compile(alternatives("phone_words"))
TYPED_TWICE = re.compile(r"^([\u4e00-\u9fff]{2,4})\1$")
QUESTION = re.compile((RULES.get("statement_grievance") or {}).get("question") or "$^")
WISH_VERB = re.compile(rf"{alternatives('wish_verbs')}|{alternatives('wish_words')}")
WISH_TOPIC = re.compile(alternatives("wish_topics"))
WISH_AS_FAR_AS = re.compile(SPEC["wish_as_far_as"])
EXTRAS_TOPIC = re.compile(rf"{alternatives('extras_topics')}|{alternatives('story_words')}")
NUMBER = rf"(?:\d+|[{CN_NUM_CHARS}]+)"
# A number is a people count only with a people unit after it ("7个人", "30多个", "七名"), and
# never when a duration, a date, an age or an amount follows it ("7年", "3个月", "45岁").
PEOPLE = re.compile(
    rf"(?P<count>{NUMBER})(?:多|来|余)?(?!{alternatives('not_headcount_units')})"
    rf"(?:{alternatives('headcount_units')})(?!{alternatives('not_headcount_units')})")
TOTAL_LEAD = re.compile(rf"(?:{alternatives('headcount_total_leads')})(?:是|有)?$")
BARE_COUNT = re.compile(
    rf"^(?:{alternatives('headcount_leads')})*(?P<count>{NUMBER})(?:多|来|余)?"
    rf"(?:{alternatives('headcount_tails')})*$")
SELF_ONLY = re.compile(rf"(?:{alternatives('headcount_self_words')})(?!们)")
COUNT_NEGATION = re.compile(rf"^\s*(?:{alternatives('count_negations')})")
STORY_WORDS = re.compile(alternatives("story_words"))
ANGER_WORDS = re.compile(alternatives("anger_words"), re.IGNORECASE)
ORG_WORDS = re.compile(alternatives("org_name_words"))
TRADE_TYPO = re.compile(rf"(?<=[\u4e00-\u9fff])(?P<trade>{alternatives('org_trades')})"
                        rf"(?P<typo>{alternatives('org_trade_typos')})$")
WORD_TYPO = re.compile(rf"(?:{alternatives('org_word_typos')})$")
FILING_ONLY = re.compile(
    rf"^(?:{alternatives('filing_verb_leads')})*(?:(?:{alternatives('filing_verbs')})"
    rf"(?:{alternatives('filing_verb_tails')})*)+(?:{alternatives('generic_employer_words')})$")
FIX_LEAD = re.compile(alternatives("previous_fix_leads"))
PREVIOUS_FIX = re.compile(
    rf"^(?P<leads>(?:(?:{alternatives('previous_fix_leads', 'previous_fix_pauses')})"
    rf"[\s，,。.!！~～、]*)+)(?P<lead>(?:{alternatives('previous_fix_value_leads')})[:：\s]*)?"
    rf"(?P<value>[^\s，,。.!！~～、:：].*?)[\s。.!！~～]*$")
VALUE_LEAD_END = re.compile(
    rf"(?<!不)(?:{alternatives('previous_fix_value_leads')})[\s，,:：]*$")  # 应该是, not 不是
FIX_TURN = re.compile(rf"(?:不是|不叫)(?P<old>.+?)[，,\s]*(?:{alternatives('previous_fix_turns')})"
                      rf"[:：\s]*(?P<value>[^，,\s].*)$")
VAGUE_COUNT = re.compile(alternatives("vague_counts"))
BARE_FIX = re.compile(
    rf"(?:{alternatives('previous_fix_leads', 'previous_fix_pauses', 'previous_fix_bare')})+")
PLACE_NAME = re.compile(rf"(?:{alternatives('name_place_tails')})$")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _only(*keys: str) -> re.Pattern:
    """The words of ``keys`` one after another, cancel_neutral words in front of each
    ("等等 还是办吧") and cancel_tails after each word."""
    neutral, tails = alternatives("cancel_neutral"), alternatives("cancel_tails")
    word = rf"(?:{alternatives(*keys)})(?:{tails})*"
    return re.compile(rf"(?:{neutral})*{word}(?:(?:{neutral})*{word})*")


CANCEL_YES = _only("cancel_yes")
MEANING = re.compile(rf"(?:(?:{alternatives('meaning_tails')})*(?:{alternatives('meaning_words')}))+"
                     rf"(?:{alternatives('meaning_tails')})*")
SALARY_BEFORE = re.compile(rf"(?:{alternatives('salary_words')})|(?:{alternatives('base_marks')})$")
GLUED_LINK = re.compile(rf"^(?:{alternatives('glued_place_links')})")
CANCEL_NO = _only("cancel_no", "go_on_words")
GO_ON = _only("go_on_words")
SIGH = re.compile(alternatives("cancel_sighs"))
ASK_ONLY = re.compile(alternatives("ask_only_words"))
OPTIONAL_SKIP = re.compile(
    rf"(?:{alternatives('courtesy_words', 'ack_words')})*(?:(?:{alternatives('skip_leads')})*"
    rf"(?:{alternatives('skip_words', 'optional_skip_words')})"
    rf"(?:{alternatives('skip_tails', 'courtesy_words', 'ack_words')})*)+$", re.IGNORECASE)
# "十几", "二十多", "几十", "30来", "二三十", "上百" before a people unit.
APPROX_COUNT = re.compile(
    rf"(?P<said>(?:\d+|[{CN_NUM_CHARS}]*[十百千万])[{''.join(SPEC['approx_marks'])}]|"
    rf"几[十百千]|[一二两三四五六七八九][二两三四五六七八九][十百千]?|上[百千])"
    rf"(?:号人|(?!{alternatives('not_headcount_units')})(?:{alternatives('headcount_units')})"
    rf"(?!{alternatives('not_headcount_units')}))")
NUMBER_ENTITIES = {"phone", "id_number", "case_no"}  # contact numbers never join the story
VALUE_ENTITIES = {"district", "employer", "name", "headcount"}


def without_spans(text: str, entities: list[dict]) -> str:
    """The reply minus its recognised values: "李雷 020-87654321" → "李雷"."""
    kept = list(text)
    spans = [(e.get("start"), e.get("end")) for e in entities] + contact_numbers(text)
    for start, end in spans:
        if isinstance(start, int) and isinstance(end, int):
            kept[start:end] = [" "] * (end - start)
    return re.sub(r"[\s，。,.!！?？:：;；、]|电话|手机|号码|是", "", "".join(kept))


def words_beside(reply: str, entities: list[dict]) -> str:
    """What a reply says beside its values and the words that only link them
    ("我的电话是13700001111" → "")."""
    return FACT_LINKS.sub("", without_spans(reply, entities))


def facts_only(reply: str, entities: list[dict]) -> bool:
    """Who, where and which employer, but not what happened ("我叫李四，电话138…，在新塘镇",
    "新塘镇宏达电子厂"): the facts fill their slots, and the description is still to ask."""
    if not any(e.get("entity") in FACT_ENTITIES for e in entities):
        return False
    rest = FACT_LINKS.sub("", without_spans(reply, entities))
    return len(LETTERS.findall(rest)) <= 1


FACES = re.compile(r"\[[^\[\]]{1,6}\]")  # WeChat faces: [捂脸], [OK]
LETTERS = re.compile(r"[0-9A-Za-z\u4e00-\u9fff０-９Ａ-Ｚａ-ｚ]")  # "２" typed full-width is a letter too
NAME_PREFIX = re.compile(
    rf"^(?:(?:{alternatives('relative_words')})(?:{alternatives('relative_name_leads')})|"
    rf"{alternatives('name_leads')})?(?:(?:{alternatives('name_roles')})"
    rf"(?:{alternatives('name_role_marks')})?)?[:：\s]*")
NAME_SUFFIX = re.compile(rf"(?:{alternatives('name_tails')})$")
CLAUSE = re.compile(r"[，,。！!？?；;\n]")
AMOUNT_GROUPED = re.compile(SPEC["amount_grouped"])


RESTART = re.compile(rf"^(?:{alternatives('restart_leads')})*(?:{alternatives('restart_words')})"
                     rf"(?:{alternatives('restart_tails')})*(?:{SPEC['restart_reason']})?[!！。.~～]*$")


ROLE_ONLY = re.compile(rf"^(?:{alternatives('name_roles')})(?:{alternatives('name_role_marks')})?$")


SPACES = re.compile(r"\s")


def asks_restart(reply: str) -> bool:
    """"从头再来吧", "推倒重来", "全部重新填": the payer wants the form started over."""
    return bool(RESTART.match(MANDARIN(SPACES.sub("", reply or ""))))


PLACE_ONLY_REST = re.compile(alternatives("place_only_words"))
PLACE_KIND = re.compile(r"(?:镇|街道|街|区)$")


def works_at_place(value: str, places) -> bool:
    """"我在新塘镇上班", "新塘镇那边工作的": a configured place and only words of working
    there; where the payer works, not the employer's name."""
    rest, found = value or "", False
    names = {n for p in places for n in (p, PLACE_KIND.sub("", p)) if len(n) >= 2}
    for name in sorted(names, key=len, reverse=True):
        if name in rest:
            rest, found = rest.replace(name, ""), True
    return found and not PLACE_ONLY_REST.sub("", PUNCTUATION.sub("", rest))


@_memo
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
    """The money entities that may be the amount in dispute: not a salary, a pension or a base
    ("我工资八千，基数才三千多", "工资5000但是按2000交的"), nor what one should be ("养老金才两千
    …应该有三千多"), which only describe the matter."""
    found, salary = [], False
    for entity in entities:
        if entity.get("entity") != "money":
            continue
        start = entity.get("start")
        if isinstance(start, int):
            lead = CLAUSE.split((text_ or "")[max(0, start - SPEC["salary_window"]):start])[-1]
            if SALARY_BEFORE.search(lead) or salary and EXPECTED_VALUE.search(lead):
                salary = True
                continue
        total = isinstance(start, int) and AMOUNT_TOTAL.search(
            (text_ or "")[max(0, start - SPEC["amount_total_window"]):start])
        found.append((not total, len(found), _ungrouped(text_ or "", entity)))
    return [value for *_, value in sorted(found)]  # "每月扣四百二 一共少缴两千五百二": the total


AMOUNT_TOTAL = re.compile(alternatives("amount_total_leads"))
EXPECTED_VALUE = re.compile(f"(?:{alternatives('expected_value_leads')})$")


def _ungrouped(text_: str, entity: dict):
    """The whole of "¥3,500" or "1,200.50元" where the money entity read only the part before
    or after a comma (3, 200.5)."""
    start, end = entity.get("start"), entity.get("end")
    if not (isinstance(start, int) and isinstance(end, int)):
        return entity.get("value")
    for grouped in AMOUNT_GROUPED.finditer(text_):
        if grouped.end() <= start or grouped.start() >= end:
            continue
        parts = re.split("[,，]", grouped.group("figure"))
        pieces = {parts[0]} | {"".join(parts[i:]) for i in range(1, len(parts))}
        if any(_same(entity.get("value"), piece) for piece in pieces):
            return as_int_if_whole(float("".join(parts)))
    return entity.get("value")


def _same(value, piece: str) -> bool:
    try:
        return float(value) == float(piece)
    except (TypeError, ValueError):
        return False


def cancel_answer(value: str) -> str | None:
    """The answer to "确定要取消这次登记吗？": "yes" (确定取消, 对 取消吧, 不办了, 嗯), "no"
    (否, 不取消, 继续, 还是投诉吧) or None when it is neither."""
    if _reply_of(CANCEL_YES, value):
        return "yes"  # "不登记" reads as 不 + 登记 too: the negated filing word wins
    if _reply_of(CANCEL_NO, value):
        return "no"
    return None


def no_then_rest(value: str) -> str | None:
    """"不对 还是要弄 单位叫丰华物流" at the cancel question: a "no" in its first clauses, and
    what the payer went on to say; None when the reply is a plain yes or no, or not a "no"
    followed by more. The caller decides whether the rest answers the form's question."""
    if cancel_answer(value) is not None:
        return None
    clauses = [c for c in SPOKEN_CLAUSE.split(value or "") if c.strip()]
    for cut in range(len(clauses) - 1, 0, -1):
        if cancel_answer(" ".join(clauses[:cut])) == "no":
            rest = " ".join(clauses[cut:])
            return None if cancel_answer(rest) is not None or is_filler(rest) else rest
    return None


def is_sigh(value: str) -> bool:
    """"算了", "唉": a sigh, beside an answer no part of it ("算了，补缴就行")."""
    plain = PUNCTUATION.sub("", MANDARIN(value or ""))
    return bool(plain) and not SIGH.sub("", plain)


CANCEL_CUE = re.compile(
    f"(?<![{''.join(SPEC['cancel_cue_not_after'])}])"
    f"(?:(?:{one_of(c for c in SPEC['cancel_cues'] if c.endswith('了'))})"
    f"(?!{one_of(SPEC['cancel_cue_not_before'])})"
    f"|{one_of(c for c in SPEC['cancel_cues'] if not c.endswith('了'))})")
GIVE_UP_LEAD = re.compile(rf"^(?:{alternatives('cancel_sighs', 'cancel_lead_fillers')})*$")
GIVE_UP_REASON = re.compile(rf"^[了吧啊呀哈]*(?:{alternatives('cancel_reasons')})")


def gives_up_for_a_reason(value: str) -> bool:
    """"算了 还是不投诉了 怕影响我拿离职证明", "不想弄了，太麻烦": a cancel cue leading the message
    and a reason for it after, however long the reason; a story that only mentions not wanting
    to complain ("本来不想投诉的 但是公司太过分了") goes on with no reason word after the cue."""
    plain = PUNCTUATION.sub("", MANDARIN(value or ""))
    cue = next((m for m in CANCEL_CUE.finditer(plain) if not is_sigh(m.group())), None)
    return (cue is not None and bool(GIVE_UP_LEAD.match(plain[:cue.start()]))
            and bool(GIVE_UP_REASON.match(plain[cue.end():])))


CONFIRM = _only("confirm_words")
SKIN_TONES = re.compile("[\U0001F3FB-\U0001F3FF\uFE0F]")


def confirms(value: str) -> bool:
    """"👌", "嗯嗯 没问题", "[强]": the payer submits the summary; WeChat faces count here."""
    plain = PUNCTUATION.sub("", MANDARIN(SKIN_TONES.sub("", value or ""))).lower()
    return bool(plain) and bool(CONFIRM.fullmatch(plain))


BACK = _only("back_words")
BACK_KEEP = _only("back_keep_words")


def goes_back(value: str) -> bool:
    """"上一步", "返回", "回到上一个问题": the payer wants the question before this one."""
    return _reply_of(BACK, value)


def keeps_answer(value: str) -> bool:
    """"继续", "不用改", "对的" after "上一步": the answer shown stays as it was."""
    return goes_on(value) or confirms(value) or is_acknowledgement(value) or _reply_of(
        BACK_KEEP, value)


def goes_on(value: str) -> bool:
    """"还是投诉吧", "接着来", "那就登记吧": the payer goes on with the filing, nothing else."""
    return _reply_of(GO_ON, value)


def only_asks(value: str) -> bool:
    """"我就问问…", "先不投诉了，我就咨询一下": the payer wants an answer, not a case."""
    return bool(ASK_ONLY.search(PUNCTUATION.sub("", MANDARIN(value or ""))))


IN_PERSON = re.compile(
    rf"(?:{alternatives('cancel_sighs', 'in_person_leads')})*(?:{alternatives('in_person_goes')})"
    rf"(?:一趟)?(?:{alternatives('in_person_places')})?(?:现场)?(?:{alternatives('in_person_acts')})?"
    rf"(?:{alternatives('in_person_tails')})*")
IN_PERSON_WHERE = re.compile(rf"{alternatives('in_person_places')}|一趟")
IN_PERSON_GO = re.compile(alternatives("in_person_goes"))


def goes_in_person(value: str) -> bool:
    """"算了 我自己去窗口问吧", "还是我自己跑一趟吧": the payer will see a service window instead of
    filing here; every clause but sighs says so, and names a place or a trip."""
    if not IN_PERSON_GO.search(value or ""):
        return False  # most form answers: no clause to read
    clauses = [c for c in CLAUSE.split(re.sub(r"\s+", "，", MANDARIN(value))) if c]
    trips = [c for c in clauses if not is_sigh(c)]
    return bool(trips) and all(IN_PERSON.fullmatch(c) and IN_PERSON_WHERE.search(c)
                               for c in trips)


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
    """A long run of a few characters over and over ("aaaa…", "哈哈哈…"): no message at all.
    A long message of few distinct characters that still uses enough different Chinese
    characters to say something (a payslip listed month by month) is no junk."""
    letters = LETTERS.findall(FACES.sub("", value or "").lower())
    return (len(letters) >= SPEC["junk_min_chars"]
            and len(set(letters)) <= len(letters) * SPEC["junk_max_distinct_share"]
            and len(set(CJK.findall(value or ""))) < SPEC["junk_min_distinct_hanzi"])


@_memo
def is_courtesy(value: str) -> bool:
    """Only a greeting, thanks or a polite tail ("早上好，麻烦了", "你好，谢谢", "hello啊"):
    it answers no question, so it must never fill a slot; the question is asked again."""
    plain = PUNCTUATION.sub("", MANDARIN(FACES.sub("", value or ""))).lower()
    return bool(plain) and not COURTESY.sub("", plain)


@_memo
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


EMPLOYER_MAX = SPEC["employer_max_chars"]
UNIT_LINK = re.compile(SPEC["unit_name_link"])
UNITS_JOINED = re.compile(rf"(?:{ORG_SUFFIX.pattern[1:-1]})(?:{SPEC['unit_name_joiners']})")
EMPLOYER_BRANCH_TAIL = re.compile(SPEC["employer_branch_tail"])
NAME_STORY = re.compile("|".join(
    re.escape(w) for w in SPEC["story_words"] if w not in SPEC["generic_employer_words"]))


def unit_name_end(name: str) -> bool:
    """A unit's name ends with its kind (…加工厂), a branch (…增城分公司) or a part in
    brackets (…有限公司（第三项目部）)."""
    return bool(ORG_END.search(name) or EMPLOYER_BRANCH_TAIL.search(name))


def whole_unit_name(reply: str, piece: str | None) -> str | None:
    """The whole name answered where the unit was asked, when the parser kept only ``piece``
    of it ("广州市增城区新塘镇某某村股份经济联合社下属某某服装加工厂"): one clause, no more of the
    story around the piece, at most EMPLOYER_MAX characters."""
    if not piece:
        return None
    name = EMPLOYER_LEAD.sub("", ORG_TAIL.sub("", (reply or "").strip())).strip()
    if (name == piece or piece not in name or len(name) > EMPLOYER_MAX or CLAUSE.search(name)
            or re.search(r"\s", name) or NAME_STORY.search(name.replace(piece, ""))
            or UNIT_LINK.search(name[:name.index(piece)]) or UNITS_JOINED.search(name)):
        return None  # "我们单位就是广州顺发…", "宏达电子厂和永发制衣厂": not one longer name
    return name if unit_name_end(name) else None


def called(reply: str) -> str | None:
    """What the thing asked about is called: "就是那个做衣服的厂，名字叫永发制衣" → 永发制衣,
    "大家都叫它宏达" → 宏达; None when a person owns the name ("我叫李四", "老板叫张伟")."""
    clauses = [c.strip() for c in CLAUSE.split(reply or "") if c.strip()]
    for clause in reversed([piece for c in clauses for piece in _spoken_tails(c)]):
        found = CALLED.search(clause)
        if found is None or CALLED_OWNER.search(clause[:found.start()]):
            continue
        value = CALLED_TAIL.sub("", found.group("value")).strip()
        value = CALLED_KIND_OF.sub(r"\g<name>\g<kind>", CALLED_DEAL.sub(r"\g<kind>", value))
        head, _, rest = value.partition(" ")
        if rest and UNSURE.search(rest) and not UNSURE.search(head):
            value = CALLED_TAIL.sub("", head)  # "叫什么速达配送 我也不知道全称": 速达配送
        elif rest and ORG_END.search(head) and STORY_WORDS.search(rest):
            value = head  # "厂的名字叫宏达电子厂 现在我要走了才发现…": the story goes on apart
        at_place = PLACE_AFTER_ORG.match(value)  # "红星机械厂在石滩镇": the place is asked apart
        value = at_place["name"] if at_place else value
        if (LETTERS.search(value) and not is_filler(value) and len(value) <= 40
                and not is_question(value) and not UNSURE.search(value)):
            return value  # "忘了叫什么了" calls it nothing
    return None


def _spoken_tails(clause: str) -> list[str]:
    """A clause, then what follows each space in it, the last first tried by the caller
    reversed: "叫什么名字我不太记得了 好像是叫永利制衣" names it in its tail."""
    return [clause[m.end():] for m in reversed(list(re.finditer(r"\s+", clause)))] + [clause]


@_memo
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
    if WISH_VERB.search(value) or WISH_AS_FAR_AS.search(value):
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
    # "还有几个同事 大概五六个": the number said after the vague one; "三个 加上我四个": the total
    counted = [m for m in PEOPLE.finditer(plain) if m.group("count") != "几"]
    total = next((m for m in counted if TOTAL_LEAD.search(plain, 0, m.start())), None)
    found = BARE_COUNT.match(plain) or total or (counted[0] if counted else None)
    if found is None or found.group("count") == "几":
        return None  # "好几个吧": no number; an estimate is asked for, not 3 guessed
    count = to_number(found.group("count"))
    if count is None or not 1 <= count <= MAX_HEADCOUNT:
        return None
    return int(count)


def vague_count(reply: str) -> bool:
    """"好几个", "不止我一个，还有好多": people without a number."""
    return bool(VAGUE_COUNT.search(MANDARIN(reply or "")))


OTHERS_UNKNOWN = re.compile(SPEC["others_unknown"])


@_memo
def count_only(text_: str) -> int | None:
    """The count when a reply says nothing but how many people are concerned ("就我一个",
    "我们厂30多个人"), or None."""
    text_ = OTHERS_UNKNOWN.sub("", text_ or "")  # "就我一个 其他人不清楚": the count said
    reply = PUNCTUATION.sub("", unvoiced(text_))
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
    bare = PUNCTUATION.sub("", unvoiced(reply))
    wish = OUTCOME.match(bare)
    return wish is not None and wish.end() == len(bare)


PERSON_NAME = re.compile(rf"^{SURNAME}[\u4e00-\u9fff]{{1,2}}$")
# How a payer may be called: a name (李大明), 小陈, 老王, 阿强, 陈姐, 王师傅.
ADDRESS = re.compile(
    rf"^(?:{SURNAME}[\u4e00-\u9fff]{{1,2}}|(?:{alternatives('person_prefixes')}){SURNAME}|"
    rf"阿[\u4e00-\u9fff]{{1,2}}|{SURNAME}(?:{alternatives('person_titles')}))$")

FORM_OF_ADDRESS = re.compile(
    rf"^(?:{alternatives('person_prefixes')})(?P<prefixed>{SURNAME})$"
    rf"|^(?P<titled>{SURNAME})(?:{alternatives('person_titles')})$")


def full_name_after_address(stored, reply: str) -> str | None:
    """"黄志强" typed after the name "黄师傅" (or "王丽" after "小王") was taken: the full name of
    the same surname, which replaces the form of address; None otherwise."""
    address = FORM_OF_ADDRESS.match(stored) if isinstance(stored, str) else None
    value = PUNCTUATION.sub("", reply or "").strip()
    if address is None or not PERSON_NAME.match(value) or FORM_OF_ADDRESS.match(value):
        return None
    return value if value.startswith(address["prefixed"] or address["titled"]) else None


RELATIVE_WORD = re.compile(alternatives("relative_words"))
RELATIVE_ERRAND = re.compile(
    rf"^(?:(?:{alternatives('relative_errand_leads')})?(?:{alternatives('relative_words')})"
    rf"(?:{alternatives('relative_errand_tails')})?$|"
    rf"(?:我是|我系|本人是)?(?:{alternatives('relative_words')})的?"
    rf"(?:{alternatives('relative_roles')}))")


def relative_name(value: str) -> str | None:
    """"我老婆的事 她叫林小红" → 林小红, "是我爸 叫周建国" → 周建国, "我是他儿子周杰 我爸叫周建国"
    → 周杰: filing for a relative, the reply is read clause by clause (spaces too) with the
    errand said before the name dropped; the first clause that is a name is taken."""
    if not RELATIVE_WORD.search(value):
        return None
    parts = [p for p in re.split(r"[\s，,。！!？?；;、]+", value) if p]
    if len(parts) < 2 and not RELATIVE_ERRAND.match(value):
        return None
    for part in parts:
        part = RELATIVE_ERRAND.sub("", part)
        name = _one_name(part) if part else ""
        if name and ADDRESS.match(name):
            return name
    return None


def bare_name(value: str) -> str:
    """"我叫李 四吧" → "李四", "叫我小陈就行，麻烦你们了哈" → "小陈", "我姓陈，叫我陈姐就好"
    → "陈姐": lead words, polite tails, thanks and a spelt-out surname beside the name, and
    spaces typed inside a name dropped; of several names the fullest."""
    value = COURTESY_APART.sub("", MANDARIN(str(value)).strip()) or value  # "唔该 黄志明"
    kin = relative_name(value)
    if kin:
        return kin
    clauses = [c for c in CLAUSE.split(value) if c.strip() and not is_acknowledgement(c)]
    if len(clauses) <= 1:
        return _one_name(clauses[0] if clauses else value)
    names = [n for n in (_one_name(SURNAME_SPELLING.sub("", c)) for c in clauses) if n]
    called_names = [n for n in names if ADDRESS.match(n)]
    if len(names) == 1 or called_names and all(n in called_names[-1] or len(n) == 1
                                               for n in names):
        return called_names[-1] if len(names) > 1 else names[0]
    return value


COURTESY_APART = re.compile(rf"^(?:(?:{alternatives('courtesy_words')})[\s，,、]+)+", re.IGNORECASE)
CONTACT_LABEL = re.compile(rf"(?<=\S)\s*(?:{alternatives('contact_labels')})(?:是|为|[:：])?\s*$")


def _one_name(value: str) -> str:
    value = TYPED_TWICE.sub(r"\1", value.strip("。！!~～，,. "))
    value = ACK_TAIL.sub("", NAME_PREFIX.sub("", value)).strip("。！!~～，,. ") or value
    value = NAME_SUFFIX.sub("", CONTACT_LABEL.sub("", value)).strip("。！!~～，,. ")
    return SPACE_IN_NAME.sub("", value)


SPACE_IN_NAME = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
COMPOUND_NAME = re.compile(rf"^(?:{alternatives('compound_surnames')})[\u4e00-\u9fff]{{1,3}}$")


def listed_name(text_: str, entities: list[dict]) -> dict | None:
    """"张三 13800138000 宏达电子厂 新塘镇 没交社保": facts typed as a list, one of them a bare
    personal name with no 我叫 before it; the name as an entity, or None."""
    parts = [(m.start(), m.end()) for m in re.finditer(r"[^\s、，,；;]+", text_ or "")]
    if len(parts) < 3 or any(e.get("entity") == "name" for e in entities) or not any(
            e.get("entity") in FACT_ENTITIES for e in entities):
        return None
    taken = [(e.get("start"), e.get("end")) for e in entities]
    for start, end in parts:
        word = text_[start:end]
        if (BARE_PERSON.match(word) and not TITLED_PERSON.match(word) and not ORG_WORDS.search(word)
                and not PLACE_NAME.search(word)
                and not any(isinstance(a, int) and a < end and start < b for a, b in taken)):
            return {"entity": "name", "value": word, "start": start, "end": end}
    return None


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


KEY_ROWS = SPEC["keyboard_rows"]


def keyboard_mash(value: str) -> bool:
    """"asdf", "qwer", "ddd", "sdfg" where the name is asked: letters typed by accident, not
    an English name (Tony, Amy, Ng): at least keyboard_min letters along one keyboard row, one
    letter repeated, or without a vowel."""
    words = re.findall(r"[A-Za-z]+", value or "")
    if not words or re.search(r"[^A-Za-z\s.]", value or ""):
        return False
    least = SPEC["keyboard_min"]

    def mashed(word: str) -> bool:
        word = word.lower()
        return len(word) >= least and (
            len(set(word)) == 1 or not set(word) & set(SPEC["latin_vowels"])
            or any(word in row or word in row[::-1] for row in KEY_ROWS))
    return all(mashed(word) for word in words)


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
    clauses = (c for part in CLAUSE.split(reply or "") for c in part.split())  # "我姓黄 黄志明"
    for clause in clauses:
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
    for clause in _recalled(CLAUSE.split("".join(masked)), values):
        rest = mended_kind(clause)  # "宏达电子工司" was taken as 宏达电子公司
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


def _recalled(clauses: list[str], values: list[str]) -> list[str]:
    """"…叫什么来着哦对叫永兴纺织厂老板换了好几个都不给我们交": a clause where the payer
    was unsure of the value and then recalled it is cut at the unsure words, so the facts
    around them are read on their own; other unsure clauses stay whole (and are dropped)."""
    pieces = []
    for clause in (c.strip() for c in clauses):
        if UNSURE.search(clause) and any(v and v in clause for v in values):
            pieces.extend(p.strip() for p in UNSURE.split(clause))
        else:
            pieces.append(clause)
    return pieces


STORY_CUE = words_regex(SPEC["story_cues"])


def tells_story(reply: str) -> bool:
    """"老板说试用期不交": what was said or done to the payer, not a name."""
    return len(LETTERS.findall(reply or "")) >= SPEC["story_cue_min_chars"] and bool(
        STORY_CUE.search(reply or ""))


HINT_LEAD = re.compile(rf"^(?:{alternatives('employer_hint_leads')})+")


def employer_hints(reply: str, description: str) -> str | None:
    """What a payer who cannot name the employer says of it ("公司名字我不知道，只知道老板姓王"
    → "老板姓王", "老板姓王"): the liaison can find a company by its boss, so it is kept
    beside the story; None when nothing but 不知道 or a question was said."""
    clauses = [HINT_LEAD.sub("", c.strip()) for c in SPOKEN_CLAUSE.split(reply or "")]
    if not (UNSURE.search(reply or "") or DEFUNCT.search(reply or "")
            or any(TITLED_PERSON.match(c) for c in clauses)):
        return None
    kept = [c for c in clauses if len(LETTERS.findall(c)) >= SPEC["employer_hint_min_chars"]
            and not (UNSURE.search(c) or is_question(c) or is_filler(c) or OUTCOME.search(c)
                     or META.search(c) or c in (description or ""))]
    return "，".join(kept) or None


def numbered(options: list[str]) -> str:
    return "\n".join(f"{i}. {o}" for i, o in enumerate(options, 1))


PICK = re.compile(SPEC["pick_number"])


def pick_number(reply: str, count: int) -> int | None:
    """The 0-based choice in a reply like "2", "第2个" or "第一个", or None."""
    match = PICK.fullmatch(unicodedata.normalize("NFKC", reply or ""))  # "２" typed full-width
    number = to_number(match.group("n") or match.group("cn")) if match else None
    if number is not None and 1 <= number <= count:
        return int(number) - 1
    return None


JOB_AT = (re.compile(SPEC["household_employer"]), re.compile(SPEC["gig_employer"]))


def employer_by_job(value: str) -> str | None:
    """"在陈先生家做保姆", "在美团送外卖": the family a domestic helper or the platform a rider
    works for (陈先生家, 美团), said with the job; None otherwise."""
    plain = PUNCTUATION.sub("", value or "")
    found = next((m for m in (p.match(plain) for p in JOB_AT) if m), None)
    home = found["home"] if found else None
    return home if home and home not in SPEC["household_unnamed"] and not PRONOUN.search(
        home) else None


HOUSEHOLD_BY_SURNAME = re.compile(SPEC["household_by_surname"])


def household_by_surname(value: str) -> str | None:
    """"没有单位 就是雇主家 姓陈": a domestic helper's family, known by its surname only."""
    found = HOUSEHOLD_BY_SURNAME.search(PUNCTUATION.sub(" ", value or ""))
    return SPEC["household_by_surname_value"].format(surname=found["surname"]) if found else None


WORK_AT = (re.compile(SPEC["work_at_unit"]), re.compile(SPEC["unit_with_job"]))


def unit_at_work(value: str) -> str | None:
    """"在海底捞上班", "给顺丰跑件", "饿了么骑手": the unit, without the work or job around it."""
    plain = PUNCTUATION.sub("", value or "")
    found = next((m for m in (p.match(plain) for p in WORK_AT) if m), None)
    return found["unit"] if found else None


DEFUNCT = re.compile(alternatives("defunct_words"))
DEFUNCT_FILLER = re.compile(alternatives("defunct_fillers"))


def defunct_only(value: str) -> bool:
    """"以前的厂子早倒闭了": says the employer is gone, not what it was called."""
    if not DEFUNCT.search(value or ""):
        return False
    rest = DEFUNCT_FILLER.sub("", DEFUNCT.sub("", PUNCTUATION.sub("", value)))
    return not rest or rest in GENERIC_EMPLOYERS


def unknown_employer(value: str, reply: str) -> bool:
    """"什么科技公司", or "知道公司" read out of "我也不知道公司叫什么": the employer stands with a
    question word or an unsure word, so the payer does not know its name."""
    return bool(INDEFINITE.search(value or "")) or overlaps(value, reply, INDEFINITE)


INDEFINITE_UNIT = re.compile(f"^(?:{alternatives('indefinite_unit_leads')})")
INDEFINITE_UNIT_BEFORE = re.compile(f"(?:{alternatives('indefinite_unit_leads')})$")


def indefinite_unit(value: str, reply: str) -> bool:
    """"一个塑料厂", "某家物流公司" in the story: only the kind of unit, said with 一个 or 某,
    so the liaison could not find it; a real name is longer (新兴塑料厂) or has no such lead.
    At the employer question itself such a description is the answer (the payer forgot)."""
    value = (value or "").strip()
    lead = INDEFINITE_UNIT.match(value)
    core = value[lead.end():] if lead else value
    rest = ORG_END.sub("", core)
    if not ORG_END.search(core) or len(rest) > SPEC["indefinite_unit_core_max"]:
        return False
    if lead:
        return True  # "一家餐馆": the kind alone
    if not rest:
        return False
    start = (reply or "").find(core)
    return start > 0 and bool(INDEFINITE_UNIT_BEFORE.search(reply[:start].rstrip()))


def overlaps(value: str, reply: str, words: re.Pattern) -> bool:
    """``value`` stands in ``reply`` across a match of ``words`` ("希望公司" inside the wish
    "希望公司把社保给我补齐"): it was read out of those words, not said on its own."""
    start = (reply or "").find(value or "\0")
    return start >= 0 and any(m.start() < start + len(value) and start < m.end()
                              for m in words.finditer(reply))


def own_business(value: str) -> bool:
    """"开小厂", "开了个饭馆": the payer's trade, not an employer's name."""
    return bool(OWN_BUSINESS.match(PUNCTUATION.sub("", value or "")))


def numeric_period(reply: str) -> str | None:
    """"2023.3-2024.5" → "2023-03/2024-05" (the period code the summary shows as 2023年3月至
    2024年5月); a single "2023.3" as typed; "2015到2018" → "2015/2018"; None without such a
    date."""
    found = PERIOD_NUMERIC.search(reply or "")
    if found is None:
        years = PERIOD_YEARS.search(reply or "")
        return f"{years['y1']}/{years['y2']}" if years and years["y1"] <= years["y2"] else None
    months = [int(found[k]) for k in ("m1", "m2") if found[k]]
    if not all(1 <= m <= 12 for m in months):
        return None
    if not found["y2"]:
        if PERIOD_NUMERIC_DAY.match(reply, found.end()):
            return (reply or "").strip()[:100]  # "2023.05.01": a day, kept as typed
        code = f"{found['y1']}-{months[0]:02d}"  # "2023.5", "2023.5到现在"
        return code + "/.." if PERIOD_NUMERIC_OPEN.match(reply, found.end()) else code
    return f"{found['y1']}-{months[0]:02d}/{found['y2']}-{months[1]:02d}"


def dates_spelled(reply: str) -> str | None:
    """"时间是2023.5到现在" → "时间是2023年5月到现在", so a date typed with dots or slashes is
    read like one in words where no question asks for it (at the summary); None when the
    message holds no such date (a sum in yuan, "2023.05.01", stays as typed)."""
    changed = False

    def spell(found: re.Match) -> str:
        nonlocal changed
        months = [int(found[k]) for k in ("m1", "m2") if found[k]]
        after = found.string[found.end():]
        if (not all(1 <= m <= 12 for m in months) or PERIOD_NUMERIC_DAY.match(after)
                or PERIOD_NUMERIC_MONEY.match(after)):
            return found.group(0)
        changed = True
        said = f"{found['y1']}年{months[0]}月"
        return said + (f"到{found['y2']}年{months[1]}月" if found["y2"] else "")

    spelled = PERIOD_NUMERIC.sub(spell, reply or "")
    return spelled if changed else None


def without_numeric_period(reply: str) -> str:
    """The message without its dotted or slashed dates ("2023.5到现在"), so their figures are
    never read as an amount."""
    code = numeric_period(reply) or ""
    dated = code[:4].isdigit() and code[4:5] == "-"  # not "2023.05.01" kept as typed
    return PERIOD_NUMERIC.sub(" ", reply or "") if dated else (reply or "")


def filing_process(value: str) -> str | None:
    """"这个要多久啊？" → "how_long", "这个收费吗" → "cost", "那我要投诉谁" → "who", "能不能快点"
    → "hurry": about the filing itself, nothing else said; None for anything with a topic of
    its own ("失业金能领多久")."""
    plain = PUNCTUATION.sub("", value or "")
    if not plain or len(plain) > SPEC["filing_process_max_chars"]:
        return None  # short by nature: a longer message is never read for it
    plain = MANDARIN(plain)
    kinds = (("how_long", HOW_LONG), ("cost", FILING_COST), ("who", WHO_HANDLES),
             ("hurry", HURRY))
    kind = next((name for name, words in kinds if words.search(plain)), None)
    rest = plain
    for _, words in kinds:
        rest = words.sub("", rest)
    rest = FILING_PROCESS_FILLER.sub("", rest)
    return kind if kind and not rest else None


def puzzled(value: str) -> bool:
    """"？", "？？？", "。。。？": question marks and nothing said."""
    raw = FACES.sub("", value or "")
    return bool(PUZZLED.search(raw)) and not LETTERS.search(raw)


DURATION_CODE = re.compile(SPEC["period_duration"])
PERIOD_CLARITY = [(re.compile(pattern), rank) for pattern, rank in SPEC["period_clarity"]]
AMOUNT_PER = re.compile(alternatives("amount_per_words"))
AMOUNT_ABOUT = re.compile(alternatives("amount_about_words"))
AMOUNT_RANGE_JOIN = re.compile(SPEC["amount_range_join"])
AMOUNT_ROUGH = re.compile(SPEC["amount_rough"])
AMOUNT_MORE = re.compile(SPEC["amount_more"])
AMOUNT_VAGUE = re.compile(SPEC["amount_vague"])
AMOUNT_VAGUE_LEAD = re.compile(rf"(?:{alternatives('amount_vague_leads')})$")
PERIOD_ROUGH = re.compile(SPEC["period_rough"])
PERIOD_ROUGH_FIGURE = re.compile(SPEC["period_rough_figure"])
PERIOD_ROUGH_LEAD = re.compile(SPEC["period_rough_lead"])
PERIOD_ROUGH_TAIL = re.compile(SPEC["period_rough_tail"])
NAME_RUN_ON = re.compile(rf"(?:{alternatives('name_run_on_regions')})人|"
                         rf"{alternatives('name_run_on_words')}")
CATEGORY_CHANGE = re.compile(alternatives("category_change_cues"))
CATEGORY_WORDS = [(key, re.compile("|".join(patterns)))
                  for key, patterns in SPEC["category_words"].items()]
LATIN_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
LATIN_LETTER = re.compile(r"[A-Za-z]")
DIGIT_RUN = re.compile(r"\d{3}")
MONEY_UNIT = re.compile(r"[元块圆]")
ENGLISH_NOT_NAME = frozenset(SPEC["english_not_name_words"])


def without_emoji(value: str) -> str:
    """"李四😊": the emoji beside an answer is no part of it; an emoji alone is kept as sent."""
    return EMOJI.sub("", value).strip() or value


def period_found(text_: str, entities: list[dict]) -> tuple[str, str | None] | None:
    """The clearest period of a message but an age ("干了5年，从2021年开始就没交" → 2021起),
    and the words said when it is a duration ("少了3年" → ("P36M", "3年")): how long, shown
    as said, is not when. A rough duration is stored as said ("十几年" → ("十几年", "十几年")),
    never as the parser's round figure (P120M)."""
    found = []
    for entity in entities:
        if entity.get("entity") != "period":
            continue
        start, end = entity.get("start"), entity.get("end")
        if isinstance(end, int) and AGE_AFTER.match((text_ or "")[end:]):
            continue
        if isinstance(start, int) and _paid_total(text_ or "", start, end):
            continue
        value = str(entity.get("value"))
        spanned = isinstance(start, int) and isinstance(end, int)
        said = (text_ or "")[start:end] if spanned and DURATION_CODE.match(value) else None
        lead = AMOUNT_VAGUE_LEAD.search((text_ or "")[:start]) if said and said.startswith(
            "几") else None
        said = (lead.group(0) + said) if lead else said  # "好几年": as vague as said
        if said and _per_money(text_, said, end, entities):
            continue
        said = _rough_said(text_ or "", said, end) if said else None
        weight = _span_weight(text_ or "", start, end) if spanned else 0
        found.append((said, said, weight) if said and PERIOD_ROUGH.search(said)
                     else (value, said, weight))
    festive = festival_period(text_ or "")
    if festive:  # "去年国庆之后": the festival's month says more than 去年 alone
        found = [f for f in found if not re.match(rf"{festive[:4]}(?:/\.\.)?$", str(f[0]))]
    if festive and not any(period_clarity(f[0]) >= period_clarity(festive) for f in found):
        found.append((festive, None, 0))
    if not found and (vague := _vague_years(text_ or "")):
        found.append((vague, vague, 0))
    best = max(found, key=lambda f: (period_clarity(f[0]), f[2]), default=None)
    return best[:2] if best else None


PERIOD_TENURE_LEAD = re.compile(SPEC["period_tenure_lead"])
PERIOD_UNPAID = re.compile(SPEC["period_unpaid_words"])
PERIOD_ONGOING_LEAD = re.compile(SPEC["period_ongoing_lead"])
SPOKEN_CLAUSE = re.compile(r"[，,。！!？?；;\n\s]")


def _span_weight(text_: str, start: int, end: int) -> int:
    """Between two durations: the span up to now beats an earlier one ("三个月不给买 现在都半年了
    还是没买"), and how long the payer has worked there loses ("入职两年了 前半年没交")."""
    before = SPOKEN_CLAUSE.split(text_[:start])[-1]
    after = SPOKEN_CLAUSE.split(text_[end:])[0]
    if PERIOD_ONGOING_LEAD.search(before):
        return 1
    return -1 if PERIOD_TENURE_LEAD.search(before) and not PERIOD_UNPAID.search(
        before + after) else 0


PERIOD_VAGUE_YEARS = re.compile(SPEC["period_vague_years"])


def _vague_years(text_: str) -> str | None:
    """"单位很多年没交": how long, in the words said, when the parser found no figure; never
    the years paid in all ("社保交了很多年了")."""
    for m in PERIOD_VAGUE_YEARS.finditer(text_):
        clause = re.split(r"[，,。；;!！?？\s]", text_[:m.start()])[-1]
        if PAID_TOTAL_LEAD.search(text_[:m.start()]) and not PAID_TOTAL_NOT.search(clause):
            continue
        return m.group(0)
    return None


PAID_TOTAL_LEAD = re.compile(SPEC["paid_total_lead"])
PAID_TOTAL_UNIT = re.compile(SPEC["paid_total_unit"])
PAID_TOTAL_NOT = re.compile(SPEC["paid_total_not"])
PAID_SHORT_LEAD = re.compile(SPEC["paid_short_lead"])
PAID_SHORT_UNIT = re.compile(SPEC["paid_short_unit"])


def _paid_total(text_: str, start: int, end) -> bool:
    """"交了15年了", "系统显示只有12年": how many years were paid, not when the matter was;
    "没给我交3年" is what was not paid, a period. "没交够一年", "才交了不到半年": how long was
    paid falls short of a length, no period either."""
    clause = re.split(r"[，,。；;!！?？\s]", text_[:start])[-1]
    said = text_[start:end] if isinstance(end, int) else text_[start:]
    short = PAID_SHORT_LEAD.search(text_[:start])
    if short and PAID_SHORT_UNIT.match(said) and not PAID_TOTAL_NOT.search(
            re.split(r"[，,。；;!！?？\s]", text_[:short.start()])[-1]):
        return True
    return bool(PAID_TOTAL_LEAD.search(text_[:start]) and not PAID_TOTAL_NOT.search(clause)
                and PAID_TOTAL_UNIT.match(said))


def _rough_said(text_: str, said: str, end: int) -> str:
    """The duration with the words around the parser's span that make it rough: "10几年"
    (the span is 几年), "差不多十年", "三年左右"."""
    before = text_[:end - len(said)]
    if said.startswith("几") and (figure := PERIOD_ROUGH_FIGURE.search(before)):
        said, before = figure.group(0) + said, before[:figure.start()]
    lead = PERIOD_ROUGH_LEAD.search(before)
    tail = PERIOD_ROUGH_TAIL.match(text_[end:])
    return (lead.group(0) if lead else "") + said + (tail.group(0) if tail else "")


def _per_money(text_: str, said: str, end: int, entities: list[dict]) -> bool:
    """"一个月才几百块钱", "一年两三千": a span of time before money in the same clause is how
    often that money is, not how long the matter lasted."""
    clause_end = end + len(CLAUSE.split(text_[end:])[0])
    return said in SPEC["amount_per_words"] and any(
        e.get("entity") == "money" and isinstance(e.get("start"), int)
        and end <= e["start"] < clause_end for e in entities)


FESTIVAL = re.compile(
    rf"(?P<from>[从自])?(?P<year>{one_of(SPEC['period_festival_years'])})?的?"
    rf"(?<!{SPEC['period_festival_not_before']})(?P<day>{one_of(SPEC['period_festivals'])})"
    rf"(?!{SPEC['period_festival_not_after']})节?(?:那会儿?|那时候?|的时候)?"
    rf"(?P<open>{one_of(SPEC['period_festival_open'])})?")


FESTIVAL_FIGURES = frozenset(SPEC["period_festival_figures"])


def festival_period(text_: str, today: datetime.date | None = None) -> str | None:
    """"去年国庆之后" → 2025-10/..: the month a festival or season falls in, as a period."""
    said = MANDARIN(text_ or "").rstrip(" ，,。.！!？?~～")
    found = next((m for m in FESTIVAL.finditer(said) if m["day"] not in FESTIVAL_FIGURES
                  or m.end("day") < len(said)), None)
    if found is None:
        return None
    today = today or datetime.date.today()
    month = SPEC["period_festivals"][found["day"]]
    if found["year"]:
        year = today.year - SPEC["period_festival_years"][found["year"]]
    else:
        year = today.year if month <= today.month else today.year - 1
    code = f"{year}-{month:02d}"
    return f"{code}/.." if found["open"] or found["from"] else code


def period_clarity(code) -> int:
    """How precisely a period code says when (a duration 0, a range 3)."""
    return next((rank for pattern, rank in PERIOD_CLARITY if pattern.match(str(code))), 0)


def amount_said(text_: str, entities: list[dict], value) -> str | None:
    """The amount as said when it is per month, a range or rough ("每个月少交了大概五六百" →
    "每月约五六百元", "每月500到600块" → "每月500到600块"); None for a plain figure."""
    text_ = text_ or ""
    money = [e for e in entities if e.get("entity") == "money"
             and isinstance(e.get("start"), int) and isinstance(e.get("end"), int)]
    first = next((i for i, e in enumerate(money) if e.get("value") == value), None)
    if first is None:
        return None
    start, end = money[first]["start"], money[first]["end"]
    ranged = first + 1 < len(money) and AMOUNT_RANGE_JOIN.match(
        text_[end:money[first + 1]["start"]])
    if ranged:
        end = money[first + 1]["end"]
    said = text_[start:end]
    vague = AMOUNT_VAGUE.search(said)
    lead_word = AMOUNT_VAGUE_LEAD.search(text_[:start]) if vague else None
    if lead_word:  # "好几千"
        start = lead_word.start()
        said = text_[start:end]
    lead = CLAUSE.split(text_[:start])[-1]
    per_found = AMOUNT_PER.search(lead) or AMOUNT_PER.search(text_[end:end + 6])
    per = SPEC["amount_per_words"][per_found.group(0)] if per_found else ""
    more = bool(AMOUNT_MORE.search(said) or vague)  # "欠了三千多": shown as said, not 3000元
    rough = not more and (bool(AMOUNT_ROUGH.search(said)) or bool(AMOUNT_ABOUT.search(
        lead + CLAUSE.split(text_[end:])[0])))
    if not (per or rough or ranged or more):
        return None
    unit = "" if MONEY_UNIT.search(said) else "元"
    return SPEC["amount_said_format"].format(
        per=per, about=SPEC["amount_about_mark"] if rough else "", said=said, unit=unit)


def name_run_on(reply: str, name: str) -> str:
    """"我叫刘强东北人来广州打工的" read as 刘强东北 → 刘强: where the payer is from, typed
    straight after the name, cut off it."""
    start = (reply or "").find(name)
    if start < 0:
        return name
    found = NAME_RUN_ON.search(reply, start + 2, start + len(name) + 1)
    return reply[start:found.start()] if found else name


def changed_category(reply: str, guess: dict, current: str | None) -> str | None:
    """"其实不是没交 是少交了 按最低基数交的" once the category is set: the payer takes back the
    kind of problem. Said with a change cue and read as another category with
    category_change_min_confidence, that category; more of the same story ("而且还扣了押金不
    退") or a guess below it, None. A case still of the catch-all category needs no cue:
    "公司少交了好几个月 入职半年以后才开始交的" after "失业金领不了 说我交的不够一年" says
    what the matter is."""
    name = (guess or {}).get("name")
    cue_needed = current != SPEC["category_catch_all"]
    if (current is None or cue_needed and not CATEGORY_CHANGE.search(reply or "") or name == current
            or name not in SPEC["category_choices"]
            or (guess or {}).get("confidence", 0) < SPEC["category_change_min_confidence"]):
        return None
    return name


def category_said(reply: str) -> str | None:
    """The category a reply names outright ("扣款扣了两次" → refund), or None."""
    plain = MANDARIN(reply or "")
    return next((key for key, words in CATEGORY_WORDS if words.search(plain)), None)


def english_only(raw: str) -> bool:
    """Typed in English only ("pay it back", "Tom Li"): Latin words, no Chinese, no number."""
    raw = FACES.sub("", raw or "")
    return (len(LATIN_LETTER.findall(raw)) >= SPEC["english_min_letters"]
            and not CJK.search(raw) and not DIGIT_RUN.search(raw))


def english_name(raw: str) -> bool:
    """"Tom Li", "Mary": one to three words, none of them common English words."""
    words = LATIN_WORD.findall(raw or "")
    rest = LATIN_WORD.sub("", raw or "").strip(" .,·-")
    return (1 <= len(words) <= SPEC["english_name_max_words"] and not rest
            and not any(w.lower() in ENGLISH_NOT_NAME for w in words))


def said_of(slots: dict, slot: str) -> str | None:
    """The words a value was said with ("每月约五六百元" for 600, "3年" for P36M) while the
    value is still the one they were said for: a corrected value drops them."""
    pair = slots.get(f"{slot}_said")
    if isinstance(pair, list) and len(pair) == 2 and pair[0] == slots.get(slot):
        return str(pair[1])
    return None


VOICE_SOUNDS = re.compile(rf"(?!{alternatives('voice_sound_words')})(?:{alternatives('voice_sounds')})")
VOICE_LEADS = re.compile(rf"^(?:(?:{alternatives('voice_leads')})[\s，,、…~～]*)+")


@_memo
def unvoiced(value: str) -> str:
    """"嗯我叫那个李四" → "我叫那个李四", "那个嗯希望给我补上啊" → "希望给我补上啊": the sounds
    of voice-to-text typing, and the filler words in front, are no part of a value."""
    plain = VOICE_SOUNDS.sub("", value or "")
    return VOICE_LEADS.sub("", plain.strip(" ，,、…~～")) or plain

"""Follow-up questions: read an elliptical question with the previous question's topic.

Payers ask in turns: "灵活就业社保怎么交" → "一个月大概多少钱" → "那医保呢". Read alone the second
and third name nothing of social insurance and are declined. `ask_after` asks the knowledge base
again with the previous question's topic added and keeps that answer only when it is confident
and about that topic (and about what the payer named: 医保 in "那医保呢"); otherwise the question
is read alone. The question's own words stay in what is asked, so context can add an answer but
never lift a decline they cause (公积金, 几号发, 兼职). A question with a topic of its own never
uses the previous one. Rules: data/followups.yaml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.word_patterns import one_of

from .answer import KbAnswer
from .entries import load_yaml
from .kb import DATA_DIR, Candidates, KnowledgeBase
from .retrieval import ASKS
from .textnorm import clean

_NOISE = re.compile(r"[\s，。！？,.!?~～…、:：;；\"'“”]+")


def _words(raw: dict, key: str) -> str:
    return one_of(raw[key])


@dataclass(frozen=True)
class Rules:
    max_chars: int
    openers: re.Pattern
    contrast_end: re.Pattern
    fillers: re.Pattern
    aspect_words: tuple[str, ...]
    about_the_bot: re.Pattern
    carried_schemes: frozenset[str]  # schemes with no employer (居民医保)
    paying_tokens: frozenset[str]
    employer: re.Pattern  # "公司不交有什么后果" is about the employer, whatever came before
    type_words: dict[str, str]  # "失业呢": 失业保险
    swap_groups: tuple[frozenset[str], ...]  # 复议 ↔ 起诉, 农民工 ↔ 外国人
    aspect_kinds: tuple[tuple[tuple[str, ...], frozenset[str]], ...]  # (asked, known)
    swap_domain: str
    short_forms: tuple[re.Pattern, str]  # "去哪办" → "去哪里办"
    type_ask: re.Pattern  # "那医保谁交": 谁交 after an insurance type
    spouses: frozenset[str]  # "那我老婆呢"
    relatives: frozenset[str]  # "那我孩子呢": not another aspect of the last topic
    oversteps: tuple[tuple[str, ...], tuple[str, ...]]  # (asked, said): "要是超过了呢"
    what_to_do: re.Pattern  # "那怎么办呢" after a story
    topic_keeps: frozenset[str]  # "工伤认定结果不服": 争议 stays in the topic
    left_job: tuple[re.Pattern, re.Pattern, str, frozenset[str]]  # (told, asks, situation, named)
    unsettled: str  # "网上能办吗" that the last answer's statutes say nothing of
    bare_chars: frozenset[str]  # "手机上能弄不": what names nothing beside an aspect

    @classmethod
    def load(cls) -> Rules:
        raw = load_yaml((DATA_DIR / "followups.yaml").read_text(encoding="utf-8")) or {}
        return cls(int(raw["max_chars"]), re.compile(f"^({_words(raw, 'openers')})+"),
                   re.compile(raw["contrast_end"]), re.compile(_words(raw, "fillers")),
                   tuple(raw["aspect_words"]), re.compile(raw["about_the_bot"]),
                   frozenset(raw["carried_schemes"]), frozenset(raw["paying_tokens"]),
                   re.compile(_words(raw, "employer_words")), dict(raw["type_words"]),
                   tuple(frozenset(group) for group in raw["swap_groups"]),
                   tuple((tuple(kind["asked"]), frozenset(kind["known"]))
                         for kind in raw["aspect_kinds"].values()), str(raw["swap_domain"]),
                   (re.compile(raw["short_forms"][0]), raw["short_forms"][1]),
                   re.compile(raw["type_ask"]), frozenset(raw["spouses"]),
                   frozenset(raw["relatives"]),
                   (tuple(raw["oversteps"]["asked"]), tuple(raw["oversteps"]["said"])),
                   re.compile(raw["what_to_do"]), frozenset(raw.get("topic_keeps") or ()),
                   (re.compile(_words(raw["left_job"], "told")),
                    re.compile(raw["left_job"]["asks"]), str(raw["left_job"]["situation"]),
                    frozenset(raw["left_job"]["named"])), str(raw["unsettled"]),
                   frozenset(raw["bare_chars"]))


RULES = Rules.load()


@dataclass(frozen=True)
class Reading:
    """How a question leans on the previous one: `kind` is "contrast" ("那医保呢": the named
    part takes its place in the last question), "aspect" ("一个月大概多少钱": another aspect of
    the last topic), "paying" ("那不交有什么后果": answered alone unless the last scheme has
    no employer), "what_to_do" ("那怎么办呢": about the situation the last question told) or
    "alone"; `rest` is the question without its opener and 呢."""

    kind: str
    rest: str


READINGS_KEPT = 256


def reading(kb: KnowledgeBase, question: str) -> Reading:
    """Whether `question` leans on the previous one, from its own words only.

    Remembered per knowledge base and text (the last `READINGS_KEPT`): a form answer or a
    first message is read up to four times (what to do? a follow-up? what next? another
    office's next step), each time correcting, tokenising and scoping it again. The memo is
    dropped when the rules, the tokenizer, its lexicon (or the lexicon's typos, variants,
    dismissals), the scope or the retriever the reading uses is another object."""
    lexicon = kb.tokenizer.lexicon
    inputs = (RULES, kb.tokenizer, lexicon, lexicon.typos, lexicon.variants, lexicon.dismissals,
              kb.scope, kb.retriever)
    memo = kb.__dict__.get("_readings")
    if memo is None or len(memo[0]) != len(inputs) or any(
            a is not b for a, b in zip(memo[0], inputs)):
        memo = kb.__dict__["_readings"] = (inputs, {})
    done = memo[1].get(question)
    if done is None:
        done = _reading(kb, question)
        if len(memo[1]) >= READINGS_KEPT:
            memo[1].clear()
        memo[1][question] = done
    return done


def _reading(kb: KnowledgeBase, question: str) -> Reading:
    """:func:`reading` of a text not read before."""
    text = _spelled_out(kb.tokenizer.lexicon.correct(question or ""))
    bare = _NOISE.sub("", text)
    rest = RULES.openers.sub("", bare)
    if (not rest or len(bare) > RULES.max_chars or kb.scope.mentioned_out_of_scope(bare)
            or RULES.about_the_bot.search(rest) or _told(kb, text)):
        return Reading("alone", bare)
    if RULES.what_to_do.search(rest):
        return Reading("what_to_do", rest)
    if rest != bare and _type_asked(kb, rest):
        return Reading("contrast", rest)
    if RULES.contrast_end.search(rest):
        part = RULES.contrast_end.sub("", rest)
        if part and not ASKS.search(part) and not _foreign(kb, part):
            return Reading("contrast", part)
        return Reading("alone", bare)
    tokens = kb.tokenizer.tokens(rest)
    if _bare_paying(kb, rest, tokens):
        return Reading("paying", rest)
    if (not tokens or not ASKS.search(rest) or kb.scope.in_domain(rest, tokens)
            or kb.scope.unanswered_topics(rest, tokens)
            or _foreign(kb, RULES.fillers.sub("", rest))):
        return Reading("alone", bare)  # asks nothing, has its own topic, or names another
    return Reading("aspect", rest)


def _type_asked(kb: KnowledgeBase, rest: str) -> bool:
    """"医保谁交" after an opener: nothing but an insurance type and who pays or what to do."""
    head = RULES.type_ask.sub("", rest)
    tokens = kb.tokenizer.tokens(head)
    return head != rest and bool(tokens) and all(t in kb.tokenizer.lexicon.facets for t in tokens)


def _spelled_out(text: str) -> str:
    """"去哪办" as "去哪里办": jieba cuts the short form into a word no entry knows (哪办)."""
    pattern, repl = RULES.short_forms
    return pattern.sub(repl, text)


def _bare_paying(kb: KnowledgeBase, rest: str, tokens: list[str]) -> bool:
    """"不交有什么后果", "可以补交吗": a question about paying that names no scheme, payer or
    aspect of its own; answered alone for employees, it is about the last scheme if that one
    has no employer (居民医保: `carried_schemes`)."""
    domain = set(tokens) & (kb.scope.domain_tokens | set(kb.tokenizer.lexicon.facets))
    return (bool(domain) and domain <= RULES.paying_tokens and bool(ASKS.search(rest))
            and not kb.scope.in_domain(rest) and not RULES.employer.search(rest)
            and not kb.scope.unanswered_topics(rest, tokens))


def _told(kb: KnowledgeBase, text: str) -> bool:
    """Two clauses that name something ("公司辞退我 要赔N加1吗"): the payer tells a situation
    of their own, not a part of the last question ("好的 那一个月多少钱" is one)."""
    return sum(1 for clause in _NOISE.split(RULES.openers.sub("", text.strip()))
               if _meaningful(kb, clause)) > 1


def _foreign(kb: KnowledgeBase, text: str) -> bool:
    """Does `text` name a word no entry knows ("今天天气", "想想")? Then it is about something
    else than the last answer, and adding that answer's topic would only hide it."""
    unknown = _meaningful(kb, text) - kb.retriever.vocabulary
    return bool(unknown - kb.retriever.counts(unknown))  # a place (深圳) is where, not what


def _meaningful(kb: KnowledgeBase, text: str) -> set[str]:
    return kb.tokenizer.meaningful(kb.tokenizer.tokens(text))


@dataclass(frozen=True)
class Reread:
    """A question as the knowledge base is asked it after the previous one, and what the
    chosen entry must know for the answer to count: every word of the last topic (`topic`)
    and of the new question (`own`), and one of those the payer named (`named`, "那医保呢")."""

    text: str
    topic: frozenset[str]
    named: frozenset[str] = frozenset()
    other_than: str | None = None  # the last answer's entry: "那比例呢" asks something else
    own: frozenset[str] = frozenset()  # the new question's words, all of which it must know
    kinds: tuple[frozenset[str], ...] = ()  # "网上能办吗": one word of each it must know
    swap: bool = False  # "那起诉呢", "要是单位不给交呢": the last entry is no candidate at all


def topic_words(kb: KnowledgeBase, previous: str) -> list[str]:
    """What the previous question was about (灵活就业 社保费, 失业金): its social-insurance
    words (scope.yaml domain_tokens, insurance types), else its meaningful tokens without the
    aspect it asked (条件, 材料, 多久)."""
    tokens = kb.tokenizer.tokens(previous)
    domain = kb.scope.domain_tokens | set(kb.tokenizer.lexicon.facets) | RULES.topic_keeps
    aspects = {t for w in RULES.aspect_words for t in kb.tokenizer.tokens(w)}
    keep = (set(tokens) & domain) or kb.tokenizer.meaningful(tokens) - aspects
    return list(dict.fromkeys(t for t in tokens if t in keep))


def rereadings(kb: KnowledgeBase, how: Reading, previous: str | None) -> list[Reread]:
    """The ways to ask a question read as `how` after `previous`, best first; none when it
    stands alone."""
    if not previous:
        return []
    topic = topic_words(kb, previous)
    if how.kind == "aspect" and topic:
        own = frozenset(_meaningful(kb, RULES.fillers.sub("", how.rest)))
        return [Reread(" ".join([*topic, how.rest]), frozenset(topic), own=own,
                       kinds=_kinds(how.rest))]
    if how.kind == "what_to_do":
        # only a grievance told before ("老板一直没给我买社保…") is a situation to act on; after
        # "滞纳金怎么算" or "交满15年能领吗" there is nothing to do (flexible_enrol, mechanism_scope)
        if not topic or not kb.scope.is_dispute_like(kb.tokenizer.lexicon.correct(previous)):
            return []
        return [Reread(f"{previous} 怎么办", frozenset(topic)),
                Reread(" ".join([*topic, how.rest]), frozenset(topic))]
    if how.kind != "contrast":
        return []
    part_tokens = [RULES.type_words.get(t, t) for t in kb.tokenizer.tokens(how.rest)]
    named = frozenset(_meaningful(kb, how.rest) or part_tokens)
    lexicon = kb.tokenizer.lexicon
    types = lexicon.facets_of(part_tokens)
    asked = [t for t in kb.tokenizer.canonical_tokens(previous) if t not in lexicon.stopwords]
    if types and types <= lexicon.facets_of(asked) and _answered_alone(kb, how.rest, previous):
        return []
    if types:  # "那养老呢": 养老保险 in place of the last type, beside it, or with the last topic
        part = " ".join(_insurance(kb, lexicon.facets[t])
                        if t in lexicon.facets and t not in RULES.carried_schemes else t
                        for t in part_tokens)
        named = frozenset(t for t, f in lexicon.facets.items() if f in types)
        swapped = [t for t in asked if t not in lexicon.facets or lexicon.facets[t] in types]
        if ASKS.search(how.rest):  # "那医保谁交" asks its own aspect, not the last one (条件)
            aspects = {t for w in RULES.aspect_words for t in kb.tokenizer.tokens(w)}
            asked = [t for t in asked if t not in aspects]
        rereads = [Reread(" ".join([*asked, part]), frozenset(), named),
                   Reread(" ".join([*swapped, part]), frozenset(), named),
                   Reread(" ".join([*topic, part]), frozenset(topic), named)]
        if len(lexicon.facets_of(asked)) > 1:
            # "领失业金期间医保谁交" → "那养老呢": without both types the situation (失业金) is
            # gone too, and the employee's pension_who_pays would answer for someone unemployed
            del rereads[1]
        return rereads
    last = kb.ask(previous).entry_id
    swapped = _swapped(asked, part_tokens)
    if swapped is not None:  # "那起诉呢" after 行政复议: 起诉 in its place
        text = " ".join([*swapped, how.rest])
        domain = "" if kb.scope.in_domain(text) else RULES.swap_domain
        return [Reread(" ".join(filter(None, [domain, text])), frozenset(), named, last,
                       swap=True)]
    if named & {t for w in RULES.aspect_words for t in kb.tokenizer.tokens(w)}:  # "那比例呢"
        return [Reread(" ".join([*topic, how.rest]), frozenset(topic), named, last)]
    if _spouse(kb, how.rest, named, last) or _overstep(kb, how.rest, last):  # 那我老婆呢, 超过了呢
        return [Reread(" ".join([*asked, how.rest]), frozenset(topic), frozenset())]
    # "不满15年呢" in the last question; "那如果人去世了呢" after 个人账户里的钱能取出来吗 in place of
    # what it asked (取出: the account's topic and 去世 is pension_survivor), when it names a word
    # of its own ("那我自己呢" names none: who the last answer was about stays) and no relative
    rereads = [Reread(" ".join([*asked, how.rest]), frozenset(topic), named, last)]
    if (_meaningful(kb, how.rest)
            and not any(w in how.rest for w in RULES.spouses | RULES.relatives)):
        rereads.append(Reread(" ".join([*topic, how.rest]), frozenset(topic), named, last))
    if (RULES.employer.search(how.rest) and kb.scope.is_dispute_like(lexicon.correct(how.rest))
            and kb.ask(how.rest).declined):
        # "要是单位不给交呢": the employer refusing what the last answer says it must do asks
        # what to do about it, in the last topic's terms (工伤保险: injury_without_insurance) or
        # as any unpaid contribution (employee_remedies): an entry other than the last answer
        # that knows the refusal (欠缴), as "那如果公司一直拖着不交呢" after 滞纳金 is its penalty
        grievance = f"{how.rest} 怎么办"
        refusal = frozenset(_meaningful(kb, how.rest) & kb.scope.domain_tokens)
        rereads += [Reread(text, frozenset(), refusal, last, swap=True)
                    for text in (" ".join([*topic, grievance]), f"{RULES.swap_domain} {grievance}")]
    return rereads


def after_leaving(kb: KnowledgeBase, how: Reading, previous: str | None) -> list[Reread]:
    """"那社保怎么办", "那我以后自己怎么交呢" after the payer told of leaving a job: how to keep
    paying with no employer, asked as someone with no job; only an entry on flexible employment
    may answer (followups.yaml `left_job`). Tried after `rereadings`, so "那医保怎么办" after
    领失业金 stays the fund paying it (unemployment_medical). Empty for any other question."""
    told, asks, situation, named = RULES.left_job
    rest = RULES.openers.sub("", how.rest)
    if (not previous or not told.search(kb.tokenizer.lexicon.correct(previous))
            or not asks.search(rest) or kb.scope.mentioned_out_of_scope(rest)):
        return []
    return [Reread(f"{situation} {rest}", frozenset(), named)]


def _answered_alone(kb: KnowledgeBase, part: str, previous: str) -> bool:
    """Does a part that keeps the last insurance type ("那如果单位没给交工伤保险呢" after 受了工伤
    多久内要申请认定) say something the last answer knows nothing of (未参工伤) and another entry
    knows all of? Then it is a situation of its own (injury_without_insurance), not the last
    question asked again."""
    alone, last = kb.ask(part), kb.ask(previous)
    if alone.declined or last.declined or alone.entry_id == last.entry_id:
        return False
    words = _meaningful(kb, part)
    return bool(words - _known(kb, last.entry_id)) and words <= _known(kb, alone.entry_id)


def _spouse(kb: KnowledgeBase, rest: str, named: frozenset[str], last: str | None) -> bool:
    """Does `rest` put the payer's spouse in the last question's place, saying nothing else
    or only what the last answer knows (老婆没上班: 未就业配偶 in maternity_benefits)?"""
    if last is None or not any(w in rest for w in RULES.spouses):
        return False
    return not named or bool(named & _known(kb, last))


def _overstep(kb: KnowledgeBase, rest: str, last: str | None) -> bool:
    """Does `rest` ask what happens past the last answer's limit ("超过了", "工资超过了") when
    that answer says so itself (单位未按时申请的…)?"""
    asked, said = RULES.oversteps
    if last is None or not any(w in rest for w in asked):
        return False
    words = _meaningful(kb, rest) - {t for w in asked for t in kb.tokenizer.tokens(w)}
    return words <= _known(kb, last) and any(w in kb.by_id[last].answer for w in said)


def _kinds(text: str) -> tuple[frozenset[str], ...]:
    """The words an entry must know for each aspect kind `text` asks ("网上能办吗": online)."""
    return tuple(known for asked, known in RULES.aspect_kinds if any(w in text for w in asked))


def _swapped(asked: list[str], part_tokens: list[str]) -> list[str] | None:
    """The last question without the word the new part takes the place of (复议 for 起诉),
    or None when the part swaps no word of the last question."""
    for group in RULES.swap_groups:
        new = group & set(part_tokens)
        old = group & set(asked) - new
        if new and old:
            return [t for t in asked if t not in old]
    return None


def _insurance(kb: KnowledgeBase, facet: str) -> str:
    """The name of an insurance type (养老 → 养老保险): the first token listed for it."""
    return next(t for t, f in kb.tokenizer.lexicon.facets.items() if f == facet)


def _about(kb: KnowledgeBase, index: int, reread: Reread) -> bool:
    """Is the entry about the last topic (all its words), what the payer named and every word
    the payer asked with ("公司注册需要多少钱" is not about 灵活就业 however its 多少钱 matches)?
    "那比例呢" asks something else than the last answer."""
    known = kb.retriever.entry_tokens[index]
    return (kb.entries[index].id != reread.other_than and reread.topic <= known
            and reread.own <= known and (not reread.named or bool(reread.named & known))
            and all(kind & known for kind in reread.kinds))


def _answer(kb: KnowledgeBase, reread: Reread) -> KbAnswer | None:
    """The knowledge base's answer to the reread question when it is about the reread's topic;
    None when the best entry is about something else (a runner-up is no safer answer, except
    that entries which cannot answer an aspect kind or a swap are no candidates at all)."""
    eligible = reread.kinds or reread.swap
    answer = kb.decide(_eligible(kb, reread)) if eligible else kb.ask(reread.text)
    if answer.declined or not _about(kb, kb.entries.index(kb.by_id[answer.entry_id]), reread):
        return None
    return answer


def _eligible(kb: KnowledgeBase, reread: Reread) -> Candidates:
    """The reread's candidates among the entries that name each aspect kind it asks ("能不能
    网上办" after 灵活就业 is the entry on paying, which names 微信, not the one on enrolling),
    other than the last answer when the payer asks what changes ("那如果人去世了呢" after
    pension_account is pension_survivor, not the account again) and, for a swap, naming the new
    word ("那起诉呢" is not 复议's time limit again, nor another time limit that names no 起诉)
    and, for a swap, not a special case whose `requires` the reread never names ("那如果是灵活
    就业呢" after an uninsured injury is no 个体户 hiring a clerk: individual_business_employees
    knows 灵活就业 through 个体户, but only for an employer who 雇/请 someone). The words are read
    on the surface: their synonyms are too wide (店 → 单位 would let any 公司 meet it). Nor
    is a swap answered by an entry that knows none of the insurance types the reread names
    (flexible_enrol says nothing of 工伤)."""
    found = kb.candidates(reread.text)
    known = kb.retriever.entry_tokens
    last = kb.by_id.get(reread.other_than)
    text = clean(found.text).replace(" ", "")
    requires = [r.words for r in kb.retriever.entry_requires]
    facets = kb.tokenizer.lexicon.facets_of
    types = facets(kb.tokenizer.tokens(found.text))
    return replace(found, hits=[h for h in found.hits
                                if all(kind & known[h.index] for kind in reread.kinds)
                                and kb.entries[h.index] is not last
                                and (not reread.swap or reread.named & known[h.index]
                                     and _names_any(text, requires[h.index])
                                     and (not types or types & facets(known[h.index])))])


def _names_any(text: str, words: tuple[str, ...]) -> bool:
    """Does `text` name one of an entry's `requires` words (or has it none)?"""
    return not words or any(w in text for w in words)


def _with_scheme(kb: KnowledgeBase, question: str, previous: str,
                 alone: KbAnswer) -> tuple[KbAnswer, str] | None:
    """The answer to a question about paying ("那不交有什么后果", reading "paying") asked after
    one about a scheme with no employer (居民医保, 灵活就业), and the text asked: then it is not
    about an employer's penalty. None when the last question named no such scheme, or the
    scheme changes nothing the rules trust, or the answer alone is about the scheme already;
    a decline alone stays a decline."""
    schemes = [t for t in kb.tokenizer.tokens(previous) if t in RULES.carried_schemes]
    if alone.declined or not schemes:
        return None
    text = kb.tokenizer.lexicon.correct(question or "")
    asked = " ".join([*schemes, text])
    reread = kb.candidates(asked)
    answer = kb.decide(reread)
    answer.question = question
    if answer.declined:  # an aspect no entry answers: 居民不缴 (scope.yaml unanswered)
        new = {w for w, _ in reread.unanswered} - {w for w, _ in kb.candidates(text).unanswered}
        return (answer, asked) if new else None
    if answer.entry_id == alone.entry_id or not set(schemes) <= _known(kb, answer.entry_id):
        return None
    if set(schemes) <= _known(kb, alone.entry_id):
        return None  # "可以补交吗" after 灵活就业: back_payment names 灵活就业 already
    return answer, asked


def _drops_the_type(kb: KnowledgeBase, previous: str, alone: KbAnswer) -> bool:
    """Does the last topic name an insurance type (工伤) that the answer to the new part read
    alone knows nothing of, the part naming no type of its own ("那失业呢" moves the topic)?
    Then that answer is about the part, not the payer's question."""
    facets = kb.tokenizer.lexicon.facets_of
    types = facets(topic_words(kb, previous))
    return (bool(types) and not facets(kb.tokenizer.tokens(alone.question or ""))
            and not types & facets(_known(kb, alone.entry_id)))


def _known(kb: KnowledgeBase, entry_id: str) -> set[str]:
    return kb.retriever.entry_tokens[kb.entries.index(kb.by_id[entry_id])]


@dataclass
class FollowUp:
    """An answer read with the previous question: `asked` is the text the knowledge base was
    asked when the previous topic was used (else None), `topic` what to remember for the next
    question (None: nothing, the payer moved to a topic no entry answers)."""

    answer: KbAnswer
    asked: str | None
    topic: str | None


def ask_after(kb: KnowledgeBase, question: str, previous: str | None) -> FollowUp:
    """The answer to `question` asked after `previous` (the last question answered)."""
    alone = kb.ask(question)
    if not previous:  # nothing to lean on: no need to read how the question is put
        return FollowUp(alone, None, None if alone.declined else question)
    how = reading(kb, question)
    return _not_again(kb, question, how, previous, _ask_after(kb, question, how, previous, alone))


def _not_again(kb: KnowledgeBase, question: str, how: Reading, previous: str,
               found: FollowUp) -> FollowUp:
    """"那在哪里补", "网上能办吗" after back_payment: the last answer word for word again, or
    the citizens' line because the question names no social-insurance word, tells the payer
    nothing. Another entry that names what is asked (where, online, cost) about the last topic
    answers; else a decline that says the statutes leave it open, with the last topic's office
    (12366 for paying), not 12345."""
    kinds = _kinds(_NOISE.sub("", question))
    if not kinds or how.kind == "contrast" or not _bare_aspect(kb, question):
        return found  # a question of its own ("投诉需要交钱吗") keeps its decision
    last = kb.ask(previous)
    answer = found.answer
    if last.declined:
        return found
    again = (not answer.declined and answer.entry_id == last.entry_id
             and not all(kind & _known(kb, last.entry_id) for kind in kinds))
    lost = answer.declined and (answer.out_of_scope or answer.hotline == kb.scope.default_hotline)
    if not (again or lost):
        return found
    rest = RULES.openers.sub("", _NOISE.sub("", question))
    # the last topic as far as its answer knows it ("税务局" told in the question is no word an
    # entry on reconsideration must name)
    topic = [t for t in topic_words(kb, previous) if t in _known(kb, last.entry_id)]
    # then the procedure the last question named alone (行政复议 of 对税务局的决定不服 行政复议
    # 怎么申请): "多久能出结果" is about the procedure, not the office it was against
    procedure = [t for t in topic if any(t in group for group in RULES.swap_groups)]
    other_than = last.entry_id if again else None
    rereads = [Reread(" ".join([*topic, rest]), frozenset(topic), kinds=kinds,
                      other_than=other_than)] if topic else []
    if procedure:
        rereads.append(Reread(" ".join([*procedure, rest]), frozenset(procedure), kinds=kinds,
                              other_than=other_than))
    for reread in rereads:
        other = _answer(kb, reread)
        if other is not None:
            other.question = question
            return FollowUp(other, reread.text, previous)
    return FollowUp(KbAnswer(question=question, hotline=last.hotline, note=RULES.unsettled),
                    None, previous)


def _bare_aspect(kb: KnowledgeBase, question: str) -> bool:
    """Does `question` ask an aspect (where, online, cost, how long) and name nothing else but
    paying ("那在哪里补", "手机上能弄不", "多久能出结果")? "手机坏了去哪修" and "投诉需要交钱吗"
    name things of their own."""
    text = RULES.openers.sub("", _NOISE.sub("", question))
    for word in sorted((w for asked, _ in RULES.aspect_kinds for w in asked), key=len,
                       reverse=True):
        text = text.replace(word, "")
    return (not set(ASKS.sub("", text)) - RULES.bare_chars
            and not kb.scope.mentioned_out_of_scope(question))


def _ask_after(kb: KnowledgeBase, question: str, how: Reading, previous: str,
               alone: KbAnswer) -> FollowUp:
    carried = _with_scheme(kb, question, previous, alone) if how.kind == "paying" else None
    if carried is not None:
        return FollowUp(carried[0], carried[1], previous)
    if not alone.declined and how.kind != "contrast":
        return FollowUp(alone, None, question)
    for reread in [*rereadings(kb, how, previous), *after_leaving(kb, how, previous)]:
        answer = _answer(kb, reread)
        if answer is not None:
            answer.question = question
            # "一个月多少钱" keeps the topic; "那医保呢" moves it to 医保
            return FollowUp(answer, reread.text,
                            reread.text if how.kind == "contrast" else previous)
    if not alone.declined and how.kind == "contrast" and _drops_the_type(kb, previous, alone):
        # "那如果是灵活就业呢" after 哪些情况算工伤: how a flexible worker enrols answers nothing
        # of work injury, and no entry knows both: declined with the last topic's office
        return FollowUp(KbAnswer(question=question, hotline=kb.ask(previous).hotline), None,
                        previous)
    if not alone.declined:
        return FollowUp(alone, None, question)
    # an elliptical question left unanswered keeps the topic; one with its own (公积金) ends it
    return FollowUp(alone, None,
                    previous if how.kind in ("aspect", "contrast", "what_to_do") else None)

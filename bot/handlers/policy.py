"""Policy questions: the knowledge base answers with its source, or declines."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.handlers.base import Context
from bot.handlers.recent import RecentHint, remember_story
from bot.texts import text
from bot.word_patterns import words_regex
from knowledge.answer import KbAnswer
from knowledge.followup import ask_after, reading
from knowledge.multi import ask_each, joint_reply
from knowledge.scope import HOTLINE_LABELS

MENU_WORDS = {"政策咨询", "咨询", "政策", "我要咨询", "问问题"}
WORDS = yaml.safe_load((Path(__file__).resolve().parent / "chat.yaml").read_text("utf-8"))


def _alternation(key: str) -> re.Pattern:
    return words_regex(WORDS[key])


TOPICS = _alternation("policy_topics")
ASKING = _alternation("policy_ask_words")
ANNOUNCE = re.compile(WORDS["announce_matter"])
ANNOUNCE_FILLER = _alternation("announce_filler")
FILING_CUES = _alternation("filing_cues")
FILING_WORRIES = _alternation("filing_worries")
FILING_TERMS = _alternation("filing_cue_terms")
FILING_LEAVE = re.compile(WORDS["filing_leave"])
FILING_HOW = re.compile(WORDS["filing_how"])
FILING_HOW_NOT = re.compile(WORDS["filing_how_not"])
FILING_PROCESS = re.compile(WORDS["filing_process"])
FILING_HELP = re.compile(WORDS["filing_help"])
FILING_REQUEST = re.compile(WORDS["filing_request"])
FILING_DISCLAIMED = re.compile(WORDS["filing_disclaimed"])
FILING_FILLER = _alternation("filing_question_filler")
POLICY_MENU = re.compile(WORDS["policy_menu"])
EMPLOYER_SELF = re.compile(WORDS["employer_self"])
OFFICE_WHO = re.compile(WORDS["office_who"])
CARD_MATTER = re.compile(WORDS["card_matter"])
CARD_MATTER_NOT = re.compile(WORDS["card_matter_not"])
CASE_FACTS = {"employer", "name", "phone", "id_number", "district", "headcount"}
HARM_FACTS = set(WORDS["harm_facts"])
HARM_MORE = re.compile(WORDS["harm_more"])
OWN_CASE = re.compile(WORDS["own_case"])
MATTER_AGAIN = re.compile(WORDS["matter_again"])
GREETING_LEAD = re.compile(WORDS["greeting_lead"], re.IGNORECASE)
CHAT_LOG_LINE = re.compile(WORDS["chat_log_line"])
COMPLAINED_ABOUT = re.compile(WORDS["complained_about"])
COMPLAINED_NEXT = re.compile(WORDS["complained_about_next"])
PRIVACY_QUESTION = re.compile(WORDS["privacy_question"])
MATTER_AGAIN_PLEA = re.compile(WORDS["matter_again_plea"])
ADDRESSEE_UNIT = re.compile(WORDS["addressee_unit"])
RECORD_SHORTFALL = re.compile(WORDS["record_shortfall"])
RECORD_SHORTFALL_NOT = re.compile(WORDS["record_shortfall_not"])
OWN_STAFF = {"employer", "headcount"}
"""What an employer asking about their own staff names without filing about anyone."""
WEAK_FILING = 0.8
"""Below this the classifier is unsure the message is a complaint: a question the knowledge
base declines to a named office ("医保个人账户每个月划多少钱啊", 12393) gets that decline, as
does one that names no harm done ("退休手续去哪办？", 12333) however sure the classifier is,
and an unsure one that names no harm whatever the office ("交通事故…保险公司赔多少")."""
_NOISE = re.compile(r"[\s，。！？,.!?~～…、:：;；\"'“”]")


RECENT = RecentHint("topic", WORDS["policy_followups"]["minutes"])
OFFICE = RecentHint("office", WORDS["policy_followups"]["minutes"])
"""Who handles the other office's matter the payer just told ("老板拖欠工资三个月了"), or
the hotline of a question the knowledge base declined to it, for their "那怎么办呢"."""


def menu_word(message: str | None) -> bool:
    """"政策咨询" as the menu says it or as typed ("政策资询", "我想政策咨询"): a question is
    coming, none is asked yet."""
    message = (message or "").strip()
    return message in MENU_WORDS or bool(POLICY_MENU.match(message))


def follows_up(ctx: Context) -> bool:
    """Does the message lean on this payer's last policy answer ("那去哪里办", "那医保呢")?
    The classifier reads such messages as a greeting or chit-chat; the dispatcher can send
    them here instead."""
    kb = ctx.services.kb
    return (kb is not None and RECENT.get(ctx) is not None
            and reading(kb, (ctx.text or "").strip()).kind != "alone")


def asks_what_to_do(ctx: Context) -> bool:
    """"那怎么办呢", "那我该怎么办" just after a policy answer or a story: what to do about what
    the payer told, which the knowledge base reads with it (not sorrow to comfort)."""
    kb = ctx.services.kb
    return (kb is not None and RECENT.get(ctx) is not None
            and reading(kb, (ctx.text or "").strip()).kind == "what_to_do")


def after_office_matter(ctx: Context) -> str | None:
    """The next step for "那怎么办呢", "咋整", "那我该找谁" just after another office's
    matter: who handles it and how to register the contributions part; None otherwise. The
    knowledge base has no answer to read it with, and the fallback or comfort would ignore
    what was told."""
    said, kb, message = OFFICE.get(ctx), ctx.services.kb, (ctx.text or "").strip()
    if said is None or kb is None or not (OFFICE_WHO.match(message)
                                          or reading(kb, message).kind == "what_to_do"):
        return None
    OFFICE.put(ctx, said)
    return text("office_next_step", said=said)


def forget_office(ctx: Context) -> None:
    """A reply about anything else: the next "那怎么办呢" is no longer about that matter."""
    if OFFICE.kind not in ctx.hints_said:
        OFFICE.put(ctx, None)


def lean_on(ctx: Context, question: str) -> None:
    """The payer's next short question is read after ``question`` (a cancelled form's story
    told what it is about), as if that question had just been answered."""
    RECENT.put(ctx, question)


def forget(ctx: Context) -> None:
    """The payer's message went to another handler ("公积金怎么交" read as chit-chat, a form,
    a progress check): the next short question is no longer about the last answer, unless
    this message set what it leans on (:func:`lean_on`)."""
    if RECENT.kind not in ctx.hints_said:
        RECENT.put(ctx, None)


def ask(ctx: Context, question: str) -> KbAnswer:
    """The knowledge base's answer, read after the payer's last answered question when it
    leans on it; what it was about is kept for the next one. Every handler that answers
    from the knowledge base asks here, or the payer's next "那一年多少钱" is read alone."""
    kb = ctx.services.kb
    followup = ask_after(kb, question, RECENT.get(ctx))
    RECENT.put(ctx, followup.topic)
    ctx.asked_kb = True
    answer = followup.answer
    if answer.declined and answer.hotline not in (None, kb.scope.default_hotline):
        OFFICE.put(ctx, text("declined_next_step", hotline=HOTLINE_LABELS.get(
            answer.hotline, answer.hotline)))  # "养老金今年涨多少", then "那怎么办呢"
    return answer


def vague_topic(question: str) -> str | None:
    """The topic of a question that names nothing but a topic ("社保", "我想问下医保的事"),
    which the knowledge base can only decline; None for a concrete question."""
    bare = _NOISE.sub("", question or "")
    topics = TOPICS.findall(bare)
    if topics and not ASKING.sub("", TOPICS.sub("", bare)):
        return topics[0]
    if ANNOUNCE.search(bare) and not ASKING.sub("", ANNOUNCE_FILLER.sub("", TOPICS.sub("", bare))):
        return topics[0] if topics else ""  # "问个事", "我想问下我们厂社保的事"
    return None


def topic_prompt(topic: str) -> str:
    """The invitation to ask about ``topic``, or to tell the matter when none is named."""
    return text("ask_policy_topic", topic=topic) if topic else text("ask_matter")


def asks_about_filing(ctx: Context) -> bool:
    """"能投诉吗", "可以一起反映吗", "在哪投诉", "投诉有用吗", "你们能帮我吗": the payer asks
    whether, how or to what end to file, which the bot answers instead of starting the form or
    reading it as cancel or a greeting."""
    question, parser = (ctx.text or "").strip(), ctx.services.parser
    if not (FILING_LEAVE.search(question) or FILING_HOW.search(question)
            or FILING_PROCESS.search(question)
            or FILING_HELP.search(question) and not _topic_of(question)):
        return False
    if files_by_asking_how(ctx):
        return False
    return parser is None or parser.is_question(question)


def files_by_asking_how(ctx: Context) -> bool:
    """"老板不给交社保 怎么投诉", "厂里欠了我半年社保 在哪反映": how to complain asked beside a harm
    done to the payer is the wish to complain, so the form starts with the story."""
    question, parser = (ctx.text or "").strip(), ctx.services.parser
    return (parser is not None and bool(FILING_HOW.search(question))
            and not FILING_LEAVE.search(question) and not FILING_HOW_NOT.search(question)
            and names_harm(parser, question))


def asks_to_file(message: str) -> bool:
    """"能帮我登记一下吗", "我想登记一下可以吗": a polite request to file, not a question."""
    return bool(FILING_REQUEST.search((message or "").strip()))


def disclaims_filing(message: str) -> bool:
    """"我不是要投诉 只是想了解一下缴费基数", "不是投诉 就是问问": the payer only asks."""
    return bool(FILING_DISCLAIMED.search(message or ""))


def _only_asking(ctx: Context) -> list[str]:
    """The knowledge base's answer to a payer who says they are not filing, else the prompt
    for their question; never the offer to file they just turned down."""
    answer = ask(ctx, ctx.text.strip())
    return [answer.reply_text() if not answer.declined else text("ask_policy_prompt")]


def _topic_of(question: str) -> str:
    """What a question about filing is about, once the words of asking to file are gone."""
    return ASKING.sub("", FILING_FILLER.sub("", _NOISE.sub("", question)))


def _filing_cues(question: str) -> bool:
    """Does the payer ask for action? A cue inside a question about filing ("能不能投诉",
    "家属要求认定工伤，可以吗"), inside a procedure's name (社保登记) or done to the one who
    writes ("我们公司被员工投诉了") asks for nothing."""
    rest = COMPLAINED_ABOUT.sub("，", FILING_TERMS.sub("", question))
    for pattern in (FILING_LEAVE, FILING_HOW, FILING_PROCESS, FILING_DISCLAIMED):
        rest = pattern.sub("，", rest)
    return bool(FILING_CUES.search(rest))


def filing_reply(ctx: Context) -> list[str]:
    """What a question about filing is about ("单位不给交社保能投诉吗") is answered by the
    knowledge base with the offer to register; a bare one ("可以投诉吗", or one the knowledge
    base cannot answer) gets how to file here and what is needed."""
    kb, question = ctx.services.kb, (ctx.text or "").strip()
    if _topic_of(question):
        answer = kb.ask(question)
        _keep_topic(ctx, question, answer)
        if not answer.declined or answer.hotline not in (None, kb.scope.default_hotline):
            reply = answer.reply_text()
            return [reply if answer.declined or "反映问题" in reply
                    else reply + "\n" + text("policy_can_file")]
    return [_how_to_file(kb, question)]


def _keep_topic(ctx: Context, question: str, answer: KbAnswer) -> None:
    """A question about filing answered from its own words ("…现在我要辞职了 能不能要求赔偿")
    is still the topic the payer's next "那怎么办呢" leans on."""
    if not answer.declined:
        RECENT.put(ctx, question)
        ctx.asked_kb = True


def _how_to_file(kb, question: str, keys: list[str] | None = None) -> str:
    entries = [kb.by_id[key] for key in keys or WORDS["filing_answer_entries"]]
    sources = list(dict.fromkeys(e.source for e in entries if e.source))
    return KbAnswer(question=question, answer="\n".join(e.answer for e in entries),
                    source="；".join(sources), declined=False).reply_text()


def other_office_reply(ctx: Context, said: str) -> list[str]:
    """Another office's matter ("劳动仲裁要交钱吗", "老板拖欠工资三个月了"): the knowledge
    base's answer where it has one (its topic kept for "去哪申请"), else ``said`` (who handles
    it); either way with the offer to register what is about contributions."""
    answer = ask(ctx, (ctx.text or "").strip()) if ctx.services.kb is not None else None
    OFFICE.put(ctx, said)
    if answer is None or answer.declined:
        return [said]
    reply = answer.reply_text()
    return [reply if "反映问题" in reply else reply + "\n" + text("contributions_offer")]


def card_matter(message: str | None) -> bool:
    """"我的社保卡丢了", "补办医保卡": the card is a service of its office, not a contribution
    dispute, unless the message also says contributions are unpaid ("社保卡里查不到缴费记录")."""
    message = message or ""
    return bool(CARD_MATTER.search(message)) and not CARD_MATTER_NOT.search(message)


def card_reply(answer: KbAnswer) -> list[str] | None:
    """The knowledge base's decline, which names the card's hotline, with the offer to register
    the contributions part; None when it answers the question itself."""
    if not answer.declined:
        return None
    return [answer.reply_text() + "\n" + text("contributions_offer")]


def own_record_reply(ctx: Context) -> str:
    """This account sees no one's record: said first, then where records are looked up."""
    answer = _how_to_file(ctx.services.kb, (ctx.text or "").strip(), [WORDS["own_record_entry"]])
    return text("own_record") + "\n" + answer + "\n" + text("own_record_offer")


def entry_answer(ctx: Context, entry: str) -> str:
    """One knowledge-base entry's answer with its source, for the question just asked."""
    return _how_to_file(ctx.services.kb, (ctx.text or "").strip(), [entry])


def materials_reply(ctx: Context) -> str:
    """What is registered and what material helps, for "需要准备什么资料" asked before filing."""
    return _how_to_file(ctx.services.kb, (ctx.text or "").strip(), [WORDS["materials_entry"]])


async def ask_policy(ctx: Context) -> list[str]:
    question = ctx.text.strip()
    if not question or menu_word(question) or ctx.services.kb is None:
        return [text("ask_policy_prompt")]
    if asks_about_filing(ctx):
        return filing_reply(ctx)
    if disclaims_filing(question):
        return _only_asking(ctx)
    card = ask(ctx, question) if card_matter(question) else None
    if card is not None and card.declined:
        return card_reply(card)
    topic = vague_topic(question)  # "医保呢" right after an answer is no bare topic
    answer = (card or ask(ctx, question)) if topic is None or follows_up(ctx) else None
    if answer is None or answer.declined and topic is not None:
        return [topic_prompt(topic)]
    if answer.declined and PRIVACY_QUESTION.search(question):
        return [_how_to_file(ctx.services.kb, question, [WORDS["privacy_entry"]])]
    each = ask_each(ctx.services.kb, question)
    if each:
        return [joint_reply(each)]  # "滞纳金怎么算 另外不办登记怎么罚": both answered
    reply = answer.reply_text()
    parser = ctx.services.parser
    if parser is not None and names_harm(parser, question):
        remember_story(ctx)  # "老板说我们是临时工不用交社保 是真的吗" may lead to "那我要告他"
    if _unanswered_grievance(ctx, answer, reply):
        return [reply + "\n" + text("policy_can_file")]
    return [reply]


def _unanswered_grievance(ctx: Context, answer: KbAnswer, reply: str) -> bool:
    """"拖欠工资还不交社保怎么办": a social-insurance harm the knowledge base cannot answer is
    still registered here (首问责任制), not only sent to a hotline."""
    parser = ctx.services.parser
    return (answer.declined and not answer.out_of_scope and "反映问题" not in reply
            and parser is not None and names_harm(parser, answer.question))


UNSURE_FILING_MATTER = words_regex(WORDS["unsure_filing_matter_words"])


def no_grievance(ctx: Context) -> bool:
    """"我是在广州退休的 现在住增城": a filing the classifier hardly believes, of no category,
    that names nothing done to the payer and no fact but where or when, is no matter to
    register (the form's menu of categories would answer nothing the payer said)."""
    nlu, parser = ctx.nlu, ctx.services.parser
    read = ctx.no_grievance_read
    if read is not None and read[0] is nlu and read[1] == ctx.text:
        return read[2]
    found = (nlu is not None and parser is not None and nlu.intent == "file_dispute"
            and nlu.intent_confidence < WORDS["unsure_filing_confidence"]
            and nlu.category in (None, "other")
            and all(e.type in WORDS["unsure_filing_entities"] for e in nlu.entities)
            and not UNSURE_FILING_MATTER.search(ctx.text or "")
            and not names_harm(parser, ctx.text) and not parser.reproaches(ctx.text))
    ctx.no_grievance_read = (nlu, ctx.text, found)
    return found


def names_harm(parser, message: str) -> bool:
    """Does the message say something was done to the payer, in the classifier's grievance
    words or the colloquial ones it misses (没有给我们交, 按最低基数给我交的, 查不到缴费记录)?"""
    return parser.names_harm(message) or bool(HARM_MORE.search(message))


def matter_again(ctx: Context) -> tuple[str | None, float]:
    """The category (and the classifier's confidence in it) of a harm told again and asked about ("公司又没交社保了。。怎么办") by a
    payer who has cases, which may be one of them: the caller offers it as a supplement when
    a case of that category is open. (None, 0) for anything else."""
    parser, snapshot, message = ctx.services.parser, ctx.snapshot, (ctx.text or "").strip()
    if (parser is None or snapshot is None or not snapshot.cases or snapshot.in_form
            or not MATTER_AGAIN.search(message) or not MATTER_AGAIN_PLEA.search(message)
            or not names_harm(parser, message)):
        return None, 0.0
    return parser.category(message)


def _case_facts(parser, question: str) -> set[str]:
    """The entity types that make a message the facts of a case: an employer's own staff are
    none; when and how much are only beside a harm done to the payer."""
    facts = CASE_FACTS - OWN_STAFF if EMPLOYER_SELF.search(question) else CASE_FACTS
    if OWN_CASE.search(question) and names_harm(parser, question):
        facts = facts | HARM_FACTS
    return facts


def _no_case_fact(entity) -> bool:
    """"干了五年" (P60M) says how long, not when: no date of a case ("从去年5月开始" is);
    "各用人单位" is whom a pasted notice addresses, not the payer's employer."""
    if entity.type == "employer":
        return bool(ADDRESSEE_UNIT.match(str(entity.value)))
    return entity.type == "period" and str(entity.value).startswith("P")


def without_greeting(message: str) -> str:
    """The message without the greeting before it ("在吗？？我们厂老板…" is "我们厂老板…")."""
    rest = GREETING_LEAD.sub("", message or "", count=1)
    return rest if rest.strip() else message or ""


def pasted_chat_log(message: str) -> bool:
    """Lines of who said what ("HR：社保先停一下\n我：那什么时候补？"): a pasted chat log."""
    return len(CHAT_LOG_LINE.findall(message or "")) >= WORDS["chat_log_min_lines"]


def reports_shortfall(question: str) -> bool:
    """"累计交了16年 怎么系统只显示13年", "为啥少了两年的记录": the payer's own record is short,
    a records dispute however it is asked; "怎么查缴费年限", "如果只交了10年呢" only ask."""
    return bool(RECORD_SHORTFALL.search(question)) and not RECORD_SHORTFALL_NOT.search(question)


def answer_instead_of_filing(ctx: Context) -> list[str] | None:
    """The knowledge base's answer, with the offer to register, for a question the classifier
    took for a complaint; None when the payer asks for action (unless only worried about what
    filing brings), gives facts of a case, or no entry answers it (unless the office is known
    and the classifier unsure or no harm named, or the classifier unsure and no harm named:
    "交通事故对方全责，保险公司赔多少")."""
    kb, parser, nlu = ctx.services.kb, ctx.services.parser, ctx.nlu
    question = (ctx.text or "").strip()
    if kb is None or parser is None or files_by_asking_how(ctx) or parser.reproaches(question):
        return None  # "怎么投诉" beside a harm, "咋一直莫得交嘛": the payer complains
    if _filing_cues(question) and not FILING_WORRIES.search(question):
        return None
    if card_matter(question):
        replies = card_reply(ask(ctx, question))  # "我的社保卡丢了" is no case to register
        if replies is not None:
            return replies
    topic = vague_topic(question)
    if topic is not None:
        return [topic_prompt(topic)]  # "医保" names no grievance
    if nlu is not None and (nlu.severity == "major"
                            or any(e.type in _case_facts(parser, question)
                                   and not _no_case_fact(e) for e in nlu.entities)):
        return None  # an employer, a name, a phone, a headcount: the payer is filing
    if disclaims_filing(question):
        return _only_asking(ctx)
    if (not parser.is_question(without_greeting(question)) or reports_shortfall(question)
            or pasted_chat_log(question)):
        return None  # a story, its 在吗 or the questions of a pasted chat log aside
    if COMPLAINED_ABOUT.search(question) and COMPLAINED_NEXT.search(question):
        return [_how_to_file(kb, question, WORDS["complained_about_entries"])]  # the employer
    if asks_about_filing(ctx):
        return filing_reply(ctx)
    answer = ask(ctx, question)
    unsure = nlu is not None and nlu.intent_confidence < WEAK_FILING
    office = answer.hotline not in (None, kb.scope.default_hotline)
    harmless = not names_harm(parser, question)
    if answer.declined and not (office and (unsure or harmless) or unsure and harmless):
        return None
    each = ask_each(kb, question)
    if each:
        return [joint_reply(each) + "\n" + text("policy_can_file")]
    reply = answer.reply_text()
    if answer.declined or "反映问题" in reply:
        return [reply]  # an office to call is the whole answer to "退休手续去哪办"
    return [reply + "\n" + text("policy_can_file")]

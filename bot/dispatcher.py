"""One entry point for every inbound message: serialise per payer, run NLU once, and pick
the handler — an active dialogue first, then the intent."""
from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from bot.handlers import (
    errands,
    events,
    media,
    open_case,
    policy,
    progress,
    relatives,
    smalltalk,
)
from bot.handlers import risk as risk_alerts
from bot.handlers.answers import is_courtesy
from bot.handlers.base import Context, Services
from bot.handlers.recent import RecentHint
from bot.inbound import Inbound
from bot.metrics import observe_message
from bot.store.case_reads import cases_of
from bot.store.payers import touch_payer
from bot.store.snapshot import SNAPSHOTS, payer_snapshot
from bot.texts import text
from routing.cases import CLOSED_STATUSES

Handler = Callable[[Context], Awaitable[list[str]]]
MIN_INTENT_CONFIDENCE = 0.4
SURE = 0.9
CLAUSES = re.compile(r"[\s，,。.！!？?~～…、;；]+")
MENU = RecentHint("menu", 30)
"""A numbered menu (1 反映问题, 2 政策咨询, 3 进度) the payer was shown and has not answered
otherwise: a bare "3" then picks its line."""
MENU_TEXTS = ("fallback", "help", "welcome", "bare_number")
AHEAD_KEPT = 1000
"""Snapshots read beside claims and not yet taken, at most (:meth:`Dispatcher.prepare`)."""


@functools.cache
def _menu_lines() -> tuple[str, ...]:
    """The line 3. of each numbered menu, by which a reply is known to show one."""
    return tuple(next(line.strip() for line in text(key, number="").splitlines()
                      if line.strip().startswith("3.")) for key in MENU_TEXTS)


log = logging.getLogger("disputebot.messages")


def _counted(inbound: Inbound, intent: str | None = None) -> None:
    """Count the message and log it as one line (payer hashed by the log formatter, no
    text): the operator can follow a payer's messages without reading what they wrote."""
    observe_message(inbound.kind, intent)
    log.info("message", extra={"openid": inbound.openid, "kind": inbound.kind,
                               "intent": intent or "none"})


def _seen(future: asyncio.Future) -> None:
    """A snapshot read nobody awaits (its message was a duplicate) must not log its failure
    as never retrieved."""
    if not future.cancelled():
        future.exception()


class PayerLocks:
    """An asyncio lock per payer that disappears when nobody holds or waits for it."""

    def __init__(self):
        self._locks: dict[str, list] = {}

    def for_payer(self, openid: str) -> _Held:
        return _Held(self._locks, openid)

    def busy(self, openid: str) -> bool:
        """Someone holds or waits for this payer's lock."""
        return openid in self._locks


class _Held:
    def __init__(self, locks: dict, openid: str):
        self._locks, self._openid = locks, openid

    async def __aenter__(self):
        entry = self._locks.setdefault(self._openid, [asyncio.Lock(), 0])
        entry[1] += 1
        await entry[0].acquire()

    async def __aexit__(self, *exc):
        entry = self._locks[self._openid]
        entry[0].release()
        entry[1] -= 1
        if entry[1] == 0:
            del self._locks[self._openid]


class Dispatcher:
    def __init__(self, services: Services, intents: dict[str, Handler] | None = None,
                 dialogues: list[Handler] = (), on_image: Handler | None = None):
        self.services = services
        self._intents = {"greet": smalltalk.greet, **(intents or {})}
        self._dialogues = list(dialogues)
        self._on_image = on_image
        self._locks = PayerLocks()
        self._ahead: OrderedDict[str, tuple[str, asyncio.Future | None]] = OrderedDict()

    def parse(self, text: str):
        parser = self.services.parser
        return parser.parse(text) if parser is not None else None

    def prepare(self, inbound: Inbound) -> None:
        """Queue the payer's contact and, for a text, their snapshot beside the message's
        claim (the gateway calls this just before it): the snapshot read was a batch of its
        own, one of three a message. Read only when no message of the payer is being
        handled here; :meth:`handle` takes it only if no other message of the payer took
        the lock since (any other takes it away), so it holds their writes."""
        batch = self.services.batch
        touch_payer(batch, inbound)
        snapshot = None
        if inbound.kind in ("text", "voice") and inbound.text is not None \
                and not self._locks.busy(inbound.openid):
            snapshot = batch.submit(SNAPSHOTS, inbound.openid)
            snapshot.add_done_callback(_seen)
        self._ahead.pop(inbound.openid, None)
        self._ahead[inbound.openid] = (inbound.dedup_key, snapshot)
        while len(self._ahead) > AHEAD_KEPT:  # claims that found a duplicate never use theirs
            self._ahead.popitem(last=False)

    async def handle(self, inbound: Inbound) -> list[str]:
        async with self._locks.for_payer(inbound.openid):
            ahead = self._ahead.pop(inbound.openid, None)
            if ahead is None or ahead[0] != inbound.dedup_key:
                ahead = None
                touch_payer(self.services.batch, inbound)
            return await self._handle(inbound, ahead[1] if ahead is not None else None)

    async def _handle(self, inbound: Inbound, snapshot: asyncio.Future | None = None
                      ) -> list[str]:
        """``snapshot``: the payer's, read beside the claim (:meth:`prepare`)."""
        ctx = Context(inbound=inbound, services=self.services)
        if inbound.kind == "event":
            intent = events.menu_intent(inbound.event, inbound.event_key)
            _counted(inbound, intent or inbound.event)
            if intent is None:
                replies = await events.welcome_back(ctx, events.event_reply(inbound.event))
            else:
                replies = await self._by_intent(ctx, intent)
            self._menu_shown(ctx, replies)
            return await self._form_goes_on(ctx, replies) if intent != "file_dispute" else replies
        if inbound.kind not in ("text", "voice") or inbound.text is None:
            _counted(inbound)
        if inbound.kind == "image":
            replies = await self._on_image(ctx) if self._on_image is not None else None
            if replies is None:
                replies = await open_case.image_for_open_case(ctx)
            return replies if replies is not None else media.image_kept_by_none(ctx)
        if inbound.kind == "voice" and inbound.text is None:
            return await self._unheard_voice(ctx)
        if inbound.text is None or inbound.kind not in ("text", "voice") and not (
                inbound.kind == "location" and await media.in_form(ctx)):
            return await media.media_for_case(ctx)
        # Read once for every handler: "跳過" skips, "gongsi没交shebao" is 公司没交社保.
        parser = self.services.parser
        ctx.text = smalltalk.without_repeats(smalltalk.without_forward_header(
            parser.simplified(inbound.text) if parser is not None else inbound.text))
        ctx.nlu = self._without_courtesy(self.parse(ctx.text), ctx.text)
        ctx.snapshot = await (snapshot if snapshot is not None
                              else payer_snapshot(self.services.batch, inbound.openid))
        if inbound.kind != "location":  # counted above, as media
            _counted(inbound, ctx.nlu.intent if ctx.nlu else None)
        risk = smalltalk.at_risk(ctx.text)
        replies = await self._answer(ctx, risk)
        if ctx.asked_kb and not (ctx.snapshot is not None and ctx.snapshot.in_form):
            replies = smalltalk.outside_city_told(ctx, smalltalk.office_told_beside(ctx, replies))
        replies = await self._heed(ctx, risk, self._calm(ctx, replies))
        if not ctx.asked_kb:
            policy.forget(ctx)
        policy.forget_office(ctx)
        self._menu_shown(ctx, replies)
        return replies

    @staticmethod
    def _menu_shown(ctx: Context, replies: list[str]) -> None:
        """Remember whether this reply holds a numbered menu (its line 3.); any other reply
        ends it."""
        shown = any(line in reply for line in _menu_lines() for reply in replies)
        MENU.put(ctx, "1" if shown else None)

    async def _answer(self, ctx: Context, risk: str | None) -> list[str]:
        """``risk``: the reply key of :func:`smalltalk.at_risk` for this message."""
        in_form = ctx.snapshot is not None and ctx.snapshot.in_form
        if risk is not None and not smalltalk.tells_facts(ctx):
            return [text(risk)]  # "不想活了", "我去税务局砍人": a person before any form
        if media.placeholder(ctx.text):
            return await media.media_for_case(ctx, "unknown")  # a sticker WeChat cannot show
        if not in_form and smalltalk.pasted_notice(ctx.text):
            return [text("pasted_notice")]
        if not in_form and smalltalk.junk(ctx):
            return [text("junk") + "\n" + text("junk_hint")]  # a form repeats its question
        step = None if in_form else policy.after_office_matter(ctx)
        if step is not None:
            return [step]  # "那怎么办呢" after "老板拖欠工资三个月了": who handles it
        if not in_form and smalltalk.sad(ctx):
            return await smalltalk.comfort(ctx)  # "😭", "呜呜呜" are no information for a case
        if not in_form and ctx.services.kb is not None:
            found = errands.errand(ctx.text)
            if found is not None:  # "帮我打印一份缴费证明" was filed beside the open case
                reply = [errands.errand_reply(ctx, found)]
                has_cases = ctx.snapshot is not None and ctx.snapshot.cases
                if errands.asks_progress_too(ctx.text) and has_cases:
                    return await progress.progress(ctx) + reply
                return reply
        if not in_form and not (ctx.snapshot is not None and open_case.awaited(ctx.snapshot)):
            replies = await relatives.relative_progress(ctx)  # "帮我妈查一下进度": never whose
            if replies is not None:
                return replies
        replies = await open_case.about_open_case(ctx)  # before a liaison's request takes it
        if replies is not None:
            return replies
        if not in_form and smalltalk.tried_elsewhere(ctx):
            return [text("tried_elsewhere")]
        if not in_form and smalltalk.chases_without_case(ctx):
            return [text("chase_without_case")]
        if not in_form and smalltalk.asks_for_office(ctx) and not (
                ctx.nlu is not None and self._follows_up(ctx)):
            return [text("office_info")]
        if not in_form and not (ctx.snapshot is not None and ctx.snapshot.cases) \
                and smalltalk.only_anger(ctx):
            return [text("anger_calm")]  # "你们等着，我明天去闹" read as a filing: nothing to file
        if not in_form:
            replies = self._first_contact(ctx)
            if replies is not None:
                return replies
            if await self._open_matter_again(ctx):
                return await self._by_intent(ctx, "file_dispute")
        for dialogue in self._dialogues if ctx.nlu is not None else ():
            replies = await dialogue(ctx)
            if replies is not None:
                return replies
        choice = None if in_form else smalltalk.menu_choice(ctx.text)
        if choice is not None and self._stray_progress_number(ctx, choice[0]):
            return [text("bare_number", number=unicodedata.normalize("NFKC", ctx.text).strip(
                " 。.!！"))]
        if choice is not None:
            intent, ctx.text = choice  # "1" after the numbered "没太明白" menu
            return await self._by_intent(ctx, intent)
        if smalltalk.only_anger(ctx):
            return [text("anger_calm")]
        if smalltalk.announces(ctx):
            return [text("more_to_say")]
        return await self._by_intent(ctx, self._confident_intent(ctx))

    @staticmethod
    def _first_contact(ctx: Context) -> list[str] | None:
        """Outside a form, what the classifier would file or send to the knowledge base but a
        first office answers itself: who runs this account ("你们是哪个部门的") or what it
        does ("这个咋弄"), another office's matter ("老板拖欠工资三个月了": who handles it,
        and the contributions part offered), material offered with no case to add it to ("我还有
        工资流水要补充": the knowledge base declines it) or words about a picture ("这是工资条":
        how it becomes evidence)."""
        if smalltalk.asks_identity(ctx):
            return smalltalk.identity_reply()
        if smalltalk.staff_writes(ctx):
            return [text("staff_writes")]  # "我是人社局的 怎么处理推过来的件" got an appeal answer
        if (smalltalk.asks_if_bot(ctx.text) and not smalltalk.tells_facts(ctx)
                and not smalltalk.asks_for_person(ctx.text, ctx.nlu)):
            return [text("bot_identity")]  # "是不是AI回复的" read as a progress check
        if smalltalk.asks_abilities(ctx):
            return [text("help")]  # "俺想问问这个咋弄" was declined as outside social insurance
        if smalltalk.asks_own_record(ctx.text) and ctx.services.kb is not None:
            return [policy.own_record_reply(ctx)]  # "帮我看看我社保交了几年" started a form
        if smalltalk.benefit_payment(ctx.text):
            return [text("benefit_payment")]  # "养老金怎么还没发" got the fifteen years
        key = smalltalk.office_matter(ctx)
        if key is not None:
            return policy.other_office_reply(ctx, text(key))
        kb = ctx.services.kb
        if kb is not None and kb.scope.offers_material(ctx.text) and not (
                ctx.snapshot is not None and ctx.snapshot.cases):
            return [text("material_offer")]  # "我还有工资流水要补充": no case to add it to yet
        if ctx.nlu is not None and Dispatcher._follows_up(ctx):
            return None  # "要带什么材料" after "社保重复交了怎么退" is about refunds
        if ctx.snapshot is not None and open_case.awaited(ctx.snapshot):
            return None  # "工资条" a liaison asked for: the answer, not words about a picture
        if smalltalk.bare_salary_slip(ctx):
            return [text("slip_pasted")]  # its numbers filed as a case
        if smalltalk.asks_materials(ctx.text) and ctx.services.kb is not None:
            return [policy.materials_reply(ctx)]  # "需要准备什么资料" declined as out of scope
        key = smalltalk.about_material(ctx)
        return [text(key)] if key is not None else None

    async def _open_matter_again(self, ctx: Context) -> bool:
        """"公司又没交社保了。。怎么办" from a payer whose case of that category is open: the
        same matter asked about again, which the form offers to add to that case (as it does
        "还是那个社保没交的事"), not a policy question; the message is read as a filing."""
        category, confidence = policy.matter_again(ctx)
        if (category is None or ctx.nlu is None or ctx.snapshot.case_waiting
                or ctx.nlu.intent == "check_progress"):
            return False  # "之前反映的那个事 还是没解决 怎么搞" asks after the case: its progress
        if not any(case.category == category and case.status not in CLOSED_STATUSES
                   for case in await cases_of(self.services.batch, ctx.inbound.openid)):
            return False
        ctx.nlu = dataclasses.replace(ctx.nlu, intent="file_dispute", category=category,
                                      category_confidence=confidence)
        return True

    def _without_courtesy(self, nlu, message: str):
        """"进度，麻烦了", "进度，谢谢": thanks or a greeting beside a short request drowns it
        for the classifier (a progress check at 0.58 answered like a policy question); the
        request without them decides the intent when it is sure of it."""
        if nlu is None or nlu.intent_confidence >= SURE:
            return nlu  # sure already: the clauses need not be read
        clauses = [c for c in CLAUSES.split(message or "") if c]
        kept = [c for c in clauses if not is_courtesy(c)]
        if not kept or len(kept) == len(clauses):
            return nlu
        bare = self.parse("，".join(kept))
        if bare is None or bare.intent_confidence < SURE:
            return nlu
        return dataclasses.replace(
            nlu, intent=bare.intent, intent_confidence=bare.intent_confidence,
            category=bare.category, category_confidence=bare.category_confidence)

    async def _form_goes_on(self, ctx: Context, replies: list[str]) -> list[str]:
        """A re-follow or a menu click in the middle of a filing: its reply, then the form's
        question, so the payer knows the answers so far are kept and what comes next."""
        if not replies:
            return replies
        snapshot = ctx.snapshot or await payer_snapshot(self.services.batch, ctx.inbound.openid)
        if not snapshot.in_form:
            return replies
        return [*replies[:-1], replies[-1] + "\n\n" + media.form_going_on(ctx, snapshot.state)]

    async def _unheard_voice(self, ctx: Context) -> list[str]:
        """A voice message WeChat could not turn into text: the dialogue it falls into (a
        liaison waiting for information, a form) keeps it or repeats its question, so the
        payer knows what to do next; otherwise the payer is asked to type."""
        ctx.text, ctx.nlu = "", self.parse("")
        ctx.snapshot = await payer_snapshot(self.services.batch, ctx.inbound.openid)
        for dialogue in self._dialogues if ctx.nlu is not None else ():
            replies = await dialogue(ctx)
            if replies is not None:
                return replies
        return media.media_reply("voice")

    @staticmethod
    async def _heed(ctx: Context, risk: str | None, replies: list[str]) -> list[str]:
        """Words of harming oneself or others are met first with a calm reply and a person
        offered, and reach the liaison of the payer's open case; a message that also tells
        the case ("…中新镇鑫达五金厂，有人说要跳楼") is still registered after it."""
        if risk is None:
            return replies
        await risk_alerts.tell_liaison(ctx, risk)
        if replies and replies[0].startswith(text(risk)):
            return replies
        return [text(risk) + ("\n\n" + replies[0] if replies else ""), *replies[1:]]

    @staticmethod
    def _calm(ctx: Context, replies: list[str]) -> list[str]:
        """An angry payer hears an apology first, whatever else the reply does."""
        if not replies or not smalltalk.angry(ctx.text):
            return replies
        first = replies[0]
        if any(first.startswith(text(key).splitlines()[0][:8])
               for key in ("anger_ack", "anger_calm", "anger_in_form", "tried_elsewhere",
                           "distress", "threat_calm")):
            return replies
        return [text("anger_ack") + "\n" + first, *replies[1:]]

    @staticmethod
    def _follows_up(ctx: Context) -> bool:
        """A question leaning on the last policy answer, unless it names a case or may be
        about the payer's own case."""
        nlu = ctx.nlu
        own_cases = ctx.snapshot is not None and ctx.snapshot.cases
        return (policy.follows_up(ctx) and nlu.entity("case_no") is None
                and not (nlu.intent == "check_progress" and own_cases))

    @staticmethod
    def _stray_progress_number(ctx: Context, intent: str) -> bool:
        """A bare "3" from a payer with no case and no menu shown: no progress check ("您还没有
        登记过事项" answers nothing they asked), but a number to ask about."""
        return (intent == "check_progress" and MENU.get(ctx) is None
                and not (ctx.snapshot is not None and ctx.snapshot.cases))

    @staticmethod
    def _confident_intent(ctx: Context) -> str:
        """A guess the classifier hardly believes ("老婆生孩子我能休几天陪产假啊" as a progress
        check at 0.29) goes to the catch-all, which asks the knowledge base before giving up;
        so does a cancel reading without a cancel wish. A question about filing is answered."""
        nlu = ctx.nlu
        if nlu is not None and policy.asks_to_file(ctx.text):
            return "file_dispute"  # "能帮我登记一下吗", "你好 我想反映个问题"
        if nlu is not None and policy.files_by_asking_how(ctx):
            ctx.nlu = dataclasses.replace(nlu, intent="file_dispute")  # the form reads it
            return "file_dispute"  # "老板不给交社保 怎么投诉": the payer means to complain
        if nlu is not None and policy.menu_word(ctx.text):
            return "ask_policy"  # "政策资询" read as a greeting
        if nlu is not None and Dispatcher._follows_up(ctx):
            return "ask_policy"  # "那医保呢" read as a greeting, "多久出结果" as progress
        if Dispatcher._asks_about_filing(ctx) or Dispatcher._only_asks(ctx):
            return "ask_policy"  # "能投诉吗" read as a greeting, a progress check or cancel
        if Dispatcher._new_matter(ctx):
            return "file_dispute"  # "我还要反映另外一件事" read as a progress check
        if nlu is not None and nlu.intent == "ask_policy" and policy.reports_shortfall(ctx.text):
            ctx.nlu = dataclasses.replace(nlu, intent="file_dispute")  # the form reads it
            return "file_dispute"  # "交了十年了，怎么网上一查才7年？": the record is short
        if nlu is not None and nlu.intent == "cancel":
            return "cancel" if smalltalk.for_cancel(ctx.text) else "other"
        if (nlu is not None and nlu.intent == "check_progress" and smalltalk.nudges(ctx.text)
                and not (ctx.snapshot is not None and ctx.snapshot.cases)):
            return "other"  # "怎么不回我" with no case to chase is said to this chat
        if nlu is None or nlu.intent_confidence < MIN_INTENT_CONFIDENCE or policy.no_grievance(ctx):
            return "other"
        kb = ctx.services.kb
        if (nlu.intent == "check_progress" and nlu.intent_confidence < SURE
                and not nlu.entity("case_no") and kb is not None
                and Dispatcher._kb_answers_instead(ctx, kb.ask(ctx.text))):
            return "ask_policy"  # "工伤保险能给家里赔啥啊" asks about benefits, not a case
        return nlu.intent

    @staticmethod
    def _kb_answers_instead(ctx: Context, answer) -> bool:
        """The knowledge base answers a doubtful progress reading, unless its answer is "回复
        进度即可查看" to a payer who has cases ("查一下进度 我身份证后四位是0001"): the
        cases themselves answer that."""
        if answer.declined:
            return False
        has_cases = ctx.snapshot is not None and ctx.snapshot.cases
        return not (has_cases and answer.entry_id in policy.WORDS["progress_entries"])

    @staticmethod
    def _asks_about_filing(ctx: Context) -> bool:
        """"能投诉吗", "投诉有没有用啊": answered, unless it may be about the payer's own case
        (a case number, or a progress reading from a payer who has cases)."""
        nlu, snapshot = ctx.nlu, ctx.snapshot
        if nlu is None or not policy.asks_about_filing(ctx):
            return False
        own_case = nlu.entity("case_no") or snapshot is not None and snapshot.cases
        return not (nlu.intent == "check_progress" and own_case)

    @staticmethod
    def _new_matter(ctx: Context) -> bool:
        """Another matter announced by a payer who has a case is no progress check."""
        nlu, parser = ctx.nlu, ctx.services.parser
        return (nlu is not None and parser is not None and nlu.intent == "check_progress"
                and not nlu.entity("case_no") and parser.opens_new_matter(ctx.text))

    @staticmethod
    def _only_asks(ctx: Context) -> bool:
        """"不是投诉 就是问问": no complaint, a question; "先不投诉 我再考虑考虑" is a cancel."""
        nlu = ctx.nlu
        if nlu is None or not policy.disclaims_filing(ctx.text):
            return False
        return not (nlu.intent == "cancel" and smalltalk.for_cancel(ctx.text))

    async def _by_intent(self, ctx: Context, intent: str) -> list[str]:
        handler = self._intents.get(intent, smalltalk.fallback)
        return await handler(ctx)

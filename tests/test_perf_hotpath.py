"""Shortcuts on the per-message path give the answers of the long way: the knowledge base's
rewrite and keyword indexes, the classifier's memo and plain-Python softmax, the memoised
readings of a reply, the parser's text-only readings, the gateway's cipher and control check,
its envelope reading and reply XML, the plain dialogue state and the remembered metric series;
registration and supplements written with Core statements write the rows the ORM way wrote
(and leave the objects a flush left), the 进度 list's wish read skips only what cannot change
its answer, and the selects built once find what selects built per call find."""
from __future__ import annotations

import json
import math
import re
from itertools import repeat
from pathlib import Path

import numpy as np
import pytest

from bot.nlu import load_parser
from bot.nlu.classifier import train
from knowledge import load_kb
from knowledge.textnorm import _needed_chars, clean

DATA = Path(__file__).resolve().parent / "data"


def _questions() -> list[str]:
    out = []
    for path in sorted(DATA.glob("kb_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            out += [row[key] for key in ("question", "first", "second") if row.get(key)]
    return out


@pytest.mark.parametrize("pattern, texts", [
    (r"(社保|养老)金", ["社保金", "养老金", "金"]),
    (r"(?<!不)交(了|过)?社保", ["交社保", "不交社保", "交了社保"]),
    (r"(?=.*工伤)认定", ["认定工伤", "工伤认定"]),
    (r"[^，。]{0,6}工资", ["工资", "欠工资"]),
    (r"\d+(\.\d+)?%|百分之|(几|多少)个点", ["3%", "百分之八", "几个点", "多少个点"]),
    (r"(投诉|举报)?时效", ["时效", "投诉时效"]),
    (r"(?i)abc", ["ABC", "abc"]),
    (r"a*|b", ["", "x"]),
    (r"(?:[a-z]{2,}|工)+作", ["ab作", "工作"]),
    (r"(年纪大|[5-9]\d了)", ["年纪大", "55了"]),
])
def test_the_needed_characters_are_in_every_match(pattern, texts):
    """A pattern that matches a text is never screened out by its needed characters."""
    compiled = re.compile(pattern)
    needs = _needed_chars(compiled)
    for text in texts:
        if compiled.search(text):
            assert needs is None or not needs.isdisjoint(text), (pattern, text, needs)


def test_what_cannot_be_told_needs_nothing():
    assert _needed_chars(re.compile(r"(?i)abc")) is None
    assert _needed_chars(re.compile(r"a*")) is None
    assert _needed_chars(re.compile(r"[^a]+")) is None
    assert _needed_chars(re.compile(r"(?=社保)")) is None
    assert _needed_chars(re.compile(r"(社保|养老)金")) == frozenset("金")
    assert _needed_chars(re.compile(r"(社保|养老)")) == frozenset("社养")


@pytest.fixture(scope="module")
def kb():
    return load_kb(None)


def test_screened_rewrites_add_the_tokens_of_all_rewrites(kb):
    """Every labelled question gets the rewrite tokens searching all 115 patterns gives."""
    tokenizer = kb.tokenizer
    lexicon = tokenizer.lexicon
    assert lexicon.rewrites
    searched = 0
    for question in _questions():
        flat = clean(lexicon.correct(question)).replace(" ", "")
        screened = tokenizer._rewrites_for(flat)
        searched += len(screened)
        assert ([tok for pat, tok in screened if pat.search(flat)]
                == [tok for pat, tok in lexicon.rewrites if pat.search(flat)]), question
    assert searched < len(_questions()) * len(lexicon.rewrites) / 2


def _numpy_probabilities(model, features):
    """The classifier's former numpy softmax, as the reference."""
    rows = np.fromiter(map(model._row_of.get, features, repeat(0)), dtype=np.intp,
                       count=len(features))
    known = np.count_nonzero(rows)
    scores = model.bias.copy()
    if known:
        scores += model._padded.take(rows, axis=0).sum(axis=0) / math.sqrt(known)
    scores -= scores.max()
    exp = np.exp(scores)
    return exp / exp.sum()


def test_probabilities_equal_the_numpy_softmax():
    parser = load_parser()
    texts = _questions()[:300] + ["", "1", "是的", "不对", "张三", "13800138000", "😀", "zzz"]
    for text in texts:
        norm, entities = parser._analysis(text)
        features = parser._features(norm.text, list(entities))
        for model in parser._models.values():
            expected = _numpy_probabilities(model, list(features))
            assert np.allclose(model.probabilities(list(features)), expected, rtol=0,
                               atol=1e-12)
            label, confidence = model.predict(features)
            assert label == model.labels[int(expected.argmax())]
            assert abs(confidence - float(expected.max())) < 1e-12


def test_predict_memo_answers_each_feature_tuple_for_itself():
    """The memo is keyed by the whole feature tuple: another message is not answered with
    the last one's label, and a list (not memoised) gets the same answer."""
    examples = [(["a", "x"], "one"), (["b", "x"], "two"), (["c", "x"], "three")] * 5
    model = train(examples, epochs=30)
    for features, label in [(("a",), "one"), (("b",), "two"), (("a",), "one"),
                            (("c", "x"), "three"), (("a", "x"), "one")]:
        assert model.predict(features)[0] == label
        assert model.predict(features) == model.predict(list(features))
    assert model.predict(()) == model.predict([])


def _all_unanswered(scope, query, tokens=()):
    text = clean(query).replace(" ", "")
    toks = set(tokens)
    return tuple((w, scope._aspect_hotline(h, text)) for w, h in scope.unanswered
                 if w in text or w in toks)


def _first_out_of_scope(scope, query, guarded):
    text = scope._flat(query)
    for word, hotline in scope.out_of_scope:
        if word and word in text:
            if guarded and any(g and g in text.replace(word, "") for g in scope.in_scope_guard):
                return None
            return hotline
    return None


def test_scope_keyword_index_finds_what_testing_every_keyword_finds(kb):
    scope = kb.scope
    found = 0
    for question in _questions():
        tokens = kb.tokenizer.tokens(question)
        expected = _all_unanswered(scope, question, tokens)
        assert scope.unanswered_topics(question, tokens) == expected, question
        assert scope.out_of_scope_hotline(question) == _first_out_of_scope(scope, question, True)
        assert scope.mentioned_out_of_scope(question) == _first_out_of_scope(
            scope, question, False)
        found += bool(expected)
    assert found > 20


def test_scope_keyword_index_follows_a_changed_list():
    """The index is rebuilt when a keyword list changes, also in place."""
    from knowledge.scope import Scope

    scope = Scope(unanswered=[("返聘", "12333")], out_of_scope=[("公积金", "12345")])
    assert scope.unanswered_topics("退休后返聘") == (("返聘", "12333"),)
    assert scope.mentioned_out_of_scope("公积金怎么取") == "12345"
    scope.unanswered[0] = ("涨多少", "12333")
    scope.out_of_scope.insert(0, ("个税", "12366"))
    assert scope.unanswered_topics("退休后返聘") == ()
    assert scope.unanswered_topics("养老金涨多少") == (("涨多少", "12333"),)
    assert scope.unanswered_topics("养老金", ["涨多少"]) == (("涨多少", "12333"),)
    assert scope.mentioned_out_of_scope("个税和公积金") == "12366"


def test_memoised_readings_of_a_reply_answer_as_the_plain_functions():
    """The form's text readings are memoised by the text: each text, read again after
    others, gets what the function itself says for it."""
    from bot.handlers import answers

    readings = [answers.is_filler, answers.is_courtesy, answers.is_acknowledgement,
                answers.is_question, answers.count_only, answers.unvoiced, answers.MANDARIN]
    texts = ["李四", "好的谢谢", "嗯嗯", "就我一个", "我们厂30多个人", "社保怎么查吗",
             "那个嗯希望给我补上啊", "啥时候能办好", "哈哈", "", "俺们厂", "明天下雨不"]
    texts += _questions()[:200]
    for _ in range(2):
        for text in texts:
            for reading in readings:
                assert reading(text) == reading.__wrapped__(text), (reading, text)
    assert answers.is_question("社保怎么查吗") and not answers.is_question("李四")
    assert answers.count_only("就我一个") == 1 and answers.count_only("李四") is None


def test_text_only_readings_skip_entities_and_answer_for_their_own_text():
    """is_question / opens_new_matter / exact_intent / dialogue_act read the normalised text
    without extracting entities; a text read after another gets its own answer."""
    parser = load_parser()
    texts = ["进度", "进度，谢谢", "我的案件办到哪了？", "另外还有个问题", "好的", "你好",
             "是的", "不对", "社保怎么查吗", "宏达电子厂欠了我半年社保", "", "。。"]
    for _ in range(2):
        for text in texts:
            normalised = parser._tools.normalize(text).text
            assert parser.is_question(text) == bool(parser._question.search(normalised))
            assert parser.opens_new_matter(text) == bool(parser._new_matter.search(normalised))
            assert parser.names_harm(text) == bool(parser._harm.search(normalised))
    assert parser.exact_intent("你好") == "greet" and parser.exact_intent("。。") == "other"
    assert parser.dialogue_act("是的")[0] == "affirm" and parser.dialogue_act("不对")[0] == "deny"


def test_control_character_check_matches_the_strip_table():
    """The gateway strips C0 controls only when its regex finds one: the same characters."""
    from bot.gateway import HAS_NOT_XML, NOT_XML

    for code in range(0x3000):
        assert bool(HAS_NOT_XML.search(f"a{chr(code)}b")) == (code in NOT_XML), hex(code)


def test_one_cipher_reads_and_writes_what_wechatpy_does():
    """The gateway's crypto with one cipher for the key interoperates with wechatpy's own,
    message after message."""
    import xmltodict
    from wechatpy.crypto import WeChatCrypto

    from bot.gateway import _OneCipherCrypto

    key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
    ours = _OneCipherCrypto("token", key, "wx1234567890")
    theirs = WeChatCrypto("token", key, "wx1234567890")
    for i, text in enumerate(["<xml><Content><![CDATA[你好]]></Content></xml>",
                              "<xml><Content><![CDATA[" + "社保" * 500 + "]]></Content></xml>",
                              "<xml/>"]):
        nonce, timestamp = f"n{i}", str(1700000000 + i)
        sealed = ours.encrypt_message(text, nonce, timestamp)
        signature = xmltodict.parse(sealed)["xml"]["MsgSignature"]
        assert theirs.decrypt_message(sealed, signature, timestamp, nonce) == text
        sealed = theirs.encrypt_message(text, nonce, timestamp)
        signature = xmltodict.parse(sealed)["xml"]["MsgSignature"]
        assert ours.decrypt_message(sealed, signature, timestamp, nonce) == text


def test_reply_prefix_is_sixteen_letters_or_digits_and_new_each_time():
    from bot.gateway import _QuickPrefixPrp

    prp = _QuickPrefixPrp(b"k" * 32)
    prefixes = {prp.get_random_string() for _ in range(200)}
    assert len(prefixes) == 200
    assert all(len(p) == 16 and p.isascii() and p.isalnum() for p in prefixes)


def test_detached_state_changes_like_the_orm_row():
    """The plain state of a form step holds, changes and saves what the ORM instance it
    replaced did; every column of the table is one of its attributes."""
    from datetime import datetime, timezone

    from bot.store import dialogue
    from bot.store.models import DialogueState

    assert [c.name for c in DialogueState.__table__.columns] == ["openid", *dialogue.SAVED]
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    rows = [{"openid": "o1", "form": "dispute", "requested_slot": "name", "slots": {"a": 1},
             "pending": {"feedback": {"x": 1}, "y": 2}, "version": 3, "started_at": when,
             "updated_at": when},
            {"openid": "o2", "form": None, "requested_slot": None, "slots": {}, "pending": {},
             "version": 0, "started_at": None, "updated_at": when}]
    changes = [lambda s: None,
               lambda s: dialogue.start_form(s, "dispute", {"name": "张三"}),
               dialogue.clear_form,
               lambda s: dialogue.set_pending(s, "shown", {"cases": ["A1"]}),
               lambda s: dialogue.set_pending(s, "y", None),
               lambda s: setattr(s, "requested_slot", "phone")]
    for row in rows:
        for change in changes:
            plain, orm = dialogue.detached_state(dict(row)), DialogueState(**row)
            assert dialogue.columns_of(plain) == dialogue.columns_of(orm)
            change(plain), change(orm)
            plain.started_at = orm.started_at = plain.started_at and when
            assert dialogue.columns_of(plain) == dialogue.columns_of(orm)
            assert plain.openid == orm.openid


def test_remembered_metric_series_count_like_labels():
    """``observe_message`` and the request timer keep their labelled series: each call
    still counts in its own series, free text still becomes ``other``, and past the bound
    of remembered series nothing is lost."""
    from bot import metrics

    def count(kind, intent):
        return metrics.REGISTRY.get_sample_value(
            "disputebot_messages_total", {"kind": kind, "intent": intent}) or 0.0

    before = count("text", "greet"), count("event", "other"), count("perftest", "none")
    metrics.observe_message("text", "greet")
    metrics.observe_message("text", "greet")
    metrics.observe_message("event", "13800138000")
    for i in range(metrics._CHILDREN_KEPT + 10):
        metrics.observe_message("event", f"relay event {i}")
    metrics.observe_message("perftest")
    assert count("text", "greet") == before[0] + 2
    assert count("event", "other") == before[1] + 1 + metrics._CHILDREN_KEPT + 10
    assert count("perftest", "none") == before[2] + 1
    assert len(metrics._message_children) <= metrics._CHILDREN_KEPT


# --- registration: Core statements for its history and cards ---------------------------

REG_VARIANTS = {
    "one card": {},
    "major, @all": {"severity": "major", "severity_reasons": ["headcount:120", "protest"]},
    "three groups": {"category": "assessed_amount", "jurisdiction": "荔城街道",
                     "description": "医保核定的金额不对"},
    "outside the area": {"jurisdiction": "天河区"},
    "agency without a group": {"category": "employer_arrears", "description": "强制执行"},
}


@pytest.fixture
async def reg_sm(config):
    from bot.store.db import make_engine, make_sessionmaker

    engine = make_engine(config.database_url)
    yield make_sessionmaker(engine)
    await engine.dispose()


def _without_court_group(config):
    import copy
    import dataclasses

    raw = copy.deepcopy(config.raw)
    del raw["liaison_groups"]["增城区"]["court"]
    return dataclasses.replace(config, raw=raw)


def _outbox_columns(row) -> dict:
    from bot.store.models import OutboxItem

    return {c.name: getattr(row, c.name) for c in OutboxItem.__table__.columns if c.name != "id"}


@pytest.mark.parametrize("variant", list(REG_VARIANTS))
async def test_registration_writes_what_the_orm_helpers_write(reg_sm, config, variant):
    """The case's two history events and its outbox rows are written with Core statements;
    they hold what :func:`add_event` and :func:`enqueue_cards` (the ORM way, still used by
    transfers) would have written, in the same order, and the case reads "assigned"."""
    from sqlalchemy import select

    from bot.store.models import Case, CaseEvent, OutboxItem
    from routing.cases import add_event, enqueue_alert, enqueue_cards, register_case
    from routing.notices import agency_names
    from routing.outbox import group_text
    from routing.rules import load_rules
    from tests.test_cases import T0, fields_for

    if variant == "agency without a group":
        config = _without_court_group(config)
    rules = load_rules(config_raw=config.raw)
    fields = fields_for(**REG_VARIANTS[variant])
    async with reg_sm() as session:
        case = await register_case(session, openid="o-reg", fields=fields, config=config,
                                   rules=rules, now=T0)
        await session.commit()
    async with reg_sm() as session:
        stored = await session.scalar(select(Case).where(Case.id == case.id))
        events = list((await session.execute(
            select(CaseEvent).order_by(CaseEvent.id))).scalars())
        rows = list((await session.execute(select(OutboxItem).order_by(OutboxItem.id))).scalars())
        text = "\n".join(str(fields.get(k) or "") for k in ("description", "desired_outcome"))
        route = rules.route(fields["category"], fields["severity"], fields["severity_reasons"],
                            fields["jurisdiction"], text=text, groups_config=config.raw,
                            needs_callback=False)
        expected_events = [
            add_event(session, stored, "registered", "system",
                      {"channel": "wechat", "category": fields["category"],
                       "severity": fields["severity"]}, T0),
            add_event(session, stored, "assigned", "system", {
                "lead": route.lead, "co": list(route.co), "district": route.district,
                "in_area": route.in_area, "groups": [t.agency for t in route.groups],
                "missing": list(route.missing)}, T0)]
        expected_rows = enqueue_cards(session, stored, route, route.groups, config.raw, T0)
        if route.missing:
            names = agency_names(config.raw)
            await enqueue_alert(session, config.raw, group_text(
                "alert_missing_group", case_no=stored.case_no, district=route.district,
                agencies="、".join(names.get(a, a) for a in route.missing)),
                case_id=stored.id, now=T0)
            expected_rows.append(list(session.new)[-1])
        assert stored.status == "assigned" and stored.case_no == "ZY20261123-0001"
        assert [(e.case_id, e.kind, e.actor, e.detail, e.at) for e in events] == [
            (e.case_id, e.kind, e.actor, e.detail, e.at) for e in expected_events]
        written = [_outbox_columns(r) for r in rows]
        expected = [_outbox_columns(r) for r in expected_rows]
        await session.rollback()
    assert len(written) == len(expected) >= 1
    assert written == expected
    if variant == "agency without a group":
        assert written[-1]["payload"]["kind"] == "alert"
    if variant == "major, @all":
        assert [r["payload"]["body"]["msgtype"] for r in written].count("text") >= 1


async def test_registration_takes_four_statements_whatever_its_groups(reg_sm, config):
    """Number (one upsert), case, history, cards: one statement each, however many groups
    get a card (it was three for the number, one per event and card, and an UPDATE of the
    status)."""
    from sqlalchemy import event

    from routing.cases import register_case
    from routing.rules import load_rules
    from tests.test_cases import T0, fields_for

    rules = load_rules(config_raw=config.raw)
    engine = reg_sm.kw["bind"].sync_engine
    counted: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        counted.append(statement.split()[0])

    for openid, variant in enumerate(("one card", "major, @all", "three groups")):
        async with reg_sm() as session:
            await session.connection()
            event.listen(engine, "before_cursor_execute", count)
            try:
                await register_case(session, openid=f"o-{openid}", config=config, rules=rules,
                                    fields=fields_for(**REG_VARIANTS[variant]), now=T0)
                await session.commit()
            finally:
                event.remove(engine, "before_cursor_execute", count)
        assert counted == ["INSERT"] * 4, (variant, counted)
        counted.clear()


async def test_case_numbers_count_on_across_days_and_rollbacks(reg_sm, config):
    """The upsert numbers as the insert-update-select did: each Beijing day from 0001, one
    up per registration, and a rolled-back registration's number is given again."""
    from datetime import datetime, timedelta, timezone

    from routing.cases import next_case_no

    t0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
    numbers = []
    for at, commit in ((t0, True), (t0, False), (t0 + timedelta(hours=1), True),
                       (datetime(2026, 11, 23, 16, 30, tzinfo=timezone.utc), True),
                       (t0, True)):
        async with reg_sm() as session:
            numbers.append(await next_case_no(session, "ZY", at))
            await (session.commit() if commit else session.rollback())
    assert numbers == ["ZY20261123-0001", "ZY20261123-0002", "ZY20261123-0002",
                       "ZY20261124-0001", "ZY20261123-0003"]


async def test_prebuilt_reads_find_what_selects_built_per_call_find(reg_sm, config):
    """find_open_case, case_for_payer, load_state and the outbox's lane reads run statements
    built once with bound parameters; they return the rows the selects built per call return
    (the newest open case of the category, none for a closed or other category, None as IS
    NULL; a case by its number only for its own payer)."""
    from datetime import timedelta

    from sqlalchemy import func, select

    from bot.store.dialogue import load_state
    from bot.store.models import Case, DialogueState, OutboxItem
    from routing.cases import (
        CLOSED_STATUSES,
        case_for_payer,
        find_open_case,
        normalize_case_no,
        register_case,
    )
    from routing.outbox import _HEAD_OF, _HEADS, _SENT_RECENTLY, RATE_WINDOW
    from routing.rules import load_rules
    from tests.test_cases import T0, fields_for

    rules = load_rules(config_raw=config.raw)
    cases = []
    for i, (openid, category) in enumerate((("o-a", "late_fee"), ("o-a", "late_fee"),
                                             ("o-a", "refund"), ("o-b", "late_fee"))):
        async with reg_sm() as session:
            cases.append(await register_case(
                session, openid=openid, fields=fields_for(category=category), config=config,
                rules=rules, now=T0 + timedelta(minutes=i)))
            await session.commit()
    async with reg_sm() as session:
        (await session.get(Case, cases[2].id)).status = "resolved"
        sent = await session.get(OutboxItem, 1)
        sent.status, sent.sent_at = "sent", T0
        await session.commit()

    def built_per_call(openid, category):
        return (select(Case).where(Case.openid == openid, Case.category == category,
                                   Case.status.not_in(CLOSED_STATUSES))
                .order_by(Case.created_at.desc(), Case.id.desc()).limit(1))

    async with reg_sm() as session:
        for openid in ("o-a", "o-b", "o-c"):
            for category in ("late_fee", "refund", "other", None):
                found = await find_open_case(session, openid, category)
                expected = await session.scalar(built_per_call(openid, category))
                assert found is expected, (openid, category)
        assert (await find_open_case(session, "o-a", "late_fee")).id == cases[1].id
        for openid in ("o-a", "o-b", "o-c"):
            for case in cases:
                for number in (case.case_no, case.case_no.lower(), case.case_no + "x"):
                    expected = await session.scalar(select(Case).where(
                        Case.case_no == normalize_case_no(number), Case.openid == openid))
                    assert await case_for_payer(session, openid, number) is expected
        assert (await case_for_payer(session, "o-b", cases[3].case_no)).id == cases[3].id
        session.add(DialogueState(openid="o-a", form="dispute", slots={"name": "张三"},
                                  pending={}, version=4))
        await session.flush()
        session.expunge_all()
        state = await load_state(session, "o-a")
        assert (state.form, state.slots, state.version) == ("dispute", {"name": "张三"}, 4)
        fresh = await load_state(session, "o-new")
        assert fresh in session.new and fresh.form is None and fresh.version == 0
        heads = list((await session.execute(_HEADS)).scalars())
        firsts = (select(func.min(OutboxItem.id)).where(OutboxItem.status == "pending")
                  .group_by(OutboxItem.channel, OutboxItem.target))
        assert heads == list((await session.execute(select(OutboxItem).where(
            OutboxItem.id.in_(firsts)).order_by(OutboxItem.id))).scalars())
        assert heads and all(h.status == "pending" for h in heads)
        for head in heads:
            assert await session.scalar(_HEAD_OF, {"channel": head.channel,
                                                   "target": head.target}) is head
        key = sent.target
        for now, count in ((T0, 1), (T0 + RATE_WINDOW, 0), (T0 - RATE_WINDOW, 0)):
            assert await session.scalar(_SENT_RECENTLY, {
                "key": key, "since": now - RATE_WINDOW, "until": now + RATE_WINDOW}) == count
        await session.rollback()


SUPPLEMENT_VARIANTS = {
    # (case fields, add_supplement keywords, expected (target, agency) of the group rows)
    "text and a picture": ({}, {"media_ids": ["m-9"]}, [("dev-key-zc-tax", "tax")]),
    "about the handler": ({}, {"request": "handler"},
                          [("dev-key-zc-tax", "tax"), ("dev-key-leadership", "leadership_office")]),
    "call-back from outside": ({"jurisdiction": "天河区", "needs_callback": True}, {},
                               [("dev-key-zc-tax", "tax"), ("dev-key-transfer", "tax")]),
    "no config": ({}, {"config": None}, []),
}


@pytest.mark.parametrize("variant", list(SUPPLEMENT_VARIANTS))
async def test_supplement_writes_its_event_and_group_rows_in_order(reg_sm, config, variant):
    """add_supplement's Core inserts: the case's changes (evidence, awaiting_info,
    updated_at), one "supplement" event with the detail it always had, and the group rows
    in the order the ORM adds gave (the leads', then the leadership office's), after any row
    the caller queued before. The same test passes on the ORM version."""
    from datetime import timedelta

    from sqlalchemy import select

    from bot.store.models import Case, CaseEvent, OutboxItem
    from routing.cases import add_supplement, register_case
    from routing.outbox import webhook_item
    from routing.rules import load_rules
    from tests.test_cases import T0, fields_for

    changes, keywords, expected = SUPPLEMENT_VARIANTS[variant]
    keywords = {"config": config, **keywords}
    rules = load_rules(config_raw=config.raw)
    async with reg_sm() as session:
        case = await register_case(session, openid="o-sup", fields=fields_for(**changes),
                                   config=config, rules=rules, now=T0)
        await session.commit()
    later = T0 + timedelta(hours=2)
    async with reg_sm() as session:
        first = (await session.execute(select(OutboxItem.id))).scalars().all()
        stored = await session.get(Case, case.id)
        stored.awaiting_info = True
        session.add(webhook_item("dev-key-earlier", {"msgtype": "text"}, kind="note",
                                 case_id=case.id, now=later))
        await add_supplement(session, stored, "工资条\n# 已拍照", "payer", now=later, **keywords)
        session.add(webhook_item("dev-key-later", {"msgtype": "text"}, kind="note",
                                 case_id=case.id, now=later))
        await session.commit()
    async with reg_sm() as session:
        stored = await session.get(Case, case.id)
        events = list((await session.execute(select(CaseEvent).where(
            CaseEvent.case_id == case.id).order_by(CaseEvent.id))).scalars())
        rows = list((await session.execute(select(OutboxItem).where(
            OutboxItem.id.not_in(first)).order_by(OutboxItem.id))).scalars())
    assert stored.awaiting_info is False and stored.updated_at == later
    assert stored.evidence == ["media-1", *keywords.get("media_ids", [])]
    detail = {"text": "工资条\n# 已拍照"}
    if "request" in keywords:
        detail["request"] = keywords["request"]
    if "media_ids" in keywords:
        detail["media_ids"] = keywords["media_ids"]
    assert [(e.kind, e.actor, e.detail, e.at) for e in events][-1] == (
        "supplement", "payer", detail, later)
    assert [e.kind for e in events] == ["registered", "assigned", "supplement"]
    assert [r.target for r in rows] == ["dev-key-earlier", *[t for t, _ in expected],
                                        "dev-key-later"]
    for row, (target, agency) in zip(rows[1:-1], expected):
        assert (row.channel, row.status, row.attempts, row.case_id, row.next_attempt_at,
                row.created_at, row.dedup_key, row.claimed_until) == (
            "webhook", "pending", 0, case.id, later, later, None, None)
        payload = row.payload
        assert (payload["kind"], payload["agency"], payload["case_no"]) == (
            "supplement", agency, case.case_no)
        content = payload["body"]["markdown"]["content"]
        assert "工资条\n> ＃ 已拍照" in content and case.case_no in content


async def test_core_written_rows_still_wake_the_outbox(reg_sm, config):
    """The intake wakes the dispatcher when its session queued outbox rows; registration
    and supplements write theirs with Core statements, which the session marks."""
    from bot.handlers.base import queued_messages
    from bot.store.models import Case
    from routing.cases import add_supplement, register_case
    from routing.rules import load_rules
    from tests.test_cases import T0, fields_for

    rules = load_rules(config_raw=config.raw)
    async with reg_sm() as session:
        assert not queued_messages(session)
        case = await register_case(session, openid="o-wake", fields=fields_for(),
                                   config=config, rules=rules, now=T0)
        assert queued_messages(session)
        await session.commit()
    async with reg_sm() as session:
        stored = await session.get(Case, case.id)
        assert not queued_messages(session)
        await add_supplement(session, stored, "补充", "payer", config=config, now=T0)
        assert queued_messages(session)
        await session.rollback()
    async with reg_sm() as session:
        stored = await session.get(Case, case.id)
        await add_supplement(session, stored, "补充", "payer", now=T0)  # no group message
        assert not queued_messages(session)
        await session.rollback()


async def test_heads_read_in_the_batch_are_the_sessions_heads(reg_sm, config):
    """The dispatcher reads the lanes' heads in the group commit's batch: the same rows
    (columns and payloads, a waiting notice's mark too) as its own session read, and a pass
    on them decides and sends the same."""
    from datetime import timedelta

    from bot.store.batch import GroupCommit
    from bot.store.models import OutboxItem, utcnow
    from routing.outbox import WAITING, OutboxDispatcher, webhook_item

    now = utcnow()
    async with reg_sm() as session:
        for key, minutes in (("key-a", 0), ("key-b", 0), ("key-a", 1), ("key-c", -5)):
            session.add(webhook_item(key, {"msgtype": "text", "text": {"content": key}},
                                     kind="note", now=now + timedelta(minutes=minutes)))
        session.add(OutboxItem(channel="wechat", target="o-waiting", status="pending",
                               payload={"kind": "notice", "text": "进度",
                                        WAITING: now.isoformat()},
                               attempts=1, next_attempt_at=now, created_at=now))
        session.add(OutboxItem(channel="webhook", target="key-d", status="sent",
                               payload={"kind": "note"}, attempts=1, next_attempt_at=now,
                               created_at=now, sent_at=now))
        await session.commit()
    columns = [c.key for c in OutboxItem.__table__.columns]
    engine = reg_sm.kw["bind"]
    batch = GroupCommit(engine)
    try:
        plain = OutboxDispatcher(reg_sm, None, None, config)
        batched = OutboxDispatcher(reg_sm, None, None, config, batch=batch)
        by_session, by_batch = await plain._heads(), await batched._heads()
        assert len(by_session) == 4  # key-a's first, key-b, key-c, the notice
        assert [[getattr(r, c) for c in columns] for r in by_batch] == [
            [getattr(r, c) for c in columns] for r in by_session]
        later = now + timedelta(seconds=1)
        assert [plain._ready(r, later) for r in by_session] == [
            batched._ready(r, later) for r in by_batch]
        assert await batched._woken(by_batch) == await plain._woken(by_session)
    finally:
        await batch.close()


async def test_a_duplicate_answer_runs_its_step_once(platform, config, monkeypatch):
    """The answer to "is it the same matter?" (1: add to the open case) runs once, on the
    snapshot, and opens its session at the offered case: no locked re-read of the state in
    that session (its version is compared when it is saved), one commit, and the case gets
    the supplement as before (round 22 ran it in a session from the start)."""
    from sqlalchemy import event, select
    from sqlalchemy.engine import Engine

    from bot.handlers.intake import IntakeDialogue
    from bot.store.db import make_engine, make_sessionmaker
    from bot.store.models import Case, CaseEvent
    from tests.test_dialogue import ANSWERS, CASE_NO, finish_form, say

    openid = "o-duplicate-once"
    reply = await say(platform, openid, "我叫赵六，电话13512345678，新塘镇宏达电子厂欠我社保")
    await finish_form(platform, openid, reply, ANSWERS)
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    # asked at once since round 22, not after the form and 确认
    assert "同一件事" in await say(platform, openid, "宏达电子厂还是没给我交社保，已经八个月了")
    steps = []
    step = IntakeDialogue._step

    async def counted(self, session, *args, **kwargs):
        steps.append(type(session).__name__)
        return await step(self, session, *args, **kwargs)

    monkeypatch.setattr(IntakeDialogue, "_step", counted)
    seen: list[str] = []

    def statement(_conn, _cursor, sql, *_args):
        seen.append(" ".join(sql.split()[:4]))

    event.listen(Engine, "before_cursor_execute", statement)
    try:
        added = await say(platform, openid, "1")
    finally:
        event.remove(Engine, "before_cursor_execute", statement)
    assert case_no in added and "补充" in added
    assert steps == ["SessionOnUse"]
    # the state is read once, with the snapshot (beside the claim), and written once, by
    # its compare-and-set after the case's changes; no ORM re-read of its row (on
    # PostgreSQL the session only locks it: SELECT dialogue_states.version … FOR UPDATE)
    def first(prefix: str) -> int:
        return next(i for i, s in enumerate(seen) if s.startswith(prefix))

    reads = [i for i, s in enumerate(seen) if s.startswith("SELECT dialogue_states")
             and not s.startswith("SELECT dialogue_states.version FROM")]
    writes = [i for i, s in enumerate(seen) if s.startswith("UPDATE dialogue_states")]
    assert len(reads) == 1 and reads[0] > first("INSERT INTO processed_messages"), seen
    assert len(writes) == 1 and writes[0] > first("UPDATE cases SET awaiting_info"), seen
    engine = make_engine(config.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            [case] = (await session.execute(select(Case).where(Case.openid == openid))).scalars()
            kinds = (await session.execute(select(CaseEvent.kind).where(
                CaseEvent.case_id == case.id))).scalars().all()
    finally:
        await engine.dispose()
    assert kinds.count("supplement") == 1


async def test_a_registered_case_is_a_clean_persistent_object(reg_sm, config):
    """register_case writes the case with one Core INSERT and hands back the object a flush
    would have left: in the session, nothing pending, every column loaded (reading one
    needs no query), equal to the stored row; a change made after it is written at commit."""
    from sqlalchemy import inspect, select

    from bot.store.models import Case
    from routing.cases import register_case
    from routing.rules import load_rules
    from tests.test_cases import T0, fields_for

    rules = load_rules(config_raw=config.raw)
    async with reg_sm() as session:
        case = await register_case(session, openid="o-clean", fields=fields_for(),
                                   config=config, rules=rules, now=T0)
        state = inspect(case)
        assert state.persistent and not state.expired_attributes
        assert case not in session.new and case not in session.dirty
        mine = {c.key: getattr(case, c.key) for c in Case.__table__.columns}
        case.status = "resolved"
        await session.commit()
    async with reg_sm() as session:
        stored = await session.scalar(select(Case).where(Case.id == case.id))
        assert stored.status == "resolved"
        assert {c.key: getattr(stored, c.key) for c in Case.__table__.columns} == {
            **mine, "status": "resolved"}


async def test_a_supplement_leaves_the_case_clean_and_showing_its_changes(reg_sm, config):
    """add_supplement changes the case with a Core UPDATE: the loaded case shows the new
    evidence and awaiting_info at once and has nothing left for the unit of work."""
    from datetime import timedelta

    from bot.store.models import Case
    from routing.cases import add_supplement, register_case
    from routing.rules import load_rules
    from tests.test_cases import T0, fields_for

    rules = load_rules(config_raw=config.raw)
    async with reg_sm() as session:
        case = await register_case(session, openid="o-sup-clean", fields=fields_for(),
                                   config=config, rules=rules, now=T0)
        await session.commit()
    later = T0 + timedelta(hours=1)
    async with reg_sm() as session:
        stored = await session.get(Case, case.id)
        await add_supplement(session, stored, "照片", "payer", media_ids=["m-1"], now=later)
        assert not session.is_modified(stored) and stored not in session.dirty
        assert (stored.evidence, stored.awaiting_info, stored.updated_at) == (
            ["media-1", "m-1"], False, later)
        await session.commit()
    async with reg_sm() as session:
        again = await session.get(Case, case.id)
        assert (again.evidence, again.awaiting_info, again.updated_at) == (
            ["media-1", "m-1"], False, later)


async def test_a_registration_writes_the_dialogue_state_once(platform, config):
    """The form's 确认 registers in one transaction: the reads of the payer's cases before it
    do not flush the form's pending changes, so the dialogue state is updated once (it was
    twice: the pending mark, then the cleared form)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from tests.test_dialogue import ANSWERS, CASE_NO, finish_form, say

    openid = "o-state-once"
    reply = await say(platform, openid, "我叫钱七，电话13512340000，新塘镇永盛五金厂欠我社保")
    await finish_form(platform, openid, reply, ANSWERS)
    written: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        if statement.startswith(("UPDATE dialogue_states", "INSERT INTO cases")):
            written.append(statement.split()[0])

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        assert CASE_NO.search(await say(platform, openid, "确认"))
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    assert written == ["INSERT", "UPDATE"]


@pytest.mark.parametrize("events, wish", [
    ([("supplement", {})] * 5, None),
    ([("supplement", {}), ("supplement", {"request": "withdraw"}), ("supplement", {})] * 3,
     "withdraw"),
    ([("supplement", {"request": "settled"}), ("supplement", {}), ("resolved", {})], None),
    ([("supplement", {"request": "withdraw"}), ("supplement", {"request": "resume"}),
      ("supplement", {}), ("reopened", {}), ("supplement", {"request": "settled"}),
      ("supplement", {"request": "urge"}), ("supplement", {})], "settled"),
])
async def test_the_wish_read_skips_only_plain_supplements(reg_sm, config, events, wish):
    """The 进度 list reads a case's events that can start or end a request to stop it, not
    every supplement (a case gathers one on each message that adds to it): the batch read
    and the session read return exactly those, and payer_wish decides as on all events."""
    from datetime import timedelta

    from sqlalchemy import select

    from bot.store.batch import GroupCommit
    from bot.store.case_reads import WISH_EVENT, wish_events_of
    from bot.store.models import Case, CaseEvent
    from routing.actions import payer_wish
    from routing.cases import add_event, register_case
    from routing.rules import load_rules
    from tests.test_cases import T0, fields_for

    rules = load_rules(config_raw=config.raw)
    async with reg_sm() as session:
        case = await register_case(session, openid="o-wish", fields=fields_for(),
                                   config=config, rules=rules, now=T0)
        for i, (kind, detail) in enumerate(events):
            add_event(session, case, kind, "payer", {"text": "补充", **detail},
                      T0 + timedelta(minutes=i + 1))
        await session.commit()
    async with reg_sm() as session:
        stored = await session.get(Case, case.id)
        every = list((await session.scalars(select(CaseEvent).where(
            CaseEvent.case_id == case.id).order_by(CaseEvent.id))).all())
        chosen = list((await session.scalars(select(CaseEvent).where(
            CaseEvent.case_id == case.id, WISH_EVENT).order_by(CaseEvent.id))).all())
    batch = GroupCommit(reg_sm.kw["bind"])
    try:
        batched = (await wish_events_of(batch, (case.id,)))[case.id]
    finally:
        await batch.close()
    expected = [e.id for e in every if e.kind in ("resolved", "reopened")
                or (e.kind == "supplement" and (e.detail or {}).get("request"))]
    assert [e.id for e in chosen] == [e.id for e in batched] == expected
    assert payer_wish(stored, batched) == payer_wish(stored, every) == wish


def test_contact_numbers_are_remembered_per_text_and_handed_out_fresh():
    from bot.handlers.contacts import _contact_spans, contact_numbers

    text = "我叫李四 电话138 1234 5678，身份证440106199001011234"
    first = contact_numbers(text)
    first.append((0, 1))
    hits = _contact_spans.cache_info().hits
    assert contact_numbers(text) == list(_contact_spans.__wrapped__(text)) and len(
        contact_numbers(text)) == 2
    assert _contact_spans.cache_info().hits == hits + 2


@pytest.mark.parametrize("said", ["单位没错", "名字对的", "电话是对的哈", "地址也没问题", "这个不用改"])
def test_a_clause_saying_a_field_is_right_always_holds_a_right_word(said):
    """The corrections' cheap check (no word of field_right_words, no clause to drop) never
    skips a clause that FIELD_RIGHT reads as 'that field is right'."""
    from bot.handlers.intake_corrections import FIELD_RIGHT, FIELD_RIGHT_WORD

    assert FIELD_RIGHT.match(said) and FIELD_RIGHT_WORD.search(f"不是 {said} 是电话错了")


# --- perf round 4: the platform's XML read in C, the snapshot read beside the claim ---------

FLAT_XML = [
    ("<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o-1]]></FromUserName>"
    "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    "<Content><![CDATA[  单位不给交社保 \n 怎么办  ]]></Content><MsgId>123</MsgId></xml>"),
    ("<xml>\n  <MsgType>text</MsgType>\n  <Content></Content>\n  <FromUserName>o</FromUserName>"
    "\n</xml>"),
    "<xml><MsgType>TEXT</MsgType><Content>1&amp;2 &lt;3&gt; &#x4E2D;</Content></xml>",
    "<xml><MsgType>text</MsgType><Content><![CDATA[]]></Content><MsgId>  </MsgId></xml>",
    ("<xml><MsgType><![CDATA[voice]]></MsgType><MediaId>m</MediaId><Format>amr</Format>"
    "<Recognition><![CDATA[我要投诉]]></Recognition><MsgId>5</MsgId></xml>"),
    "<xml><MsgType>image</MsgType><PicUrl>http://x/y.jpg</PicUrl><MediaId>m1</MediaId></xml>",
    ("<xml><MsgType>location</MsgType><Location_X>23.1</Location_X><Location_Y>113.2</Location_Y>"
    "<Scale>15</Scale><Label><![CDATA[新塘镇]]></Label></xml>"),
    "<xml><MsgType>link</MsgType><Title>t</Title><Url>http://x</Url></xml>",
    "<xml><MsgType>miniprogrampage</MsgType><Title>t</Title></xml>",
    "<xml><MsgType>something_new</MsgType><Content>x</Content></xml>",
    "<?xml version=\"1.0\" encoding=\"GBK\"?><xml><MsgType>text</MsgType><Content>中</Content></xml>",
    # left to wechatpy: events, nesting, attributes, repeats, comments, text beside the fields
    "<xml><MsgType>event</MsgType><Event>subscribe</Event><EventKey>qrscene_7</EventKey></xml>",
    "<xml><MsgType>event</MsgType><Event>CLICK</Event><EventKey>progress</EventKey></xml>",
    "<xml><MsgType>device_text</MsgType><Content>x</Content></xml>",
    ("<xml><MsgType>event</MsgType><Event>location_select</Event><SendLocationInfo>"
    "<Location_X>23</Location_X><Label>x</Label></SendLocationInfo></xml>"),
    "<xml><MsgType>text</MsgType><Content lang=\"zh\">你好</Content></xml>",
    "<xml a=\"1\"><MsgType>text</MsgType><Content>你好</Content></xml>",
    "<xml><MsgType>text</MsgType><Content>一</Content><Content>二</Content></xml>",
    "<xml><MsgType>text</MsgType><!-- note --><Content>你好</Content></xml>",
    "<xml>loose<MsgType>text</MsgType><Content>你好</Content></xml>",
    "<xml><MsgType>text</MsgType>tail<Content>你好</Content></xml>",
    "<xml><MsgType>text</MsgType><a:Content>你好</a:Content></xml>",
]
BROKEN_XML = [
    "<xml><MsgType>text</MsgType><Content>你好</xml>",
    "<notxml><MsgType>text</MsgType></notxml>",
    "<xml><Content>no type</Content></xml>",
    "<xml><MsgType></MsgType></xml>",
    ("<!DOCTYPE xml [<!ENTITY e \"boom\">]><xml><MsgType>text</MsgType><Content>&e;</Content>"
    "</xml>"),
    "<xml><MsgType>text</MsgType><Content>&undefined;</Content></xml>",
    "just text",
]


def _read_by(read, xml: str):
    try:
        message = read(xml)
    except Exception as exc:  # noqa: BLE001 - the kind of failure is what is compared
        return ("raised", type(exc))
    return (type(message), getattr(message, "_data", None))


@pytest.mark.parametrize("xml", FLAT_XML + BROKEN_XML)
def test_the_flat_message_reading_is_wechatpys(xml):
    """A message read with ElementTree is the message wechatpy's xmltodict reading makes
    (class and fields, stripped text, empty fields as None), and what it cannot read the
    same way fails as wechatpy fails."""
    from wechatpy import parse_message

    from bot.wechat_xml import read_message

    assert _read_by(read_message, xml) == _read_by(parse_message, xml)


@pytest.mark.parametrize("xml", FLAT_XML + BROKEN_XML)
def test_flat_fields_are_xmltodicts_or_nothing(xml):
    """The envelope's fields equal xmltodict's wherever the flat reading answers; nested,
    attributed, repeated, commented or broken XML gets no answer (wechatpy reads it)."""
    import xmltodict

    from bot.wechat_xml import flat_fields

    fields = flat_fields(xml)
    if fields is not None:
        assert fields == dict(xmltodict.parse(xml)["xml"])
        assert fields == flat_fields(xml.encode("utf-8"))
    if any(mark in xml for mark in ("lang=", "a=", "<!--", "<SendLocationInfo>", "loose",
                                    "tail", "<Content>二", "<!DOCTYPE", "<a:")):
        assert fields is None
    assert flat_fields(b"\xff<xml/>") is None


def test_an_envelope_read_flat_decrypts_as_the_xml_does():
    """The gateway hands wechatpy the envelope's fields: the same plaintext comes out, and a
    wrong signature is refused as before."""
    import xmltodict
    from wechatpy.exceptions import InvalidSignatureException

    from bot.gateway import _OneCipherCrypto
    from bot.wechat_xml import flat_fields

    crypto = _OneCipherCrypto("token", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
                              "wx1234567890")
    sealed = crypto.encrypt_message(FLAT_XML[0], "n1", "1700000000")
    envelope = flat_fields(sealed.encode("utf-8"))
    signature = xmltodict.parse(sealed)["xml"]["MsgSignature"]
    assert crypto.decrypt_message(envelope, signature, "1700000000", "n1") == FLAT_XML[0]
    with pytest.raises(InvalidSignatureException):
        crypto.decrypt_message(envelope, "0" * 40, "1700000000", "n1")


async def test_a_text_reads_its_snapshot_in_its_claims_batch(platform, config):
    """The payer's contact and snapshot are read in the transaction that claims the message:
    a greeting commits twice (claim with reads, outcome), not three times."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from tests.test_dialogue import say

    await say(platform, "o-ahead", "你好")  # the first message builds lazy tables
    seen: list[str] = []

    def statement(_conn, _cursor, sql, *_args):
        seen.append(sql.split()[0] + " " + sql.split()[2 if sql.startswith("INSERT") else 1])

    def commit(_conn):
        seen.append("COMMIT")

    event.listen(Engine, "before_cursor_execute", statement)
    event.listen(Engine, "commit", commit)
    try:
        await say(platform, "o-ahead", "你好呀")
    finally:
        event.remove(Engine, "before_cursor_execute", statement)
        event.remove(Engine, "commit", commit)
    claim = seen.index("INSERT processed_messages")
    first_commit = seen.index("COMMIT", claim)
    start = max((i for i, s in enumerate(seen[:claim]) if s == "COMMIT"), default=-1) + 1
    between = seen[start:first_commit]
    assert "INSERT payers" in between
    assert any(s.startswith("SELECT dialogue_states") for s in between), seen
    assert not any(s.startswith("SELECT dialogue_states") for s in seen[first_commit:]), seen


async def test_a_snapshot_read_before_another_message_of_the_payer_is_not_used(
        platform, bot_server):
    """A snapshot read beside a claim is taken only if no other message of the payer was
    handled in between: the message then answers as on a fresh read (here: the form that
    the other message started repeats its question), not as on the old one (a welcome)."""
    from bot.inbound import Inbound
    from tests.test_dialogue import say

    dispatcher = bot_server.app["dispatcher"]

    def text(openid, words, msg_id):
        return Inbound(openid=openid, kind="text", text=words, msg_id=msg_id)

    fresh = await say(platform, "o-ahead-never", "在吗")
    for openid in ("o-ahead-stale", "o-ahead-plain"):
        await say(platform, openid, "你好")
    hello, filing = text("o-ahead-stale", "在吗", 901), text("o-ahead-stale", "我要投诉单位不交社保", 902)
    dispatcher.prepare(hello)  # read now: no form yet
    await dispatcher.handle(filing)
    stale_side = await dispatcher.handle(hello)
    await dispatcher.handle(text("o-ahead-plain", "我要投诉单位不交社保", 903))
    plain = await dispatcher.handle(text("o-ahead-plain", "在吗", 904))
    assert stale_side == plain
    assert "\n".join(plain) != fresh


async def test_a_batch_on_sqlite_holds_the_pools_connection_while_it_writes(reg_sm):
    """The group commit holds the process's pooled connection (now without an
    AsyncConnection around it) while its thread writes, and gives it back after, also when
    the batch fails: a session cannot start writing beside it."""
    from sqlalchemy import text

    from bot.store.batch import GroupCommit

    engine = reg_sm.kw["bind"]
    if engine.dialect.name != "sqlite":
        pytest.skip("the hold is SQLite's")
    pool = engine.sync_engine.pool

    class Peek:
        writes = False

        def run(self, conn, items):
            if items[0] == "fail":
                raise RuntimeError("kind failed")
            return [pool.checkedout() for _ in items]

    batch = GroupCommit(engine)
    try:
        assert await batch.run(Peek(), "look") == 1
        with pytest.raises(RuntimeError):
            await batch.run(Peek(), "fail")
        assert pool.checkedout() == 0
        async with reg_sm() as session:  # the connection is usable after
            assert (await session.execute(text("SELECT 1"))).scalar() == 1
    finally:
        await batch.close()


async def test_the_progress_list_read_is_the_two_reads(reg_sm, config):
    """The cases and the wish events of the first ones, read in one batch, are what the
    two reads one after the other returned."""
    from bot.store.batch import GroupCommit
    from bot.store.case_reads import case_list, cases_of, wish_events_of
    from routing.cases import add_event, register_case
    from routing.rules import load_rules
    from tests.test_cases import T0, fields_for

    rules = load_rules(config_raw=config.raw)
    async with reg_sm() as session:
        for i in range(3):
            case = await register_case(session, openid="o-list", fields=fields_for(),
                                       config=config, rules=rules, now=T0)
            add_event(session, case, "supplement", "payer", {"text": "停", "request": "withdraw"}
                      if i != 1 else {"text": "补充"}, T0)
        await session.commit()
    batch = GroupCommit(reg_sm.kw["bind"])
    try:
        cases = await cases_of(batch, "o-list")
        for shown in (1, 2, 10):
            both = await case_list(batch, "o-list", shown)
            events = await wish_events_of(batch, tuple(c.id for c in cases[:shown]))
            assert [c.id for c in both[0]] == [c.id for c in cases]
            assert {k: [e.id for e in v] for k, v in both[1].items()} == \
                {k: [e.id for e in v] for k, v in events.items()}
        assert await case_list(batch, "o-nobody", 10) == ([], {})
    finally:
        await batch.close()


# --- perf round 5: a payer's first state row and the registration, each step run once -------


def _steps_counted(monkeypatch) -> list[str]:
    """The kind of session each form step of a message ran with, in order."""
    from bot.handlers.intake import IntakeDialogue

    steps: list[str] = []
    step = IntakeDialogue._step

    async def counted(self, session, *args, **kwargs):
        steps.append(type(session).__name__)
        return await step(self, session, *args, **kwargs)

    monkeypatch.setattr(IntakeDialogue, "_step", counted)
    return steps


async def _state_and_cases(bot_server, openid):
    from sqlalchemy import select

    from bot.store.models import Case, DialogueState

    async with bot_server.app["services"].sessionmaker() as session:
        state = await session.get(DialogueState, openid)
        cases = (await session.execute(select(Case).where(Case.openid == openid))
                 ).scalars().all()
        return state, cases


async def test_a_first_filing_starts_its_form_on_the_snapshot(platform, bot_server, monkeypatch):
    """A payer without a state row starts the form in one step on the snapshot, the new row
    inserted in the batch (it was read again in a session of its own); the form then goes
    on from that row."""
    from tests.test_dialogue import say

    steps = _steps_counted(monkeypatch)
    openid = "o-first-row"
    assert "？" in await say(platform, openid, "我要投诉单位不交社保")  # the form's question
    assert steps == ["SessionOnUse"]
    state, _ = await _state_and_cases(bot_server, openid)
    assert state.form and state.version == 1 and state.updated_at is not None
    asked = state.requested_slot
    await say(platform, openid, "新塘镇宏达电子厂")
    state, _ = await _state_and_cases(bot_server, openid)
    assert state.version == 2 and state.requested_slot != asked


async def test_a_first_row_another_writer_inserted_meanwhile_is_kept(
        platform, bot_server, monkeypatch):
    """The snapshot found no row, then another writer (the scheduler's feedback mark, a
    second worker) inserted one: the insert writes nothing and the step runs again on the
    locked row, so the saved state follows the other writer's (its version counts on)."""
    from bot.inbound import Inbound
    from bot.store.models import DialogueState

    services = bot_server.app["services"]
    dispatcher = bot_server.app["dispatcher"]
    openid = "o-first-row-race"
    filing = Inbound(openid=openid, kind="text", text="我要投诉单位不交社保", msg_id=911)
    dispatcher.prepare(filing)
    await services.batch.flush()  # the snapshot is read: no row
    async with services.sessionmaker() as session:
        session.add(DialogueState(openid=openid, slots={}, pending={"feedback": {"case": "X"}},
                                  version=5))
        await session.commit()
    steps = _steps_counted(monkeypatch)
    assert await dispatcher.handle(filing)
    assert steps == ["SessionOnUse", "AsyncSession"]
    state, _ = await _state_and_cases(bot_server, openid)
    assert state.form and state.version == 6


async def test_a_registration_runs_its_step_once(platform, bot_server, monkeypatch):
    """确认 registers in the step run on the snapshot, which opens its session at the case:
    one step, one case, the form cleared in the same commit (it was run up to the case,
    then again from the start in a session)."""
    from tests.test_dialogue import ANSWERS, CASE_NO, finish_form, say

    openid = "o-register-once"
    reply = await say(platform, openid, "我叫孙八，电话13512349999，新塘镇宏达电子厂欠我社保")
    await finish_form(platform, openid, reply, ANSWERS)
    steps = _steps_counted(monkeypatch)
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    assert steps == ["SessionOnUse"]
    state, cases = await _state_and_cases(bot_server, openid)
    assert [c.case_no for c in cases] == [case_no] and not state.form


async def test_a_registration_on_a_state_changed_since_the_snapshot_commits_nothing_of_it(
        platform, bot_server, monkeypatch):
    """Another writer changed the state after the snapshot was read (another worker, the
    console): the registration's transaction is rolled back whole, the step runs again on
    the locked row, and the payer has one case, not two."""
    from sqlalchemy import update

    from bot.inbound import Inbound
    from bot.store.models import DialogueState
    from tests.test_dialogue import ANSWERS, CASE_NO, finish_form, say

    services = bot_server.app["services"]
    dispatcher = bot_server.app["dispatcher"]
    openid = "o-register-race"
    reply = await say(platform, openid, "我叫周九，电话13512348888，新塘镇宏达电子厂欠我社保")
    await finish_form(platform, openid, reply, ANSWERS)
    confirm = Inbound(openid=openid, kind="text", text="确认", msg_id=912)
    dispatcher.prepare(confirm)
    await services.batch.flush()
    async with services.sessionmaker() as session:
        await session.execute(update(DialogueState).where(DialogueState.openid == openid)
                              .values(version=DialogueState.version + 1))
        await session.commit()
    steps = _steps_counted(monkeypatch)
    replies = await dispatcher.handle(confirm)
    assert steps == ["SessionOnUse", "AsyncSession"]
    state, cases = await _state_and_cases(bot_server, openid)
    assert [c.case_no for c in cases] == [CASE_NO.search("\n".join(replies)).group()]
    assert not state.form


async def test_a_duplicate_answer_on_a_state_changed_since_the_snapshot_adds_once(
        platform, bot_server, monkeypatch):
    """"1" to "is it the same matter?" while another writer changed the state after the
    snapshot was read: the supplement's transaction is rolled back whole, the step runs
    again on the locked row, and the case gets one supplement and one group message."""
    from sqlalchemy import select, update

    from bot.inbound import Inbound
    from bot.store.models import CaseEvent, DialogueState, OutboxItem
    from tests.test_dialogue import ANSWERS, CASE_NO, finish_form, say

    services = bot_server.app["services"]
    dispatcher = bot_server.app["dispatcher"]

    async def group_rows():
        async with services.sessionmaker() as session:
            return [json.dumps(p, ensure_ascii=False, sort_keys=True) for p in (
                await session.execute(select(OutboxItem.payload).where(
                    OutboxItem.channel == "webhook").order_by(OutboxItem.id))).scalars()]

    openid = "o-duplicate-race"
    reply = await say(platform, openid, "我叫吴十，电话13512347777，新塘镇宏达电子厂欠我社保")
    await finish_form(platform, openid, reply, ANSWERS)
    case_no = CASE_NO.search(await say(platform, openid, "确认")).group()
    assert "同一件事" in await say(platform, openid, "宏达电子厂还是没给我交社保，已经八个月了")
    answer = Inbound(openid=openid, kind="text", text="1", msg_id=913)
    dispatcher.prepare(answer)
    await services.batch.flush()
    async with services.sessionmaker() as session:
        await session.execute(update(DialogueState).where(DialogueState.openid == openid)
                              .values(version=DialogueState.version + 1))
        await session.commit()
    before = await group_rows()
    steps = _steps_counted(monkeypatch)
    replies = await dispatcher.handle(answer)
    assert steps == ["SessionOnUse", "AsyncSession"]
    added = (await group_rows())[len(before):]
    assert added and len(set(added)) == len(added)  # one message a group, none twice
    assert case_no in "\n".join(replies) and "补充" in "\n".join(replies)
    state, [case] = await _state_and_cases(bot_server, openid)
    assert not state.form and not (state.pending or {}).get("duplicate")
    async with services.sessionmaker() as session:
        kinds = (await session.execute(select(CaseEvent.kind).where(
            CaseEvent.case_id == case.id))).scalars().all()
    assert kinds.count("supplement") == 1


@pytest.mark.parametrize("value", [
    "message", "text", "greet", "file_dispute", "none", "3f9a0c1d2e4b",
    "reply late for 3f9a0c1d2e4b (waiting in batch), sending via customer-service API",
    "电话13812345678", "138 1234 5678", "身份证440101199001011234", "12345678",
    "GET /wechat?q=%31%33%38%31%32%33%34%35%36%37%38", "我老婆叫陈美丽", "a@b.cn",
    "x" * 300 + "13812345678",
])
def test_a_logged_text_is_scrubbed_as_scrub_does_every_time(value):
    """The filter remembers the scrubbed short texts of its lines: the first and every
    later line carry what :func:`scrub` gives (the URL-decoded text for the event)."""
    import logging
    from urllib.parse import unquote

    from bot.logging_setup import PrivacyFilter
    from bot.privacy import scrub

    def logged():
        record = logging.LogRecord("disputebot.t", logging.INFO, __file__, 1, value, (), None)
        record.kind = value
        PrivacyFilter().filter(record)
        return record.msg, record.kind

    expected = (scrub(unquote(value) if "%" in value else value), scrub(value))
    assert logged() == expected
    assert logged() == expected


def test_the_remembered_log_texts_never_hold_a_raw_phone_number():
    """A short field is remembered by its digest: the process keeps only scrubbed text."""
    import logging

    from bot import logging_setup

    record = logging.LogRecord("disputebot.t", logging.INFO, __file__, 1, "电话13812345678",
                               (), None)
    record.kind = "138 1234 5678"
    logging_setup.PrivacyFilter().filter(record)
    held = [str(part) for key, value in logging_setup._KEPT.items() for part in (*key, value)]
    assert held and not any("13812345678" in h or "1234 5678" in h for h in held)


async def test_a_body_that_came_with_its_headers_is_read_at_once(aiohttp_client):
    """The gateway takes a body already received whole without a read loop or a timer; a
    body too large is still refused, and one still arriving is read as before."""
    import asyncio

    from aiohttp import web

    from bot.gateway import Gateway

    class _Config:
        max_body_bytes = 64
        body_timeout = 2.0

    gateway = Gateway.__new__(Gateway)
    gateway._config = _Config()

    async def echo(request):
        body = await gateway._read_body(request)
        return web.Response(text="none" if body is None else f"{len(body)}:{body.decode()}")

    app = web.Application()
    app.router.add_post("/", echo)
    client = await aiohttp_client(app)
    assert await (await client.post("/", data=b"<xml>hi</xml>")).text() == "13:<xml>hi</xml>"
    assert await (await client.post("/", data=b"x" * 65)).text() == "none"

    async def trickle():
        for part in (b"<xml>", b"slow", b"</xml>"):
            yield part
            await asyncio.sleep(0.02)

    assert await (await client.post("/", data=trickle())).text() == "15:<xml>slow</xml>"

    async def too_much():
        for _ in range(5):
            yield b"y" * 20
            await asyncio.sleep(0.01)

    assert await (await client.post("/", data=too_much())).text() == "none"

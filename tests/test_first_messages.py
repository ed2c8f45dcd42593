"""First-message triage, measured on blind data: 120 first messages a payer might send the
account (tests/data/first_messages.jsonl), each labelled with the kind of first reply a real
payer should get. Every message goes through the real gateway from a fresh openid; the
bot's reply is classified by the texts it is made of (bot/handlers/texts.yaml and the
knowledge base's answer and decline), and accuracy per kind and the confusions are
reported. Run with ``-s`` to see the table."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import yaml

from bot.texts import TEXTS_FILE
from knowledge.answer import DECLINE_LEAD
from tests.test_dialogue import say

DATA = Path(__file__).resolve().parent / "data" / "first_messages.jsonl"
KINDS = ("form", "policy", "progress", "greeting", "thanks_or_ack", "cancel_or_nothing",
         "human", "other")
REPLY_KINDS = {
    "human": ["handoff_need_phone", "registered_callback"],
    "form": ["intake_start", "ask_description", "description_too_short", "ask_category",
             "ask_employer", "employer_invalid", "employer_person", "employer_boss",
             "ask_jurisdiction", "ask_jurisdiction_list", "jurisdiction_choices",
             "jurisdiction_unknown", "ask_name", "ask_phone", "ask_headcount",
             "ask_desired_outcome", "ask_optional", "summary", "anger_description"],
    "progress": ["progress_none", "progress_list_header", "progress_not_found",
                 "progress_number_unclear", "reopen_none"],
    "cancel_or_nothing": ["nothing_to_cancel", "withdraw_maybe_many"],
    "policy": ["ask_policy_prompt", "ask_policy_topic"],
    "greeting": ["greet", "welcome", "help", "nudge"],
    "thanks_or_ack": ["thanks", "ack", "face_ack"],
    "other": ["fallback", "bot_identity", "junk"],
}
OUT_OF_SCOPE = "我只解答社会保险费缴纳方面的问题"
GENERAL_LINE = "12345"
POLICY_MARKS = ("（依据：", DECLINE_LEAD, "按提示说明情况即可在线登记")
FLOOR = {"all": 118 / 120, "form": 35 / 36, "policy": 29 / 30, "progress": 1.0, "greeting": 1.0,
         "thanks_or_ack": 1.0, "cancel_or_nothing": 1.0, "human": 1.0, "other": 1.0}
"""Accuracy the bot reaches on the file (110/120 before the fixes of 2026-11-26); a change that
lowers it fails. Left: a complaint with its period and base asked as 怎么办 is answered, not
filed (policy.CASE_FACTS), and 公积金 is declined to 12345, not 12329 (knowledge base)."""


def _marks() -> list[tuple[str, str]]:
    """(kind, words of one of its texts: its longest piece without placeholders), in the
    order they are tried."""
    texts = yaml.safe_load(TEXTS_FILE.read_text("utf-8"))
    marks = []
    for kind, keys in REPLY_KINDS.items():
        for key in keys:
            pieces = re.split(r"\{[^}]*\}|\n", texts[key])
            marks.append((kind, max(pieces, key=len)[:14]))
    return marks


MARKS = _marks()


def reply_kind(reply: str) -> str:
    """The kind of a first reply, by the texts it is made of; "unknown" when none fits."""
    if OUT_OF_SCOPE in reply and GENERAL_LINE in reply:
        return "other"  # the weather, jokes: the general line; 社保卡 to 12333 is policy
    for kind, opening in MARKS:
        if opening and opening in reply:
            return kind
    if any(mark in reply for mark in POLICY_MARKS):
        return "policy"
    return "unknown"


def load_messages() -> list[dict]:
    return [json.loads(line) for line in DATA.read_text("utf-8").splitlines() if line.strip()]


def report(results: list[tuple[str, str, str, str]]) -> tuple[dict[str, float], str]:
    """Accuracy per kind and overall, and a readable table with every confusion."""
    totals, right = Counter(), Counter()
    lines = []
    for message, wanted, got, reply in results:
        totals[wanted] += 1
        right[wanted] += wanted == got
        if wanted != got:
            lines.append(f"  {wanted} → {got}: {message!r} | {reply[:60]!r}")
    scores = {k: right[k] / totals[k] for k in KINDS if totals[k]}
    scores["all"] = sum(right.values()) / len(results)
    table = [f"{k:18} {right[k]:3}/{totals[k]:3}  {scores[k]:.3f}" for k in KINDS if totals[k]]
    table.append(f"{'all':18} {sum(right.values()):3}/{len(results):3}  {scores['all']:.3f}")
    return scores, "\n".join(table + ["confusions:"] + lines)


def test_the_data_covers_every_kind():
    rows = load_messages()
    assert len(rows) == 120 and {r["kind"] for r in rows} == set(KINDS)
    assert len({r["text"] for r in rows}) == len(rows)


async def test_first_replies_are_of_the_kind_a_payer_needs(platform):
    results = []
    for index, row in enumerate(load_messages()):
        reply = await say(platform, f"first-{index:03d}", row["text"])
        results.append((row["text"], row["kind"], reply_kind(reply), reply))
    scores, table = report(results)
    print("\n" + table)
    assert all(scores[k] >= floor for k, floor in FLOOR.items()), table


async def test_a_grievance_about_phone_calls_is_no_call_back_request(platform):
    """The call-back words of "能不能让工作人员给我回个电话" must not catch what the employer
    does not do."""
    for index, message in enumerate(["老板一直不给我回电话，社保也不交", "公司没回电话"]):
        reply = await say(platform, f"first-phone-{index}", message)
        assert reply_kind(reply) != "human", (message, reply)


async def test_variants_of_the_fixed_classes_get_their_kind(platform):
    """Beyond the file: more thanks, call-back requests, protests put as questions and
    questions about one's own complaint, said otherwise."""
    cases = {"谢谢老师辛苦啦": "thanks_or_ack", "辛苦你们了谢谢": "thanks_or_ack",
             "请工作人员联系我": "human", "我想和人工客服聊聊": "human",
             "让人给我打个电话": "human", "凭啥不给我买社保": "form",
             "我们的投诉有结果没": "progress", "上次投诉有结果了吗": "progress",
             "进渡": "progress", "这样的投诉有结果吗": "policy"}
    for index, (message, kind) in enumerate(cases.items()):
        reply = await say(platform, f"first-variant-{index}", message)
        assert reply_kind(reply) == kind, (message, reply)

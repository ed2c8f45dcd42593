"""Markdown messages for the liaison groups' WeCom robots: case cards, reminders, alerts.

A card is read by every member of a group, so it carries only masked personal data (张*,
138****5678) and the payer's description scrubbed of phone and ID numbers; the liaison reads
full contact details through the authenticated API. User text is neutralised so a payer
cannot inject ``<@userid>`` mentions, links or colours into an official group.

Payer text is also made inert as markdown: ``# * > ` < [ ]`` become their full-width twins,
so a description cannot add headings, bold or quotes, and header fields are folded onto one
line, so a newline in the employer's name cannot end the quote block. Control, zero-width
and bidi characters are dropped (they could hide or reorder what a liaison reads).

A WeCom markdown message may not exceed 4096 bytes of UTF-8. :func:`render_card` gives the
card as one message with only the description cut (with "…", never inside a character), so
the header fields and the footer always arrive; what is sent (:func:`messages_for`) is the
card's ``parts`` instead: a description too long for one message continues in numbered
cards ("(1/3)" …, at most :data:`MAX_PARTS`), so a liaison reads every fact the payer gave.

Texts and labels added after labels.yaml live in ``notices.yaml`` under ``card``.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Self

import yaml

from bot.periods import period_text
from bot.privacy import mask_id_number, mask_name, mask_phone, scrub, visible
from routing.deadlines import SHANGHAI, deadline_text
from routing.notices import load_notices, status_label
from routing.rules import GroupTarget, Route
from routing.webhook import (
    MARKDOWN_LIMIT,
    PART_MARK,
    PART_ROOM,
    TEXT_LIMIT,
    cut_utf8,
    markdown_payload,
    text_payload,
    utf8_prefix,
)

LABELS_PATH = Path(__file__).resolve().parent / "labels.yaml"

# Caps for free-text header fields (characters), so the header can never crowd out the card:
# even all at their cap in 4-byte characters, header + action line + footer stay under
# ~3,700 bytes and the description keeps room.
_FIELD_CAP = {"employer": 100, "jurisdiction": 60, "period": 60, "amount": 60,
              "desired_outcome": 200, "name": 20, "phone": 40}
_REASON_CAP = 40
_REASONS_SHOWN = 8
_REASONS_CAP = 120  # all reasons together
# Payer-typed markup characters → full-width twins. Applied before masking, so the masks'
# own "*" (138****5678) stay as the liaisons know them.
_NEUTRAL = str.maketrans({"<": "＜", ">": "＞", "[": "［", "]": "］", "`": "｀", "*": "＊",
                          "#": "＃"})
# Line breaks of every kind become "\n"; tabs a space.
_BREAKS = str.maketrans({"\r": "\n", "\v": "\n", "\f": "\n", "\x85": "\n",
                         "\u2028": "\n", "\u2029": "\n", "\t": " "})
# Other control characters, zero-width and bidi controls: invisible, or they reorder text.
# A zero-width joiner between two emoji stays: it draws one picture (👨‍👩‍👧), hides no digit.
EMOJI_JOINER = (r"(?!(?<=[\u2600-\u27bf\ufe0f\U0001f000-\U0001faff])\u200d"
                r"[\u2600-\u27bf\U0001f000-\U0001faff])")
_INVISIBLE = re.compile(EMOJI_JOINER + r"[\x00-\x08\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e"
                        r"\u2060-\u2064\u2066-\u2069\ufeff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# A line of only ---, === or ___ turns the line above into a heading or draws a rule.
_RULE_LINE = re.compile(r"^([-=_])\1{2,}$")
_RULE_TWIN = str.maketrans({"-": "－", "=": "＝", "_": "＿"})
# A resident ID number as the intake stores it; anything else is not shown on a card.
_ID_NUMBER = re.compile(r"\d{15}|\d{17}[\dXx]")
MAX_PARTS = 6  # cards for one description; past that the console has the rest
NOTE_CAP = 2000  # characters of a note's free text (the API's own cap on what a liaison types)
# Characters of what a payer wrote, shown whole in numbered parts; past it (more than
# MAX_PARTS messages) the last part says the rest is in the console.
PAYER_TEXT_CAP = 6000
_TITLE_CAP = 300  # bytes: a longer first line is not repeated on each part of a note


class Card(str):
    """A rendered card: the str is the card as one message (description cut), ``parts`` the
    messages to send, in order (just the card when its description fits)."""

    parts: tuple[str, ...]

    def __new__(cls, card: str, parts: tuple[str, ...] | None = None) -> Self:
        made = super().__new__(cls, card)
        made.parts = parts or (card,)
        return made


@lru_cache(maxsize=4)
def load_labels(path: str | None = None) -> dict[str, Any]:
    """Chinese labels and message texts from ``labels.yaml`` (cached)."""
    return yaml.safe_load(Path(path or LABELS_PATH).read_text(encoding="utf-8")) or {}


def payer_names(case: Any) -> tuple[str, ...]:
    """The names to mask in what a liaison or the payer wrote about ``case``."""
    return (case.name,) if getattr(case, "name", None) else ()


def safe_group_text(value: Any, cap: int | None = None, names: tuple[str, ...] = (),
                    single_line: bool = False, masked: bool = True) -> str:
    """User-supplied text made safe for a group: IDs/phones and the payer's ``names`` masked,
    markup neutralised, capped at ``cap`` characters.

    ``single_line`` folds every line break into a space (header fields, quotes: a newline
    there would end the quote and start free markdown); otherwise lines are trimmed and runs
    of blank lines shortened to one. ``masked=False`` leaves the numbers for a mask of the
    field's own (the header's name and phone: "13812345678\n## 已办结" or ``<@all>`` beside
    the phone still cannot leave the quote).
    """
    if value is None:
        return ""
    text = _SURROGATE.sub("\ufffd", str(value).replace("\r\n", "\n")).translate(_BREAKS)
    text = _INVISIBLE.sub("", visible(text)).translate(_NEUTRAL)
    if masked:
        text = scrub(text, names)
    if single_line:
        text = " ".join(text.split())
    else:
        lines = [_RULE_LINE.sub(lambda m: m[0].translate(_RULE_TWIN), line.strip())
                 for line in text.split("\n")]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if cap is not None and len(text) > cap:
        text = text[: cap - 1] + "…"
    return text


def quoted(text: str) -> str:
    """Multi-line ``text`` kept inside a markdown quote: each line continues it."""
    return text.replace("\n", "\n> ")


def card_texts() -> dict[str, Any]:
    """The ``card`` section of notices.yaml (labels and sentences added to the cards)."""
    return load_notices().get("card") or {}


def act_link(case_no: Any) -> str:
    """"办理：联络员工作台 /console/cases/…" — where a liaison acts on the case."""
    return str(card_texts().get("act_link", "")).format(
        case_no=safe_group_text(case_no, 40, single_line=True))


def _day(value: Any) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(SHANGHAI)
        return value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10] if value else "—"


def _minute(value: Any) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(SHANGHAI)
        return value.strftime("%Y-%m-%d %H:%M")
    return _day(value)


def _due(value: Any) -> str:
    return deadline_text(value) if isinstance(value, datetime) else _minute(value)


def reason_label(reason: str, reason_names: Mapping[str, str]) -> str:
    """headcount:200 → 涉及约200人; protest → 聚集/抗议; unknown reasons pass through."""
    name, _, value = str(reason).partition(":")
    label = reason_names.get(name.strip())
    if label is None:
        return safe_group_text(reason, _REASON_CAP, single_line=True)
    if "{n}" in label:
        return label.format(n=value.strip()) if value.strip().isdigit() else "涉及多人"
    return label


def render_card(
    case: Mapping[str, Any],
    route: Route,
    agency_names: Mapping[str, str],
    category_names: Mapping[str, str] | None = None,
    severity_names: Mapping[str, str] | None = None,
    reason_names: Mapping[str, str] | None = None,
    limit: int = MARKDOWN_LIMIT,
) -> str:
    """The case card for every group in ``route.groups`` (≤ ``limit`` bytes of UTF-8)."""
    labels = load_labels()
    texts = labels.get("texts") or {}
    category_names = category_names or labels.get("categories") or {}
    severity_names = severity_names or labels.get("severities") or {}
    reason_names = reason_names or labels.get("reasons") or {}

    def agency(key: str) -> str:
        return agency_names.get(key) or key

    severity = str(case.get("severity") or "general")
    major = severity == "major"
    category = str(case.get("category") or "other")
    # Reasons from the NLU and from the routing rules can name the same thing twice.
    reasons = list(dict.fromkeys(reason_label(r, reason_names)
                                 for r in case.get("severity_reasons") or ()))
    if len(reasons) > _REASONS_SHOWN:  # the header must leave room for the description
        reasons = [*reasons[:_REASONS_SHOWN], "…"]
    severity_text = severity_names.get(severity, severity)
    if major:
        severity_text = f'<font color="warning">{severity_text}</font>'
    if reasons:
        joined = "、".join(reasons)
        if len(joined) > _REASONS_CAP:
            joined = joined[: _REASONS_CAP - 1] + "…"
        severity_text += f"（{joined}）"
    marker = ""
    if major:
        marker = f'<font color="warning">{texts.get("major_marker", "【重大疑难】")}</font>'
    co = "、".join(agency(a) for a in route.co) or "无"
    extra = card_texts()
    jurisdiction = _jurisdiction_line(case, route, extra)
    fields = extra.get("fields") or {}
    payer = mask_name(safe_group_text(case.get("name"), _FIELD_CAP["name"], single_line=True,
                                      masked=False)) or str(extra.get("no_name", "未留姓名"))
    phone = safe_group_text(case.get("phone"), _FIELD_CAP["phone"], single_line=True,
                            masked=False)
    contact = [mask_phone(phone) if phone else str(extra.get("no_phone", "未留电话"))]
    if _ID_NUMBER.fullmatch(str(case.get("id_number") or "")):
        # Masked, enough to match the payer in an agency's own system.
        contact.append(f"{fields.get('id_number', '证件号')} "
                       f"{mask_id_number(str(case.get('id_number')))}")
    if contact:
        payer += f"（{'，'.join(contact)}）"
    unknown = extra.get("unknown", "未说明")

    def one_line(key: str) -> str:
        return safe_group_text(shown.get(key), _FIELD_CAP.get(key), single_line=True)

    shown = {**case, "period": period_text(case["period"]) if case.get("period") else None}
    period_label, shown["period"] = _period_field(shown["period"], extra)
    title = texts.get("card_title", "社保费征缴争议事项")
    # In the order of the seeds' 报送单 (002 附件): 报送编号, 联系人信息, 反映内容摘要, 受理
    # (登记时间, who handles it), the day the handling is reported back (办理时限), and
    # whether the lead has yet filled in 受理人/受理时间/报送意见.
    case_no = safe_group_text(case.get("case_no"), 40, single_line=True)
    lines = [f"## {marker}{title} {fields.get('case_no', '报送编号')} {case_no}",
             f"> 缴费人：{payer}"]
    if case.get("needs_callback"):
        lines.append(f"> {fields.get('reply', '回复方式')}："
                     f"<font color=\"warning\">{extra.get('callback', '')}</font>")
    lines += [f"> 类别：**{category_names.get(category, category)}**",
              f"> 用人单位：{_employer_shown(case.get('employer'), extra)}"]
    for label, key in ((period_label, "period"), (fields.get("amount", "涉及金额"), "amount")):
        if shown.get(key):
            lines.append(f"> {label}：{one_line(key)}")
    if case.get("headcount"):
        lines.append(f"> 涉及人数：{safe_group_text(case.get('headcount'), 12, single_line=True)}")
    lines += [f"> 诉求：{one_line('desired_outcome') or unknown}",
              f"> 证据材料：{len(case.get('evidence') or ())} 份"]
    if case.get("created_at"):
        channel = str(case.get("channel") or "")
        channel = (extra.get("channels") or {}).get(channel) or safe_group_text(
            channel, 20, single_line=True) or unknown
        lines.append(f"> {fields.get('registered_at', '登记时间')}："
                     f"{_minute(case.get('created_at'))}（{channel}）")
    lines += [
        f"> 辖区：{jurisdiction}",
        f"> 等级：{severity_text}",
        f"> 牵头单位：**{agency(route.lead)}**",
        f"> 协办单位：{co}",
        # To the minute: the deadline keeps the time of day and escalation fires then.
        f"> 办理时限：{_due(case.get('deadline'))}",
        f"> {fields.get('acceptance', '受理')}：{_acceptance(case, extra)}",
    ]
    head = "\n".join(lines) + "\n\n**反映内容**\n"
    how = str(extra.get("how_to_act", "")).format(case_no=case_no)
    footer = f"\n<font color=\"comment\">{texts.get('privacy_footer', '')}</font>"
    tail = (f"\n\n{how}" if how else "") + footer
    names = (case.get("name"),) if case.get("name") else ()
    summary = safe_group_text(case.get("description"), names=names) or "（无）"
    budget = limit - len(head.encode("utf-8")) - len(tail.encode("utf-8"))
    card = head + cut_utf8(summary, max(budget, 0), texts.get("truncated", "…")) + tail
    card = cut_utf8(card, limit)  # last resort; header caps keep this a no-op
    if len(summary.encode("utf-8")) <= budget:
        return Card(card)
    brief = f"\n\n{act_link(case.get('case_no'))}{footer}"
    return Card(card, _parts(head, tail, brief, summary, limit, extra, texts))


def _parts(head: str, tail: str, brief: str, summary: str, limit: int,
           extra: Mapping[str, Any], texts: Mapping[str, Any]) -> tuple[str, ...]:
    """The card as numbered messages (:func:`numbered_parts`): the first with the whole
    header, the others with the title only; every one ends with where to act and the
    privacy note, the last with the full how-to."""
    title, _, rest = head.partition("\n")
    return tuple(numbered_parts(
        title, summary, limit, first=rest, again=f"\n**{extra['continued']}**\n",
        more=str(extra["continues"]) + brief, last=tail,
        truncated=texts.get("truncated", "…")))


def numbered_parts(title: str, body: str, limit: int, *, more: str, first: str = "",
                   again: str = "", last: str = "", truncated: str = "…") -> list[str]:
    """``body`` as messages of at most ``limit`` bytes, each headed ``title (i/n)``: the
    first part then opens with ``first``, the others with ``again``; every part but the last
    ends with ``more``, the last with ``last``. Cards and notes are both split here, so a
    liaison reads one numbering. A part that starts inside a quoted line ("> …") stays a
    quote; past :data:`MAX_PARTS` the last part is cut with ``truncated``."""

    def room(top: str, end: str) -> int:  # 2: the "> " a continued quote gets
        return limit - len(f"{title}\n{top}{end}".encode()) - PART_ROOM - 2

    spans: list[tuple[int, str]] = []
    at = 0
    while at < len(body):
        top = again if spans else first
        text = body[at:]
        if len(text.encode("utf-8")) <= room(top, last):
            spans.append((at, text))
            break
        if len(spans) == MAX_PARTS - 1:
            spans.append((at, cut_utf8(text, max(room(top, last), 0), truncated)))
            break
        piece = utf8_prefix(text, room(top, more))
        if not piece:
            break
        spans.append((at, piece))
        at += len(piece)
        while body.startswith("\n", at):
            at += 1
    out = []
    for index, (start, chunk) in enumerate(spans, 1):
        line = body.rfind("\n", 0, start) + 1
        if start > line and body.startswith("> ", line):
            chunk = "> " + chunk
        mark = PART_MARK.format(index=index, total=len(spans))
        top = first if index == 1 else again
        end = last if index == len(spans) else more
        out.append(cut_utf8(f"{title}{mark}\n{top}{chunk}{end}", limit))
    return out


def _jurisdiction_line(case: Mapping[str, Any], route: Route, extra: Mapping[str, Any]) -> str:
    """辖区 as the payer gave it, with the district; a place outside the area says so, and
    no place at all says to ask the payer — it is not known to be outside the area."""
    said = safe_group_text(case.get("jurisdiction"), _FIELD_CAP["jurisdiction"],
                           single_line=True)
    if not said:
        return str(extra.get("jurisdiction_unknown") or extra.get("unknown", "未说明"))
    if route.district and route.district != said:
        said += f"（{route.district}）"
    return said if route.in_area else said + str(extra.get("outside_area", ""))


def _acceptance(case: Mapping[str, Any], extra: Mapping[str, Any]) -> str:
    """The 报送单's 受理人/受理时间/报送意见: a case no lead has taken up yet says they are still
    to be filled, not left out (the form itself is in the API and the console)."""
    said = extra.get("acceptance") or {}
    pending = str(case.get("status") or "registered") in ("registered", "assigned")
    return str(said.get("pending" if pending else "done", ""))


def _period_field(period: str | None, extra: Mapping[str, Any]) -> tuple[str, str | None]:
    """(label, value) of the period line: a duration ("半年（时长）") is 时长：半年."""
    fields = extra.get("fields") or {}
    found = re.fullmatch(str(extra.get("duration") or r"(?!)"), period or "")
    if found is not None:
        return fields.get("duration", "时长"), found.group("said")
    return fields.get("period", "所属期"), period


def render_mention(case: Mapping[str, Any]) -> str:
    """Text for the separate @all message that follows a major case's card."""
    template = (load_labels().get("texts") or {}).get("mention_all", "{case_no}")
    case_no = safe_group_text(case.get("case_no"), 40, single_line=True)
    return cut_utf8(template.format(case_no=case_no), TEXT_LIMIT)


def messages_for(target: GroupTarget, card: str, case: Mapping[str, Any]) -> list[dict]:
    """Payloads to send, in order, to one group: the markdown card, then — when the target
    must @all — a short text message with ``mentioned_list: ["@all"]`` (markdown can only
    mention single users with ``<@userid>``)."""
    payloads = [markdown_payload(part) for part in getattr(card, "parts", (card,))]
    if target.mention_all:
        payloads.append(text_payload(render_mention(case), mention_all=True))
    return payloads


def render_reminder(
    case: Mapping[str, Any],
    kind: str,
    agency_names: Mapping[str, str] | None = None,
    category_names: Mapping[str, str] | None = None,
) -> str:
    """Markdown reminder: ``kind`` is "due_soon" (due within a working day), "due_soon_co"
    (the same, to a co-handler: its written opinion is due to the lead), "overdue"
    (deadline passed, escalated to the leadership group office) or "overdue_co" (the same,
    to a co-handler, whose opinion was due by then too).

    A second part says what the overseeing office needs to judge the delay without opening
    the case — severity, place, where the case stands (still unaccepted? waiting for the
    payer's material?) — and where to act.
    """
    if kind not in ("due_soon", "due_soon_co", "overdue", "overdue_co"):
        raise ValueError(f"unknown reminder kind {kind!r}")
    labels = load_labels()
    category_names = category_names or labels.get("categories") or {}
    lead = str(case.get("lead_agency") or "")
    category = str(case.get("category") or "other")
    template = (labels.get("texts") or {})[f"reminder_{kind}"]
    text = template.format(
        case_no=safe_group_text(case.get("case_no"), 40, single_line=True),
        category=category_names.get(category, category),
        deadline=_due(case.get("deadline")),
        lead=(agency_names or {}).get(lead) or lead or "未定",
    )
    extra = card_texts()
    severity = str(case.get("severity") or "general")
    place = safe_group_text(case.get("jurisdiction"), _FIELD_CAP["jurisdiction"],
                            single_line=True)
    district = safe_group_text(case.get("district"), 20, single_line=True)
    if district and district != place:
        place = f"{place}（{district}）" if place else district
    status = status_label(str(case.get("status") or "")) or extra.get("unknown", "未说明")
    if case.get("awaiting_info"):
        status += extra.get("awaiting_info", "")
    detail = str(extra.get("reminder_detail", "")).format(
        severity=(labels.get("severities") or {}).get(severity, severity),
        place=place or extra.get("unknown", "未说明"), status=status,
        link=act_link(case.get("case_no")), payer=_masked_payer(case),
        employer=_employer_shown(case.get("employer"), extra))
    return cut_utf8(f"{text}\n{detail}" if detail else text, MARKDOWN_LIMIT)


def _employer_shown(value: Any, extra: Mapping[str, Any]) -> str:
    """The employer as a group reads it: its name, the payer's own "no unit" said so (not
    missing: nobody need call to ask), or 未说明."""
    if str(value or "").strip() == extra.get("no_employer"):
        return str(extra.get("no_employer_shown") or value)
    return safe_group_text(value, _FIELD_CAP["employer"], single_line=True) or str(
        extra.get("unknown", "未说明"))


def _get(case: Any) -> Any:
    """``case.get`` for a mapping (:func:`routing.cases.case_dict`) or a Case row."""
    if isinstance(case, Mapping):
        return case.get
    return lambda key: getattr(case, key, None)


def _masked_payer(case: Any) -> str:
    """"张*（138****5678）": enough to match the payer, never their full number; a name or
    phone the payer did not leave is said, as on the card."""
    get = _get(case)
    extra = card_texts()
    payer = mask_name(safe_group_text(get("name"), _FIELD_CAP["name"], single_line=True,
                                      masked=False)) or str(extra.get("no_name", "未留姓名"))
    phone = safe_group_text(get("phone"), _FIELD_CAP["phone"], single_line=True, masked=False)
    return f"{payer}（{mask_phone(phone) if phone else extra.get('no_phone', '未留电话')}）"


def case_context(case: Any) -> str:
    """The line a note about ``case`` carries so its group can act on it without opening
    the case: category, severity, masked payer, employer, what the payer wants, place (with
    the district) and deadline."""
    get = _get(case)
    labels, extra = load_labels(), card_texts()
    unknown = extra.get("unknown", "未说明")
    category = str(get("category") or "other")
    severity = str(get("severity") or "general")
    place = safe_group_text(get("jurisdiction"), _FIELD_CAP["jurisdiction"], single_line=True)
    district = safe_group_text(get("district"), 20, single_line=True)
    if district and district != place:
        place = f"{place}（{district}）" if place else district
    return str(extra.get("context", "")).format(
        category=(labels.get("categories") or {}).get(category, category),
        severity=(labels.get("severities") or {}).get(severity, severity),
        payer=_masked_payer(case),
        employer=_employer_shown(get("employer"), extra),
        wish=safe_group_text(get("desired_outcome"), _FIELD_CAP["desired_outcome"],
                             single_line=True) or unknown,
        place=place or unknown, deadline=_due(get("deadline")) if get("deadline") else unknown)


def note_messages(case: Any, note: str, limit: int = MARKDOWN_LIMIT) -> list[str]:
    """A group note about ``case`` as the markdown messages to send, in order: the note,
    then the case's context (:func:`case_context`) and where to act. One too long for the
    robot goes as numbered parts like a long card, each headed with the note's first line
    (or ``card.note_title`` when that line is itself long) and each but the last ending
    with "…（接下条）", the context and where to act; a quote cut mid-line stays a quote.
    The context goes last, so the payer's quoted words stay one quote under the title."""
    get = _get(case)
    extra = card_texts()
    case_no = safe_group_text(get("case_no"), 40, single_line=True)
    link = act_link(case_no)
    context = case_context(case)
    linked = f"/console/cases/{case_no}" in note
    tail = "\n".join(filter(None, (context, "" if linked else link)))
    content = "\n".join(filter(None, (note, tail)))
    if len(content.encode("utf-8")) <= limit:
        return [content]
    title, _, rest = note.partition("\n")
    if len(title.encode("utf-8")) > _TITLE_CAP or not rest:
        title, rest = str(extra.get("note_title", "{case_no}")).format(case_no=case_no), note
    more = "\n".join(filter(None, (str(extra["continues"]), context, link)))
    # A blank line before the context: it ends the quote the payer's words are in. The
    # context and link close the last part too, however much of a long note is cut.
    return numbered_parts(title, rest, limit, more=f"\n\n{more}", last=f"\n{tail}",
                          truncated=(load_labels().get("texts") or {}).get("truncated", "…"))


def render_alert(text: str) -> str:
    """Markdown alert for the admin group; scrubbed because error details may quote payers."""
    title = (load_labels().get("texts") or {}).get("alert_title", "disputebot 告警")
    head = f'**<font color="warning">{title}</font>**\n'
    budget = MARKDOWN_LIMIT - len(head.encode("utf-8"))
    return head + cut_utf8(safe_group_text(text), budget)

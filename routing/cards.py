"""Markdown messages for the liaison groups' WeCom robots: case cards, reminders, alerts.

A card is read by every member of a group, so it carries only masked personal data (张*,
138****5678) and the payer's description scrubbed of phone and ID numbers; the liaison reads
full contact details through the authenticated API. User text is neutralised so a payer
cannot inject ``<@userid>`` mentions, links or colours into an official group.

A WeCom markdown message may not exceed 4096 bytes of UTF-8: only the description is cut
(with "…", never inside a character), so the header fields always arrive.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.periods import period_text
from bot.privacy import mask_name, mask_phone, scrub
from routing.deadlines import SHANGHAI
from routing.rules import GroupTarget, Route
from routing.webhook import (
    MARKDOWN_LIMIT,
    TEXT_LIMIT,
    cut_utf8,
    markdown_payload,
    text_payload,
)

LABELS_PATH = Path(__file__).resolve().parent / "labels.yaml"

# Caps for free-text header fields (characters), so the header can never crowd out the card.
_FIELD_CAP = {"employer": 100, "jurisdiction": 60, "period": 60, "amount": 60,
              "desired_outcome": 300}
_NEUTRAL = str.maketrans({"<": "＜", ">": "＞", "[": "［", "]": "］", "`": "｀"})


@lru_cache(maxsize=4)
def load_labels(path: str | None = None) -> dict[str, Any]:
    """Chinese labels and message texts from ``labels.yaml`` (cached)."""
    return yaml.safe_load(Path(path or LABELS_PATH).read_text(encoding="utf-8")) or {}


def safe_group_text(value: Any, cap: int | None = None, names: tuple[str, ...] = ()) -> str:
    """User-supplied text made safe for a group: IDs/phones and the payer's ``names`` masked,
    markup neutralised, capped at ``cap`` characters."""
    if value is None:
        return ""
    text = scrub(str(value), names).translate(_NEUTRAL).strip()
    if cap is not None and len(text) > cap:
        text = text[: cap - 1] + "…"
    return text


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


def reason_label(reason: str, reason_names: Mapping[str, str]) -> str:
    """headcount:200 → 涉及约200人; protest → 聚集/抗议; unknown reasons pass through."""
    name, _, value = str(reason).partition(":")
    label = reason_names.get(name.strip())
    if label is None:
        return safe_group_text(reason)
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
    reasons = [reason_label(r, reason_names) for r in case.get("severity_reasons") or ()]
    severity_text = severity_names.get(severity, severity)
    if major:
        severity_text = f'<font color="warning">{severity_text}</font>'
    if reasons:
        severity_text += f"（{'、'.join(reasons)}）"
    marker = ""
    if major:
        marker = f'<font color="warning">{texts.get("major_marker", "【重大疑难】")}</font>'
    co = "、".join(agency(a) for a in route.co) or "无"
    jurisdiction = safe_group_text(case.get("jurisdiction"), _FIELD_CAP["jurisdiction"]) or "未说明"
    if route.district and route.district != jurisdiction:
        jurisdiction += f"（{route.district}）"
    if not route.in_area:
        jurisdiction += "（非本辖区，请转有管辖权的地区处理）"
    payer = mask_name(case.get("name")) or "未留姓名"
    if case.get("phone"):
        payer += f"（{mask_phone(case.get('phone'))}）"

    title = texts.get("card_title", "社保费征缴争议事项")
    lines = [
        f"## {marker}{title} {safe_group_text(case.get('case_no'))}",
        f"> 类别：**{category_names.get(category, category)}**",
        f"> 等级：{severity_text}",
        f"> 辖区：{jurisdiction}",
        f"> 牵头单位：**{agency(route.lead)}**",
        f"> 协办单位：{co}",
        f"> 办理时限：{_day(case.get('deadline'))}",
    ]
    shown = {**case, "period": period_text(case["period"]) if case.get("period") else None}
    for label, key in (("用人单位", "employer"), ("所属期", "period"), ("涉及金额", "amount")):
        if shown.get(key):
            lines.append(f"> {label}：{safe_group_text(shown.get(key), _FIELD_CAP[key])}")
    if case.get("headcount"):
        lines.append(f"> 涉及人数：{safe_group_text(case.get('headcount'))}")
    lines.append(f"> 证据材料：{len(case.get('evidence') or ())} 份")
    lines.append(f"> 缴费人：{payer}")
    if case.get("desired_outcome"):
        outcome = safe_group_text(case.get("desired_outcome"), _FIELD_CAP["desired_outcome"])
        lines.append(f"> 诉求：{outcome}")
    head = "\n".join(lines) + "\n\n**反映内容**\n"
    tail = f"\n\n<font color=\"comment\">{texts.get('privacy_footer', '')}</font>"
    names = (case.get("name"),) if case.get("name") else ()
    summary = safe_group_text(case.get("description"), names=names) or "（无）"
    budget = limit - len(head.encode("utf-8")) - len(tail.encode("utf-8"))
    card = head + cut_utf8(summary, max(budget, 0), texts.get("truncated", "…")) + tail
    return cut_utf8(card, limit)  # last resort; header caps keep this a no-op


def render_mention(case: Mapping[str, Any]) -> str:
    """Text for the separate @all message that follows a major case's card."""
    template = (load_labels().get("texts") or {}).get("mention_all", "{case_no}")
    return cut_utf8(template.format(case_no=safe_group_text(case.get("case_no"))), TEXT_LIMIT)


def messages_for(target: GroupTarget, card: str, case: Mapping[str, Any]) -> list[dict]:
    """Payloads to send, in order, to one group: the markdown card, then — when the target
    must @all — a short text message with ``mentioned_list: ["@all"]`` (markdown can only
    mention single users with ``<@userid>``)."""
    payloads = [markdown_payload(card)]
    if target.mention_all:
        payloads.append(text_payload(render_mention(case), mention_all=True))
    return payloads


def render_reminder(
    case: Mapping[str, Any],
    kind: str,
    agency_names: Mapping[str, str] | None = None,
    category_names: Mapping[str, str] | None = None,
) -> str:
    """Markdown reminder: ``kind`` is "due_soon" (due within a working day) or "overdue"
    (deadline passed, escalated to the leadership group office)."""
    if kind not in ("due_soon", "overdue"):
        raise ValueError(f"unknown reminder kind {kind!r}")
    labels = load_labels()
    category_names = category_names or labels.get("categories") or {}
    lead = str(case.get("lead_agency") or "")
    category = str(case.get("category") or "other")
    template = (labels.get("texts") or {})[f"reminder_{kind}"]
    text = template.format(
        case_no=safe_group_text(case.get("case_no")),
        category=category_names.get(category, category),
        deadline=_minute(case.get("deadline")),
        lead=(agency_names or {}).get(lead) or lead or "未定",
    )
    return cut_utf8(text, MARKDOWN_LIMIT)


def render_alert(text: str) -> str:
    """Markdown alert for the admin group; scrubbed because error details may quote payers."""
    title = (load_labels().get("texts") or {}).get("alert_title", "disputebot 告警")
    head = f'**<font color="warning">{title}</font>**\n'
    budget = MARKDOWN_LIMIT - len(head.encode("utf-8"))
    return head + cut_utf8(safe_group_text(text), budget)

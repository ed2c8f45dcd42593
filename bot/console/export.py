"""CSV export of cases for 案卷归档: UTF-8 with BOM so Excel opens the Chinese columns.

Personal data is masked (name, phone, ID number, numbers inside free text) unless the
leadership office asks for the full file; the caller records that as an audit event on
every exported case. Cells that Excel would read as a formula (=, +, -, @) get a leading
apostrophe, so payer text can never run as a formula on the archivist's machine.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.periods import period_text
from bot.privacy import mask_id_number, mask_name, mask_phone, scrub
from bot.store.models import Case, CaseEvent
from routing.cards import card_texts
from routing.deadlines import SHANGHAI, to_local
from routing.notices import status_label

BOM = "\ufeff"
COLUMNS = ("编号", "登记时间", "状态", "问题类别", "事项等级", "辖区", "镇街/所在地", "牵头单位",
           "协办单位", "办理时限", "是否逾期", "首次办理时间", "办结时间", "姓名", "联系电话",
           "身份证号", "用人单位", "所属期", "金额（元）", "涉及人数", "问题描述", "诉求",
           "证据（媒体ID）", "满意度评分", "是否解决", "渠道", "受理人", "受理人电话", "受理时间",
           "报送意见", "办理结果")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


MIN_YEAR, MAX_YEAR = 1900, 2999


class BadPeriod(ValueError):
    """``from``/``to`` are not YYYY-MM-DD, or ``from`` is after ``to``: ``code`` and
    ``values`` name which (notices.yaml ``errors``)."""

    def __init__(self, detail: str, code: str = "bad_date", **values: str) -> None:
        super().__init__(detail)
        self.code, self.values = code, values


def parse_period(start: str | None, end: str | None) -> tuple[datetime | None, datetime | None]:
    """Beijing calendar days → [start, end) in UTC-aware datetimes; either may be open."""
    def day(value: str | None) -> date | None:
        if not value:
            return None
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise BadPeriod(value, value=value.strip()[:40]) from None

    first, last = day(start), day(end)
    for value in (first, last):  # 0001-01-01 / 9999-12-31 overflow once shifted to UTC
        if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
            raise BadPeriod(str(value), "date_out_of_range", value=str(value),
                            low=str(MIN_YEAR), high=str(MAX_YEAR))
    if first and last and first > last:
        raise BadPeriod(f"{first} > {last}", "end_before_start", start=str(first),
                        end=str(last))
    lower = datetime.combine(first, time(), SHANGHAI) if first else None
    upper = datetime.combine(last + timedelta(days=1), time(), SHANGHAI) if last else None
    return lower, upper


def _safe(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def _when(value: datetime | None) -> str:
    return to_local(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def row(case: Case, full: bool, names: Mapping[str, str], labels: Mapping[str, Mapping],
        late: bool, handled: Mapping[str, str] | None = None) -> list[str]:
    """One case as the archive reads it: words, not codes (所属期, 渠道 as on the card), and
    ``handled`` — the 受理人 and 办理结果 of its history (:func:`handling`)."""
    own = (case.name,) if case.name else ()  # the name typed into the text is masked too
    text = (lambda v: v or "") if full else (lambda v: scrub(v, own))
    handled = handled or {}
    channel = (card_texts().get("channels") or {}).get(case.channel or "", case.channel)
    amount = "" if case.amount is None else f"{case.amount:g}"
    cells = [
        case.case_no, _when(case.created_at), status_label(case.status),
        labels["categories"].get(case.category, case.category),
        labels["severities"].get(case.severity, case.severity),
        case.district or "辖区外", text(case.jurisdiction),
        names.get(case.lead_agency or "", case.lead_agency),
        "、".join(names.get(a, a) for a in case.co_agencies or []),
        _when(case.deadline), _yes_no(late), _when(case.first_action_at),
        _when(case.resolved_at),
        case.name if full else mask_name(case.name),
        case.phone if full else mask_phone(case.phone),
        case.id_number if full else mask_id_number(case.id_number),
        text(case.employer), text(period_text(case.period)) if case.period else "", amount,
        case.headcount, text(case.description), text(case.desired_outcome),
        " ".join(str(m) for m in case.evidence or []),
        case.rating, _yes_no(case.solved), channel,
        handled.get("acceptor"), handled.get("acceptor_phone"), handled.get("accepted_at"),
        text(handled.get("opinion")), text(handled.get("result")),
    ]
    return ["" if c is None else str(c) for c in cells]


def handling(events: Iterable[CaseEvent]) -> dict[int, dict[str, str]]:
    """Per case id, the 报送单's 受理人 (name, phone, first acceptance) and 报送意见, and the
    latest result told to the payer: a file for 案卷归档 without the result says nothing (a
    reopen clears it)."""
    out: dict[int, dict[str, str]] = {}
    for event in sorted(events, key=lambda e: (e.at, e.id or 0)):
        detail = event.detail or {}
        mine = out.setdefault(event.case_id, {})
        if event.kind == "accepted":
            for key in ("acceptor", "acceptor_phone", "opinion"):
                mine[key] = detail.get(key) or mine.get(key) or ""
            mine.setdefault("accepted_at", _when(event.at))
        elif event.kind == "resolved":
            mine["result"] = detail.get("result") or ""
        elif event.kind == "reopened":
            mine.pop("result", None)
    return out


def to_csv(rows: Sequence[Sequence[str]]) -> str:
    """The file's text: BOM, header, rows; CRLF line ends as Excel writes them."""
    return csv_text(COLUMNS, rows)


def csv_text(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Any table in the export's format (BOM, CRLF, no formulas)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([_safe(cell) for cell in r] for r in rows)
    return BOM + out.getvalue()

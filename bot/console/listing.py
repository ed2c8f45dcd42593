"""The case list: filters from the query string (the search also takes a phone or ID number),
deadline order, pages of 20.

Visibility is the actions module's own SQL filter (``routing.actions.visible_filter``) plus its
:func:`~routing.actions.can_see` on every row, so the console never shows a case the REST
API would hide. Unknown filter values are ignored rather than refused: a list page should
always render.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.privacy import plain_joiners, scrub
from bot.store.models import Case
from routing import actions
from routing.cases import CLOSED_STATUSES

_SEPARATORS = re.compile(r"[\s\-–—()（）.·/]")
_MOBILE = re.compile(r"(?:\+?86)?(1\d{10})")
_LANDLINE = re.compile(r"0\d{9,11}")
_ID = re.compile(r"\d{17}[\dX]|\d{15}")
PAGE_SIZE = 20
FILTERS = ("q", "status", "category", "severity", "jurisdiction", "lead", "overdue")
Q_CAP = 40


@dataclass
class Filters:
    q: str = ""  # a case number (or its tail), employer or town: routing.actions.search_filter
    status: str = ""
    category: str = ""
    severity: str = ""
    jurisdiction: str = ""
    lead: str = ""  # the lead agency (the office's 督办 of one agency's cases)
    overdue: str = ""  # "1" overdue only, "0" not overdue, "" all
    sort: str = "deadline"  # "deadline" (earliest first) or "-deadline"
    page: int = 1
    sealed: str = ""  # ``q`` sealed for links when it is a phone or ID number

    @classmethod
    def from_query(cls, query: Mapping[str, str], choices: Mapping[str, Any]) -> Filters:
        def pick(name: str) -> str:
            value = (query.get(name) or "").strip()
            return value if value in choices.get(name, ()) else ""

        try:
            page = max(1, min(int(query.get("page") or 1), 100_000))
        except ValueError:
            page = 1
        sort = query.get("sort") if query.get("sort") in ("deadline", "-deadline") else "deadline"
        overdue = query.get("overdue") if query.get("overdue") in ("1", "0") else ""
        q = " ".join((query.get("q") or "").split())[:Q_CAP]
        return cls(q=q, status=pick("status"), category=pick("category"),
                   severity=pick("severity"), jurisdiction=pick("jurisdiction"),
                   lead=pick("lead"), overdue=overdue, sort=sort, page=page)

    def query(self, **changes: Any) -> dict[str, str]:
        """These filters as query parameters (for links to other pages or orders)."""
        values = {name: getattr(self, name) for name in FILTERS}
        if self.sealed:
            values.update(q="", qs=self.sealed)
        values.update(sort=self.sort, page=str(self.page))
        values.update({k: str(v) for k, v in changes.items()})
        return {k: v for k, v in values.items() if v and not (k == "page" and v == "1")}


@dataclass
class Page:
    cases: list[Case]
    total: int
    page: int
    pages: int
    filters: Filters
    extra: dict[str, Any] = field(default_factory=dict)


def overdue_clause(now: datetime):
    return and_(Case.status.not_in(CLOSED_STATUSES), Case.deadline.is_not(None),
                Case.deadline <= now)


def contact_filter(text: str):
    """SQL filter for a phone or ID number typed into the search box in any shape (spaces,
    dashes, +86, full-width digits); None when ``text`` is not one. The list still shows
    the number masked: the search only finds the case."""
    plain = _SEPARATORS.sub("", plain_joiners(unicodedata.normalize("NFKC", text))).upper()
    if match := _MOBILE.fullmatch(plain):
        return Case.phone == match.group(1)
    if _LANDLINE.fullmatch(plain):
        return func.replace(Case.phone, "-", "") == plain
    if _ID.fullmatch(plain):
        return func.upper(Case.id_number) == plain
    return None


def is_contact(text: str) -> bool:
    """Whether a search text is a phone or ID number (kept out of URLs), or holds anything
    the masking of logs and cards reads as personal: sealed even when no search can use it."""
    return contact_filter(text) is not None or bool(text) and scrub(text) != text


def _where(agency: str, f: Filters, now: datetime) -> list:
    where = [actions.visible_filter(agency)]
    if f.q:
        contact = contact_filter(f.q)
        text = actions.search_filter(f.q)
        where.append(text if contact is None else or_(contact, text))
    if f.status:
        where.append(Case.status == f.status)
    if f.category:
        where.append(Case.category == f.category)
    if f.severity:
        where.append(Case.severity == f.severity)
    if f.jurisdiction:  # a district covers its towns; a town matches what the payer named
        where.append(or_(Case.district == f.jurisdiction, Case.jurisdiction == f.jurisdiction))
    if f.lead:
        where.append(Case.lead_agency == f.lead)
    if f.overdue == "1":
        where.append(overdue_clause(now))
    elif f.overdue == "0":
        where.append(or_(Case.status.in_(CLOSED_STATUSES), Case.deadline.is_(None),
                         Case.deadline > now))
    return where


async def list_page(session: AsyncSession, agency: str, f: Filters, now: datetime,
                    page_size: int = PAGE_SIZE) -> Page:
    """One page of the agency's cases matching ``f``, by deadline (cases without one last)."""
    where = _where(agency, f, now)
    total = await session.scalar(select(func.count()).select_from(Case).where(*where)) or 0
    pages = max(1, -(-total // page_size))
    page = min(f.page, pages)
    deadline = Case.deadline.desc() if f.sort == "-deadline" else Case.deadline.asc()
    rows = await session.execute(
        select(Case).where(*where)
        .order_by(Case.deadline.is_(None), deadline, Case.created_at.desc(), Case.id.desc())
        .offset((page - 1) * page_size).limit(page_size))
    cases = [c for c in rows.scalars() if actions.can_see(c, agency)]
    return Page(cases=cases, total=total, page=page, pages=pages, filters=f)

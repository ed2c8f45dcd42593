"""综合分析 (statistics with SVG bar charts) and the CSV export for 案卷归档.

Both read only the cases the signed-in agency may see; the leadership office sees all.
A full (unmasked) export is for the leadership office only and writes the audit event
"contact_exported" on every case in the file, in the same transaction as the read.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from aiohttp import web
from sqlalchemy import select

from bot.console import stats as figures
from bot.console.charts import bar_chart
from bot.console.core import Console
from bot.console.export import BadPeriod, handling, parse_period, row, to_csv
from bot.console.render import SECURITY_HEADERS, labels, render, texts
from bot.console.session import Session
from bot.store.models import Case, CaseEvent, utcnow
from routing import actions
from routing.cases import add_event
from routing.notices import load_notices

DIMENSION_TITLES = {"category": "按问题类别", "lead_agency": "按牵头单位",
                    "district": "按辖区", "severity": "按事项等级"}
EXPORT_LIMIT = 50_000


def _where(agency: str, start: datetime | None, end: datetime | None) -> list:
    where = [actions.visible_filter(agency)]
    if start is not None:
        where.append(Case.created_at >= start)
    if end is not None:
        where.append(Case.created_at < end)
    return where


async def _cases(db, agency: str, start: datetime | None, end: datetime | None) -> list[Case]:
    query = select(Case).where(*_where(agency, start, end))
    rows = await db.execute(query.order_by(Case.created_at, Case.id).limit(EXPORT_LIMIT))
    return [c for c in rows.scalars() if actions.can_see(c, agency)]


async def _late_before(db, console: Console, cases: list[Case], agency: str,
                       start: datetime | None, end: datetime | None) -> set[int]:
    """Cases resolved late and reopened since (their lateness is no longer on the row)."""
    ids = select(Case.id).where(*_where(agency, start, end))
    rows = await db.execute(select(CaseEvent).where(
        CaseEvent.kind.in_(("resolved", "reopened")), CaseEvent.case_id.in_(ids)))
    return figures.resolved_late_before(cases, rows.scalars(), console.config.raw)


async def _handling(db, agency: str, start: datetime | None,
                    end: datetime | None) -> dict[int, dict[str, str]]:
    """受理人 and 办理结果 of the exported cases, from their history."""
    ids = select(Case.id).where(*_where(agency, start, end))
    rows = await db.execute(select(CaseEvent).where(
        CaseEvent.kind.in_(("accepted", "resolved", "reopened")), CaseEvent.case_id.in_(ids)))
    return handling(rows.scalars())


def _dimension_names(console: Console) -> dict[str, dict[str, str]]:
    lab = labels()
    return {"category": lab["categories"], "lead_agency": console.names,
            "district": {}, "severity": lab["severities"]}


def _table(dim: str, title: str, part: figures.Breakdown,
           names: dict[str, str]) -> dict[str, Any]:
    """One per-period table of the statistics page; its cells add up to the total."""
    return {"dimension": dim, "title": title, "periods": part.periods,
            "columns": [(value, names.get(value, value)) for value, _ in part.totals],
            "table": part.table}


async def stats_page(request: web.Request, console: Console,
                     session: Session) -> web.StreamResponse:
    q = request.query
    by = q.get("by") if q.get("by") in figures.PERIODS else "week"
    try:
        start, end = parse_period(q.get("from"), q.get("to"))
    except BadPeriod:
        return console.error_page(session, 400, "bad_date")
    leads = console.choices()["lead"]
    lead = q.get("lead") if q.get("lead") in leads else ""
    now = utcnow()
    async with console.sessionmaker() as db:
        cases = await _cases(db, session.agency, start, end)
        late_before = await _late_before(db, console, cases, session.agency, start, end)
    if lead:  # narrows what the agency may see; never widens it
        cases = [c for c in cases if c.lead_agency == lead]
    result = figures.compute(cases, now, by, late_before)
    names = _dimension_names(console)
    unit = texts()["stats"]["units"][by]
    charts = [bar_chart(f"每{unit}登记案件数", result.periods)]
    tables, late = [], []
    for dim, title in DIMENSION_TITLES.items():
        late.append({"dimension": dim, "title": title,
                     "rows": [(names[dim].get(r.value, r.value), r)
                              for r in result.late_by[dim]]})
        part = result.breakdowns[dim]
        charts.append(bar_chart(title, figures.label_totals(part, names[dim])))
        tables.append(_table(dim, f"{title}（每{unit}）", part, names[dim]))
    statuses = load_notices().get("statuses") or {}
    tables.append(_table("status", f"{texts()['stats']['by_status']}（每{unit}）",
                         result.breakdowns["status"], statuses))
    return render("stats.html", **console.context(
        session, stats=result, charts=charts, tables=tables, late=late, by=by,
        lead_choices=leads, lead=lead, unit=unit,
        period={"from": q.get("from") or "", "to": q.get("to") or ""}))


async def export_page(request: web.Request, console: Console,
                      session: Session) -> web.StreamResponse:
    return render("export.html", **console.context(session))


async def export_csv(request: web.Request, console: Console,
                     session: Session) -> web.StreamResponse:
    q = request.query
    full = q.get("full") == "1"
    if full and session.agency != actions.LEADERSHIP:
        return console.error_page(session, 403, "full_export_forbidden")
    try:
        start, end = parse_period(q.get("from"), q.get("to"))
    except BadPeriod:
        return console.error_page(session, 400, "bad_date")
    now = utcnow()
    period = f"{q.get('from') or '…'}~{q.get('to') or '…'}"
    async with console.sessionmaker() as db:
        cases = await _cases(db, session.agency, start, end)
        late_before = await _late_before(db, console, cases, session.agency, start, end)
        handled = await _handling(db, session.agency, start, end)
        rows = [row(c, full, console.names, labels(), figures.is_late(c, now, late_before),
                    handled.get(c.id)) for c in cases]
        if full:
            for case in cases:
                add_event(db, case, "contact_exported", session.agency,
                          {"agency": session.agency, "period": period}, now)
            await db.commit()
    name = "征缴争议案件{}_{}_{}{}.csv".format(q.get("from") or "起", q.get("to") or "今",
                                          session.agency, "_完整" if full else "")
    headers = dict(SECURITY_HEADERS)
    headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return web.Response(body=to_csv(rows).encode("utf-8"), headers=headers,
                        content_type="text/csv", charset="utf-8")

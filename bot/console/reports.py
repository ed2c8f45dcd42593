"""综合分析 (statistics with SVG bar charts, also as a CSV of counts with the page's filters)
and the CSV export for 案卷归档.

Both read only the cases the signed-in agency may see; the leadership office sees all.
A full (unmasked) export is for the leadership office only and writes the audit event
"contact_exported" on every case in the file, in the same transaction as the read.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from aiohttp import web
from sqlalchemy import select

from bot.console import stats as figures
from bot.console.charts import bar_chart
from bot.console.core import Console
from bot.console.export import csv_text, handling, row, to_csv
from bot.console.render import SECURITY_HEADERS, labels, render, texts
from bot.console.scope import Scope, cap_note, late_before, read_scope, visible_cases, where
from bot.console.session import Session
from bot.console.stats_json import dimension_names, overdue_cases, settled_on_the_day
from bot.store.models import Case, CaseEvent, utcnow
from routing import actions
from routing.cases import CLOSED_STATUSES, add_event

DIMENSION_TITLES = {"category": "按问题类别", "lead_agency": "按牵头单位",
                    "district": "按辖区", "severity": "按事项等级"}
OVERDUE_SHOWN = 200  # the page lists this many; the case list's 逾期 filter has them all


async def _handling(db, agency: str, scope: Scope) -> dict[int, dict[str, str]]:
    """受理人 and 办理结果 of the exported cases, from their history."""
    ids = select(Case.id).where(*where(agency, scope.start, scope.end))
    rows = await db.execute(select(CaseEvent).where(
        CaseEvent.kind.in_(("accepted", "resolved", "reopened")), CaseEvent.case_id.in_(ids)))
    return handling(rows.scalars())


def _table(dim: str, title: str, part: figures.Breakdown,
           names: dict[str, str]) -> dict[str, Any]:
    """One per-period table of the statistics page; its cells add up to the total."""
    return {"dimension": dim, "title": title, "periods": part.periods,
            "columns": [(value, names.get(value, value)) for value, _ in part.totals],
            "table": part.table}


@dataclass
class _StatsQuery:
    """The statistics page's filters and the cases they select (shared with its CSV)."""

    by: str
    lead: str
    leads: dict[str, str]
    period: dict[str, str]
    now: datetime
    cases: list[Case]
    result: figures.Stats


def _breakdown(query) -> str:
    """``by``: week (when absent), month or quarter, as a code or its unit (月, 按月). Any
    other value is refused instead of being shown silently by week."""
    values = [v for v in query.getall("by", []) if v.strip()]
    units = texts()["stats"]["units"]
    found = set()
    for value in values:
        wanted = "".join(value.split()).lower()
        code = next((c for c in figures.PERIODS if wanted in (c, units[c], f"按{units[c]}")),
                    None)
        if code is None:
            raise actions.BadRequest(
                f"unknown breakdown {value[:40]!r}", "unknown_breakdown",
                value=actions.shown_value(value),
                choices="、".join(f"{c}（{units[c]}）" for c in figures.PERIODS))
        found.add(code)
    if len(found) > 1:
        raise actions.BadRequest("two values for by", "repeated_setting", name="by",
                                 values="、".join(f"“{actions.shown_value(v)}”" for v in values))
    return found.pop() if found else "week"


async def _stats_query(request: web.Request, console: Console,
                       session: Session) -> _StatsQuery:
    """The page's filters (a bad one raises the ActionError shown as a 400 page)."""
    q = request.query
    by = _breakdown(q)
    now = utcnow()
    scope = read_scope(q, console.names, now)  # an agency narrows what one sees, never widens
    async with console.sessionmaker() as db:
        cases = await visible_cases(db, session.agency, scope)
        late = await late_before(db, cases, session.agency, scope, console.config.raw)
    return _StatsQuery(by=by, lead=scope.lead or "", leads=console.choices()["lead"], now=now,
                       cases=cases, period={"from": scope.first, "to": scope.last},
                       result=figures.compute(cases, now, by, late))


def _csv_link(query: _StatsQuery) -> str:
    params = {"from": query.period["from"], "to": query.period["to"], "by": query.by,
              "lead": query.lead}
    return "/console/stats.csv?" + urlencode({k: v for k, v in params.items() if v})


async def stats_page(request: web.Request, console: Console,
                     session: Session) -> web.StreamResponse:
    query = await _stats_query(request, console, session)
    result, by = query.result, query.by
    names = dimension_names(console.names)
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
    tables.append(_table("status", f"{texts()['stats']['by_status']}（每{unit}）",
                         result.breakdowns["status"], names["status"]))
    overdue = overdue_cases(query.cases, query.now)
    return render("stats.html", **console.context(
        session, stats=result, charts=charts, tables=tables, late=late, by=by,
        overdue=overdue[:OVERDUE_SHOWN], overdue_count=len(overdue), names=names,
        stats_now=query.now, cap_note=cap_note() if query.cases.truncated else "",
        on_the_day=sum(settled_on_the_day(c) for c in query.cases),
        lead_choices=query.leads, lead=query.lead, unit=unit, period=query.period,
        csv_link=_csv_link(query)))


async def stats_csv(request: web.Request, console: Console,
                    session: Session) -> web.StreamResponse:
    """The statistics page as a CSV: counts only (labels, periods, figures), never a case
    or a payer, so it can be passed on like the page itself."""
    query = await _stats_query(request, console, session)
    cfg = texts()["stats_csv"]
    names = dimension_names(console.names)
    keys = {dim: (lambda c, d=dim: figures.dimension_value(c, d))
            for dim in (*figures.DIMENSIONS, "status")}
    keys["period"] = lambda c: figures.period_key(c.created_at, query.by)
    names["period"] = {}
    rows = [[cfg["total"], cfg["all"], *_counts(query.cases, query.now)]]
    for dim, title in cfg["groups"].items():
        rows += [[title, names[dim].get(value, value), *_counts(group, query.now)]
                 for value, group in _grouped(query.cases, keys[dim], dim == "period",
                                              query.by)]
    result = query.result
    for name, value in (("overdue_rate", result.overdue_rate),
                        ("on_time_rate", result.on_time_rate),
                        ("solved", result.solved_share)):
        rows.append([cfg["figures"], cfg[name], "—" if value is None else f"{value:.1%}", ""])
    for name, value in (("first_median", result.first_action.median),
                        ("resolve_median", result.resolution.median)):
        rows.append([cfg["figures"], cfg[name], "—" if value is None else f"{value:.1f}", ""])
    rows.append([cfg["figures"], cfg["on_the_day"],
                 cfg["cases"].format(n=sum(settled_on_the_day(c) for c in query.cases)), ""])
    rating = result.rating_average
    rows.append([cfg["figures"], cfg["rating"], "—" if rating is None else f"{rating:.2f}", ""])
    agency = console.names.get(session.agency, session.agency)
    rows += [[cfg["filters"], cfg["range"],
              f"{query.period['from'] or '…'}~{query.period['to'] or '…'}", ""],
             [cfg["filters"], cfg["by"], texts()["stats"]["units"][query.by], ""],
             [cfg["filters"], cfg["lead"], console.names.get(query.lead, cfg["all"]), ""],
             [cfg["filters"], cfg["seen_by"], agency, ""]]
    if query.cases.truncated:
        rows.append([cfg["figures"], cfg["capped"], cap_note(), ""])
    body = csv_text(cfg["columns"], rows)
    name = "征缴争议统计{}_{}_{}.csv".format(query.period["from"] or "起",
                                         query.period["to"] or "今", session.agency)
    headers = dict(SECURITY_HEADERS)
    headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return web.Response(body=body.encode("utf-8"), headers=headers, content_type="text/csv",
                        charset="utf-8")


def _counts(cases: list[Case], now: datetime) -> list[int]:
    """案件数, 逾期未办结 (the list's 逾期 filter), 未办结."""
    open_ = [c for c in cases if c.status not in CLOSED_STATUSES]
    return [len(cases), sum(c.deadline is not None and c.deadline <= now for c in open_),
            len(open_)]


def _grouped(cases: list[Case], key, periods: bool, by: str) -> list[tuple[str, list[Case]]]:
    groups: dict[str, list[Case]] = {}
    for case in cases:
        groups.setdefault(key(case), []).append(case)
    if periods:  # every period in the range, quiet ones as 0
        return [(p, groups.get(p, [])) for p in figures.period_range(groups, by)]
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


async def export_page(request: web.Request, console: Console,
                      session: Session) -> web.StreamResponse:
    return render("export.html", **console.context(session))


async def export_csv(request: web.Request, console: Console,
                     session: Session) -> web.StreamResponse:
    q = request.query
    full = q.get("full") == "1"
    if full and session.agency != actions.LEADERSHIP:
        return console.error_page(session, 403, "full_export_forbidden")
    now = utcnow()
    scope = read_scope(q, console.names, now)  # a bad date or agency: a 400 page
    period = scope.label
    async with console.sessionmaker() as db:
        cases = await visible_cases(db, session.agency, scope)
        late = await late_before(db, cases, session.agency, scope, console.config.raw)
        handled = await _handling(db, session.agency, scope)
        rows = [row(c, full, console.names, labels(), figures.is_late(c, now, late),
                    handled.get(c.id)) for c in cases]
        if full:
            for case in cases:
                add_event(db, case, "contact_exported", session.agency,
                          {"agency": session.agency, "period": period}, now)
            await db.commit()
    name = "征缴争议案件{}_{}_{}{}.csv".format(scope.first or "起", scope.last or "今",
                                          scope.lead or session.agency, "_完整" if full else "")
    headers = dict(SECURITY_HEADERS)
    headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return web.Response(body=to_csv(rows).encode("utf-8"), headers=headers,
                        content_type="text/csv", charset="utf-8")

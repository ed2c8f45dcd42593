"""``disputebot stats``: the office's figures at the server's terminal, the same numbers as
``GET /api/stats`` (one JSON object on one line) or as a table to read. It takes the API's
``--from``/``--to``/``--period``/``--agency``; a mistake in them is one Chinese line and
exit 2, an unusable database one line and exit 1. Acts as the leadership office, like
``disputebot case``; ``--agency`` narrows to the cases that agency leads."""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.console.render import texts
from bot.console.scope import late_before, read_scope, visible_cases
from bot.console.stats_json import dimension_names, summary
from bot.store.models import utcnow
from routing import actions
from routing.cli import _says, _with_session
from routing.notices import agency_names


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``stats`` to the ``disputebot`` parser."""
    stats = subparsers.add_parser(
        "stats", help="the office's statistics, the same figures as GET /api/stats",
        description="Print the statistics of the cases registered in a period (Beijing "
        "days): one JSON object per line, as GET /api/stats answers, or a table.")
    stats.add_argument("--from", dest="first", metavar="YYYY-MM-DD",
                       help="first registration day")
    stats.add_argument("--to", dest="last", metavar="YYYY-MM-DD", help="last registration day")
    stats.add_argument("--period", help="today, week, month, quarter, year (or 本周, 本月 …); "
                       "not with --from/--to")
    stats.add_argument("--agency", help="only the cases this agency leads (code or name)")
    stats.add_argument("--format", choices=["json", "table"], default="json",
                       help="json (default, one line) or table")
    stats.set_defaults(func=_stats)


def _stats(args, config) -> int:
    names = agency_names(config.raw)
    query = {key: value for key, value in (("from", args.first), ("to", args.last),
                                            ("period", args.period), ("agency", args.agency))
             if value is not None}
    now = utcnow()
    try:
        scope = read_scope(query, names, now)
    except actions.ActionError as exc:
        print(_says("error", message=exc.message), file=sys.stderr)
        return 2

    async def work(session) -> dict[str, Any]:
        cases = await visible_cases(session, actions.OPERATOR, scope)
        late = await late_before(session, cases, actions.OPERATOR, scope, config.raw)
        return summary(cases, now, scope, agency=actions.OPERATOR,
                       names=dimension_names(names), late_before=late)

    try:
        body = asyncio.run(_with_session(config, work))
    except (SQLAlchemyError, OSError) as exc:
        print(_says("no_database", kind=exc.__class__.__name__), file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps(body, ensure_ascii=False))
    else:
        print(table(body))
    if body["note"]:
        print(body["note"], file=sys.stderr)
    return 0


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def table(body: dict[str, Any]) -> str:
    """The figures as aligned lines for a terminal (texts.yaml ``stats_table``)."""
    says = texts()["stats_table"]
    period = body["period"]
    lines = [says["scope"].format(first=period["from"] or "…", last=period["to"] or "…",
                                  agency=body["agency"] or says["all"]),
             f"{says['total']}\t{body['total']}", f"{says['open']}\t{body['open']}",
             f"{says['resolved']}\t{body['resolved']}",
             f"{says['on_time_rate']}\t{_percent(body['on_time_rate'])}",
             f"{says['on_the_day']}\t{body['settled_on_the_day']}",
             f"{says['archived']}\t{body['archived']}"]
    feedback = body["feedback"]
    lines.append(says["feedback"].format(rated=feedback["rated"],
                                         average=feedback["average"] or "—",
                                         solved=feedback["solved"],
                                         not_solved=feedback["not_solved"]))
    for key in ("by_category", "by_severity", "by_agency", "by_status"):
        lines.append("")
        lines.append(says[key])
        lines += [f"  {row['label']}\t{row['count']}" + (
            f"\t{says['overdue_of']}{row['overdue']}" if row["overdue"] else "")
            for row in body[key]]
    lines += ["", f"{says['overdue']}\t{body['overdue']['count']}"]
    lines += [f"  {row['case_no']}\t{row['category']}\t{row['lead']}\t{row['deadline_label']}"
              f"\t{says['days_overdue'].format(days=row['days_overdue'])}"
              for row in body["overdue"]["cases"]]
    return "\n".join(lines)

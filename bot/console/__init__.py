"""Liaison web console (联络员工作台) under ``/console/``, served by ``disputebot serve``.

Server-rendered pages over the same :mod:`routing.actions` as the REST API: sign-in with
the agency token, case list and case page with the liaison actions, statistics (综合分析)
and the CSV export. Wire it into the app with::

    app.router.add_routes(console_routes(sessionmaker, config, outbox_notifier(app)))
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.console import auth, cases, reports
from bot.console.core import HOME, PREFIX, Console, page, redirect

STATIC_DIR = Path(__file__).resolve().parent / "static"


def console_routes(sessionmaker: async_sessionmaker, config: Any,
                   notify: Callable[[], None] = lambda: None) -> list[web.AbstractRouteDef]:
    """The console's routes and its static files (CSS, icons), all under ``/console/``.

    ``notify`` is called after a commit that queued payer notices, so the outbox sends
    them at once (``routing.runtime.outbox_notifier(app)``).
    """
    console = Console.build(sessionmaker, config, notify)

    async def home(request: web.Request) -> web.StreamResponse:
        raise redirect(HOME)

    actions = "{action:" + "|".join(cases.ACTIONS) + "}"
    case = PREFIX + "/cases/{case_no}"
    return [
        web.get(PREFIX, home),
        web.get(PREFIX + "/", home),
        web.get(PREFIX + "/login", page(console, auth.login_form, anonymous=True)),
        web.post(PREFIX + "/login", page(console, auth.login, anonymous=True)),
        web.post(PREFIX + "/logout", page(console, auth.logout)),
        web.get(PREFIX + "/cases", page(console, cases.case_list)),
        web.post(PREFIX + "/cases", page(console, cases.search)),
        web.get(case, page(console, cases.show_case)),
        web.post(case + "/contact", page(console, cases.reveal_contact)),
        web.post(case + "/" + actions, page(console, cases.act)),
        web.get(PREFIX + "/stats", page(console, reports.stats_page)),
        web.get(PREFIX + "/stats.csv", page(console, reports.stats_csv)),
        web.get(PREFIX + "/export", page(console, reports.export_page)),
        web.get(PREFIX + "/export.csv", page(console, reports.export_csv)),
        web.static(PREFIX + "/static", STATIC_DIR),
    ]


__all__ = ["console_routes"]

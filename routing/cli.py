"""``disputebot case list|show|accept|note|request-info|transfer|escalate|resolve``: the liaison
actions for operators at a terminal.

Same functions as the REST API (routing/actions.py), so the same visibility: with
``--agency`` the command sees what that agency sees; without it the operator acts as the
leadership group office, which sees every case. Messages a command queues (the payer's
notices) are sent by the running server's outbox dispatcher.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from routing import actions
from routing.cards import load_labels
from routing.deadlines import deadline_text
from routing.notices import agency_names, load_notices, status_label


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``case`` command to the ``disputebot`` parser."""
    case = subparsers.add_parser("case", help="liaison actions on cases").add_subparsers(
        dest="case", required=True)

    listing = case.add_parser("list", help="list cases (newest first)")
    listing.add_argument("--agency", help="act as this agency (default: leadership office)")
    listing.add_argument("--status", help="only cases in this status (assigned, resolved, …, "
                         "or 办理中, 逾期; several joined by ,)")
    listing.add_argument("--category", help="only cases of this category (late_fee, …)")
    listing.add_argument("--severity", help="only cases of this severity (simple, general, "
                         "major)")
    listing.add_argument("--search", help="a case number or its tail (0001), an employer or "
                         "a town, as the API's q=")
    listing.add_argument("--overdue", action="store_true", help="only overdue cases")
    listing.add_argument("--lead", help="only cases this agency leads (code or name), as the "
                         "API's agency=")
    listing.add_argument("--sort", help="newest (default), oldest, deadline or -deadline")
    listing.add_argument("--limit", type=int, default=500, help="at most this many (≤ 2000)")
    listing.add_argument("--offset", type=int, default=0, help="skip this many first")
    listing.set_defaults(func=_list)

    show = case.add_parser("show", help="one case with its history (contact data masked)")
    show.add_argument("case_no")
    show.add_argument("--agency")
    show.add_argument("--contact", action="store_true",
                      help="reveal full contact data (recorded as contact_viewed)")
    show.set_defaults(func=_show)

    accept = case.add_parser("accept", help="accept a case as its lead agency (the payer is "
                             "told), filling in the 报送单's 受理人 and 报送意见")
    accept.add_argument("case_no")
    accept.add_argument("--acceptor", help="受理人姓名")
    accept.add_argument("--acceptor-phone", help="受理人电话")
    accept.add_argument("--opinion", help="初步处理意见（报送意见）")
    accept.add_argument("--agency")
    accept.set_defaults(func=_acting("accept", lambda s, a, args, config: actions.accept(
        s, a, args.case_no, acceptor=args.acceptor, acceptor_phone=args.acceptor_phone,
        opinion=args.opinion, config=config)))

    for name, helptext, option, option_help, run in (
        ("note", "add an internal note to the case history", "--text", "the note",
         lambda s, a, args, config: actions.add_note(s, a, args.case_no, args.text,
                                                     config=config)),
        ("request-info", "ask the payer for more information", "--text",
         "what the payer should send",
         lambda s, a, args, config: actions.request_info(s, a, args.case_no, args.text,
                                                         config=config)),
        ("escalate", "raise a case to 重大疑难事项 (leadership office, payer told)", "--reason",
         "why the lead agency cannot settle it alone",
         lambda s, a, args, config: actions.escalate(s, a, args.case_no, args.reason,
                                                     config=config)),
        ("resolve", "resolve a case and notify the payer", "--result",
         "the result told to the payer",
         lambda s, a, args, config: actions.resolve(s, a, args.case_no, args.result,
                                                    config=config)),
    ):
        command = case.add_parser(name, help=helptext)
        command.add_argument("case_no")
        if option:
            command.add_argument(option, required=True, help=option_help)
        command.add_argument("--agency")
        command.set_defaults(func=_acting(name, run))

    transfer = case.add_parser("transfer", help="hand the case to another lead agency")
    transfer.add_argument("case_no")
    transfer.add_argument("--to", required=True, help="the agency key (see config.yaml)")
    transfer.add_argument("--reason", required=True)
    transfer.add_argument("--agency")
    transfer.set_defaults(func=_acting("transfer", lambda s, a, args, config: actions.transfer(
        s, a, args.case_no, args.to, args.reason, config=config)))


async def _with_session(config, work) -> Any:
    from bot.store.db import is_sqlite, make_engine, make_sessionmaker

    if is_sqlite(config.database_url):
        from bot.store.migrate import upgrade

        await asyncio.to_thread(upgrade, config.database_url)
    engine = make_engine(config.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            result = await work(session)
            await session.commit()
            return result
    finally:
        await engine.dispose()


def _says(key: str, **values: Any) -> str:
    """A terminal line from notices.yaml ``cli``."""
    return str((load_notices().get("cli") or {}).get(key, key)).format(**values)


def _agency(args, config) -> str:
    """``--agency`` as the API's ``to`` is read: the code in any case (HRSS) or the display
    name (区税务局); an unknown one is echoed as typed, not upper-cased like a case number."""
    names = agency_names(config.raw)
    if args.agency is None:
        return actions.OPERATOR
    agency = actions.agency_key(args.agency, names)
    if agency is None:
        raise actions.BadRequest(f"unknown agency {args.agency[:40]!r}", "unknown_agency",
                                 value=actions.shown_value(args.agency),
                                 choices=actions.choice_list(names))
    return agency


def _run(args, config, work) -> int:
    try:
        agency = _agency(args, config)
        return asyncio.run(_with_session(config, lambda session: work(session, agency)))
    except actions.ActionError as exc:
        print(_says("error", message=exc.message), file=sys.stderr)
        return 1 if exc.status != 404 else 3
    except (SQLAlchemyError, OSError) as exc:
        print(_says("no_database", kind=exc.__class__.__name__), file=sys.stderr)
        return 1


def _list(args, config) -> int:
    names = agency_names(config.raw)
    severities = load_labels().get("severities") or {}

    async def work(session, agency):
        page = await actions.list_cases(session, agency, status=args.status,
                                        overdue=True if args.overdue else None,
                                        category=args.category,
                                        severity=args.severity, search=args.search,
                                        lead=actions.lead_of(args.lead, names),
                                        sort=args.sort, limit=args.limit, offset=args.offset)
        for case in page.cases:
            view = actions.summary(case, names=names)
            print("\t".join([view["case_no"], view["status_label"] or view["status"],
                             actions.category_label(view["category"]),
                             severities.get(view["severity"], view["severity"] or "—"),
                             view["lead_name"] or "—",
                             deadline_text(case.deadline),
                             _says("overdue") if view["overdue"] else ""]).rstrip())
        print(_says("count", first=page.offset + 1, last=page.offset + len(page.cases),
                    total=page.total) if page.cases else _says("none", total=page.total),
              file=sys.stderr)
        return 0
    return _run(args, config, work)


def _show(args, config) -> int:
    async def work(session, agency):
        view = await actions.get_case(session, agency, args.case_no,
                                      reveal_contact=args.contact, actor=f"cli:{agency}",
                                      config=config)
        print(json.dumps(view, ensure_ascii=False, indent=2))
        return 0
    return _run(args, config, work)


def _acting(name: str, run):
    """A command that changes one case, like the API's POST /api/cases/{no}/{name}."""
    def command(args, config) -> int:
        async def work(session, agency):
            case = await run(session, agency, args, config)
            action = ((load_notices().get("cli") or {}).get("actions") or {}).get(name, name)
            print(_says("done", case_no=case.case_no, action=action,
                        status=status_label(case.status)))
            after = actions.after_action(name)
            if after:
                print(after)
            return 0
        return _run(args, config, work)
    return command

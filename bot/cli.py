"""The ``disputebot`` command."""
from __future__ import annotations

import argparse
import asyncio
import errno
import os
import signal
import socket
import sqlite3
import sys
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

from bot.config import Config, ConfigError, load_config
from bot.logging_setup import setup_logging
from bot.store.db import check_sqlite_writable, is_sqlite

LISTEN_ERRORS = (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES)
CONNECT_TIMEOUT = 10.0
MAX_WORKERS = 64


class Parser(argparse.ArgumentParser):
    """argparse answers a mistake with its usage block and an error; an operator gets one
    line that says what is wrong and where the help is."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: {self._explain(message)} "
                         f"(see '{self.prog} --help')\n")
        raise SystemExit(2)

    def _explain(self, message: str) -> str:
        for action in self._actions:
            if (isinstance(action, argparse._SubParsersAction)
                    and message.endswith(f"required: {action.dest}")):
                return f"which command? one of {', '.join(action.choices)}"
        return message


def _bounded(low: int, high: int) -> Callable[[str], int]:
    def number(text: str) -> int:
        stripped = text.strip()
        value = int(stripped) if stripped.isascii() and stripped.isdigit() else low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be a number {low}-{high}, not {text!r}")
        return value
    return number


def _run_worker(config: Config, reuse_port: bool, models=None,
                listening: Callable[[], None] = lambda: None) -> None:
    """uvloop: its cross-thread wake-ups are what every aiosqlite query pays for."""
    import uvloop
    from aiohttp import web

    from bot.app import build_app

    loop = uvloop.new_event_loop()
    asyncio.set_event_loop(loop)
    app = build_app(config, models=models)
    app.on_startup.append(_stop_once)

    def listening_now(_msg: str) -> None:
        print(f"disputebot listening on http://{_address(config)}/wechat")
        listening()

    try:
        web.run_app(app, host=config.host, port=config.port, access_log=None,
                    reuse_port=reuse_port, loop=loop, print=listening_now)
    except OSError as exc:
        if not _cannot_listen(config, exc):
            raise
        raise SystemExit(1) from None


async def _stop_once(_app) -> None:
    """aiohttp's handlers raise GracefulExit on every SIGTERM/SIGINT: a second one (Ctrl-C
    reaches the workers and the parent forwards SIGTERM) would cut the drain short. After
    the first, the process has STOP_TIMEOUT to finish, then SIGALRM ends it."""
    from aiohttp.web_runner import GracefulExit

    from bot.supervisor import STOP_TIMEOUT

    stopping = False

    def stop() -> None:
        nonlocal stopping
        if not stopping:
            stopping = True
            signal.alarm(int(STOP_TIMEOUT))
            raise GracefulExit()

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop)


def _cannot_listen(config: Config, exc: OSError) -> bool:
    """Say why the address cannot be listened on; False for an error that is not about it."""
    if isinstance(exc, socket.gaierror):
        print(f"disputebot: cannot listen on {config.host}: no such address on this machine "
              f"(set HOST or server.host, e.g. 127.0.0.1 or 0.0.0.0)", file=sys.stderr)
        return True
    if exc.errno not in LISTEN_ERRORS:
        return False
    print(f"disputebot: cannot listen on {_address(config)}: "
          f"{os.strerror(exc.errno)} (set PORT or server.port)", file=sys.stderr)
    return True


def _address(config: Config) -> str:
    host = f"[{config.host}]" if ":" in config.host else config.host
    return f"{host}:{config.port}"


def _port_free(config: Config) -> bool:
    """Bound once before loading the models and forking, so a port in use stops ``serve``
    with one line at once instead of N failing workers. Without SO_REUSEPORT: with it, a
    second ``serve --workers N`` joined the pool already listening there and took half its
    messages (into whatever database it was given)."""
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((config.host, config.port))
        except OSError as exc:
            if not _cannot_listen(config, exc):
                raise
            return False
    return True


def _serve(args, config: Config) -> int:
    """One process, or ``--workers N`` processes sharing the port (SO_REUSEPORT) and all
    state through the database, kept running by :mod:`bot.supervisor`."""
    if args.port is not None:
        config.port = args.port
    if args.workers > 1 and config.port == 0:
        print("disputebot: --workers needs a fixed port: with port 0 each worker would listen "
              "on a random port of its own (set PORT, server.port or --port)", file=sys.stderr)
        return 2
    if not _port_free(config):
        return 1
    if not _database_ready(config):
        return 1
    import gc

    if args.workers > 1:
        _pool_metrics()
    from bot.app import load_models

    # Loaded before serving (and before forking: workers share the dictionaries and model
    # arrays copy-on-write). Frozen, the collector no longer walks their millions of
    # objects: a full collection of them paused the server for tens of milliseconds.
    models = load_models(config)
    gc.freeze()
    if args.workers <= 1:
        _run_worker(config, reuse_port=False, models=models)
        return 0
    from bot.supervisor import Supervisor

    return Supervisor(lambda listening: _run_worker(config, True, models, listening),
                      args.workers).run()


def _pool_metrics() -> None:
    """Counters in files shared by the workers (a fresh folder per run, removed at exit), so
    a scrape of the shared port counts the whole pool. Must precede prometheus_client's
    import: it picks file-backed values then."""
    import atexit
    import shutil
    import tempfile

    if "prometheus_client" in sys.modules:
        raise RuntimeError("prometheus_client imported before the pool's metrics folder")
    directory = tempfile.mkdtemp(prefix="disputebot-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    parent = os.getpid()
    atexit.register(lambda: os.getpid() == parent and shutil.rmtree(directory, True))


def _database_ready(config: Config) -> bool:
    """Embedded SQLite is brought to the newest schema; PostgreSQL must be reachable and
    migrated. Otherwise one line says what is wrong and the command stops."""
    from alembic.util import CommandError

    from bot.store.migrate import upgrade

    try:
        if is_sqlite(config.database_url):
            upgrade(config.database_url)
            check_sqlite_writable(config.database_url)
            return True
        problem = asyncio.run(_schema_problem(config.database_url))
    except CommandError as exc:
        # A revision this release does not know: a newer release migrated the database.
        print(f"disputebot: the database schema is at a revision this version does not know "
              f"({' '.join(str(exc).split())[:200]}); a newer release made it: run that "
              f"release, or a database of this one", file=sys.stderr)
        return False
    except (SQLAlchemyError, OSError, sqlite3.Error) as exc:
        _no_database(config, exc)
        return False
    if problem:
        print(f"disputebot: {problem}", file=sys.stderr)
    return problem is None


def _no_database(config: Config, exc: BaseException) -> None:
    """One line naming the database without its password, and the error's own words."""
    from sqlalchemy.engine import make_url

    shown = make_url(config.database_url).render_as_string(hide_password=True)
    cause = getattr(exc, "orig", None) or exc
    detail = " ".join(str(cause).split())[:200] or "no answer"
    check = ("that the file and its folder are writable by this user"
             if is_sqlite(config.database_url) else "that the database is running")
    print(f"disputebot: cannot use the database {shown}: {cause.__class__.__name__}: {detail} "
          f"(check DATABASE_URL or database.url, and {check})", file=sys.stderr)


async def _schema_problem(url: str) -> str | None:
    """A PostgreSQL database is migrated by the operator (``disputebot db upgrade``), not
    by ``serve``: one that cannot be reached or lacks the schema stops the start with one
    line, instead of a server that fails every message and logs a traceback twice a second."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from bot.store.db import make_engine
    from bot.store.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    engine = make_engine(url)
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT), engine.connect() as conn:
            current = await conn.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision())
    finally:
        await engine.dispose()
    if current == head:
        return None
    return (f"the database schema is at {current or 'nothing (empty database)'}, this "
            f"version needs {head}: run 'disputebot db upgrade' first")


def _db_upgrade(args, config: Config) -> int:
    from alembic.util import CommandError

    from bot.store.migrate import upgrade

    try:
        upgrade(config.database_url, args.revision)
    except CommandError as exc:
        print(f"disputebot: db upgrade: {exc} (leave out the revision to upgrade to the "
              f"newest)", file=sys.stderr)
        return 2
    except (SQLAlchemyError, OSError) as exc:
        _no_database(config, exc)
        return 1
    print(f"database at {args.revision}")
    return 0


def _menu_push(args, config: Config) -> int:
    """Create the menu with wechatpy's client, using the token shared by the workers."""
    import aiohttp
    import requests
    from wechatpy import WeChatClient
    from wechatpy.exceptions import WeChatClientException

    from bot.handlers.events import MENU
    from bot.wechat_api import WeChatAPIError

    async def shared_token() -> str:
        from bot.store.db import make_engine, make_sessionmaker
        from bot.store.tokens import TokenStore
        from bot.wechat_api import WeChatAPI

        engine = make_engine(config.database_url)
        try:
            async with aiohttp.ClientSession() as http:
                api = WeChatAPI(http, config.api_base, config.appid, config.appsecret,
                                TokenStore(make_sessionmaker(engine)))
                return await api.access_token()
        finally:
            await engine.dispose()

    if not _database_ready(config):
        return 1
    try:
        client = WeChatClient(config.appid, config.appsecret,
                              access_token=asyncio.run(shared_token()))
        client.API_BASE_URL = config.api_base + "/cgi-bin/"
        client.menu.create(MENU)
    except (WeChatAPIError, WeChatClientException, aiohttp.ClientError, OSError,
            requests.RequestException) as exc:
        detail = " ".join(str(exc).split())[:200]
        print(f"disputebot: menu push: the WeChat API at {config.api_base} refused or did not "
              f"answer ({exc.__class__.__name__}: {detail}); check WECHAT_API_BASE, "
              f"WECHAT_APPID and WECHAT_APPSECRET", file=sys.stderr)
        return 1
    print("menu created")
    return 0


def _chat(args, config: Config) -> int:
    from bot.chat import run_chat

    if not _database_ready(config):
        return 1
    return asyncio.run(run_chat(config, args.openid, args.mode))


SERVE_HELP = """Run the WeChat callback server (/wechat, /healthz, /metrics, /api, /console).

Settings come from config.yaml; these environment variables replace its values:
  WECHAT_TOKEN        token set in the WeChat admin page
  WECHAT_AES_KEY      43-character message encryption key
  WECHAT_APPID        app ID (wx followed by 16 letters or digits)
  WECHAT_API_BASE     WeChat API address (http:// or https://)
  WECOM_WEBHOOK_BASE  WeCom group robot address (http:// or https://)
  DATABASE_URL        sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER:PW@HOST/DB
  PORT                port to listen on (0-65535)
A wrong value stops the server with one line naming the variable."""


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="disputebot", description=(
        "disputebot: the WeChat bot for social-insurance contribution disputes. Start with "
        "`disputebot serve`; `disputebot COMMAND --help` describes each command."))
    parser.add_argument("--config", help="path to config.yaml")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser(
        "serve", help="run the WeChat callback server",
        formatter_class=argparse.RawDescriptionHelpFormatter, description=SERVE_HELP)
    serve.add_argument("--port", type=_bounded(0, 65535),
                       help="port to listen on (default: PORT, else server.port)")
    serve.add_argument("--workers", type=_bounded(1, MAX_WORKERS), default=1,
                       help="processes sharing the port and the database (default 1)")
    serve.set_defaults(func=_serve)

    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db", required=True)
    up = db.add_parser("upgrade", help="apply Alembic migrations")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(func=_db_upgrade)

    menu = sub.add_parser("menu", help="official account menu").add_subparsers(
        dest="menu", required=True)
    menu.add_parser("push", help="create the menu through the API").set_defaults(func=_menu_push)

    chat = sub.add_parser("chat", help="chat with the bot as a payer in this terminal")
    chat.add_argument("--openid", default="o-terminal-payer")
    chat.add_argument("--mode", choices=["aes", "compat", "plain"], default="aes")
    chat.set_defaults(func=_chat)

    from bot.console.stats_cli import register as register_stats
    from bot.nlu.cli import register as register_nlu
    from knowledge.cli import register as register_kb
    from routing.cli import register as register_case_cli

    register_nlu(sub)
    register_kb(sub)
    register_case_cli(sub)
    register_stats(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:
        return interrupted()


def _main(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(fmt="text" if args.command == "chat" else None)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    return int(args.func(args, config) or 0)


def interrupted() -> int:
    """Ctrl-C ends a command as a shell expects (status 130), without a traceback; what was
    written before it stays written. Ctrl-C can land while asyncio is still building its
    loop: the half-built loop and its unstarted coroutine then complain when collected at
    exit, so what is collected after Ctrl-C stays quiet."""
    import warnings

    sys.unraisablehook = lambda unraisable: None
    warnings.simplefilter("ignore")
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        pass
    return 130


if __name__ == "__main__":
    sys.exit(main())

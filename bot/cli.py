"""The ``disputebot`` command."""
from __future__ import annotations

import argparse
import asyncio
import errno
import os
import signal
import socket
import sys
from collections.abc import Callable

from bot.config import Config, ConfigError, load_config
from bot.logging_setup import setup_logging
from bot.store.db import is_sqlite

LISTEN_ERRORS = (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES)


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
        print(f"disputebot listening on http://{config.host}:{config.port}/wechat")
        listening()

    try:
        web.run_app(app, host=config.host, port=config.port, access_log=None,
                    reuse_port=reuse_port, loop=loop, print=listening_now)
    except OSError as exc:
        if exc.errno not in LISTEN_ERRORS:
            raise
        _cannot_listen(config, exc.errno)
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


def _cannot_listen(config: Config, code: int) -> None:
    print(f"disputebot: cannot listen on {config.host}:{config.port}: "
          f"{os.strerror(code)} (set PORT or server.port)", file=sys.stderr)


def _port_free(config: Config) -> bool:
    """Bound once before forking (as the workers bind: SO_REUSEPORT), so a port in use
    stops ``--workers N`` with one line instead of N failing workers."""
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        try:
            probe.bind((config.host, config.port))
        except OSError as exc:
            if exc.errno not in LISTEN_ERRORS:
                raise
            _cannot_listen(config, exc.errno)
            return False
    return True


def _serve(args, config: Config) -> int:
    """One process, or ``--workers N`` processes sharing the port (SO_REUSEPORT) and all
    state through the database, kept running by :mod:`bot.supervisor`."""
    from bot.store.migrate import upgrade

    if args.port is not None:
        config.port = args.port
    if args.workers > 1 and not _port_free(config):
        return 1
    if is_sqlite(config.database_url):
        upgrade(config.database_url)
    import gc

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


def _db_upgrade(args, config: Config) -> int:
    from bot.store.migrate import upgrade

    upgrade(config.database_url, args.revision)
    print(f"database at {args.revision}")
    return 0


def _menu_push(args, config: Config) -> int:
    """Create the menu with wechatpy's client, using the token shared by the workers."""
    from wechatpy import WeChatClient

    from bot.handlers.events import MENU

    async def shared_token() -> str:
        import aiohttp

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

    if is_sqlite(config.database_url):
        from bot.store.migrate import upgrade

        upgrade(config.database_url)
    client = WeChatClient(config.appid, config.appsecret, access_token=asyncio.run(shared_token()))
    client.API_BASE_URL = config.api_base + "/cgi-bin/"
    client.menu.create(MENU)
    print("menu created")
    return 0


def _chat(args, config: Config) -> int:
    from bot.chat import run_chat

    return asyncio.run(run_chat(config, args.openid, args.mode))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="disputebot", description=__doc__)
    parser.add_argument("--config", help="path to config.yaml")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the WeChat callback server")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1,
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

    from bot.nlu.cli import register as register_nlu
    from knowledge.cli import register as register_kb
    from routing.cli import register as register_case_cli

    register_nlu(sub)
    register_kb(sub)
    register_case_cli(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(fmt="text" if args.command == "chat" else None)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    return int(args.func(args, config) or 0)


if __name__ == "__main__":
    sys.exit(main())

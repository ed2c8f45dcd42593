"""The ``disputebot`` command."""
from __future__ import annotations

import argparse
import asyncio
import errno
import os
import sys

from bot.config import Config, ConfigError, load_config
from bot.logging_setup import setup_logging
from bot.store.db import is_sqlite


def _run_worker(config: Config, reuse_port: bool, models=None) -> None:
    """uvloop: its cross-thread wake-ups are what every aiosqlite query pays for."""
    import uvloop
    from aiohttp import web

    from bot.app import build_app

    loop = uvloop.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        web.run_app(build_app(config, models=models), host=config.host, port=config.port,
                    access_log=None, reuse_port=reuse_port, loop=loop,
                    print=lambda msg: print(f"disputebot listening on "
                                            f"http://{config.host}:{config.port}/wechat"))
    except OSError as exc:
        if exc.errno not in (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES):
            raise
        print(f"disputebot: cannot listen on {config.host}:{config.port}: "
              f"{os.strerror(exc.errno)} (set PORT or server.port)", file=sys.stderr)
        raise SystemExit(1) from None


def _serve(args, config: Config) -> int:
    """One process, or ``--workers N`` processes sharing the port (SO_REUSEPORT) and all
    state through the database."""
    from bot.store.migrate import upgrade

    if args.port is not None:
        config.port = args.port
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
    import multiprocessing
    import signal

    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_run_worker, args=(config, True, models), daemon=False)
               for _ in range(args.workers)]
    for worker in workers:
        worker.start()

    def stop(signum, _frame):
        for worker in workers:
            if worker.is_alive():
                worker.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for worker in workers:
        worker.join()
    return max((w.exitcode or 0) for w in workers)


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

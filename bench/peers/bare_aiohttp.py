"""Reference peer: the cheapest possible callback, an aiohttp handler that answers
``success`` without reading, verifying or decrypting the message (an upper bound for one
Python process on this machine).

    python bench/peers/bare_aiohttp.py --port 8092
"""
from __future__ import annotations

import argparse

from aiohttp import web


async def success(request: web.Request) -> web.Response:
    return web.Response(text="success")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8092)
    args = ap.parse_args()
    app = web.Application()
    app.router.add_route("*", "/wechat", success)
    app.router.add_get("/healthz", success)
    web.run_app(app, host=args.host, port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()

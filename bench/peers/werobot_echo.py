"""Reference peer: a WeRoBot echo bot in safe (AES) mode, served by gunicorn.

    gunicorn -w 2 -b 127.0.0.1:8091 bench.peers.werobot_echo:app

It verifies the signature, decrypts the message, answers the text back and encrypts the
reply: the protocol work every bot does, with no dialogue, NLU or database behind it (session
storage off). ``bench/load.py`` runs it as a reference point; credentials come from the
environment, defaulting to the development values of ``config.yaml``.
"""
from __future__ import annotations

import os

from werobot import WeRoBot

robot = WeRoBot(
    token=os.environ.get("WECHAT_TOKEN", "dev-token"),
    encoding_aes_key=os.environ.get("WECHAT_AES_KEY",
                                    "WLaU/DWyjPZPZunlBuYNkJRjR+BOHrY4QDvFWzyV3WQ"),
    app_id=os.environ.get("WECHAT_APPID", "wxd15ba7e5c0de0001"),
    SESSION_STORAGE=False,
)


@robot.text
def echo(message):
    return message.content


@robot.handler
def other(message):
    return "success"


app = robot.wsgi

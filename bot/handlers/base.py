"""What a handler receives: the message, the NLU result and the services it may use."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.inbound import Inbound


@dataclass
class Services:
    """Long-lived objects built once at start-up and shared by every handler."""

    config: Any
    sessionmaker: Any
    parser: Any = None
    kb: Any = None
    extra: dict = field(default_factory=dict)


@dataclass
class Context:
    inbound: Inbound
    services: Services
    text: str = ""
    nlu: Any = None

"""Short-lived, per-payer hints kept in one process's memory."""
from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable


class RecentTopics:
    """Something each payer said last (a policy question answered, a story told), for a
    few minutes, in this process only.

    A soft hint for reading the next message ("一个月大概多少钱" after "灵活就业社保怎么交"):
    losing it on a restart, or when the next message reaches another worker (serve --workers
    N), only means that message is read alone, as before. So it stays in memory, bounded
    (least recently used payers go first), and the reply path writes nothing to the database
    for it.
    """

    def __init__(self, size: int, seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.size, self.seconds, self._clock = size, seconds, clock
        self._topics: OrderedDict[str, tuple[float, str]] = OrderedDict()

    def get(self, openid: str) -> str | None:
        held = self._topics.get(openid)
        if held is None or self._clock() - held[0] > self.seconds:
            self._topics.pop(openid, None)
            return None
        return held[1]

    def put(self, openid: str, topic: str | None) -> None:
        self._topics.pop(openid, None)
        if topic:
            self._topics[openid] = (self._clock(), topic)
            while len(self._topics) > self.size:
                self._topics.popitem(last=False)

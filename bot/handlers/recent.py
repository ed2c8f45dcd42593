"""Short-lived, per-payer hints: something the payer said a few minutes ago that may explain
their next message ("一个月大概多少钱" after "灵活就业社保怎么交"; a story told before the form
it leads to).

Kept in the database (:mod:`bot.store.hints`), read with the payer snapshot every message
already needs and written without holding up the reply, so the next message reads them on
whichever worker it reaches (serve --workers N) and after a restart."""
from __future__ import annotations

from datetime import timedelta

from bot.handlers.answers import LETTERS
from bot.handlers.base import Context
from bot.handlers.intake_spec import SPEC
from bot.store import hints
from bot.word_patterns import words_regex


class RecentHint:
    """One kind of hint, kept ``minutes`` after it was said."""

    def __init__(self, kind: str, minutes: float) -> None:
        self.kind, self.lasts = kind, timedelta(minutes=minutes)

    def get(self, ctx: Context) -> str | None:
        if self.kind in ctx.hints_said:
            return ctx.hints_said[self.kind]
        return ctx.snapshot.hints.get(self.kind) if ctx.snapshot is not None else None

    def put(self, ctx: Context, value: str | None) -> None:
        """Remember ``value`` (None forgets); written only when it changes, so a payer who
        never asked anything costs no write."""
        if value == self.get(ctx) and (value is None or self.kind in ctx.hints_said):
            return
        ctx.hints_said[self.kind] = value
        hints.keep(ctx.services.batch, ctx.inbound.openid, self.kind, value, self.lasts)


STORIES = RecentHint("story", SPEC["recent_story_minutes"])
STORY = words_regex(SPEC["story_words"])


def remember_story(ctx: Context) -> None:
    """A complaint answered as a question ("…一直没给我交社保，这种情况怎么办", "老板说我们是临时工
    不用交社保 是真的吗") is kept a few minutes, so the form it may lead to does not ask for it
    again."""
    told = (ctx.text or "").strip()
    if len(LETTERS.findall(told)) >= SPEC["recent_story_min_chars"] and STORY.search(told):
        STORIES.put(ctx, told)

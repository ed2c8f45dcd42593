"""Scope rules from data/scope.yaml: out-of-scope topics, grievance detection, hotline choice.

Kept as keyword data rather than code so reviewers can add 公积金-style topics without touching
the ranking; the decline must name the hotline that can actually help.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.word_patterns import one_of

from .textnorm import clean

HOTLINE_LABELS = {
    "12366": "12366纳税缴费服务热线（税务）",
    "12333": "12333人力资源社会保障服务热线",
    "12393": "12393医疗保障服务热线",
    "12345": "12345政务服务便民热线",
}


@dataclass
class Scope:
    out_of_scope: list[tuple[str, str]] = field(default_factory=list)  # (keyword, hotline)
    in_scope_guard: list[str] = field(default_factory=list)  # words that cancel out-of-scope
    domain_words: list[str] = field(default_factory=list)  # one must occur for an answer
    domain_tokens: frozenset[str] = frozenset()  # canonical tokens that count as domain words
    dispute_patterns: list[re.Pattern] = field(default_factory=list)
    topic_hotlines: list[tuple[str, str]] = field(default_factory=list)  # (keyword, hotline)
    tag_hotlines: dict[str, str] = field(default_factory=dict)
    default_hotline: str = "12345"
    unanswered: list[tuple[str, str]] = field(default_factory=list)  # (keyword, hotline)
    # out-of-scope words in these describe the payer's situation (农村户口, 交警认定)
    context_patterns: list[re.Pattern] = field(default_factory=list)
    topic_fallback: str = "12333"  # unanswered aspect under `topic` when no topic word is named
    material_statements: list[re.Pattern] = field(default_factory=list)  # no question asked
    _indexes: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def from_dict(cls, raw: dict) -> Scope:
        oos = []
        for hotline, words in (raw.get("out_of_scope") or {}).items():
            oos.extend((clean(str(w)).replace(" ", ""), str(hotline)) for w in words or ())
        topics = []
        for hotline, words in (raw.get("topic_hotlines") or {}).items():
            topics.extend((clean(str(w)).replace(" ", ""), str(hotline)) for w in words or ())
        unanswered = []
        for hotline, words in (raw.get("unanswered") or {}).items():
            unanswered.extend((clean(str(w)).replace(" ", ""), str(hotline)) for w in words or ())
        return cls(
            out_of_scope=oos,
            in_scope_guard=[clean(str(w)).replace(" ", "") for w in raw.get("in_scope_guard") or ()],
            domain_words=[clean(str(w)).replace(" ", "") for w in raw.get("domain_words") or ()],
            domain_tokens=frozenset(str(w) for w in raw.get("domain_tokens") or ()),
            dispute_patterns=[re.compile(p) for p in raw.get("dispute_patterns") or ()],
            topic_hotlines=topics,
            tag_hotlines={str(k): str(v) for k, v in (raw.get("tag_hotlines") or {}).items()},
            default_hotline=str(raw.get("default_hotline") or "12345"),
            unanswered=[(w, h) for w, h in unanswered if w],
            context_patterns=[re.compile(p) for p in raw.get("context_patterns") or ()],
            topic_fallback=str(raw.get("topic_fallback") or "12333"),
            material_statements=_statements(raw),
        )

    def _in_text(self, name: str, text: str, tokens: Iterable[str] = ()) -> list[tuple[str, str]]:
        """The (keyword, hotline) pairs of list `name` whose keyword is in `text` or is one of
        `tokens`, in the list's order. Looks only at keywords that begin with a character of
        the text (or are a token) instead of testing all few hundred of them."""
        pairs = getattr(self, name)
        built = self._indexes.get(name)
        if built is None or built[0] != pairs:  # a list changed in place is seen too
            by_char: dict[str, list[int]] = {}
            by_word: dict[str, list[int]] = {}
            for i, (word, _hotline) in enumerate(pairs):
                if word:
                    by_char.setdefault(word[0], []).append(i)
                    by_word.setdefault(word, []).append(i)
            built = (list(pairs), by_char, by_word)
            self._indexes[name] = built
        _pairs, by_char, by_word = built
        ids: set[int] = set()
        for char in set(text):
            ids.update(by_char.get(char, ()))
        for token in tokens:
            ids.update(by_word.get(token, ()))
        return [pairs[i] for i in sorted(ids)]

    def _flat(self, query: str) -> str:
        """Cleaned text without the situational phrases of `context_patterns`: the text the
        out-of-scope keywords are looked for in."""
        text = clean(query).replace(" ", "")
        for pattern in self.context_patterns:
            text = pattern.sub("", text)
        return text

    def offers_material(self, query: str) -> bool:
        """"我还有工资流水要补充", "我这边有合同可以发给你们": the payer says what they have or
        will send, which is material for a case, not a question of policy."""
        text = clean(query).replace(" ", "")
        return any(p.match(text) for p in self.material_statements)

    def out_of_scope_hotline(self, query: str) -> str | None:
        """Hotline for an out-of-scope question, or None when it may be in scope.

        An in-scope guard word (社保, 养老保险…) sends mixed questions such as
        "公积金和社保都要交吗" on to retrieval, which still declines weak matches. A statement
        offering material asks nothing: the default hotline, which callers leave to their own
        reply.
        """
        return self.out_of_scope_reading(query)[0]

    def out_of_scope_reading(self, query: str) -> tuple[str | None, str | None]:
        """:meth:`out_of_scope_hotline` and, when that is None,
        :meth:`mentioned_out_of_scope`, from one reading of the text (the knowledge base
        wants both of every question)."""
        if self.offers_material(query):
            return self.default_hotline, None
        text = self._flat(query)
        for word, hotline in self._in_text("out_of_scope", text):
            if word in text:
                if any(g and g in text.replace(word, "") for g in self.in_scope_guard):
                    return None, hotline
                return hotline, None
        return None, None

    def in_domain(self, query: str, tokens: list[str] | tuple[str, ...] = ()) -> bool:
        """Whether the question names anything of social insurance or this dispute service.

        Retrieval alone answers "结婚登记要带什么" with the dispute-materials entry (登记, 材料);
        a question that mentions no domain word at all is declined before ranking. Canonical
        tokens catch typos and variants the lexicon maps (社宝, 社bao → 社保费).
        """
        if not self.domain_words and not self.domain_tokens:
            return True
        text = clean(query).replace(" ", "")
        return (any(w and w in text for w in self.domain_words)
                or any(t in self.domain_tokens for t in tokens))

    def mentioned_out_of_scope(self, query: str) -> str | None:
        """Hotline of any out-of-scope keyword in the query, even next to a guard word."""
        text = self._flat(query)
        return next((hotline for word, hotline in self._in_text("out_of_scope", text)
                     if word in text), None)

    def unanswered_topics(self, query: str, tokens: Iterable[str] = ()
                          ) -> tuple[tuple[str, str], ...]:
        """(keyword, hotline) of every social-insurance aspect no entry answers that the
        question names (养老金…涨, 几号发, 认证, 返聘, 伤残等级, 报销比例…), in its words or
        in a token the lexicon gives it (a rewrite reads 退了休还在超市打工 as 返聘)."""
        text = clean(query).replace(" ", "")
        toks = set(tokens)
        return tuple((w, self._aspect_hotline(h, text))
                     for w, h in self._in_text("unanswered", text, toks)
                     if w in text or w in toks)

    def _aspect_hotline(self, hotline: str, text: str) -> str:
        """An aspect under `topic` (几号发, 几点上班, 到账) goes to the office of what the
        question is about: the first topic_hotlines word, else `topic_fallback`."""
        if hotline != "topic":
            return hotline
        return next((h for w, h in self.topic_hotlines if w and w in text), self.topic_fallback)

    def is_dispute_like(self, query: str) -> bool:
        text = clean(query).replace(" ", "")
        return any(p.search(text) for p in self.dispute_patterns)

    def hotline_for(self, query: str, tags: tuple[str, ...] = (),
                    aspects: Iterable[tuple[str, str]] = ()) -> str:
        """Topic hotline: query keywords first (the payer's words), then the hotline of an
        unanswered aspect the social-insurance question names (几点上班 at the 社保局 is for
        12333, not 12345), then the entry's tags."""
        text = clean(query).replace(" ", "")
        for word, hotline in self.topic_hotlines:
            if word and word in text:
                return hotline
        for _, hotline in aspects:
            return hotline
        for tag in tags:
            if tag in self.tag_hotlines:
                return self.tag_hotlines[tag]
        return self.default_hotline


def _statements(raw: dict) -> list[re.Pattern]:
    """scope.yaml's material_statements with {material} as the alternation of material_words,
    longest first."""
    material = one_of([str(w) for w in raw.get("material_words") or ()])
    return [re.compile(str(p).replace("{material}", material))
            for p in raw.get("material_statements") or ()]

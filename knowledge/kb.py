"""KnowledgeBase: loads entries, lexicon and scope once, then answers questions.

`ask` never raises: the chat layer must always have something to send, so any unexpected error
becomes a polite decline pointing to 12345.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .answer import KbAnswer
from .entries import Entry, load_entries, load_yaml
from .retrieval import ASKS, Hit, Retriever
from .scope import Scope
from .textnorm import Lexicon, Tokenizer, clean

log = logging.getLogger(__name__)
DATA_DIR = Path(__file__).resolve().parent / "data"
MAX_QUERY_CHARS = 120  # keeps lookup fast; a longer message is read from its end (_tail)
FRAGMENT_CHARS = 8  # a message this short with one topic word is a fragment ("补缴?")
STORY_CLAUSES, STORY_CHARS = 4, 40  # a message this long tells a story before it asks
_CLAUSE_END = re.compile(r"[\s，。！？；,.!?;…~]+")


@dataclass(frozen=True)
class Settings:
    """Thresholds calibrated by bench/kb_bench.py --calibrate (see data/settings.yaml)."""

    min_score: float = 4.0
    min_coverage: float = 0.5
    also_ratio: float = 0.85
    also_max: int = 2
    bigram_weight: float = 0.3
    doc_mode: str = "both"
    coverage_weight: float = 0.5
    unknown_idf_percentile: float = 50.0
    facet_penalty: float = 1.0
    requires_penalty: float = 1.0
    bm25: str = "lucene"
    fragment_score: float = 1.0  # min_score factor for a one-word fragment ("补缴?")…
    fragment_margin: float = 1.0  # …whose best entry leads the next by this factor

    @classmethod
    def from_dict(cls, raw: dict) -> Settings:
        known = {k: raw[k] for k in cls.__dataclass_fields__ if k in raw}
        return cls(**known)


@dataclass(frozen=True)
class Candidates:
    """A question's scope verdicts and ranked hits, before any threshold is applied."""

    question: str
    hits: list[Hit]
    oos_hotline: str | None = None  # out of scope outright (公积金怎么提取)
    in_domain: bool = True  # names something of social insurance or this service
    mixed: str | None = None  # hotline of an off-topic word beside an in-scope one
    dispute: bool = False  # sounds like a grievance the payer may want to register
    unanswered: tuple[tuple[str, str], ...] = ()  # aspects no entry answers (scope.yaml)
    text: str = ""  # the question with known misspellings corrected (lexicon.yaml typos)
    fragment: bool = False  # one topic word and nothing else ("补缴?", "基数")


def _leads(hits: list[Hit], margin: float) -> bool:
    """Whether the best hit scores `margin` times the next one (or is alone)."""
    return bool(hits) and (len(hits) < 2 or hits[0].score >= margin * hits[1].score)


def _tail(text: str) -> str:
    """The last whole clauses of a long message that fit MAX_QUERY_CHARS: payers tell the story
    first and ask at the end ("…一直拖到现在 复议的期限是多久"), so the head is what may go."""
    if len(text) <= MAX_QUERY_CHARS:
        return text
    tail = text[-MAX_QUERY_CHARS:]
    cut = _CLAUSE_END.search(tail)
    return tail[cut.end():] if cut and cut.end() < len(tail) else tail


def _question_clauses(text: str, lexicon: Lexicon) -> str | None:
    """The last clause that asks, when a long story comes before it ("…缝了十几针 老板送我去医院
    医药费是他先垫的… 想问工伤认定要在多少天以内申请"), or None. The story's own words (医药费,
    决定书) otherwise outweigh the question's. A clause that points back at the story (这种情况算不算
    工伤) needs it, and when the clause alone is not answered (这个该找谁) the whole is read. A
    plea after the question (真不知道怎么办 求求你们帮帮忙) asks nothing."""
    clauses = [c for c in _CLAUSE_END.split(text) if c]
    if len(clauses) < STORY_CLAUSES or len(text) < STORY_CHARS:
        return None
    last = next((i for i in range(len(clauses) - 1, -1, -1)
                 if ASKS.search(clauses[i]) and not lexicon.pleas.fullmatch(clauses[i])), None)
    if last is None or last < STORY_CLAUSES - 1 or _points_back(clauses[last], lexicon):
        return None
    if any(lexicon.pleas.fullmatch(c) for c in clauses[last + 1:]):
        # …要什么材料，家里困难，孩子还在上学，真不知道怎么办: what follows the question is more story
        return clauses[last]
    return " ".join(clauses[last:])


def _asking_run(text: str, lexicon: Lexicon) -> str | None:
    """The clauses that ask, one after another, at the end of a long story ("…现在想弄了 仲裁是不是
    有时间限制 过了多久就不行了"), when there are several: the last one alone (过了多久就不行了)
    may name nothing. None when one of them points back at the story."""
    clauses = [c for c in _CLAUSE_END.split(text) if c]
    if len(clauses) < STORY_CLAUSES or len(text) < STORY_CHARS:
        return None
    pleads = [bool(lexicon.pleas.fullmatch(c)) for c in clauses]
    end = len(clauses)
    while end and pleads[end - 1]:
        end -= 1
    start = end
    while start and ASKS.search(clauses[start - 1]) and not pleads[start - 1]:
        start -= 1
    run = clauses[start:end]
    if len(run) < 2 or start < STORY_CLAUSES - 2 or any(_points_back(c, lexicon) for c in run):
        return None
    return " ".join(run)


def _points_back(clause: str, lexicon: Lexicon) -> bool:
    """Whether a clause needs the story before it (这种情况算不算工伤). "像我这样自己做小生意的…"
    says in its own words who asks, so it does not."""
    return bool(lexicon.points_back.search(lexicon.self_described.sub("", clause)))


def _read_yaml(name: str) -> dict:
    return load_yaml((DATA_DIR / name).read_text(encoding="utf-8")) or {}


class KnowledgeBase:
    def __init__(self, entries: list[Entry], lexicon: Lexicon, scope: Scope,
                 settings: Settings) -> None:
        self.entries = entries
        self.by_id = {e.id: e for e in entries}
        self.scope = scope
        self.settings = settings
        # what each entry is asked about (question + paraphrases, cleaned): an aspect word from
        # scope.yaml `unanswered` is answered only by an entry whose own texts name it
        self.entry_text = ["|".join(clean(t).replace(" ", "") for t in e.texts) for e in entries]
        self.tokenizer = Tokenizer(lexicon)
        self.retriever = Retriever(
            entries, self.tokenizer, bigram_weight=settings.bigram_weight,
            doc_mode=settings.doc_mode, coverage_weight=settings.coverage_weight,
            unknown_idf_percentile=settings.unknown_idf_percentile,
            facet_penalty=settings.facet_penalty, requires_penalty=settings.requires_penalty,
            bm25=settings.bm25)
        # one question through every path (jieba's HMM, numpy, the regexes) so that the first
        # payer's lookup costs what every later one does
        self.ask("社保滞纳金咋算的，公积金呢？2‰ abc")

    def ask(self, question: Any) -> KbAnswer:
        """Best entry for `question`, or a decline naming the right hotline. Never raises."""
        try:
            return self._ask(_tail(str(question or "")))
        except Exception:  # the payer must always get a reply
            log.exception("kb.ask failed")
            return KbAnswer(question=str(question)[:100], hotline=self.scope.default_hotline)

    def _ask(self, q: str) -> KbAnswer:
        """The question at the end of a long story first (its last asking clause, then the run of
        asking clauses it ends, then what follows the payer's 想问一下 / a ticket's 咨询), then the
        whole message, then each question of a message that asks two (另外…), so one declined part
        does not sink the rest."""
        lexicon = self.tokenizer.lexicon
        clause = _question_clauses(q, lexicon)
        payers = self.payers(q)  # "孩子的居民医保…报销不了": the clause asked is about the child's
        for asked in dict.fromkeys([clause, clause and _asking_run(q, lexicon), self._asked_after(q)]):
            if asked:
                found = self.candidates(asked, payers)
                a = self.decide(found)
                if not a.declined:
                    return replace(self._story_settles(q, found, a), question=q)
        whole = self.decide(self.candidates(q))
        if whole.declined:
            # "滞纳金怎么算 另外你们几点下班": the second question's decline must not take the
            # first one's answer with it
            for part in lexicon.another_question.split(q)[::2]:
                if part.strip() and part != q:
                    a = self.decide(self.candidates(part))
                    if not a.declined:
                        return replace(a, question=q)
        return whole

    def _story_settles(self, q: str, asked: Candidates, answer: KbAnswer) -> KbAnswer:
        """The whole message's answer instead of its question's when the question names no
        insurance type, the story does, and that entry knows every word the question asks with:
        in "…老板压根没给我们买工伤保险 现在医药费谁出啊" the story says which costs (no insurance:
        injury_without_insurance), the question alone (医药费谁出) is an insured worker's
        treatment (injury_medical)."""
        facets = self.tokenizer.lexicon.facets_of
        if (asked.question == q or facets(self.tokenizer.tokens(asked.text))
                or not facets(self.tokenizer.tokens(self.tokenizer.lexicon.correct(q)))):
            return answer
        whole = self.decide(self.candidates(q))
        if whole.declined or whole.entry_id == answer.entry_id:
            return answer
        words = self.tokenizer.meaningful(self.tokenizer.tokens(asked.text))
        known = self.retriever.entry_tokens[self.entries.index(self.by_id[whole.entry_id])]
        return whole if words and words <= known else answer

    def _asked_after(self, q: str) -> str | None:
        """What follows the last marker of a message that states its question after a story
        ("来电人反映与单位发生劳动争议，咨询申请劳动仲裁的时效"): the story's words (劳动争议)
        otherwise outweigh the question's (时效)."""
        lexicon = self.tokenizer.lexicon
        ends = [m.end() for p in lexicon.asks_after for m in p.finditer(q)]
        asked = q[max(ends):] if ends else None
        if asked and any(p.search(asked) for p in lexicon.asks_story):
            return None  # "…，咨询应向哪个部门反映" asks about the story itself
        return asked

    def payers(self, q: str) -> frozenset[str]:
        """The payer groups (lexicon.yaml `payer_groups`: 居民) a whole message is about."""
        text = self.tokenizer.lexicon.correct(q)
        return self.retriever.payers(self.tokenizer.analyse(text)[0], clean(text).replace(" ", ""))

    def candidates(self, q: str, payers: frozenset[str] = frozenset()) -> Candidates:
        """Everything the decision needs that does not depend on the thresholds; `payers` are
        the groups the message around `q` is about (entries excluding them are left out)."""
        text = self.tokenizer.lexicon.correct(q)  # every rule below reads 社保 for 社包
        oos_hotline, mixed = self.scope.out_of_scope_reading(text)
        if oos_hotline:
            return Candidates(q, [], oos_hotline=oos_hotline, text=text)
        hits, tokens = self.retriever.search(text, k=1 + self.settings.also_max, payers=payers)
        fragment = len(text) <= FRAGMENT_CHARS and len(self.tokenizer.meaningful(tokens)) == 1
        return Candidates(q, hits, in_domain=self.scope.in_domain(text, tokens), fragment=fragment,
                          mixed=mixed,
                          dispute=self.scope.is_dispute_like(text),
                          unanswered=self.scope.unanswered_topics(text, tokens), text=text)

    def decide(self, c: Candidates, s: Settings | None = None) -> KbAnswer:
        """Answer with the best hit that is about the question's topic, or decline.

        A hit must reach `min_score` and cover `min_coverage` of the question's topic words; a
        top hit that matches only filler ("…是公司交还是个人交") gives way to the next one that
        passes. An off-topic word next to 社保 ("公积金和社保有什么区别") needs a clearer match.
        """
        s = s or self.settings
        q = c.question
        text = c.text or q
        if c.oos_hotline:
            return KbAnswer(question=q, hotline=c.oos_hotline, out_of_scope=True)
        best_score = round(c.hits[0].score, 3) if c.hits else 0.0
        if not c.in_domain:
            return KbAnswer(question=q, score=best_score, dispute_like=c.dispute,
                            hotline=self.scope.hotline_for(text), out_of_scope=True)
        min_score = s.min_score * (1.5 if c.mixed else 1.0)
        if c.fragment and _leads(c.hits, s.fragment_margin):
            # one word scores low in BM25 however clear it is; it is answered only when one
            # entry is plainly about it (断缴 could be the pension or the medical lapse)
            min_score *= s.fragment_score
        min_cov = max(s.min_coverage, 0.6) if c.mixed else s.min_coverage
        # an entry about another insurance type (养老 entry, 医保 question) is never the answer,
        # however well the rest of the words match: ranking only scales it down
        passing = [h for h in c.hits
                   if h.score >= min_score and h.coverage >= min_cov and h.overlap >= 1
                   and not h.other_type]
        if not passing:
            return KbAnswer(question=q, score=best_score, dispute_like=c.dispute,
                            hotline=c.mixed or self.scope.hotline_for(text, aspects=c.unanswered))
        top = self._naming_aspects(passing, c.unanswered, s.also_ratio)
        entry = self.entries[top.index]
        missing = [h for w, h in c.unanswered if w not in self.entry_text[top.index]]
        if missing:
            # "养老金今年涨多少" is about the pension but not about how it is calculated: the
            # nearest entry would be a wrong answer, and a wrong answer is worse than a decline
            return KbAnswer(question=q, score=best_score, dispute_like=c.dispute,
                            hotline=missing[0])
        also = [(self.entries[h.index].id, self.entries[h.index].question)
                for h in c.hits
                if h is not top and h.score >= s.also_ratio * top.score
                and h.coverage >= s.min_coverage]
        return KbAnswer(
            question=q, answer=entry.answer, source=entry.source, entry_id=entry.id,
            score=round(top.score, 3), also=also[: s.also_max], declined=False,
            dispute_like=c.dispute,
            hotline=entry.hotline or self.scope.hotline_for("", entry.tags),
        )

    def _naming_aspects(self, passing: list[Hit], aspects: tuple[tuple[str, str], ...],
                        ratio: float) -> Hit:
        """The best passing hit, or a close runner-up (within `ratio`, covering as much of the
        question) whose own texts name every aspect the question asks about when the best one
        does not: "停工留薪期的工资是基金出还是厂里出" is injury_leave's (停工留薪) as much as
        injury_fund_vs_employer's, and declining it for the aspect the leader lacks would leave
        the payer with nothing. A runner-up that covers less ("外卖骑手被车撞了 算工伤吗": the
        rider's 灵活就业 is not in injury_what_counts) leaves the decline."""
        top = passing[0]
        if all(w in self.entry_text[top.index] for w, _ in aspects):
            return top
        return next((h for h in passing[1:]
                     if h.score >= ratio * top.score and h.coverage >= top.coverage
                     and all(w in self.entry_text[h.index] for w, _ in aspects)), top)


def load_lexicon() -> Lexicon:
    """Synonyms, stop/weak words, rewrites and facets from data/lexicon.yaml."""
    return Lexicon.from_dict(_read_yaml("lexicon.yaml"))


def load_kb(config: Any = None, *, entries_dir: Path | str | None = None,
            settings: dict | None = None) -> KnowledgeBase:
    """Load all YAML once and build the index. `config` is bot.config.Config or None."""
    raw = getattr(config, "raw", None) if config is not None else None
    if raw is None and isinstance(config, dict):
        raw = config
    loaded = load_entries(entries_dir, raw)
    for problem in loaded.problems:
        log.warning("kb entry skipped: %s", problem)
    merged = {**_read_yaml("settings.yaml"), **(settings or {})}
    return KnowledgeBase(
        loaded.entries,
        load_lexicon(),
        Scope.from_dict(_read_yaml("scope.yaml")),
        Settings.from_dict(merged),
    )

"""The NLU facade: normalise → segment → classify → extract → assess severity.

``parse`` never raises: a payer's message, whatever it contains, must always get an answer
from the dialogue, so any internal failure degrades to intent ``other``.
"""
from __future__ import annotations

import functools
import logging
import re
import threading
from pathlib import Path

from . import dataset, segment
from .classifier import LinearModel
from .entities import EntityExtractor
from .features import featurize
from .normalize import Normalized, Normalizer, latin_map, variant_table
from .severity import SeverityRules
from .training import MODEL_DIR, current_hash, load, save, train_models
from .types import Entity, NluResult

log = logging.getLogger(__name__)

MAX_CLASSIFY_CHARS = 1000
MAX_EXTRACT_CHARS = 20000
_STRIP = re.compile(r"[\s,.!?;:，。！？；：、~…\"'“”‘’()（）\[\]【】-]+")
_WORDLESS = re.compile(r"[\W_]+")  # punctuation, spaces, emoji: what is left once words go
_ENTITY_FEATURES = ("case_no", "phone", "id_number", "money", "headcount", "period", "employer",
                    "name")


class NluParser:
    """Stateless after construction; safe to share between requests and threads."""

    def __init__(self, models: dict[str, LinearModel], rules: dict, text_tools: _TextTools,
                 districts: list[str] | None = None) -> None:
        self._models = models
        self._tools = text_tools
        self._extractor = EntityExtractor(rules.get("entities") or {}, districts)
        self._severity = SeverityRules(rules.get("severity") or {})
        self._exact_intents = _invert(rules.get("exact_intents") or {})
        self._exact_acts = _invert(rules.get("exact_acts") or {})
        grievance = rules.get("statement_grievance") or {}
        self._question = re.compile(grievance.get("question", "$^"))
        self._first_person = re.compile(grievance.get("first_person", "$^"))
        self._harm = re.compile(grievance.get("harm", "$^"))
        self._lawfulness = re.compile(rules.get("lawfulness_question") or "$^")
        self._lawfulness_filing = re.compile(rules.get("lawfulness_filing") or "$^")
        self._drops_filing = re.compile(rules.get("drops_filing") or "$^")
        self._own_contribution = re.compile(rules.get("own_contribution") or "$^")
        self._new_matter = re.compile(rules.get("new_matter") or "$^")
        self._reproach = re.compile(rules.get("reproach") or "$^")
        wish = rules.get("wishes_filing") or {}
        self._wish = re.compile(wish.get("wish") or "$^")
        self._wish_unless = re.compile(wish.get("unless") or "$^")
        evidence = rules.get("category_evidence") or {}
        self._category_floor = float(evidence.get("floor", 0.0))
        self._no_evidence = re.compile(evidence.get("no_evidence") or "$^")
        advert = rules.get("advert") or {}
        self._advert_offer = re.compile(advert.get("offer") or "$^")
        self._advert_contact = re.compile(advert.get("contact") or "$^")
        errand = rules.get("errand_progress") or {}
        self._errand = re.compile(errand.get("errand") or "$^")
        self._errand_ours = re.compile(errand.get("ours") or "$^")
        self._slots = sorted(
            ((kw, slot) for slot, kws in (rules.get("correction_slots") or {}).items()
             for kw in kws),
            key=lambda kv: -len(kv[0]),
        )
        # One message is analysed up to three times (intent, then the form's dialogue act
        # and category): remember the messages in flight instead of re-segmenting.
        self._analysis = functools.lru_cache(maxsize=64)(self._analyse)
        # What only needs the normalised text (question words, a new matter, the lexicon's
        # whole-message replies) does not extract entities: handlers ask it of texts the
        # parser never saw (the message without "，谢谢" or a case number).
        self._normalized = functools.lru_cache(maxsize=64)(self._tools.normalize)

    def _analyse(self, text: str) -> tuple[Normalized, tuple[Entity, ...]]:
        norm = self._normalized(text)
        return norm, tuple(self._extractor.extract(norm))

    def parse(self, text: str) -> NluResult:
        """Full analysis of one message; never raises."""
        text = text if isinstance(text, str) else ("" if text is None else str(text))
        try:
            return self._parse(text)
        except Exception:
            log.exception("nlu: parse failed; answering intent=other")
            return NluResult(text=text, intent="other", intent_confidence=0.0)

    def _parse(self, text: str) -> NluResult:
        norm, found = self._analysis(text[:MAX_EXTRACT_CHARS])
        entities = list(found)
        head = norm.text[:MAX_CLASSIFY_CHARS]
        intent, confidence = self._intent(head, entities, norm)
        category, cat_conf = None, 0.0
        if intent == "file_dispute":
            category, cat_conf = self._named_category(head, entities)
        severity, reasons = self._severity.assess(norm.text, intent, category, entities)
        return NluResult(text, intent, confidence, category, cat_conf, severity, reasons, entities)

    def _intent(self, head: str, entities: list[Entity], norm: Normalized) -> tuple[str, float]:
        key = _STRIP.sub("", head)
        if not key:
            return "other", 1.0
        if key in self._exact_intents:
            return self._exact_intents[key], 1.0
        case = next((e for e in entities if e.type == "case_no"), None)
        if case is not None and len(key) <= len(case.value) + 1:
            return "check_progress", 1.0
        intent, confidence = self._models["intent"].predict(self._features(head, entities))
        if self._advert(head):
            return "other", confidence
        if intent == "check_progress" and self._errand_progress(head):
            return "other", confidence
        if intent == "ask_policy" and (self._statement_grievance(head, entities)
                                       or self._reproaches(head)):
            return "file_dispute", confidence
        if intent == "file_dispute" and self._general_lawfulness(head):
            return "ask_policy", confidence
        if (intent == "file_dispute" and self._own_contribution.search(head)
                and not self._harm.search(head)):
            return "ask_policy", confidence
        if intent == "file_dispute" and self._drops_filing.search(head):
            return "cancel", confidence
        if (intent == "cancel" and self._wish.search(head)
                and not self._wish_unless.search(head)):
            return "file_dispute", confidence
        return intent, confidence

    def _named_category(self, head: str, entities: list[Entity]) -> tuple[str | None, float]:
        """The category the message names, or (None, 0.0): "我要投诉" names none, and the form
        asks rather than taking the model's guess among nine (rules.yml category_evidence)."""
        if not _WORDLESS.sub("", self._no_evidence.sub("", head)):
            return None, 0.0
        category, confidence = self._models["category"].predict(self._features(head, entities))
        return (category, confidence) if confidence >= self._category_floor else (None, 0.0)

    def _general_lawfulness(self, head: str) -> bool:
        """"公司不给员工交社保属于违法吗": whether something is lawful, asked by no one it
        happened to and filing nothing, is a policy question; the rule leaves alone
        "公司没给我交，这合法吗" (the payer's own case) and "…违法吗，要举报" (a filing)."""
        return bool(self._lawfulness.search(head)) and not (
            self._first_person.search(head) or self._lawfulness_filing.search(head))

    def _statement_grievance(self, head: str, entities: list[Entity]) -> bool:
        """"两百多名员工社保断了": no question asked, people harmed — a complaint, not a query."""
        if self._question.search(head):
            return False
        harmed = any(e.type == "headcount" for e in entities) or self._first_person.search(head)
        return bool(harmed and self._harm.search(head))

    def _advert(self, head: str) -> bool:
        """"代缴社保 价格优惠 加微信": something offered and a way to reach the seller, no harm."""
        return bool(self._advert_offer.search(head) and self._advert_contact.search(head)
                    and not self._harm.search(head))

    def _errand_progress(self, head: str) -> bool:
        """"帮我查一下快递到哪了": where a parcel, an order or a passport has got to, with no word
        of social insurance or a filing, is no case of this account's."""
        return bool(self._errand.search(head) and not self._errand_ours.search(head))

    def _reproaches(self, head: str) -> bool:
        """"咱厂里的社保咋一直莫得交嘛": why the payer's own contributions are still unpaid."""
        return bool(self._reproach.search(head) and self._first_person.search(head))

    def _features(self, head: str, entities) -> list[str]:
        types = frozenset(e.type for e in entities if e.type in _ENTITY_FEATURES)
        return self._featurized(head, types)

    @functools.lru_cache(maxsize=64)  # noqa: B019 - one parser per process, kept for life
    def _featurized(self, head: str, types: frozenset) -> tuple[str, ...]:
        return tuple(featurize(head, self._tools.words(head), types))

    def _classify(self, model: str, text: str) -> tuple[str, float]:
        norm, entities = self._analysis(text[:MAX_CLASSIFY_CHARS])
        return self._models[model].predict(self._features(norm.text, entities))

    def category(self, text: str) -> tuple[str, float]:
        """Dispute category of ``text`` whatever its intent (used on a form's description)."""
        try:
            return self._classify("category", text or "")
        except Exception:
            log.exception("nlu: category failed")
            return "other", 0.0

    def dialogue_act(self, text: str) -> tuple[str, float]:
        """affirm / deny / correct / other for a reply inside a form."""
        try:
            key = _STRIP.sub("", self._normalized((text or "")[:MAX_CLASSIFY_CHARS]).text)
            if not key:
                return "other", 1.0
            if key in self._exact_acts:
                return self._exact_acts[key], 1.0
            return self._classify("act", text)
        except Exception:
            log.exception("nlu: dialogue_act failed")
            return "other", 0.0

    def _finds(self, pattern: re.Pattern, text: str) -> bool:
        """``pattern`` in the normalised message; False rather than an error."""
        return self._finds_with(lambda norm: bool(pattern.search(norm)), text)

    def names_harm(self, text: str) -> bool:
        """Does the message say something was done to the payer (没交, 欠, 断缴, 不给…)?"""
        return self._finds(self._harm, text)

    def is_advert(self, text: str) -> bool:
        """Is the message an advert ("代办社保挂靠 包过 有需要私聊VX")? Nothing to answer."""
        return self._finds_with(self._advert, text)

    def reproaches(self, text: str) -> bool:
        """Is the message a reproach about the payer's own unpaid contributions ("咱厂里的社保咋
        一直莫得交嘛")? It asks nothing the knowledge base could answer: it complains."""
        return self._finds_with(self._reproaches, text)

    def _finds_with(self, test, text: str) -> bool:
        """``test`` of the normalised message; False rather than an error."""
        try:
            return test(self._normalized((text or "")[:MAX_CLASSIFY_CHARS]).text)
        except Exception:  # noqa: BLE001
            return False

    def is_question(self, text: str) -> bool:
        """Does the message ask something (吗, 怎么, 多少, ？…)? "要求补缴" does not."""
        return self._finds(self._question, text)

    def opens_new_matter(self, text: str) -> bool:
        """Does the message bring up something else ("另外还有个问题", "我还想投诉…")? Then it
        is not more information for the case the payer was just talking about."""
        return self._finds(self._new_matter, text)

    def exact_intent(self, text: str) -> str | None:
        """The intent of a whole-message lexicon reply (你好, 谢谢, 好的, 取消), or None.
        A message with nothing but punctuation, emoji or WeChat faces is "other"."""
        try:
            key = _STRIP.sub("", self._normalized((text or "")[:MAX_CLASSIFY_CHARS]).text)
        except Exception:  # noqa: BLE001
            return None
        if not key:
            return "other"
        return self._exact_intents.get(key)

    def simplified(self, text: str) -> str:
        """``text`` as every handler reads it: traditional characters folded to simplified
        ones ("跳過" is "跳过") and the pinyin and English words of rules.yml read as Chinese
        ("gongsi没交shebao" is "公司没交社保"), the rest as typed. Parse this text, so the
        entity positions apply to what the form stores."""
        return self._tools.latin((text or "").translate(self._tools.normalize.variants))

    def correction_slot(self, text: str) -> str | None:
        """The form slot a correction names (phone, employer, ...), or None."""
        found = self.correction_span(text)
        return found[0] if found else None

    def correction_span(self, text: str) -> tuple[str, int, int] | None:
        """(slot, start, end) of the field word a correction names, positions in ``text``."""
        try:
            norm = self._tools.normalize(text or "")
        except Exception:  # noqa: BLE001
            return None
        best: tuple[int, int, str] | None = None
        for keyword, slot in self._slots:
            pos = norm.text.find(keyword)
            if pos >= 0 and (best is None or (-len(keyword), pos) < best[:2]):
                best = (-len(keyword), pos, slot)
        if best is None:
            return None
        start, end = norm.span(best[1], best[1] - best[0])
        return best[2], start, end


class _TextTools:
    """Normaliser and segmenter shared by training and inference so features match."""

    def __init__(self, rules: dict) -> None:
        self.normalize = Normalizer({**(rules.get("replacements") or {}),
                                     **(rules.get("dialect") or {})},
                                    variant_table(rules.get("traditional")))
        self.latin = latin_map(rules.get("replacements"))
        self._tok = segment.tokenizer(dataset.USERDICT_FILE)
        self._extractor = EntityExtractor(rules.get("entities") or {}, [])

    def words(self, text: str) -> list[str]:
        return segment.words(self._tok, text)

    def training_features(self, text: str) -> list[str]:
        norm = self.normalize(text)
        head = norm.text[:MAX_CLASSIFY_CHARS]
        types = {e.type for e in self._extractor.extract(norm) if e.type in _ENTITY_FEATURES}
        return featurize(head, self.words(head), types)


def _invert(mapping: dict[str, list[str]]) -> dict[str, str]:
    out = {}
    for label, phrases in mapping.items():
        for phrase in phrases or []:
            out[_STRIP.sub("", str(phrase).lower())] = label
    return out


_cache: dict[tuple, NluParser] = {}
_cache_lock = threading.Lock()


def build_models(model_dir: Path = MODEL_DIR, force: bool = False) -> dict[str, LinearModel]:
    """Load cached models, or train (deterministically) and cache them when stale/missing."""
    rules = dataset.load_rules()
    digest = current_hash()
    models = None if force else load(digest, model_dir)
    if models is None:
        log.info("nlu: training models (cache missing or stale)")
        models = train_models(_TextTools(rules).training_features)
        save(models, digest, model_dir)
    return models


def load_parser(
    districts: list[str] | None = None, model_dir: Path | str | None = None
) -> NluParser:
    """The parser for ``districts``; trains and caches the model first if needed."""
    model_dir = Path(model_dir) if model_dir else MODEL_DIR
    key = (tuple(districts or ()), str(model_dir), current_hash())
    with _cache_lock:
        parser = _cache.get(key)
        if parser is None:
            rules = dataset.load_rules()
            parser = NluParser(build_models(model_dir), rules, _TextTools(rules), list(key[0]))
            _cache[key] = parser
    return parser

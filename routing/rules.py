"""Case → agencies → WeCom groups, from the division of duties in ``rules.yaml``.

Pure: no I/O beyond reading the YAML once. The duties live in YAML so that a change agreed at
a joint meeting (联席会议) is a reviewed data change, not a code change.

Groups come from config.yaml's ``liaison_groups`` (district × agency → webhook key, plus the
special keys ``leadership``, ``transfer`` and ``admin``). Pass that config either once, as
``load_rules(config_raw=config.raw)``, or per call, as ``route(..., groups_config=config.raw)``;
the per-call value wins.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PATH = Path(__file__).resolve().parent / "rules.yaml"

CATEGORIES = (
    "contribution_base", "employer_arrears", "assessed_amount", "refund", "late_fee",
    "payment_record", "system_failure", "service_complaint", "back_payment", "other",
)
SEVERITIES = ("simple", "general", "major")
# The special liaison_groups keys; never a district.
SPECIAL_GROUPS = ("leadership", "transfer", "admin")

_PLACE_SUFFIX = re.compile(r"(街道|街道办|地区|区|县|市|镇|乡|街)$")


class RulesError(ValueError):
    """rules.yaml is inconsistent; the message names the entry."""


@dataclass(frozen=True)
class GroupTarget:
    """One WeCom group robot to notify: its webhook key, the agency it stands for, and
    whether the message must @all (the markdown card cannot; see routing/cards.py)."""

    key: str
    agency: str
    mention_all: bool = False


@dataclass(frozen=True)
class Route:
    """Where a case goes. ``missing`` lists agencies that have no group configured for the
    district, so the caller can alert the admin group instead of silently dropping them."""

    lead: str
    co: list[str]
    groups: list[GroupTarget]
    district: str | None = None
    in_area: bool = True
    missing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Refine:
    when: tuple[str, ...]
    lead: str | None
    co: tuple[str, ...]


@dataclass(frozen=True)
class _CategoryRule:
    lead: str
    co: tuple[str, ...]
    refine: tuple[_Refine, ...]


def parse_headcount(reasons: Iterable[str]) -> int | None:
    """The largest N among "headcount:N" reasons, or None."""
    best = None
    for reason in reasons or ():
        name, _, value = str(reason).partition(":")
        if name.strip() == "headcount" and value.strip().isdigit():
            best = max(best or 0, int(value))
    return best


def _place_stem(name: str) -> str:
    return _PLACE_SUFFIX.sub("", name.strip())


class Rules:
    """Loaded routing rules. Build with :func:`load_rules`."""

    def __init__(self, data: Mapping[str, Any], config_raw: Mapping[str, Any] | None = None):
        self.keywords: dict[str, tuple[str, ...]] = {
            name: tuple(str(w).lower() for w in words or ())
            for name, words in (data.get("keywords") or {}).items()
        }
        for name, spec in (data.get("categories") or {}).items():
            if not isinstance(spec, Mapping) or not spec.get("lead"):
                raise RulesError(f"rules: categories.{name} has no `lead`")
        self.categories = {
            name: _CategoryRule(
                lead=str(spec["lead"]),
                co=tuple(spec.get("co") or ()),
                refine=self._parse_refine(spec.get("refine"), f"categories.{name}"),
            )
            for name, spec in (data.get("categories") or {}).items()
        }
        self.global_refine = self._parse_refine(data.get("global_refine"), "global_refine")
        self.reason_co = {
            name: tuple((spec or {}).get("co") or ())
            for name, spec in (data.get("reasons") or {}).items()
        }
        headcount = data.get("headcount") or {}
        self.headcount_large = int(headcount.get("large", 30))
        self.headcount_co = tuple(headcount.get("co") or ())
        self.severity_co = {
            name: tuple((spec or {}).get("co") or ())
            for name, spec in (data.get("severity") or {}).items()
        }
        self.special_groups = dict(data.get("special_groups") or {})
        self.callback_district = str(data.get("callback_district") or "first")
        self.config_raw = config_raw
        self._check(config_raw)

    def _parse_refine(self, rules: Any, where: str) -> tuple[_Refine, ...]:
        parsed = []
        for i, rule in enumerate(rules or ()):
            when = rule.get("when")
            when = (when,) if isinstance(when, str) else tuple(when or ())
            if not when:
                raise RulesError(f"rules: {where}.refine[{i}] has no `when`")
            co = tuple(rule.get("co") or ())
            parsed.append(_Refine(when=when, lead=rule.get("lead"), co=co))
        return tuple(parsed)

    def _check(self, config_raw: Mapping[str, Any] | None) -> None:
        """Fail at start-up, naming the entry, rather than misroute a case later."""
        missing = [c for c in CATEGORIES if c not in self.categories]
        if missing:
            raise RulesError(f"rules: categories missing: {', '.join(missing)}")
        for refine in (*self.global_refine, *(r for c in self.categories.values()
                                              for r in c.refine)):
            for name in refine.when:
                if name not in self.keywords:
                    raise RulesError(f"rules: keyword set {name!r} is not defined")
        districts = self.districts(config_raw or {})
        if districts and self.callback_district != "first" and (
                self.callback_district not in districts):
            raise RulesError(f"rules: callback_district {self.callback_district!r} is not "
                             "in config.yaml jurisdictions")
        known = set((config_raw or {}).get("agencies") or {})
        if not known:
            return
        used = {c.lead for c in self.categories.values()}
        for c in self.categories.values():
            used.update(c.co)
            for r in c.refine:
                used.update(r.co)
                used.update([r.lead] if r.lead else [])
        for r in self.global_refine:
            used.update(r.co)
        for group in (self.reason_co.values(), self.severity_co.values()):
            for co in group:
                used.update(co)
        used.update(self.headcount_co)
        unknown = sorted(used - known)
        if unknown:
            raise RulesError(f"rules: agencies not in config.yaml agencies: {', '.join(unknown)}")

    # -- agencies -----------------------------------------------------------------------

    def _matches(self, refine: _Refine, text: str) -> bool:
        return all(any(w in text for w in self.keywords.get(name, ())) for name in refine.when)

    def agencies(
        self, category: str, severity: str, severity_reasons: Iterable[str] = (), text: str = ""
    ) -> tuple[str, list[str]]:
        """Lead agency and ordered co-handlers (no duplicates, lead excluded).

        An unknown category is routed as ``other`` and an unknown severity as ``general``:
        a case must always reach someone.
        """
        rule = self.categories.get(category) or self.categories["other"]
        severity = severity if severity in SEVERITIES else "general"
        low = (text or "").lower()
        lead, co = rule.lead, list(rule.co)
        lead_refined = False
        for refine in (*rule.refine, *self.global_refine):
            if not self._matches(refine, low):
                continue
            if refine.lead and not lead_refined:
                co.insert(0, lead)
                lead, lead_refined = refine.lead, True
            co.extend(refine.co)
        reasons = [str(r).split(":", 1)[0].strip() for r in severity_reasons or ()]
        for reason in reasons:
            co.extend(self.reason_co.get(reason, ()))
        headcount = parse_headcount(severity_reasons or ())
        if headcount is not None and headcount >= self.headcount_large:
            co.extend(self.headcount_co)
        co.extend(self.severity_co.get(severity, ()))
        seen = {lead}
        unique = [a for a in co if not (a in seen or seen.add(a))]
        return lead, unique

    # -- jurisdiction and groups --------------------------------------------------------

    @staticmethod
    def resolve_district(jurisdiction: str | None, config_raw: Mapping[str, Any]) -> str | None:
        """District name for a district or town name from config ``jurisdictions``; None when
        outside the area. Tried in order: the exact name; the name without its suffix ("新塘"
        → 新塘镇, "增城" → 增城区); a longer address containing a town, then a district name
        ("广州市增城区新塘镇")."""
        if not jurisdiction or not str(jurisdiction).strip():
            return None
        wanted = "".join(str(jurisdiction).split())
        stem = _place_stem(wanted)
        places = []  # (place, district, is_town), towns first so the specific name wins
        for area in config_raw.get("jurisdictions") or ():
            if isinstance(area, Mapping) and area.get("name"):
                district = str(area["name"])
                places.extend((str(t), district, True) for t in area.get("towns") or ())
                places.append((district, district, False))
        tests = (
            lambda place: place == wanted,
            lambda place: bool(stem) and _place_stem(place) == stem,
            lambda place: len(place) >= 2 and place in wanted,
        )
        for test in tests:
            for is_town in (True, False):
                for place, district, town in places:
                    if town == is_town and test(place):
                        return district
        return None

    @staticmethod
    def districts(config_raw: Mapping[str, Any]) -> list[str]:
        """The district names of config ``jurisdictions``, in order."""
        return [str(area["name"]) for area in config_raw.get("jurisdictions") or ()
                if isinstance(area, Mapping) and area.get("name")]

    def callback_home(self, config_raw: Mapping[str, Any]) -> str | None:
        """The district whose lead calls back a payer who named no place."""
        names = self.districts(config_raw)
        if self.callback_district == "first":
            return names[0] if names else None
        return self.callback_district if self.callback_district in names else None

    def route(
        self,
        category: str,
        severity: str,
        severity_reasons: Iterable[str] = (),
        jurisdiction: str | None = None,
        text: str = "",
        groups_config: Mapping[str, Any] | None = None,
        needs_callback: bool = False,
    ) -> Route:
        """Agencies and WeCom groups for a case.

        Inside the area: one group per agency (lead first) with a key for the district.
        Outside the area (or unknown): the ``transfer`` group only, on behalf of the lead, so
        the receiving office can pass it on (首问负责, 非本辖区及时转). A call-back request with
        no place at all goes to ``callback_district``: the office the payer is told will call;
        one naming a place outside the area goes to that office's lead group too.
        Major cases always add the ``leadership`` group with @all.
        """
        reasons = list(severity_reasons or ())
        lead, co = self.agencies(category, severity, reasons, text)
        config_raw = groups_config if groups_config is not None else (self.config_raw or {})
        groups_cfg = config_raw.get("liaison_groups") or {}
        district = self.resolve_district(jurisdiction, config_raw)
        if district is None and needs_callback and not str(jurisdiction or "").strip():
            district = self.callback_home(config_raw)
        targets: list[GroupTarget] = []
        missing: list[str] = []
        if district is None:
            agencies = [lead] + [a for a in co if a in self.special_groups]
            if needs_callback:
                targets.extend(self.callback_caller(lead, config_raw))
        else:
            agencies = [lead, *co]
        district_keys = groups_cfg.get(district) if district else None
        for agency in agencies:
            target = self._target(agency, district, district_keys, groups_cfg)
            if target is None:
                missing.append(agency)
            elif target.key not in {t.key for t in targets}:
                targets.append(target)
        return Route(lead=lead, co=co, groups=targets, district=district,
                     in_area=district is not None, missing=missing)

    def callback_caller(self, lead: str, config_raw: Mapping[str, Any]) -> list[GroupTarget]:
        """A call-back request naming a place outside the area: the payer is told the lead
        agency calls back, so the home district's lead group gets the card first (首问负责:
        it calls, then passes the case on); the transfer group still gets it to pass on."""
        groups_cfg = config_raw.get("liaison_groups") or {}
        home = self.callback_home(config_raw)
        target = self._target(lead, home, groups_cfg.get(home), groups_cfg) if home else None
        return [target] if target is not None else []

    def _target(self, agency: str, district: str | None, district_keys: Any,
                groups_cfg: Mapping[str, Any]) -> GroupTarget | None:
        special = self.special_groups.get(agency)
        if special:
            key = groups_cfg.get(special.get("group"))
            mention = bool(special.get("mention_all"))
        elif district is None:
            key, mention = groups_cfg.get("transfer"), False
        else:
            key = (district_keys or {}).get(agency) if isinstance(district_keys, Mapping) else None
            mention = False
        return GroupTarget(key=str(key), agency=agency, mention_all=mention) if key else None


def load_rules(
    path: str | Path | None = None, config_raw: Mapping[str, Any] | None = None
) -> Rules:
    """Read and check ``rules.yaml`` (or ``path``); ``config_raw`` is config.yaml as a dict.

    With ``config_raw`` every agency in the rules must exist in ``agencies``.
    """
    path = Path(path or DEFAULT_PATH)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise RulesError(f"rules: file {path} not found") from None
    except yaml.YAMLError as exc:
        raise RulesError(f"rules: {path} is not valid YAML ({exc.__class__.__name__})") from None
    return Rules(data, config_raw=config_raw)

"""SMART hints, the SMARTness level, and duplicate detection: pure functions, no storage, no Streamlit.

Methodology (the same the demo generator uses, so logged, imported and demo commitments compare):

* The **SMART level** (0-5) counts the five elements that make a commitment checkable: a **deadline**
  (time-bound), a **unit**, a **baseline**, a **target value** and an **indicator** (measurable). A
  commitment with all five can be verified without asking the partner what they meant.
* **Hints** name each missing element in words an officer can act on, plus advisory hints that do not
  change the level: a vague title with no number to reach, a deadline already past, a target equal to
  the baseline, no deliverable, no framework link.
* **Likely duplicates**: the title similarity (the overlap of meaningful words, averaged with a
  character-level similarity, the normalised Indel similarity of ``rapidfuzz``) plus a bonus for a shared
  partner and for a shared country. A summit often produces the same pledge twice (announced on stage,
  then sent by letter). Only commitments with a partner or country in common are compared (the store
  narrows them), so checking a title costs the same whatever the size of the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

from rapidfuzz import fuzz, process

from partners.domain.text import fold

# --------------------------------------------------------------------------------------------------
# SMART hints and level
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmartHint:
    """One problem with a commitment's SMARTness. ``counts`` says whether it lowers the level."""

    code: str
    message: str
    counts: bool = True


#: The five elements of the SMART level, in the order hints are shown: (field, code, message).
LEVEL_ELEMENTS: tuple[tuple[str, str, str], ...] = (
    ("deadline", "no_deadline", "No deadline: by when will it be done?"),
    ("unit", "no_unit", "No unit: what is counted (people trained, reports, hotlines, …)?"),
    ("baseline", "no_baseline", "No baseline: where does it start from (the value today)?"),
    ("target_value", "target_not_measurable", "Target not measurable: give a number to reach."),
    ("indicator", "no_indicator", "No indicator: what will show progress?"),
)
MAX_LEVEL = len(LEVEL_ELEMENTS)

#: Verbs that promise effort rather than a result; fine with a number to reach, vague without one.
VAGUE_VERBS = (
    "support", "promote", "strengthen", "explore", "encourage", "raise awareness", "work towards",
    "work toward", "consider", "enhance", "improve", "facilitate", "contribute", "engage",
)  # fmt: skip


def _present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, float) and value != value:  # NaN from a DataFrame
        return False
    return True


def _get(fields: Any, name: str) -> Any:
    if isinstance(fields, Mapping):
        return fields.get(name)
    return getattr(fields, name, None)


def level(fields: Any) -> int:
    """The SMART level 0-5 of a commitment (a model, or any mapping with the commitment's field names)."""
    return sum(1 for name, _, _ in LEVEL_ELEMENTS if _present(_get(fields, name)))


def hints(fields: Any, *, today: date | None = None) -> list[SmartHint]:
    """What an officer should fix or consider, most important first (the five level elements first)."""
    today = today or date.today()
    found = [SmartHint(code, msg) for name, code, msg in LEVEL_ELEMENTS if not _present(_get(fields, name))]

    title = str(_get(fields, "title") or "").lower()
    vague = next((v for v in VAGUE_VERBS if re.search(rf"\b{re.escape(v)}", title)), None)
    if vague and not _present(_get(fields, "target_value")) and not re.search(r"\d", title):
        found.append(
            SmartHint("vague_title", f"The title promises to '{vague}' but names no result to reach.", False)
        )
    deadline = _get(fields, "deadline")
    if isinstance(deadline, date) and deadline < today:
        found.append(
            SmartHint("deadline_passed", f"The deadline ({deadline:%d %b %Y}) has already passed.", False)
        )
    baseline, target = _get(fields, "baseline"), _get(fields, "target_value")
    if _present(baseline) and _present(target) and Decimal(str(baseline)) == Decimal(str(target)):
        found.append(
            SmartHint("target_equals_baseline", "The target equals the baseline: no change.", False)
        )
    if not _present(_get(fields, "deliverable")):
        found.append(
            SmartHint("no_deliverable", "No deliverable: what exactly will exist when it is done?", False)
        )
    if not _get(fields, "framework_items"):
        found.append(SmartHint("no_framework_link", "Not linked to any framework goal or capability.", False))
    return found


#: A word for each level, for captions ("4 of 5: nearly SMART").
LEVEL_WORDS = {5: "SMART", 4: "nearly SMART", 3: "partly SMART", 2: "weak", 1: "weak", 0: "not measurable"}


def level_label(value: int | None) -> str:
    """'4 of 5: nearly SMART', or 'not assessed' for a commitment without a level."""
    if value is None:
        return "not assessed"
    return f"{value} of {MAX_LEVEL}: {LEVEL_WORDS[value]}"


# --------------------------------------------------------------------------------------------------
# Likely duplicates
# --------------------------------------------------------------------------------------------------

#: Words that say nothing about what a commitment is (they would make every pledge look alike).
_STOPWORDS = frozenset(
    "a an and the of for to in on by with at from into per its their our all every new more least".split()
    + "commitment commit commits pledge will shall be is are".split()
)

#: Suggest a commitment when its score reaches this, and its title similarity at least ``MIN_TITLE``.
THRESHOLD = 0.6
MIN_TITLE = 0.35
PARTNER_BONUS = 0.15
COUNTRY_BONUS = 0.1


def _plain(text: str) -> str:
    """Folded (case and accents ignored) with punctuation as spaces: the words of a title."""
    return re.sub(r"[^a-z0-9]+", " ", fold(text)).strip()


class _Title(NamedTuple):
    """What the similarity compares of a title: its meaningful words, and its text without filler words."""

    words: frozenset[str]
    meaningful: str


@lru_cache(maxsize=20_000)  # about 15 MB at most: the titles of recent suggestions
def _title(text: str) -> _Title:
    """A title's words, prepared once per distinct title (the stored titles are compared again and again)."""
    plain = [w for w in _plain(text).split() if w not in _STOPWORDS]
    return _Title(frozenset(w for w in plain if len(w) > 2 or w.isdigit()), " ".join(plain))


def _similarity(a: _Title, b: _Title, ratio: float) -> float:
    if not a.words or not b.words:
        return 0.0
    overlap = len(a.words & b.words) / len(a.words | b.words)
    return max(overlap, (overlap + ratio) / 2)


def title_similarity(a: str, b: str) -> float:
    """0-1: how alike two titles are, from the overlap of their meaningful words (word order and filler
    words do not matter), averaged with a character-level similarity (``rapidfuzz``'s normalised Indel
    similarity: typos and plurals still match). Unrelated titles score about 0.2, the same pledge reworded
    0.6 or more."""
    ta, tb = _title(a), _title(b)
    return _similarity(ta, tb, fuzz.ratio(ta.meaningful, tb.meaningful) / 100)


@dataclass(frozen=True)
class DuplicateSuggestion:
    commitment_id: int
    title: str
    score: float
    reasons: tuple[str, ...]


def duplicate_score(
    title: str, other_title: str, *, shared_partners: int = 0, shared_countries: int = 0
) -> tuple[float, tuple[str, ...]]:
    """How likely two commitments are the same pledge (0-1.25), with the reasons in words."""
    return _scored(title_similarity(title, other_title), shared_partners, shared_countries)


def _scored(similarity: float, shared_partners: int, shared_countries: int) -> tuple[float, tuple[str, ...]]:
    reasons = [f"similar title ({similarity:.0%})"]
    score = similarity
    if shared_partners:
        score += PARTNER_BONUS
        reasons.append("same partner")
    if shared_countries:
        score += COUNTRY_BONUS
        reasons.append("same country")
    return score, tuple(reasons)


def likely_duplicates(
    title: str,
    partner_ids: Iterable[int],
    countries: Iterable[str],
    candidates: Iterable[Mapping[str, Any]],
    *,
    exclude_id: int | None = None,
    limit: int = 5,
) -> list[DuplicateSuggestion]:
    """Existing commitments that look like the one being logged, best first: a similar title AND at least
    one partner or country in common (a similar title alone is another pledge, e.g. another country's).

    ``candidates`` are mappings with ``id``, ``title``, ``partner_ids`` and ``countries`` (lists); the store
    gives only those sharing a partner or country (``Store.duplicate_candidates``), any others are skipped.
    """
    if len(_plain(title)) < 4:
        return []
    partners, codes = set(partner_ids), set(countries)
    shared = []
    for c in candidates:
        if exclude_id is not None and int(c["id"]) == exclude_id:
            continue
        shared_partners = len(partners & set(c.get("partner_ids") or ()))
        shared_countries = len(codes & set(c.get("countries") or ()))
        if shared_partners or shared_countries:
            shared.append((c, shared_partners, shared_countries))
    if not shared:
        return []
    typed = _title(title)
    titles = [_title(str(c["title"])) for c, _, _ in shared]
    # Every character-level similarity at once, in rapidfuzz's compiled loop.
    ratios = process.cdist([typed.meaningful], [t.meaningful for t in titles], scorer=fuzz.ratio)[0]
    found = []
    for (c, shared_partners, shared_countries), other, ratio in zip(shared, titles, ratios, strict=True):
        similarity = _similarity(typed, other, float(ratio) / 100)
        if similarity < MIN_TITLE:
            continue
        score, reasons = _scored(similarity, shared_partners, shared_countries)
        if score >= THRESHOLD:
            found.append(DuplicateSuggestion(int(c["id"]), str(c["title"]), round(score, 3), reasons))
    found.sort(key=lambda d: (-d.score, d.commitment_id))
    return found[:limit]

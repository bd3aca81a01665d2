"""Which header of a file is which of our columns: by name, by synonym, by similarity, or as the officer says.

A summit workbook made by a partner or a rapporteur names its columns its own way ("Ref", "Partner(s)",
"Budget (USD)"). :func:`match` reads one header row against the columns of a sheet kind
(``columns.COMMITMENT_COLUMNS`` or ``PROGRESS_COLUMNS``, where every column declares its synonyms) and says,
for every header, what it became and why: never silently. Two headers fighting over one column, or one
header as close to two columns, is an ambiguity: reported, never guessed. An override (the officer's choice
on the preview, or ``partners import --columns MAP.yaml``) names the header of a column, or says that no
header is that column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from partners.importing.columns import SHEETS, Column, SheetKind, column_letter, header_key

#: How close (0-100, rapidfuzz's WRatio) a header must be to a column's name or synonym to be matched by
#: similarity: "Deadline for completion" and "Budget in USD" are; "Comments" (to "commitment") is not.
SIMILARITY_CUTOFF = 88

#: A cell longer than this is never read as a header.
MAX_HEADER_CHARS = 120

#: Our column -> the header of the file that is that column (None: none of the file's headers is).
Override = Mapping[str, str | None]


class HowMatched:
    NAME = "name"
    SYNONYM = "synonym"
    SIMILAR = "similar"
    CHOSEN = "chosen"


_TIER = {HowMatched.NAME: 3, HowMatched.SYNONYM: 2, HowMatched.SIMILAR: 1}


@dataclass(frozen=True)
class Header:
    """One header cell and what became of it."""

    index: int  # position in the row (0 = column A)
    text: str
    column: str | None  # our column, or None: not read
    how: str  # HowMatched.*, or why it is not read
    score: float = 100.0

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    def why(self) -> str:
        """Why it is read as its column ("a known synonym"), or why it is not read."""
        return {
            HowMatched.NAME: "its name",
            HowMatched.SYNONYM: "a known synonym",
            HowMatched.SIMILAR: f"similar name, {self.score:.0f}%",
            HowMatched.CHOSEN: "as chosen",
        }.get(self.how, self.how)

    def describe(self) -> str:
        """'Partner(s) -> partners (a known synonym)' or 'Notes (column R): not read (no column of ours)'."""
        if self.column is None:
            return f"{self.text} (column {self.letter}): not read ({self.why()})"
        return f"{self.text} -> {self.column} ({self.why()})"


@dataclass(frozen=True)
class Problem:
    message: str
    hint: str


@dataclass
class SheetMapping:
    """The headers of one sheet, matched to the columns of its kind."""

    sheet: str
    kind: SheetKind
    header_row: int
    headers: list[Header]
    problems: list[Problem] = field(default_factory=list)
    #: Currency written in the budget's header ("Budget (USD)"), for rows without a currency column.
    header_currency: str | None = None
    #: The framework family a capabilities header names ("MNR capabilities"): bare numbers are its items.
    item_family: str | None = None
    #: Columns several headers match (each reported as a problem, not as missing).
    ambiguous: set[str] = field(default_factory=set)

    @property
    def columns(self) -> dict[str, int]:
        return {h.column: h.index for h in self.headers if h.column is not None}

    @property
    def width(self) -> int:
        return max((h.index + 1 for h in self.headers), default=0)

    @property
    def ignored(self) -> list[Header]:
        return [h for h in self.headers if h.column is None]

    def signature(self) -> tuple[str, ...]:
        """The file's headers (as keys): two files of the same shape have the same signature."""
        return tuple(sorted(header_key(h.text) for h in self.headers))

    def as_override(self) -> dict[str, str | None]:
        """This mapping as an override naming every column of the kind (for saving and reusing it)."""
        chosen = {h.column: h.text for h in self.headers if h.column is not None}
        return {c.name: chosen.get(c.name) for c in SHEETS[self.kind].columns}


def _norm(text: str) -> str:
    return header_key(text).replace("_", " ")


def _candidates(text: str, columns: Iterable[Column]) -> list[tuple[int, float, str]]:
    """(tier, score, column) for every column the header could be, best first."""
    if len(text) > MAX_HEADER_CHARS:
        return []  # a long text is data, not a header (and comparing it would take long)
    key = header_key(text)
    out: list[tuple[int, float, str]] = []
    for col in columns:
        if key == header_key(col.name):
            out.append((_TIER[HowMatched.NAME], 100.0, col.name))
            continue
        if any(key == header_key(s) for s in col.synonyms):
            out.append((_TIER[HowMatched.SYNONYM], 100.0, col.name))
            continue
        norm = _norm(text)
        score = max(fuzz.WRatio(norm, _norm(n)) for n in (col.name, *col.synonyms))
        if score >= SIMILARITY_CUTOFF:
            out.append((_TIER[HowMatched.SIMILAR], float(score), col.name))
    return sorted(out, key=lambda c: (-c[0], -c[1]))


_HOW_OF_TIER = {v: k for k, v in _TIER.items()}


def score_row(row: list[Any], kind: SheetKind, override: Override | None = None) -> int:
    """How many cells of a row name a column of ``kind`` (to find the header below a title row)."""
    columns = SHEETS[kind].columns
    chosen = {header_key(h) for h in (override or {}).values() if h}
    return sum(
        1
        for v in row
        if isinstance(v, str) and v.strip() and (header_key(v) in chosen or _candidates(v, columns))
    )


_CURRENCY_IN_HEADER = re.compile(r"(?:^|[\s(\[,/-])([A-Z]{3})(?:$|[\s)\],/])")


def match(
    sheet: str, kind: SheetKind, header_row: int, row: list[Any], override: Override | None = None
) -> SheetMapping:
    """The mapping of one header row. ``override``: our column -> their header (None: no header is it);
    columns it names are taken as given, the others matched as usual among the headers left."""
    spec = SHEETS[kind]
    override = dict(override or {})
    known = {c.name for c in spec.columns}
    width = max((i + 1 for i, v in enumerate(row) if v is not None and str(v).strip()), default=0)
    cells = [(i, str(v).strip()) for i, v in enumerate(row[:width]) if v is not None and str(v).strip()]
    problems: list[Problem] = []
    by_key: dict[str, list[int]] = {}
    for i, text in cells:
        by_key.setdefault(header_key(text), []).append(i)

    chosen: dict[int, str] = {}  # header index -> column, from the override
    for column, header in override.items():
        if column not in known or not header:
            continue
        hits = by_key.get(header_key(header), [])
        if len(hits) == 1:
            chosen[hits[0]] = column
        elif not hits:
            problems.append(
                Problem(
                    f"the column mapping says {column} is '{header}', but this sheet has no such header",
                    "check the spelling of the header in the column mapping (or the --columns file)",
                )
            )
        elif len(hits) > 1:
            problems.append(
                Problem(
                    f"the column mapping says {column} is '{header}', but the file has that header "
                    f"{len(hits)} times (columns {', '.join(column_letter(i) for i in hits)})",
                    "rename or delete one of those columns",
                )
            )
    decided = set(override) & known  # columns the override settles (to a header or to none)
    free = [c for c in spec.columns if c.name not in decided]

    best: dict[int, list[tuple[int, float, str]]] = {}
    for i, text in cells:
        if i in chosen:
            continue
        cands = _candidates(text, free)
        if cands:
            top = [c for c in cands if (c[0], c[1]) == (cands[0][0], cands[0][1])]
            best[i] = top
    headers: dict[int, Header] = {}
    for i, text in cells:
        if i in chosen:
            headers[i] = Header(i, text, chosen[i], HowMatched.CHOSEN)
    # A header as close to two columns is ambiguous: not read, and said.
    claims: dict[str, list[tuple[int, int, float]]] = {}
    ambiguous: set[str] = set()
    for i, top in best.items():
        text = dict(cells)[i]
        if len(top) > 1:
            names = " or ".join(c[2] for c in top)
            ambiguous.update(c[2] for c in top)
            headers[i] = Header(i, text, None, f"ambiguous: it could be {names}")
            problems.append(
                Problem(
                    f"the header '{text}' (column {column_letter(i)}) could be {names}",
                    "choose its column in the column mapping (or name it in the --columns file)",
                )
            )
            continue
        tier, score, column = top[0]
        claims.setdefault(column, []).append((i, tier, score))
    for column, claimants in claims.items():
        claimants.sort(key=lambda c: (-c[1], -c[2], c[0]))
        first = claimants[0]
        # Two headers naming one column by name or synonym ("Partner" and "Partners") clash whatever their
        # tier; by similarity, only equally close ones do (a closer one, or a named one, wins: said).
        definite = _TIER[HowMatched.SYNONYM]
        rivals = [
            c for c in claimants[1:]
            if (c[1] >= definite and first[1] >= definite) or (c[1], c[2]) == (first[1], first[2])
        ]
        texts = dict(cells)
        if rivals:
            involved = sorted([first, *rivals])
            same_text = len({header_key(texts[c[0]]) for c in involved}) == 1
            letters = [column_letter(c[0]) for c in involved]
            if same_text and first[1] == _TIER[HowMatched.NAME]:
                problems.append(
                    Problem(
                        f"the column '{column}' appears twice (columns {' and '.join(letters)})",
                        "keep one of the two columns",
                    )
                )
            else:
                shown = " and ".join(f"'{texts[c[0]]}' ({column_letter(c[0])})" for c in involved)
                problems.append(
                    Problem(
                        f"the headers {shown} {'both' if len(involved) == 2 else 'all'} match {column}",
                        f"choose which one is {column} in the column mapping (or name it in the --columns "
                        "file), or rename the other",
                    )
                )
            ambiguous.add(column)
            for c in involved:
                headers[c[0]] = Header(c[0], texts[c[0]], None, f"ambiguous: several headers match {column}")
            for c in claimants:
                if c in involved:
                    continue
                headers[c[0]] = Header(c[0], texts[c[0]], None, f"{column} is matched by a closer header")
            continue
        headers[first[0]] = Header(first[0], texts[first[0]], column, _HOW_OF_TIER[first[1]], first[2])
        for c in claimants[1:]:
            headers[c[0]] = Header(
                c[0], texts[c[0]], None, f"{column} is matched better by '{texts[first[0]]}'"
            )
    for i, text in cells:
        headers.setdefault(i, Header(i, text, None, "no column of ours"))

    mapping = SheetMapping(sheet, kind, header_row, [headers[i] for i, _ in cells], problems)
    mapping.ambiguous = ambiguous
    cols = mapping.columns
    if "budget" in cols and "currency" not in cols:
        found = _CURRENCY_IN_HEADER.search(dict(cells)[cols["budget"]])
        if found:
            mapping.header_currency = found.group(1)
    if "framework_items" in cols:
        mapping.item_family = _family_in(dict(cells)[cols["framework_items"]])
    return mapping


#: Framework families a capabilities header may name ("MNR capabilities" -> MNR).
FAMILY_WORDS = {"mnr": "MNR", "model national response": "MNR"}


def _family_in(text: str) -> str | None:
    norm = _norm(text)
    return next((family for word, family in FAMILY_WORDS.items() if re.search(rf"\b{word}\b", norm)), None)


def missing_required(mapping: SheetMapping) -> list[str]:
    return [
        c.name
        for c in SHEETS[mapping.kind].columns
        if c.required and c.name not in mapping.columns and c.name not in mapping.ambiguous
    ]


# -- override files (``partners import --columns MAP.yaml``) -------------------------------------------


class MapFileError(ValueError):
    """A column map that cannot be used, with what is wrong in words."""


def _column_names(kind: SheetKind | None = None) -> list[str]:
    kinds = [kind] if kind else list(SHEETS)
    return list(dict.fromkeys(c.name for k in kinds for c in SHEETS[k].columns))


def _kind_of_section(name: str) -> SheetKind | None:
    key = header_key(name)
    for kind, spec in SHEETS.items():
        if key in {header_key(n) for n in (*spec.names, spec.title, kind.value)}:
            return kind
    return None


def parse_overrides(data: Any) -> dict[SheetKind | None, dict[str, str | None]]:
    """A parsed column map (YAML's ``our_column: "Their header"``, one line per column; or the same under a
    ``Commitments:`` / ``Progress updates:`` / ``Partners:`` / ``Events:`` section) -> overrides per sheet
    kind (None: every sheet). Raises MapFileError naming the first thing wrong."""
    import difflib

    if data is None:
        raise MapFileError("the column map is empty: write one line per column, e.g. partners: \"Partner(s)\"")
    if not isinstance(data, dict):
        raise MapFileError("the column map must be lines of the form our_column: \"Their header\"")
    out: dict[SheetKind | None, dict[str, str | None]] = {}

    def entries(section: SheetKind | None, values: dict[Any, Any]) -> None:
        names = _column_names(section)
        target = out.setdefault(section, {})
        for key, value in values.items():
            column = str(key).strip()
            if column not in names:
                close = difflib.get_close_matches(column, names, n=1, cutoff=0.6)
                tip = f" (did you mean {close[0]}?)" if close else ""
                raise MapFileError(
                    f"'{column}' is not one of our columns{tip}; the columns are: {', '.join(names)}"
                )
            if value is not None and not isinstance(value, str | int | float) or isinstance(value, bool):
                raise MapFileError(
                    f"the header for {column} must be a text in quotes (e.g. {column}: \"Their header\"), or "
                    "empty when none of the file's headers is that column"
                )
            text = None if value is None else str(value).strip()
            target[column] = text or None

    sections = {k: v for k, v in data.items() if isinstance(v, dict)}
    flat = {k: v for k, v in data.items() if not isinstance(v, dict)}
    for name, values in sections.items():
        kind = _kind_of_section(str(name))
        if kind is None:
            raise MapFileError(
                f"'{name}' is neither one of our columns nor a sheet "
                f"({', '.join(spec.title for spec in SHEETS.values())})"
            )
        entries(kind, values)
    if flat:
        entries(None, flat)
    return out


def override_for(
    overrides: Mapping[SheetKind | None, Mapping[str, str | None]] | None, kind: SheetKind, row: list[Any]
) -> dict[str, str | None]:
    """The override for one sheet: its own section, then the lines for every sheet whose header is in this
    sheet (a line for every sheet naming a header the sheet lacks is for another sheet)."""
    if not overrides:
        return {}
    keys = {header_key(v) for v in row if isinstance(v, str) and v.strip()}
    names = {c.name for c in SHEETS[kind].columns}
    out = {
        c: h
        for c, h in (overrides.get(None) or {}).items()
        if c in names and (h is None or header_key(h) in keys)
    }
    out.update(overrides.get(kind) or {})
    return out


def unused_headers(
    overrides: Mapping[SheetKind | None, Mapping[str, str | None]] | None, mappings: Iterable[SheetMapping]
) -> list[str]:
    """Headers a column map names for every sheet that no sheet of the file has (a typo, most likely)."""
    seen = {header_key(h.text) for m in mappings for h in m.headers}
    return [
        f"the column map says {c} is '{h}', but no sheet of the file has that header"
        for c, h in ((overrides or {}).get(None) or {}).items()
        if h and header_key(h) not in seen
    ]

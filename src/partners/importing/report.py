"""What an import makes of a file: a status per row and every problem with where it is and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from partners.domain.model import LabelledEnum
from partners.importing.columns import NAMED_ONLY, SHEETS, SheetKind
from partners.importing.mapping import SheetMapping


class RowStatus(LabelledEnum):
    """What the import does with a row."""

    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass(frozen=True)
class Problem:
    """One thing wrong, where it is (``row`` as Excel shows it, header = 1; None for the whole file)."""

    sheet: str
    row: int | None
    column: str
    message: str
    hint: str

    def __str__(self) -> str:
        where = self.sheet + (f" row {self.row}" if self.row else "")
        where += f", {self.column}" if self.column else ""
        return f"{where}: {self.message}. How to fix: {self.hint}"


@dataclass
class RowReport:
    """What the import makes of one row."""

    sheet: str
    kind: SheetKind
    row: int
    external_ref: str
    status: RowStatus = RowStatus.NEW
    summary: str = ""
    changes: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)
    #: How a value was read when the file did not say it exactly ("deadline 'June 2027' read as 30 Jun 2027").
    notes: list[str] = field(default_factory=list)
    #: The stored commitment's id once imported (new and updated rows), and its review state.
    commitment_id: int | None = None
    #: The stored id of a new partner or event once imported.
    record_id: int | None = None
    review_state: str = ""


#: How each row status reads in counts ("3 new, 2 with errors").
STATUS_WORDS = {
    RowStatus.NEW: "new",
    RowStatus.UPDATE: "to update",
    RowStatus.UNCHANGED: "unchanged",
    RowStatus.ERROR: "with errors",
}


@dataclass
class ImportReport:
    """The outcome of reading and validating (and, unless a dry run, committing) one file."""

    file_name: str
    sha256: str
    rows: list[RowReport] = field(default_factory=list)
    file_problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    committed: bool = False
    #: Which header of each sheet is which of our columns (shown on the preview, printed by the CLI).
    mappings: list[SheetMapping] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return [*self.file_problems, *(p for r in self.rows for p in r.problems)]

    @property
    def ok(self) -> bool:
        """True when nothing stands in the way of importing."""
        return not self.file_problems and all(r.status is not RowStatus.ERROR for r in self.rows)

    def count(self, status: RowStatus, kind: SheetKind | None = None) -> int:
        return sum(1 for r in self.rows if r.status is status and (kind is None or r.kind is kind))

    @property
    def error_rows(self) -> int:
        return self.count(RowStatus.ERROR)

    @property
    def to_write(self) -> int:
        """Rows that would change the database (new and updated)."""
        return self.count(RowStatus.NEW) + self.count(RowStatus.UPDATE)

    def summary(self) -> str:
        parts = []
        for kind, spec in SHEETS.items():
            rows = [r for r in self.rows if r.kind is kind]
            if not rows:
                continue
            counts = ", ".join(
                f"{self.count(s, kind):,} {STATUS_WORDS[s]}" for s in RowStatus if self.count(s, kind)
            )
            parts.append(f"{spec.title.lower()}: {counts}")
        return "; ".join(parts) if parts else "no rows"

    def rows_frame(self) -> pd.DataFrame:
        """One line per row: where, reference, status, what it is, what changes or how many problems."""
        return pd.DataFrame(
            [
                {
                    "Sheet": r.sheet,
                    "Row": r.row,
                    "Reference": r.external_ref,
                    "Status": r.status.label,
                    "What": r.summary,
                    "Changes or problems": (
                        "; ".join(p.message for p in r.problems)
                        if r.problems
                        else ("changes " + ", ".join(r.changes) if r.changes else "")
                    ),
                    "Notes": "; ".join(r.notes),
                }
                for r in self.rows
            ],
            columns=["Sheet", "Row", "Reference", "Status", "What", "Changes or problems", "Notes"],
        )

    def problems_frame(self) -> pd.DataFrame:
        """One line per problem: sheet, row, column, what is wrong, how to fix it."""
        return pd.DataFrame(
            [
                {
                    "Sheet": p.sheet,
                    "Row": p.row,
                    "Column": p.column,
                    "What is wrong": p.message,
                    "How to fix": p.hint,
                }
                for p in self.problems
            ],
            columns=["Sheet", "Row", "Column", "What is wrong", "How to fix"],
        )

    @property
    def notes(self) -> list[str]:
        """Every row's notes, with where they are."""
        return [f"{r.sheet} row {r.row}: {n}" for r in self.rows for n in r.notes]

    def mapping_frame(self) -> pd.DataFrame:
        """One line per header of the file: the sheet, the header, our column it is read as, and why."""
        return pd.DataFrame(
            [
                {
                    "Sheet": m.sheet if m.sheet != "CSV" else SHEETS[m.kind].title,
                    "Column": h.letter,
                    "Their header": h.text,
                    "Read as": h.column or "(not read)",
                    "Why": h.why(),
                }
                for m in self.mappings
                for h in m.headers
            ],
            columns=["Sheet", "Column", "Their header", "Read as", "Why"],
        )

    def mapping_lines(self) -> list[str]:
        """The mapping as plain text: "Partner(s) -> partners (a known synonym)", one header a line."""
        out = []
        for m in self.mappings:
            where = SHEETS[m.kind].title if m.sheet == "CSV" else f"sheet '{m.sheet}'"
            out.append(f"columns of {where} (header in row {m.header_row}):")
            out += [f"    {h.describe()}" for h in m.headers]
            if m.header_currency:
                out.append(f"    budget currency {m.header_currency}, from the header, where a row gives none")
        return out

    def lines(self) -> list[str]:
        """The per-row report as plain text (the command line prints it)."""
        out = [f"file: {self.file_name} (sha256 {self.sha256[:16]})"]
        out += self.mapping_lines()
        out += [f"warning: {w}" for w in self.warnings]
        out += [f"problem: {p}" for p in self.file_problems]
        for r in self.rows:
            named = r.summary if r.kind in NAMED_ONLY else ""  # a partner or event: its name
            text = f"{r.sheet} row {r.row}: {r.external_ref or named or '(no reference)'}: {r.status.label.lower()}"
            if r.changes:
                text += f" ({', '.join(r.changes)})"
            out.append(text)
            out += [f"    note: {n}" for n in r.notes]
            out += [f"    {p.column or 'row'}: {p.message}. How to fix: {p.hint}" for p in r.problems]
        out.append(f"summary: {self.summary()}")
        return out

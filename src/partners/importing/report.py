"""What an import makes of a file: a status per row and every problem with where it is and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from partners.domain.model import LabelledEnum
from partners.importing.columns import SHEETS, SheetKind


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
                }
                for r in self.rows
            ],
            columns=["Sheet", "Row", "Reference", "Status", "What", "Changes or problems"],
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

    def lines(self) -> list[str]:
        """The per-row report as plain text (the command line prints it)."""
        out = [f"file: {self.file_name} (sha256 {self.sha256[:16]})"]
        out += [f"warning: {w}" for w in self.warnings]
        out += [f"problem: {p}" for p in self.file_problems]
        for r in self.rows:
            text = f"{r.sheet} row {r.row}: {r.external_ref or '(no reference)'}: {r.status.label.lower()}"
            if r.changes:
                text += f" ({', '.join(r.changes)})"
            out.append(text)
            out += [f"    {p.column or 'row'}: {p.message}. How to fix: {p.hint}" for p in r.problems]
        out.append(f"summary: {self.summary()}")
        return out

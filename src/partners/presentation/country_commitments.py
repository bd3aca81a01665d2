"""The country scorecard's commitment sections as tables people read: statuses, stakeholder types and
whose commitment it is in words, columns named for a reader, links to each commitment's page.

The frames come from ``services.country_commitments``; titles and partner names are user text and stay
cells of a table (never markdown)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from partners.domain.scoring import TimelinePeriod
from partners.presentation import labels, urls

#: Whose commitment it is, in words.
WHOSE_LABELS = {"own": "The country's own", "others": "Made for it by others"}

#: A verified-status cell for a commitment the secretariat has not verified yet.
NOT_VERIFIED_LABEL = "Not verified yet"


def _status(values: pd.Series, *, verified: bool = False) -> pd.Series:
    shown = labels.column_labels(values, labels.STATUS_LABELS)
    return shown.where(values != labels.NOT_REPORTED, NOT_VERIFIED_LABEL) if verified else shown


def _stakeholder(values: pd.Series) -> pd.Series:
    return values.map(lambda v: labels.STAKEHOLDER_LABELS.get(v, "No partner") if v else "No partner")


def commitments_table(rows: pd.DataFrame, link: Callable[[int], str] = urls.commitment_url) -> pd.DataFrame:
    """``commitment_rows`` for reading: a link to each commitment's page first (``link``: relative for the
    page, ``urls.absolute_commitment_url`` for a CSV), its title, both statuses side by side, whose it is,
    then its partners, type, dates and number."""
    return pd.DataFrame({
        "Open": rows["id"].map(link),
        "Commitment": rows["title"],
        "Self-reported status": _status(rows["self_reported_status"]),
        "Verified status": _status(rows["verified_status"], verified=True),
        "Whose": rows["whose"].map(WHOSE_LABELS),
        "Stakeholder type": _stakeholder(rows["stakeholder_type"]),
        "Partners": rows["partners"],
        "Deadline": rows["deadline"],
        "Date made": rows["made_on"],
        "Not reporting": rows["not_reporting"].astype(bool),
        "Visibility": labels.column_labels(rows["visibility"], labels.VISIBILITY_SHORT_LABELS),
        "No.": rows["id"],
    })


def rows_caption(first: int, last: int, total: int) -> str:
    """ "Rows 1-25 of 133" (or "No rows")."""
    return f"Rows {first:,}-{last:,} of {total:,}" if total else "No rows"


def stakeholder_table(counts: pd.DataFrame) -> pd.DataFrame:
    """``by_stakeholder_and_status`` for download: a row per whose, stakeholder type and status."""
    return pd.DataFrame({
        "Whose": counts["whose"].map(WHOSE_LABELS),
        "Stakeholder type": _stakeholder(counts["stakeholder_type"]),
        "Status": labels.column_labels(counts["status"], labels.STATUS_LABELS),
        "Self-reported": counts["self_reported"],
        "Verified": counts["verified"],
    })


def status_counts(counts: dict[str, int], *, verified: bool = False) -> str:
    """Counts per status in words, in the scale's order, leaving out none: "2 complete · 1 on track"."""
    parts = []
    for status, n in counts.items():
        if n:
            word = NOT_VERIFIED_LABEL if verified and status == labels.NOT_REPORTED else labels.STATUS_LABELS[status]
            parts.append(f"{n:,} {word.lower()}")
    return " · ".join(parts) or "None"


def stakeholder_summary(counts: pd.DataFrame) -> pd.DataFrame:
    """``by_stakeholder_and_status`` compact, for the page: a row per whose and stakeholder type, with how
    many commitments and their statuses in words, self-reported beside verified."""
    rows = []
    for (whose, kind), group in counts.groupby(["whose", "stakeholder_type"], sort=False):
        rows.append({
            "Whose": WHOSE_LABELS[whose],
            "Stakeholder type": _stakeholder(pd.Series([kind])).iloc[0],
            "Commitments": int(group["self_reported"].sum()),
            "Self-reported status": status_counts(dict(zip(group["status"], group["self_reported"], strict=True))),
            "Verified status": status_counts(dict(zip(group["status"], group["verified"], strict=True)),
                                             verified=True),
        })
    return pd.DataFrame(rows, columns=["Whose", "Stakeholder type", "Commitments", "Self-reported status",
                                       "Verified status"])


def helping_summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    """``who_is_helping``'s summary for reading: capabilities nobody helps with say so."""
    return pd.DataFrame({
        "No.": summary["code"],
        "Capability": summary["capability"],
        "Commitments": summary["commitments"],
        "Complete": summary["complete"],
        "Who is helping": summary["partners"].where(summary["helped"], "Nobody yet"),
        "Domain": summary["domain"],
    })


def helping_detail_table(detail: pd.DataFrame, link: Callable[[int], str] = urls.commitment_url) -> pd.DataFrame:
    """``who_is_helping``'s detail for reading: a row per capability, partner and commitment."""
    return pd.DataFrame({
        "Capability": detail["code"] + ". " + detail["capability"],
        "Partner": detail["partner"],
        "Stakeholder type": _stakeholder(detail["stakeholder_type"]),
        "Whose": detail["whose"].map(WHOSE_LABELS),
        "Commitment": detail["title"],
        "Self-reported status": _status(detail["self_reported_status"]),
        "Verified status": _status(detail["verified_status"], verified=True),
        "Open": detail["id"].map(link),
    })


def ga_table(coverage: pd.DataFrame, statuses: Sequence[str], *, compact: bool = False) -> pd.DataFrame:
    """``ga_coverage`` for reading: targets and, indented under each, its goals; commitments per latest
    status (``compact``: in words in one column, for the page; else a column per status, for the CSV);
    uncovered ones saying so."""
    out = pd.DataFrame({
        "Target or goal": [f"{c} {n}" if k == "target" else f"   {c} {n}"
                           for k, c, n in zip(coverage["kind"], coverage["code"], coverage["name"], strict=True)],
        "Level": coverage["kind"].map({"target": "Policy target", "goal": "Operational goal"}),
        "Coverage": coverage["covered"].map({True: "Covered", False: "Uncovered"}),
        "Commitments": coverage["commitments"],
    })
    if compact:
        out["Latest status"] = [status_counts({s: int(r[s]) for s in statuses}) if r["commitments"] else ""
                                for _, r in coverage.iterrows()]
        return out
    for status in statuses:
        out[labels.STATUS_LABELS[status]] = coverage[status]
    return out


def timeline_table(periods: Sequence[TimelinePeriod]) -> pd.DataFrame:
    """The progress timeline, a row per quarter: its label, first day, and the three counts."""
    return pd.DataFrame(
        [{"Quarter": p.label, "From": p.start, "Completed": p.completed, "Due": p.due, "Overdue": p.overdue}
         for p in periods],
        columns=["Quarter", "From", "Completed", "Due", "Overdue"],
    )

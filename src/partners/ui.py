"""Streamlit glue shared by the pages: the store, the acting user, the demo label, charts with tables.

Pages stay thin: they call services and chart builders and use these helpers to show the results.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from partners.charts import status_label
from partners.models import Actor, Role, StakeholderType, Visibility, ReviewState
from partners.services import setup
from partners.storage import Store, default_db_path

#: The single user of local mode (no sign-in configured): may do everything, on this machine only.
LOCAL_ACTOR = Actor(identity="local-user", role=Role.ADMIN, name="Local user")


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    store = Store.open(path)
    return store


def get_store() -> Store:
    """The process-wide store; each Streamlit session thread gets its own cursor from it."""
    return _store(default_db_path())


def current_actor() -> Actor:
    """Who is using the app. Without sign-in configured the app runs in local single-user mode."""
    return LOCAL_ACTOR


def demo_banner(store: Store) -> None:
    """Say plainly when the data shown is demo data."""
    if setup.holds_demo(store):
        st.warning(
            "**Demo data**: the partners, commitments and assessments shown are fictional, "
            "generated for trying the app. They are not real records.",
            icon=":material/science:",
        )


def chart_with_table(chart: alt.TopLevelMixin, table: pd.DataFrame, *, caption: str = "") -> None:
    """Every chart comes with its data as a table (the text alternative)."""
    st.altair_chart(chart, width="stretch")
    with st.expander("Show as a table"):
        st.dataframe(table, hide_index=True, width="stretch")
    if caption:
        st.caption(caption)


_COLUMN_LABELS = {
    "id": "No.",
    "title": "Commitment",
    "partners": "Partners",
    "countries": "Countries",
    "event": "Made at",
    "event_date": "Date made",
    "deadline": "Deadline",
    "reported_status": "Reported status",
    "verified_status": "Verified status",
    "last_report": "Last report",
    "not_reporting": "Not reporting",
    "visibility": "Visibility",
    "review_state": "Review state",
    "embargo_until": "Embargo until",
    "smart_level": "SMART level (0-5)",
}


def commitments_table(df: pd.DataFrame, *, key: str, height: int | None = None) -> None:
    """The standard commitments table: readable labels, statuses in words, no raw codes."""
    if df.empty:
        st.info("No commitments match.")
        return
    shown = df.drop(columns=[c for c in ("is_demo",) if c in df.columns]).copy()
    shown["reported_status"] = shown["reported_status"].map(status_label)
    shown["verified_status"] = shown["verified_status"].map(lambda v: status_label(v) if isinstance(v, str) else "")
    shown["visibility"] = shown["visibility"].map(lambda v: Visibility(v).name.capitalize())
    shown["review_state"] = shown["review_state"].map(lambda v: ReviewState(v).label)
    shown = shown.rename(columns=_COLUMN_LABELS)
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        key=key,
        height=height or "auto",
        column_config={"Not reporting": st.column_config.CheckboxColumn(help="No update within the reporting cycle")},
    )


def stakeholder_label(value: str) -> str:
    return StakeholderType(value).label

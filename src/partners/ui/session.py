"""Streamlit glue shared by the pages: the store, the acting user, the demo label, charts with tables.

Pages stay thin: they call services and chart builders and use these helpers to show the results.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any, NoReturn

import altair as alt
import pandas as pd
import streamlit as st

from partners.domain.model import Actor
from partners.presentation import chart_export, exports, formatting, labels, urls, wording
from partners.services import cache, lookups, setup
from partners.services.errors import DatabaseBusyError, StorageError
from partners.services.setup import Store
from partners.ui import auth, printing
from partners.ui.text import plain

#: The single user of local mode (no sign-in configured): may do everything, on this machine only.
LOCAL_ACTOR = auth.LOCAL_ACTOR

#: What every page says while another program holds the database file (DuckDB: one writing process).
BUSY = "The database is busy: another program has it open. Try again in a minute."
BUSY_OPERATOR = (
    "For whoever runs this app: a `partners` command (an import, a restore, a backup) or a second copy of "
    "the app is holding the database file. Let it finish, or stop it, then reload this page. The app's "
    "log names the program that holds the file."
)
UNAVAILABLE = "The database cannot be opened, so no page can be shown. Try again later."
UNAVAILABLE_OPERATOR = (
    "For whoever runs this app: the app's log says which file it tried and what went wrong."
)

_log = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    # A failed open raises, and st.cache_resource keeps no value for a call that raised: the next page
    # view tries again, so the app recovers by itself once the other program lets go of the file.
    return setup.open_store(path)


def get_store() -> Store:
    """The process-wide store; each Streamlit session thread gets its own cursor from it.

    While the database cannot be opened, the page says so in plain words (no path, no traceback: those go
    to the log) and stops."""
    try:
        return _store(setup.default_db_path())
    except DatabaseBusyError as exc:
        _log.warning("Showing the busy-database page: %s (%s)", exc, exc.__cause__)
        _unavailable(BUSY, BUSY_OPERATOR, ":material/hourglass_top:")
    except StorageError as exc:
        _log.error("Showing the database-unavailable page: %s", exc, exc_info=exc)
        _unavailable(UNAVAILABLE, UNAVAILABLE_OPERATOR, ":material/database_off:")


def _unavailable(message: str, operator: str, icon: str) -> NoReturn:
    st.error(f"**{message}**", icon=icon)
    st.caption(operator)
    st.stop()
    raise AssertionError("st.stop() returned")  # never reached: st.stop raises


def current_visitor() -> auth.Visitor:
    """Who is using the app, and how (sign-in, local mode, open access): see ``partners.ui.auth``."""
    return auth.visitor(get_store)


def current_actor() -> Actor:
    """Who is using the app: the signed-in person's role, the public, or the local user (no sign-in)."""
    return current_visitor().actor


def access_banner(visitor: auth.Visitor) -> None:
    """Say plainly how this app is being used: local mode, open access, or signed in without a role."""
    if visitor.mode is auth.Mode.LOCAL:
        st.info(
            f"**{auth.LOCAL_BANNER}.** You act as an administrator. To let others in, configure sign-in "
            "(README, 'Sign-in and roles').",
            icon=":material/computer:",
        )
    elif visitor.mode is auth.Mode.OPEN:
        st.error(f"**{auth.OPEN_WARNING}**", icon=":material/warning:")
    if visitor.notice:
        st.warning(visitor.notice, icon=":material/person_alert:")


def account_sidebar(visitor: auth.Visitor) -> None:
    """Sign-in and sign-out controls, and who the app takes you for."""
    with st.sidebar:
        if visitor.mode is not auth.Mode.SIGN_IN:
            st.caption(f"{plain(visitor.actor.display)} ({visitor.actor.role.label}), no sign-in")
            return
        problems = auth.auth_problems()
        if problems:
            st.error("Sign-in is configured but incomplete: " + "; ".join(problems) + ".")
            return
        if not visitor.signed_in:
            st.caption("You see what the public sees.")
            if st.button("Sign in", icon=":material/login:", key="sign_in"):
                st.login(auth.login_provider())
            return
        actor = visitor.actor
        names = lookups.partner_names(get_store(), actor) if actor.partners else {}
        partners = ", ".join(names.get(i, f"partner {i}") for i in sorted(actor.partners))
        scope = ", ".join(sorted(actor.countries)) or partners
        role = f"{actor.role.label} for {scope}" if scope else actor.role.label
        st.caption(f"Signed in as **{plain(actor.display)}** ({plain(visitor.email)}): {plain(role)}")
        if st.button("Sign out", icon=":material/logout:", key="sign_out"):
            st.logout()


def demo_banner(store: Store, actor: Actor) -> None:
    """Say plainly when the data shown is demo data."""
    if cache.cached(setup.demo_description, store, actor) is not None:  # every page asks: read once per version
        st.warning(
            "**Demo data**: the partners, commitments and assessments shown are fictional, "
            "generated for trying the app. They are not real records.",
            icon=":material/science:",
        )


def no_builtin_table_export() -> None:
    """Switch off the "Download as CSV" (and copy) of every table's toolbar, which writes cells raw, so a
    title such as ``=HYPERLINK(...)`` would reach a spreadsheet as a formula. ``.streamlit/config.toml`` sets
    ``client.disableDataExport``; this holds even when the app is started without that file (the option
    reaches the browser with each run, so one rerun applies it)."""
    if not st.get_option("client.disableDataExport"):
        st.set_option("client.disableDataExport", True)
        st.rerun()


def show_table(
    frame: pd.DataFrame,
    *,
    download: str | None = None,
    csv: pd.DataFrame | Callable[[], pd.DataFrame] | None = None,
    printed: bool = False,
    **options: Any,
) -> Any:
    """Every table the app shows goes through here: ``st.dataframe`` (``options`` are its own), without a
    toolbar download (``no_builtin_table_export``), and with ``download`` (a file name) a "Download CSV"
    button whose file comes from the one formula-neutralising writer, ``exports.to_csv``, of ``csv`` (what
    the file should hold, e.g. absolute links, or every page of it: a table or a function making one) or else
    of the table shown. The file is written only when the button is clicked, never on every rerun.
    ``printed``: the whole table also prints (``ui.printing``): a static copy, hidden on screen, every cell
    as plain text; for tables of a page's length (a paged one prints the page shown)."""
    options.setdefault("hide_index", True)
    options.setdefault("width", "stretch")
    options["column_config"] = {**_date_column_config(frame), **(options.get("column_config") or {})}
    if printed:
        name = options.get("key") or download
        if not name:
            raise ValueError("a printed table needs a key or a download name")
        with st.container(key=f"{printing.SCREEN_TABLE}{name}"):
            shown = st.dataframe(frame, **options)
        with st.container(key=f"{printing.PRINT_TABLE}{name}"):
            st.table(printable(frame), border="horizontal", hide_index=True)
    else:
        shown = st.dataframe(frame, **options)
    if download:
        rows = csv if callable(csv) else (lambda: frame if csv is None else csv)
        st.download_button(
            "Download CSV",
            data=lambda: exports.to_csv(rows()),
            file_name=download,
            mime="text/csv",
            icon=":material/download:",
            key=f"download_{options.get('key') or download}",
            disabled=frame.empty,
            on_click="ignore",
        )
    return shown


def printable(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as ``st.table`` (which renders Markdown in its cells) shows it as text: every cell and
    header plain text (``ui.text.plain``), dates as "22 Sep 2022", empty cells blank."""
    def cell(value: Any) -> str:
        if value is None or (not isinstance(value, str | list | tuple) and pd.isna(value)):
            return ""
        if isinstance(value, pd.Timestamp | date):
            return formatting.day(value)
        return plain(value)
    out = frame.map(cell) if len(frame.columns) else frame
    out.columns = [plain(c) for c in frame.columns]
    return out.reset_index(drop=True)


def _date_column_config(frame: pd.DataFrame) -> dict[str, Any]:
    """Dates as dates ("22 Sep 2022"), moments with their time: never "2022-09-22 00:00:00"."""
    return {
        name: st.column_config.DateColumn(format=wording.DATE_COLUMN_FORMAT) if kind == "date"
        else st.column_config.DatetimeColumn(format=wording.DATETIME_COLUMN_FORMAT)
        for name, kind in wording.date_columns(frame).items()
    }


def chart_with_table(
    chart: alt.TopLevelMixin | dict[str, Any],
    table: pd.DataFrame,
    *,
    name: str,
    caption: str = "",
    height: int | None = None,
) -> None:
    """Every chart comes with its data as a table (the text alternative), the table as CSV and the chart as
    PNG, SVG and PDF files (:func:`chart_downloads`). ``chart``: an Altair chart, or a Vega-Lite spec already made
    (the world map's). ``name``: the files' name without extension, unique on the page (e.g.
    ``rounds-ALB``). ``height``: the chart's height in pixels when Streamlit should not size it from the
    chart's own."""
    if isinstance(chart, dict):
        st.vega_lite_chart(chart, width="stretch", height=height or "content")
    else:
        st.altair_chart(chart, width="stretch", height=height or "content")
    chart_downloads(chart, name)
    with st.expander("Show as a table"):
        show_table(table, download=f"{name}.csv", key=f"table_{name}")
    if caption:
        st.caption(caption)


def chart_downloads(chart: alt.TopLevelMixin | dict[str, Any], name: str) -> None:
    """"PNG" (twice the screen's resolution), "SVG" and "PDF" buttons for ``chart``, drawn on the server by
    vl-convert from the chart's own spec when clicked (never a screenshot, never on every rerun)."""
    with st.container(horizontal=True, key=f"chart_files_{name}"):
        st.download_button(
            "PNG", data=lambda: chart_export.to_png(chart), file_name=f"{name}.png", mime="image/png",
            icon=":material/image:", key=f"png_{name}", on_click="ignore",
            help=f"The chart as a PNG image, {chart_export.PNG_SCALE}x the screen's resolution",
        )
        st.download_button(
            "SVG", data=lambda: chart_export.to_svg(chart), file_name=f"{name}.svg", mime="image/svg+xml",
            icon=":material/draw:", key=f"svg_{name}", on_click="ignore",
            help="The chart as an SVG drawing: sharp at any size, for slides and print",
        )
        st.download_button(
            "PDF", data=lambda: chart_export.to_pdf(chart), file_name=f"{name}.pdf", mime="application/pdf",
            icon=":material/picture_as_pdf:", key=f"pdf_{name}", on_click="ignore",
            help="The chart as a one-page vector PDF, for print",
        )


def pager(total: int, *, size: int, key: str, what: str = "page") -> int:
    """Previous and next buttons and a page number for ``total`` rows shown ``size`` at a time; returns the
    page chosen (from 1). The number is kept in ``st.session_state[key]`` and brought back in range when the
    rows change (a narrower filter)."""
    pages = max(1, -(-total // size))
    if st.session_state.get(key, 1) > pages:
        st.session_state[key] = pages
    number = int(st.session_state.get(key, 1))
    if pages == 1:
        return 1
    p1, p2, p3 = st.columns([1, 2, 1])
    p1.button(
        f"Previous {what}",
        icon=":material/chevron_left:",
        disabled=number <= 1,
        key=f"{key}_previous",
        on_click=lambda: st.session_state.update({key: number - 1}),
    )
    p2.number_input(f"{what.capitalize()} (of {pages:,})", 1, pages, key=key)
    p3.button(
        f"Next {what}",
        icon=":material/chevron_right:",
        disabled=number >= pages,
        key=f"{key}_next",
        on_click=lambda: st.session_state.update({key: number + 1}),
    )
    return number


def commitments_table(
    df: pd.DataFrame,
    *,
    key: str,
    height: int | None = None,
    select: bool = False,
    download: str = "commitments.csv",
    everything: Callable[[], pd.DataFrame] | None = None,
    shown: pd.DataFrame | None = None,
) -> int | None:
    """The standard commitments table: readable labels, statuses in words, no raw codes, and an "Open"
    link to each commitment's page, with a "Download CSV" of it (``download``: the file name; its links are
    absolute, so a cell of the file opens the commitment; ``everything``: the rows the file holds when the
    table shows one page of them; ``shown``: ``commitment_rows(df)``, when the page remembered it). With
    ``select``, a clicked row's commitment id is returned."""
    if df.empty:
        st.info("No commitments match.")
        return None
    event = show_table(
        commitment_rows(df) if shown is None else shown,
        download=download,
        csv=lambda: _commitment_rows(df if everything is None else everything(), urls.absolute_commitment_url)
        .rename(columns={"open": "Link"}),
        key=key,
        height=height or "auto",
        column_config={
            "Not reporting": st.column_config.CheckboxColumn(help="No update within the reporting cycle"),
            "open": st.column_config.LinkColumn("Open", display_text="Open", help="The commitment's page"),
        },
        **({"on_select": "rerun", "selection_mode": "single-row"} if select else {}),
    )
    if select and event.selection.rows:
        return int(df["id"].iloc[event.selection.rows[0]])
    return None


def commitment_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The commitments of ``df`` as the standard table shows them (labels in words, an "Open" link)."""
    return _commitment_rows(df, urls.commitment_url)


def _commitment_rows(df: pd.DataFrame, link: Callable[[int], str]) -> pd.DataFrame:
    shown = df.drop(columns=[c for c in ("is_demo",) if c in df.columns]).copy()
    shown.insert(0, "open", shown["id"].map(link))
    shown["reported_status"] = labels.column_labels(shown["reported_status"], labels.STATUS_LABELS)
    shown["verified_status"] = labels.column_labels(shown["verified_status"], labels.STATUS_LABELS, blank_missing=True)
    shown["visibility"] = labels.column_labels(shown["visibility"], labels.VISIBILITY_SHORT_LABELS)
    shown["review_state"] = labels.column_labels(shown["review_state"], labels.REVIEW_STATE_LABELS)
    return shown.rename(columns=labels.COMMITMENT_COLUMNS)

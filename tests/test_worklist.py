"""The secretariat's worklist: what it flags, the reporting cycle setting, reminders and the CSV export."""

from __future__ import annotations

import email
import email.policy
import io
import os
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import pandas as pd
import pytest

from partners.domain.model import (
    SYSTEM,
    Actor,
    Commitment,
    CommitmentPartner,
    Partner,
    PartnerRole,
    ProgressStatus,
    ProgressUpdate,
    ReviewState,
    Role,
    StakeholderType,
    Visibility,
)
from partners.domain.permissions import PermissionDenied
from partners.presentation import urls
from partners.presentation.exports import CSV_ENCODING, to_csv
from partners.services import history, records, settings, worklist
from partners.services.bulk import Dataset, load_dataset
from partners.services.errors import NotFound, ValidationFailed
from partners.services.worklist import WorkKind
from partners.storage.duckdb.store import DuckDBStore as Store
from partners.ui.navigation import PAGES_DIR

ROOT = Path(__file__).resolve().parents[1]
TODAY = date.today()
NOW = datetime.now()
ADMIN = Actor(identity="ada@secretariat.example", role=Role.ADMIN)
EDITOR = Actor(identity="sam@secretariat.example", role=Role.SECRETARIAT_EDITOR)
REVIEWER = Actor(identity="rey@secretariat.example", role=Role.REVIEWER)
OUTSIDERS = [
    Actor(identity="mo@member.example", role=Role.MEMBER_VIEWER),
    Actor(identity="anonymous", role=Role.PUBLIC),
    Actor(identity="amina@ke.example", role=Role.COUNTRY_FOCAL_POINT, countries=frozenset({"KEN"})),
    Actor(identity="pat@partner.example", role=Role.PARTNER_CONTRIBUTOR, partners=frozenset({1})),
]

# Local ids of the scenario (the store gives real ones; ``ids`` maps them).
ALPHA, BETA, GAMMA = 1, 2, 3
OVERDUE, DEADLINE, NO_EVIDENCE, EVIDENCED, DRAFT, EMBARGO, WITHDRAWN, EIGHT_MONTHS, SUBMITTED = range(1, 10)


def _days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def _commitment(local: int, title: str, partners: list[tuple[int, PartnerRole]], **fields) -> Commitment:
    return Commitment(
        id=local,
        title=title,
        partners=[CommitmentPartner(partner_id=p, role=r) for p, r in partners],
        is_global=True,
        visibility=Visibility.PUBLIC,
        review_state=fields.pop("review_state", ReviewState.PUBLISHED),
        **fields,
    )


def _progress(commitment: int, days_ago: int, status: ProgressStatus, links: list[str] | None = None):
    return ProgressUpdate(
        commitment_id=commitment, report_date=_days_ago(days_ago), status=status, evidence_links=links or []
    )


@pytest.fixture
def scenario(store: Store) -> Iterator[tuple[Store, dict[int, int], dict[int, int]]]:
    """One commitment for each case the worklist must (or must not) flag."""
    lead, co = PartnerRole.LEAD, PartnerRole.CO
    ds = Dataset(
        partners=[
            Partner(id=ALPHA, name="Alpha Hotline", stakeholder_type=StakeholderType.HOTLINE),
            Partner(
                id=BETA,
                name="Beta Tech, Trust and Safety",
                stakeholder_type=StakeholderType.TECHNOLOGY_COMPANY,
            ),
            Partner(id=GAMMA, name="=Gamma Civil Society", stakeholder_type=StakeholderType.CIVIL_SOCIETY),
        ],
        commitments=[
            _commitment(
                OVERDUE, "Open a national hotline", [(ALPHA, lead), (BETA, co)], start_date=_days_ago(800)
            ),
            _commitment(
                DEADLINE,
                "Train 200 prosecutors",
                [(ALPHA, lead)],
                start_date=_days_ago(100),
                deadline=_days_ago(10),
            ),
            _commitment(
                NO_EVIDENCE, "=Publish a transparency report", [(GAMMA, lead)], start_date=_days_ago(200)
            ),
            _commitment(EVIDENCED, "Deploy hash matching", [(ALPHA, lead)], start_date=_days_ago(200)),
            _commitment(
                DRAFT,
                "Draft: fund survivor services",
                [(ALPHA, lead)],
                start_date=_days_ago(800),
                deadline=_days_ago(100),
                review_state=ReviewState.DRAFT,
            ),
            _commitment(
                EMBARGO,
                "Announce a summit pledge",
                [(BETA, lead)],
                start_date=_days_ago(30),
                embargo_until=NOW + timedelta(days=5),
            ),
            _commitment(
                WITHDRAWN,
                "Withdrawn pledge",
                [(ALPHA, lead), (GAMMA, co)],
                start_date=_days_ago(800),
                deadline=_days_ago(100),
                embargo_until=NOW + timedelta(days=3),
                review_state=ReviewState.WITHDRAWN,
            ),
            _commitment(EIGHT_MONTHS, "Share threat data", [(BETA, lead)], start_date=_days_ago(400)),
            _commitment(
                SUBMITTED,
                "Submitted: school lessons",
                [(GAMMA, lead)],
                start_date=_days_ago(10),
                review_state=ReviewState.SUBMITTED,
            ),
        ],  # fmt: skip
        progress=[
            _progress(DEADLINE, 30, ProgressStatus.ON_TRACK),
            _progress(NO_EVIDENCE, 60, ProgressStatus.ON_TRACK, ["https://gamma.example/progress"]),
            _progress(NO_EVIDENCE, 20, ProgressStatus.COMPLETE),
            _progress(EVIDENCED, 20, ProgressStatus.COMPLETE, ["https://alpha.example/report.pdf"]),
            _progress(WITHDRAWN, 50, ProgressStatus.COMPLETE),
            _progress(EIGHT_MONTHS, 240, ProgressStatus.ON_TRACK),
        ],
    )
    result = load_dataset(store, SYSTEM, ds)
    yield store, result.id_map["commitment"], result.id_map["partner"]


def ids_of(wl: worklist.Worklist, kind: WorkKind) -> set[int]:
    return {i.commitment_id for i in wl.items if i.kind is kind}


def expected(cmap: dict[int, int], *locals_: int) -> set[int]:
    return {cmap[c] for c in locals_}


def snapshot(store: Store) -> dict[str, list[dict]]:
    return {table: store.dump_table(table).to_pylist() for table in store.data_tables()}


# -- what the worklist flags ------------------------------------------------------------------------


def test_each_kind_flags_exactly_the_commitments_that_need_chasing(scenario) -> None:
    store, cmap, _ = scenario
    wl = worklist.build_worklist(store, EDITOR, now=NOW)
    assert ids_of(wl, WorkKind.OVERDUE_REPORT) == expected(cmap, OVERDUE)
    assert ids_of(wl, WorkKind.DEADLINE_PASSED) == expected(cmap, DEADLINE)
    assert ids_of(wl, WorkKind.MISSING_EVIDENCE) == expected(cmap, NO_EVIDENCE)
    assert ids_of(wl, WorkKind.STALE_DRAFT) == set()  # everything was written just now
    assert ids_of(wl, WorkKind.EMBARGO_ENDING) == expected(cmap, EMBARGO)
    assert wl.cycle_months == 12


def test_a_withdrawn_commitment_never_appears(scenario) -> None:
    store, cmap, _ = scenario
    for now in (NOW, NOW + timedelta(days=40)):
        wl = worklist.build_worklist(store, ADMIN, now=now)
        assert cmap[WITHDRAWN] not in {i.commitment_id for i in wl.items}


def test_drafts_are_not_chased_for_reports_but_become_stale_after_30_days(scenario) -> None:
    store, cmap, _ = scenario
    assert cmap[DRAFT] not in {i.commitment_id for i in worklist.build_worklist(store, EDITOR, now=NOW).items}
    # Counted from when the scenario stored the drafts (not from NOW, which a run across midnight would skew).
    made = store.get_row("commitment", cmap[DRAFT])["updated_at"]
    later = worklist.build_worklist(store, EDITOR, now=made + timedelta(days=31))
    assert ids_of(later, WorkKind.STALE_DRAFT) == expected(cmap, DRAFT, SUBMITTED)
    assert {i.commitment_id for i in later.items if i.commitment_id == cmap[DRAFT]} == {cmap[DRAFT]}
    stale = {i.commitment_id: i for i in later.items if i.kind is WorkKind.STALE_DRAFT}
    assert stale[cmap[DRAFT]].detail.startswith("Draft, unchanged for 31 days")
    assert stale[cmap[SUBMITTED]].detail.startswith("Submitted for review, unchanged for 31 days")
    patient = worklist.build_worklist(store, EDITOR, now=made + timedelta(days=31), stale_days=60)
    assert ids_of(patient, WorkKind.STALE_DRAFT) == set()


def test_embargo_window_is_a_parameter(scenario) -> None:
    store, cmap, _ = scenario
    assert (
        ids_of(worklist.build_worklist(store, EDITOR, now=NOW, embargo_days=3), WorkKind.EMBARGO_ENDING)
        == set()
    )
    item = next(
        i for i in worklist.build_worklist(store, EDITOR, now=NOW).items if i.kind is WorkKind.EMBARGO_ENDING
    )
    assert item.days == -5
    assert "(in 5 days); then shown to: Public" in item.detail


def test_a_shorter_reporting_cycle_flags_more_reports_as_overdue(scenario) -> None:
    store, cmap, _ = scenario
    six = worklist.build_worklist(store, EDITOR, now=NOW, cycle_months=6)
    assert ids_of(six, WorkKind.OVERDUE_REPORT) == expected(cmap, OVERDUE, EIGHT_MONTHS)
    item = next(i for i in six.items if i.commitment_id == cmap[EIGHT_MONTHS])
    assert f"No progress update since {_days_ago(240).day} {_days_ago(240):%b %Y}" in item.detail
    assert "reporting cycle 6 months" in item.detail


def test_items_say_what_is_due_and_link_to_the_commitment(scenario) -> None:
    store, cmap, pmap = scenario
    wl = worklist.build_worklist(store, EDITOR, now=NOW)
    overdue = next(i for i in wl.items if i.kind is WorkKind.OVERDUE_REPORT)
    made = _days_ago(800)
    assert overdue.title == "Open a national hotline"
    assert overdue.partners_text == "Alpha Hotline (lead); Beta Tech, Trust and Safety"
    assert overdue.commitment_id == cmap[OVERDUE]
    linked = wl.table(link=urls.commitment_url)
    assert linked.loc[linked["No."] == cmap[OVERDUE], "Open"].tolist() == [f"commitment?id={cmap[OVERDUE]}"]
    assert overdue.detail.startswith(f"No progress update since it was made on {made.day} {made:%b %Y}")
    assert overdue.days > 0
    deadline = next(i for i in wl.items if i.kind is WorkKind.DEADLINE_PASSED)
    assert deadline.date == _days_ago(10) and deadline.days == 10
    assert "latest status: On track" in deadline.detail
    claim = next(i for i in wl.items if i.kind is WorkKind.MISSING_EVIDENCE)
    assert claim.date == _days_ago(20)
    assert claim.detail.endswith("with no evidence link")


def test_the_worklist_filters_by_kind_and_partner(scenario) -> None:
    store, cmap, pmap = scenario
    only_deadlines = worklist.build_worklist(store, EDITOR, now=NOW, kinds=["deadline_passed"])
    assert {i.kind for i in only_deadlines.items} == {WorkKind.DEADLINE_PASSED}
    beta = worklist.build_worklist(store, EDITOR, now=NOW, partner_ids=[pmap[BETA]])
    assert {i.commitment_id for i in beta.items} == expected(cmap, OVERDUE, EMBARGO)
    assert beta.counts()[WorkKind.EMBARGO_ENDING] == 1 and beta.counts()[WorkKind.STALE_DRAFT] == 0


def test_the_reviewer_sees_the_worklist_too(scenario) -> None:
    store, _, _ = scenario
    assert worklist.build_worklist(store, REVIEWER, now=NOW).items


@pytest.mark.parametrize("actor", OUTSIDERS, ids=lambda a: a.role.value)
def test_nobody_outside_the_secretariat_sees_the_worklist(scenario, actor: Actor) -> None:
    store, _, pmap = scenario
    with pytest.raises(PermissionDenied):
        worklist.build_worklist(store, actor)
    with pytest.raises(PermissionDenied):
        worklist.reminder_for(store, actor, pmap[ALPHA])


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"kinds": ["overdue", "stale_draft"]}, "Kind: 'overdue' is not one of"),
        ({"cycle_months": 0}, "Reporting cycle (months): 0 is out of range"),
        ({"cycle_months": "twelve"}, "'twelve' is not a whole number"),
        ({"stale_days": -1}, "Stale after (days): -1 is out of range"),
        ({"embargo_days": True}, "Embargo ending within (days): give a whole number"),
    ],
)
def test_bad_worklist_options_are_refused_in_words(scenario, options: dict, problem: str) -> None:
    store, _, _ = scenario
    with pytest.raises(ValidationFailed) as info:
        worklist.build_worklist(store, EDITOR, **options)
    assert any(problem in p for p in info.value.problems), info.value.problems


# -- the reporting cycle setting --------------------------------------------------------------------


def test_an_admin_sets_the_reporting_cycle_and_the_worklist_uses_it(scenario) -> None:
    store, cmap, _ = scenario
    assert settings.reporting_cycle_months(store) == 12
    assert settings.set_reporting_cycle(store, ADMIN, 6) == 6
    assert store.meta("reporting_cycle_months") == "6"
    wl = worklist.build_worklist(store, EDITOR, now=NOW)
    assert wl.cycle_months == 6
    assert ids_of(wl, WorkKind.OVERDUE_REPORT) == expected(cmap, OVERDUE, EIGHT_MONTHS)
    history = store.history("setting", "reporting_cycle_months")
    assert history[-1]["actor"] == ADMIN.identity
    assert history[-1]["before"] is None and history[-1]["after"] == {"value": "6"}
    settings.set_reporting_cycle(store, ADMIN, "18")
    assert store.history("setting", "reporting_cycle_months")[-1]["before"] == {"value": "6"}
    assert settings.reporting_cycle_months(store) == 18


@pytest.mark.parametrize("actor", [EDITOR, REVIEWER, *OUTSIDERS], ids=lambda a: a.role.value)
def test_only_admins_change_the_reporting_cycle_and_nothing_is_written_otherwise(
    scenario, actor: Actor
) -> None:
    store, _, _ = scenario
    before = snapshot(store)
    with pytest.raises(PermissionDenied):
        settings.set_reporting_cycle(store, actor, 6)
    assert snapshot(store) == before


@pytest.mark.parametrize("months", [0, 61, -3, "six", "", None, 2.5, True])
def test_a_bad_reporting_cycle_is_refused_and_nothing_is_written(scenario, months: object) -> None:
    store, _, _ = scenario
    settings.set_reporting_cycle(store, ADMIN, 9)
    before = snapshot(store)
    with pytest.raises(ValidationFailed) as info:
        settings.set_reporting_cycle(store, ADMIN, months)
    assert info.value.problems[0].startswith("Reporting cycle (months):")
    assert snapshot(store) == before
    assert settings.reporting_cycle_months(store) == 9


def test_a_damaged_stored_setting_falls_back_to_the_default(scenario) -> None:
    store, _, _ = scenario
    with store.transaction():
        store.set_meta("reporting_cycle_months", "banana")
    assert settings.reporting_cycle_months(store) == 12


# -- reminders --------------------------------------------------------------------------------------


def test_a_reminder_lists_what_the_partner_owes_politely_and_specifically(scenario) -> None:
    store, cmap, pmap = scenario
    reminder = worklist.reminder_for(store, EDITOR, pmap[ALPHA], now=NOW, reply_by=date(2031, 1, 31))
    assert reminder is not None
    text = reminder.text
    assert text.startswith(
        "Subject: Progress reporting on your commitments to the Alliance\n\nDear colleagues at Alpha Hotline,"
    )
    assert "2 commitments you take part in need your attention" in text
    made = _days_ago(800)
    assert (
        f'- No. {cmap[OVERDUE]}, "Open a national hotline" '
        "(joint commitment with Beta Tech, Trust and Safety): "
        f"we have had no progress update since it was made on {made.day} {made:%B %Y}"
    ) in text
    deadline = _days_ago(10)
    assert (
        f'- No. {cmap[DEADLINE]}, "Train 200 prosecutors": the deadline of {deadline.day} {deadline:%B %Y}'
        in text
    )
    assert "Please tell us whether it was completed, or give a revised date." in text
    assert "by 31 January 2031" in text
    assert text.rstrip().endswith("The Alliance secretariat")
    # Internal matters and other partners' work stay out of it.
    for title in (
        "Deploy hash matching",
        "Draft: fund survivor services",
        "Withdrawn pledge",
        "Share threat data",
    ):
        assert title not in text
    assert {i.commitment_id for i in reminder.items} == expected(cmap, OVERDUE, DEADLINE)
    assert reminder.file_name == f"reminder-alpha-hotline-{NOW:%Y-%m-%d}.txt"


def test_a_reminder_asks_for_missing_evidence(scenario) -> None:
    store, cmap, pmap = scenario
    reminder = worklist.reminder_for(store, EDITOR, pmap[GAMMA], now=NOW)
    assert reminder is not None
    assert "Evidence of completion requested" in reminder.text
    assert (
        f'No. {cmap[NO_EVIDENCE]}, "=Publish a transparency report": it was reported complete on'
        in reminder.text
    )
    assert "Please send a link to evidence of completion" in reminder.text
    assert reminder.file_name.startswith("reminder-gamma-civil-society-")


def test_no_reminder_for_a_partner_with_nothing_due(scenario) -> None:
    store, _, pmap = scenario
    settings.set_reporting_cycle(store, ADMIN, 12)
    quiet = load_dataset(
        store, SYSTEM, Dataset(partners=[Partner(id=9, name="Quiet Partner", stakeholder_type="academia")])
    ).id_map["partner"][9]
    assert worklist.reminder_for(store, EDITOR, quiet, now=NOW) is None


def test_a_reminder_for_an_unknown_partner_is_refused(scenario) -> None:
    store, _, _ = scenario
    with pytest.raises(NotFound):
        worklist.reminder_for(store, EDITOR, 99_999)
    with pytest.raises(ValidationFailed):
        worklist.reminder_for(store, EDITOR, "1")  # type: ignore[arg-type]


def test_reminders_cover_every_partner_with_something_due(scenario) -> None:
    store, _, pmap = scenario
    wl = worklist.build_worklist(store, EDITOR, now=NOW)
    found = worklist.reminders(wl)
    assert [r.partner_id for r in found] == [pmap[GAMMA], pmap[ALPHA], pmap[BETA]]  # by name: "=Gamma" first
    assert all(r.text.count("Dear colleagues") == 1 for r in found)


# -- export -----------------------------------------------------------------------------------------


def test_the_worklist_exports_as_csv_with_formulas_neutralised(scenario) -> None:
    store, cmap, _ = scenario
    wl = worklist.build_worklist(store, EDITOR, now=NOW)
    back = pd.read_csv(
        io.BytesIO(to_csv(wl.table())), encoding=CSV_ENCODING, dtype=str, keep_default_na=False
    )
    assert list(back.columns) == [
        "Kind",
        "No.",
        "Commitment",
        "What is due",
        "Due or since",
        "Days",
        "Partners",
    ]
    assert len(back) == len(wl.items)
    row = back[back["No."] == str(cmap[NO_EVIDENCE])].iloc[0]
    assert row["Kind"] == "Complete without evidence"
    assert row["Commitment"] == "'=Publish a transparency report"
    assert row["Partners"] == "'=Gamma Civil Society (lead)"
    assert row["Due or since"] == _days_ago(20).isoformat()


def test_the_worklist_csv_links_open_the_commitment_at_the_configured_address(
    scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, cmap, _ = scenario
    monkeypatch.setenv(urls.BASE_URL_ENV, "https://partners.example.org/")
    wl = worklist.build_worklist(store, EDITOR, now=NOW)
    back = pd.read_csv(
        io.BytesIO(to_csv(wl.table(link=urls.absolute_commitment_url))),
        encoding=CSV_ENCODING,
        dtype=str,
        keep_default_na=False,
    )
    assert list(back.columns)[0] == "Open"
    row = back[back["No."] == str(cmap[OVERDUE])].iloc[0]
    assert row["Open"] == f"https://partners.example.org/commitment?id={cmap[OVERDUE]}"


# -- the page ---------------------------------------------------------------------------------------


@pytest.fixture
def app(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    from streamlit.testing.v1 import AppTest

    path = demo_store.db.path
    demo_store.db.close()
    monkeypatch.setenv("PARTNERS_DB", path)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.run()
    at.switch_page(str(PAGES_DIR / "worklist.py")).run()
    return at


def test_the_worklist_page_shows_counts_a_linked_table_csv_and_a_reminder(app) -> None:
    assert not app.exception, app.exception
    assert app.title[0].value == "Worklist"
    store = Store.open(os.environ["PARTNERS_DB"])
    try:
        expected_wl = worklist.build_worklist(store, SYSTEM)
    finally:
        store.db.close()
    metrics = {m.label: m.value for m in app.metric}
    for kind, count in expected_wl.counts().items():
        assert metrics[kind.label] == f"{count:,}"
    table = app.dataframe[0].value
    assert len(table) == min(50, len(expected_wl.items))  # the first page
    assert list(table["No."]) == [i.commitment_id for i in expected_wl.items[:50]]
    assert table["Open"].iloc[0] == f"commitment?id={table['No.'].iloc[0]}"
    assert any("Dear colleagues at" in c.value for c in app.code)
    reminders = app.dataframe[1].value
    assert len(reminders) == len(expected_wl.reminder_partners())
    assert reminders["E-mail"].str.startswith("mailto:").all()


def test_the_worklist_page_pages_through_the_list_fifty_at_a_time(app) -> None:
    store = Store.open(os.environ["PARTNERS_DB"])
    try:
        expected_wl = worklist.build_worklist(store, SYSTEM)
    finally:
        store.db.close()
    assert len(expected_wl.items) > 100
    pages = -(-len(expected_wl.items) // 50)
    next_page = next(b for b in app.button if b.label == "Next page")
    assert next(b for b in app.button if b.label == "Previous page").disabled
    next_page.click().run()
    assert not app.exception, app.exception
    assert list(app.dataframe[0].value["No."]) == [i.commitment_id for i in expected_wl.items[50:100]]
    assert any(f"Items **51-100** of **{len(expected_wl.items):,}**" in m.value for m in app.markdown)
    app.number_input(key="worklist_page").set_value(pages).run()
    assert list(app.dataframe[0].value["No."]) == [i.commitment_id for i in expected_wl.items[(pages - 1) * 50 :]]
    assert next(b for b in app.button if b.label == "Next page").disabled


def test_the_worklist_page_orders_longest_overdue_first(app) -> None:
    next(s for s in app.selectbox if s.label == "Order").set_value(worklist.WorkOrder.LONGEST_OVERDUE).run()
    assert not app.exception, app.exception
    days = list(app.dataframe[0].value["Days"])
    assert days == sorted(days, reverse=True) and days[0] > days[-1]


def test_the_worklist_page_filters_by_kind(app) -> None:
    box = next(ms for ms in app.multiselect if ms.label == "Reason")
    box.set_value([WorkKind.DEADLINE_PASSED]).run()
    assert not app.exception, app.exception
    assert set(app.dataframe[0].value["Kind"]) == {WorkKind.DEADLINE_PASSED.label}


# -- order, filters, pages ----------------------------------------------------------------------------


def _item(kind: WorkKind, cid: int, days: int, budget: str | None = None) -> worklist.WorkItem:
    return worklist.WorkItem(
        kind=kind, commitment_id=cid, title=f"C{cid}", partners=(), date=TODAY - timedelta(days=days),
        days=days, detail="", budget=None if budget is None else Decimal(budget),
    )  # fmt: skip


def test_the_officer_orders_by_longest_overdue_highest_budget_or_number() -> None:
    items = (
        _item(WorkKind.OVERDUE_REPORT, 3, 10, "500"),
        _item(WorkKind.DEADLINE_PASSED, 1, 400),
        _item(WorkKind.MISSING_EVIDENCE, 2, 90, "1500000"),
        _item(WorkKind.OVERDUE_REPORT, 4, 200, "20"),
    )
    wl = worklist.Worklist(items, 12, 30, 14, NOW)
    order = worklist.WorkOrder
    assert [i.commitment_id for i in wl.ordered(order.LONGEST_OVERDUE).items] == [1, 4, 2, 3]
    assert [i.commitment_id for i in wl.ordered(order.HIGHEST_BUDGET).items] == [2, 3, 4, 1]  # no budget last
    assert [i.commitment_id for i in wl.ordered(order.COMMITMENT).items] == [1, 2, 3, 4]
    assert [i.commitment_id for i in wl.ordered(order.BY_KIND).items] == [4, 3, 1, 2]  # kind, then oldest


def test_an_unknown_order_or_stakeholder_type_is_refused_in_words(scenario) -> None:
    store, _, _ = scenario
    with pytest.raises(ValidationFailed) as refused:
        worklist.build_worklist(store, EDITOR, order="loudest", stakeholder_types=["pirate"], now=NOW)
    assert any("Order: 'loudest'" in p for p in refused.value.problems)
    assert any("Stakeholder type: 'pirate'" in p for p in refused.value.problems)


def test_the_demo_worklist_filters_by_country_event_and_stakeholder_type(demo_store: Store) -> None:
    everything = worklist.build_worklist(demo_store, EDITOR)
    item = next(i for i in everything.items if i.countries and i.event_id is not None)
    country, event = item.countries[0], item.event_id
    named = demo_store.query_rows("SELECT commitment_id FROM commitment_countries WHERE country_code = ?", [country])
    in_country = {r["commitment_id"] for r in named}
    by_country = worklist.build_worklist(demo_store, EDITOR, countries=[country])
    assert by_country.items and {i.commitment_id for i in by_country.items} == (
        {i.commitment_id for i in everything.items} & in_country
    )
    at_event = {
        r["id"] for r in demo_store.query_rows("SELECT id FROM commitments WHERE event_id = ?", [event])
    }
    by_event = worklist.build_worklist(demo_store, EDITOR, event_ids=[event])
    assert by_event.items and {i.commitment_id for i in by_event.items} <= at_event
    hotlines = worklist.build_worklist(demo_store, EDITOR, stakeholder_types=[StakeholderType.HOTLINE])
    hotline_ids = {
        r["id"] for r in demo_store.query_rows("SELECT id FROM partners WHERE stakeholder_type = 'hotline'")
    }
    assert hotlines.items and all(any(p.id in hotline_ids for p in i.partners) for i in hotlines.items)
    assert len(hotlines.items) < len(everything.items)


def test_the_demo_worklist_orders_by_budget_as_stored(demo_store: Store) -> None:
    wl = worklist.build_worklist(demo_store, EDITOR, order="budget")
    budgets = {r["id"]: r["budget"] for r in demo_store.query_rows("SELECT id, budget FROM commitments")}
    assert all(i.budget == budgets[i.commitment_id] for i in wl.items)
    shown = [i.budget for i in wl.items]
    known = [b for b in shown if b is not None]
    assert known == sorted(known, reverse=True) and known
    assert shown[: len(known)] == known  # the items without a budget come last


def test_pages_of_fifty_cover_the_worklist_once_and_a_page_out_of_range_is_the_nearest(demo_store: Store) -> None:
    wl = worklist.build_worklist(demo_store, EDITOR)
    assert len(wl.items) > 100
    first = wl.page(1)
    assert (first.size, first.first, first.last, len(first.items)) == (50, 1, 50, 50)
    assert first.pages == -(-len(wl.items) // 50)
    seen = [i for n in range(1, first.pages + 1) for i in wl.page(n).items]
    assert seen == list(wl.items)
    assert wl.page(first.pages + 7).number == first.pages and wl.page(0).number == 1
    assert len(wl.table(items=wl.page(2).items)) == 50


# -- partners' contact addresses and reminders -----------------------------------------------------


def _give_addresses(store: Store, pmap: dict[int, int]) -> None:
    addresses = {
        ALPHA: ("office@alpha.example.org", "reports@alpha.example.org"),
        BETA: ("=cmd@beta.example.org", None),
        GAMMA: (None, None),
    }
    for local, (first, second) in addresses.items():
        row = records.get_record(store, ADMIN, "partner", pmap[local])
        fields = {k: row[k] for k in ("name", "stakeholder_type", "tags")}
        records.update_partner(
            store, ADMIN, pmap[local],
            Partner(**fields, contact_email=first, contact_email_2=second), row["version"],
        )  # fmt: skip


def test_a_partner_contact_address_must_be_an_e_mail_address_and_is_kept_lower_case() -> None:
    with pytest.raises(ValueError, match="'not an address' is not an e-mail address"):
        Partner(name="X", stakeholder_type="hotline", contact_email="not an address")
    with pytest.raises(ValueError, match="is not an e-mail address"):
        Partner(name="X", stakeholder_type="hotline", contact_email_2="a@b")
    p = Partner(name="X", stakeholder_type="hotline", contact_email=" Office@X.Example.org ", contact_email_2="")
    assert (p.contact_email, p.contact_email_2) == ("office@x.example.org", None)


def test_contact_addresses_are_stored_with_history(scenario) -> None:
    store, _, pmap = scenario
    _give_addresses(store, pmap)
    row = records.get_record(store, ADMIN, "partner", pmap[ALPHA])
    assert (row["contact_email"], row["contact_email_2"]) == ("office@alpha.example.org", "reports@alpha.example.org")
    latest = history.history(store, ADMIN, "partner", pmap[ALPHA])[-1]  # oldest first
    assert latest["after"]["contact_email"] == "office@alpha.example.org"
    assert ("contact_email", None, "office@alpha.example.org") in latest["changes"]


def test_a_reminder_goes_to_the_contact_address_with_the_second_one_copied(scenario) -> None:
    store, _, pmap = scenario
    _give_addresses(store, pmap)
    found = {r.partner_id: r for r in worklist.reminders(worklist.build_worklist(store, EDITOR, now=NOW))}
    alpha, gamma = found[pmap[ALPHA]], found[pmap[GAMMA]]
    assert alpha.to == ("office@alpha.example.org", "reports@alpha.example.org") and gamma.to == ()
    assert alpha.subject == worklist.REMINDER_SUBJECT
    assert alpha.body.startswith("Dear colleagues at Alpha Hotline,") and "Subject:" not in alpha.body

    archive = zipfile.ZipFile(io.BytesIO(worklist.eml_archive(list(found.values()), sender=EDITOR.identity)))
    names = archive.namelist()
    assert len(names) == 3 and all(n.endswith(".eml") for n in names)
    message = email.message_from_bytes(
        archive.read(next(n for n in names if "alpha" in n)), policy=email.policy.default
    )
    assert message["To"] == "office@alpha.example.org"
    assert message["Cc"] == "reports@alpha.example.org"
    assert message["From"] == EDITOR.identity
    assert message["Subject"] == worklist.REMINDER_SUBJECT
    assert message.get_content().replace("\r\n", "\n") == alpha.body
    to_gamma = email.message_from_bytes(archive.read(next(n for n in names if "gamma" in n)))
    assert to_gamma["To"] is None  # no address stored: the officer fills it in


def test_the_mail_merge_file_holds_address_subject_and_body_with_formulas_neutralised(scenario) -> None:
    store, _, pmap = scenario
    _give_addresses(store, pmap)
    found = worklist.reminders(worklist.build_worklist(store, EDITOR, now=NOW))
    back = pd.read_csv(
        io.BytesIO(to_csv(worklist.mail_merge_table(found))), encoding=CSV_ENCODING, dtype=str,
        keep_default_na=False,
    )  # fmt: skip
    assert list(back.columns) == ["Partner", "Partner no.", "To", "Cc", "Subject", "Body", "Commitments"]
    rows = {r["Partner no."]: r for r in back.to_dict("records")}
    beta, gamma = rows[str(pmap[BETA])], rows[str(pmap[GAMMA])]
    assert beta["To"] == "'=cmd@beta.example.org"  # an address starting with "=" is text, not a formula
    assert gamma["Partner"] == "'=Gamma Civil Society" and gamma["To"] == ""
    assert rows[str(pmap[ALPHA])]["Cc"] == "reports@alpha.example.org"
    assert all(r["Subject"] == worklist.REMINDER_SUBJECT for r in rows.values())
    assert "No. " in beta["Body"] and beta["Body"].startswith("Dear colleagues at Beta Tech")


def test_a_mailto_link_carries_subject_and_body_encoded_so_no_text_adds_a_header() -> None:
    body = "Dear colleagues,\nsee No. 4 & 5?\r\nBcc: spy@evil.example"
    link = urls.mailto_url(("office@alpha.example.org", "reports@alpha.example.org"), "Progress & plans", body)
    address, _, query = link.partition("?")
    assert address == "mailto:office@alpha.example.org"
    assert "\n" not in link and "\r" not in link and " " not in link
    parts = dict(p.split("=", 1) for p in query.split("&"))
    assert set(parts) == {"cc", "subject", "body"}
    assert unquote(parts["cc"]) == "reports@alpha.example.org"
    assert unquote(parts["subject"]) == "Progress & plans"
    assert unquote(parts["body"]).replace("\r\n", "\n") == body.replace("\r\n", "\n")


def test_sending_reminders_is_recorded_audited_and_shown_as_the_last_reminder(scenario) -> None:
    store, _, pmap = scenario
    wl = worklist.build_worklist(store, EDITOR, now=NOW)
    found = worklist.reminders(wl, partner_ids=[pmap[ALPHA], pmap[GAMMA]])
    assert {r.partner_id for r in found} == {pmap[ALPHA], pmap[GAMMA]}
    sent = datetime(2026, 3, 3, 9, 30)
    assert worklist.record_reminders(store, EDITOR, found, "eml", now=sent) == 2
    rows = store.query_rows("SELECT * FROM partner_reminders ORDER BY partner_id")
    alpha = next(r for r in rows if r["partner_id"] == pmap[ALPHA])
    assert (alpha["reminded_at"], alpha["reminded_by"], alpha["channel"]) == (sent, EDITOR.display, "eml")
    assert alpha["commitment_count"] == 2  # the overdue report and the passed deadline
    audited = store.query_rows("SELECT * FROM audit_log WHERE entity = 'partner_reminder'")
    assert len(audited) == 2 and {a["actor"] for a in audited} == {EDITOR.identity}

    later = worklist.build_worklist(store, EDITOR, now=NOW)
    again = {r.partner_id: r for r in worklist.reminders(later)}
    assert again[pmap[ALPHA]].last_reminder == f"3 Mar 2026 by {EDITOR.display}"
    assert again[pmap[BETA]].last_reminder == ""
    table = worklist.reminder_table(list(again.values()))
    assert set(table["Last reminder"]) == {f"3 Mar 2026 by {EDITOR.display}", ""}


def test_partners_reminded_in_the_last_n_days_can_be_left_out(scenario) -> None:
    store, cmap, pmap = scenario
    wl = worklist.build_worklist(store, EDITOR, now=NOW)
    gamma = worklist.reminders(wl, partner_ids=[pmap[GAMMA]])
    worklist.record_reminders(store, EDITOR, gamma, "mailto", now=NOW - timedelta(days=3))
    fresh = worklist.build_worklist(store, EDITOR, now=NOW, not_reminded_within_days=7)
    assert pmap[GAMMA] not in fresh.reminder_partners()
    assert cmap[NO_EVIDENCE] not in {i.commitment_id for i in fresh.items}  # only Gamma's
    assert cmap[OVERDUE] in {i.commitment_id for i in fresh.items}
    older = worklist.build_worklist(store, EDITOR, now=NOW, not_reminded_within_days=2)
    assert pmap[GAMMA] in older.reminder_partners()


@pytest.mark.parametrize("actor", [REVIEWER, *OUTSIDERS], ids=lambda a: a.role.value)
def test_only_editors_and_admins_record_reminders_and_nothing_is_written_otherwise(scenario, actor) -> None:
    store, _, _ = scenario
    found = worklist.reminders(worklist.build_worklist(store, EDITOR, now=NOW))
    before = snapshot(store)
    with pytest.raises(PermissionDenied):
        worklist.record_reminders(store, actor, found, "eml")
    assert snapshot(store) == before


def test_an_unknown_channel_is_refused_and_nothing_is_written(scenario) -> None:
    store, _, _ = scenario
    found = worklist.reminders(worklist.build_worklist(store, EDITOR, now=NOW))
    before = snapshot(store)
    with pytest.raises(ValidationFailed, match="Channel: 'pigeon'"):
        worklist.record_reminders(store, ADMIN, found, "pigeon")
    assert snapshot(store) == before

"""The demo data generator: deterministic, realistic in shape, fictional, and loadable as it is."""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from urllib.parse import urlparse

import pytest

from partners import reference
from partners.demo import generator as demo
from partners.domain.model import (
    CLOSED_STATUSES,
    SYSTEM,
    PartnerRole,
    ProgressStatus,
    ReportSource,
    ReviewState,
    StakeholderType,
    Visibility,
)
from partners.services.bulk import Dataset
from partners.services.errors import ValidationFailed
from partners.services.setup import holds_demo, load_demo, load_reference
from partners.services.worklist import DEFAULT_STALE_DAYS, build_worklist
from partners.storage.duckdb.store import DuckDBStore as Store

TODAY = demo.DEFAULT_TODAY
RECORD_LISTS = ("partners", "events", "commitments", "progress", "assessments")


def dump(ds: Dataset) -> dict:
    out = {name: [r.model_dump() for r in getattr(ds, name)] for name in RECORD_LISTS}
    out["members"] = ds.members
    out["commitment_times"] = ds.commitment_times
    return out


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return demo.generate()


@pytest.fixture(scope="module")
def small() -> Dataset:
    return demo.generate(scale=0.1)


@pytest.fixture(scope="module")
def loaded(ds):
    store = Store.memory()
    load_reference(store, SYSTEM)
    result = load_demo(store, SYSTEM, ds, description=demo.describe(demo.DEFAULT_SEED, 1.0))
    return store, result


def last_updates(ds: Dataset) -> dict[int, object]:
    by: dict[int, list] = defaultdict(list)
    for u in ds.progress:
        by[u.commitment_id].append(u)
    return {cid: max(us, key=lambda u: u.report_date) for cid, us in by.items()}


# -- determinism -----------------------------------------------------------------------------------


def test_same_seed_and_scale_give_identical_data_whatever_the_global_random_state(small):
    random.seed(1)
    again = demo.generate(scale=0.1)
    random.seed(2)
    random.random()
    assert dump(again) == dump(small)
    assert dump(demo.generate(seed=99, scale=0.1)) == dump(demo.generate(seed=99, scale=0.1))


def test_default_today_is_fixed_not_the_clock(small):
    assert demo.DEFAULT_TODAY == date(2026, 11, 1)
    assert dump(demo.generate(scale=0.1, today=date(2026, 11, 1))) == dump(small)


def test_different_seed_gives_different_data(small):
    other = demo.generate(seed=demo.DEFAULT_SEED + 1, scale=0.1)
    assert dump(other)["commitments"] != dump(small)["commitments"]
    assert dump(other)["members"] != dump(small)["members"]


# -- shape at scale 1 ----------------------------------------------------------------------------


def test_scale_one_has_a_realistic_alliance_size(ds):
    assert 80 <= len(ds.members) <= 100
    assert 250 <= len(ds.partners) <= 350
    assert 1300 <= len(ds.commitments) <= 1700
    assert len(ds.progress) > len(ds.commitments)
    assert 20 <= len(ds.events) <= 50


def test_members_span_every_m49_region_north_and_south_and_joined_2012_to_2024(ds):
    countries = reference.countries()
    assert {countries[c].region for c in ds.members} == set(reference.regions())
    assert {countries[c].global_north for c in ds.members} == {True, False}
    assert all(date(2012, 1, 1) <= since <= date(2024, 12, 31) for since in ds.members.values())


@pytest.mark.parametrize("scale", [0.05, 0.1, 1.0])
def test_anchor_countries_are_always_members_with_commitments(scale):
    data = demo.generate(scale=scale)
    for code in demo.ANCHOR_MEMBERS:
        assert code in data.members
        assert any(code in c.countries for c in data.commitments), code


def test_partners_cover_every_stakeholder_type_with_unique_names(ds):
    assert {p.stakeholder_type for p in ds.partners} == set(StakeholderType)
    names = [p.name for p in ds.partners]
    assert len(set(names)) == len(names)
    governments = [p for p in ds.partners if p.stakeholder_type is StakeholderType.GOVERNMENT]
    assert sorted(p.hq_country for p in governments) == sorted(ds.members)
    assert any(p.tags for p in ds.partners), "some hybrids carry secondary types"
    assert any(p.hq_country is None for p in ds.partners
               if p.stakeholder_type is StakeholderType.INTERNATIONAL_ORGANISATION)
    assert sum(p.hq_country is not None for p in ds.partners) > 0.9 * len(ds.partners)


def test_local_ids_run_from_one_and_references_point_inside_the_dataset(ds):
    for records in (ds.partners, ds.events, ds.commitments):
        assert [r.id for r in records] == list(range(1, len(records) + 1))
    partner_ids = {p.id for p in ds.partners}
    event_ids = {e.id for e in ds.events}
    commitment_ids = {c.id for c in ds.commitments}
    assert all(cp.partner_id in partner_ids for c in ds.commitments for cp in c.partners)
    assert all(c.event_id is None or c.event_id in event_ids for c in ds.commitments)
    assert all(u.commitment_id in commitment_ids for u in ds.progress)


def test_commitments_are_joint_multi_country_or_global_in_realistic_shares(ds):
    n = len(ds.commitments)
    assert all(len(c.lead_partner_ids) == 1 for c in ds.commitments)
    assert all(c.partners[0].role is PartnerRole.LEAD for c in ds.commitments)
    joint = [c for c in ds.commitments if len(c.partners) > 1]
    assert 0.25 * n <= len(joint) <= 0.45 * n
    assert max(len(c.partners) for c in joint) == 4
    multi = [c for c in ds.commitments if len(c.countries) > 1]
    assert 0.18 * n <= len(multi) <= 0.35 * n
    assert max(len(c.countries) for c in multi) <= 6
    global_ = [c for c in ds.commitments if c.is_global]
    assert 0.04 * n <= len(global_) <= 0.14 * n
    assert all(c.countries == [] for c in global_)


def test_commitments_are_made_after_their_event_with_deadlines_one_to_four_years_later(ds):
    events = {e.id: e for e in ds.events}
    for c in ds.commitments:
        if c.event_id is not None:
            assert c.start_date >= events[c.event_id].date
        if c.deadline is not None:
            assert timedelta(days=300) <= c.deadline - c.start_date <= timedelta(days=4 * 366 + 92)
    assert all(e.date <= TODAY for e in ds.events)
    assert {e.kind.value for e in ds.events} >= {"summit", "ministerial", "national_plan"}
    plans = [e for e in ds.events if e.kind.value == "national_plan"]
    assert 15 <= len(plans) <= 25 and all(e.country for e in plans)


def test_titles_are_specific_not_one_per_template(ds):
    titles = [c.title for c in ds.commitments]
    assert len(set(titles)) > len(demo.TEMPLATES) * 10
    assert any("INTERPOL's ICSE database" in t for t in titles)
    assert all(len(t) <= 300 for t in titles)


def _country_names_in(title: str, codes: list[str]) -> set[str]:
    countries = reference.countries()
    title = title.replace("Luxembourg Terminology Guidelines", "")  # the guidelines' own name
    named = set()
    for code in codes:
        name = demo.SHORT_NAMES.get(code) or countries[code].name.split(",")[0]
        if re.search(rf"\b{re.escape(name)}\b", title):
            named.add(code)
    return named


def test_titles_name_only_the_commitments_own_countries_and_count_them_right(ds):
    members = sorted(ds.members)
    counted = 0
    for c in ds.commitments:
        assert _country_names_in(c.title, members) <= set(c.countries), (c.id, c.title, c.countries)
        if m := re.search(r"\b(\d+) countries\b", c.title):
            counted += 1
            assert int(m.group(1)) == len(c.countries), (c.id, c.title, c.countries)
    assert counted > 50, "titles such as 'in 4 countries of Eastern Africa' exist"
    # A commitment counting the countries it assists or funds counts the countries it names.
    assisted = [c for c in ds.commitments if c.title.startswith(("Provide technical assistance", "Fund national"))]
    assert assisted
    for c in assisted:
        if c.countries and c.target_value is not None:
            assert c.target_value == len(c.countries), (c.id, c.title)


def test_drafts_and_submitted_records_include_stale_ones_and_no_time_is_after_today(ds):
    start_of_today = datetime.combine(TODAY, time())
    assert set(ds.commitment_times) == {c.id for c in ds.commitments}
    for c in ds.commitments:
        created, updated = ds.commitment_times[c.id]
        assert created <= updated <= start_of_today
        assert created.date() <= c.start_date
    waiting = [c for c in ds.commitments if c.review_state in (ReviewState.DRAFT, ReviewState.SUBMITTED)]
    stale_by = start_of_today - timedelta(days=DEFAULT_STALE_DAYS)
    stale = [c for c in waiting if ds.commitment_times[c.id][1] < stale_by]
    assert 0.3 * len(waiting) <= len(stale) <= 0.9 * len(waiting), (len(stale), len(waiting))


def test_the_loaded_demo_keeps_its_times_so_the_worklist_lists_its_stale_drafts(ds, loaded):
    store, result = loaded
    local = {stored: lid for lid, stored in result.id_map["commitment"].items()}
    rows = store.query_rows("SELECT id, created_at, updated_at FROM commitments")
    assert {local[r["id"]]: (r["created_at"], r["updated_at"]) for r in rows} == ds.commitment_times
    now = datetime.combine(TODAY, time())
    listed = {local[i.commitment_id] for i in build_worklist(store, SYSTEM, kinds=["stale_draft"], now=now).items}
    expected = {
        c.id for c in ds.commitments
        if c.review_state in (ReviewState.DRAFT, ReviewState.SUBMITTED)
        and ds.commitment_times[c.id][1] < now - timedelta(days=DEFAULT_STALE_DAYS)
    }
    assert expected and listed == expected


def test_every_framework_key_exists_in_reference(ds):
    keys = {k for c in ds.commitments for k in c.framework_items}
    assert all(reference.framework_item(k) is not None for k in keys)
    assert all(1 <= len(c.framework_items) <= 3 for c in ds.commitments)
    assert all(c.framework_items[0].startswith("MNR-2016:") for c in ds.commitments)
    assert {k.split(":")[0] for k in keys} == {"MNR-2016", "GA-2012", "VP-2020", "GTA-2019-FL", "AD-2015"}
    assert {a.capability for a in ds.assessments} <= {i.key for i in reference.mnr_capabilities()}


def test_smart_level_counts_the_five_elements_and_some_are_missing(ds):
    for c in ds.commitments:
        present = [c.deadline, c.unit, c.baseline, c.target_value, c.indicator]
        assert c.smart_level == sum(v not in (None, "") for v in present)
    assert any(c.deadline is None for c in ds.commitments)
    assert any(c.unit == "" for c in ds.commitments)
    assert any(c.baseline is None for c in ds.commitments)
    assert sum(c.smart_level == 5 for c in ds.commitments) > len(ds.commitments) / 3


def test_budgets_visibility_review_states_and_embargoes_are_mixed(ds):
    n = len(ds.commitments)
    with_budget = [c for c in ds.commitments if c.budget is not None]
    assert 0.3 * n <= len(with_budget) <= 0.5 * n
    assert {c.currency for c in with_budget} == {"USD", "EUR", "GBP"}
    visibility = Counter(c.visibility for c in ds.commitments)
    assert visibility.most_common(1)[0][0] is Visibility.PUBLIC and set(visibility) == set(Visibility)
    review = Counter(c.review_state for c in ds.commitments)
    assert review.most_common(1)[0][0] is ReviewState.PUBLISHED and set(review) == set(ReviewState)
    embargoed = [c for c in ds.commitments if c.embargo_until is not None]
    assert embargoed and all(c.embargo_until.date() > TODAY for c in embargoed)


# -- progress ----------------------------------------------------------------------------------


def test_no_progress_after_today_or_before_the_commitment_started(ds):
    starts = {c.id: c.start_date for c in ds.commitments}
    assert all(starts[u.commitment_id] <= u.report_date <= TODAY for u in ds.progress)


def test_progress_has_the_gaps_a_worklist_needs(ds):
    n = len(ds.commitments)
    last = last_updates(ds)
    no_update = n - len(last)
    assert 0.1 * n <= no_update <= 0.25 * n
    stale = [u for u in last.values()
             if u.report_date < TODAY - timedelta(days=365) and u.status not in CLOSED_STATUSES]
    assert 0.08 * n <= len(stale) <= 0.2 * n
    deadlines = {c.id: c.deadline for c in ds.commitments}
    assert any(deadlines[cid] and deadlines[cid] < TODAY and u.status is not ProgressStatus.COMPLETE
               for cid, u in last.items())
    complete = [u for u in ds.progress if u.status is ProgressStatus.COMPLETE]
    assert any(not u.evidence_links for u in complete) and any(u.evidence_links for u in complete)
    assert {u.status for u in ds.progress} == set(ProgressStatus)
    assert {u.source for u in ds.progress} == set(ReportSource)


def test_histories_stop_once_closed_and_have_at_most_five_reports_plus_reviews(ds):
    by: dict[int, list] = defaultdict(list)
    for u in sorted(ds.progress, key=lambda u: u.report_date):
        by[u.commitment_id].append(u)
    for updates in by.values():
        partner_reports = [u for u in updates if not u.narrative.startswith("Secretariat review")]
        assert len(partner_reports) <= 5
        closed = [i for i, u in enumerate(updates) if u.status in CLOSED_STATUSES]
        if closed:
            assert closed[0] == len(updates) - 1 or all(
                u.narrative.startswith("Secretariat review") for u in updates[closed[0] + 1:])


def test_evidence_links_are_fictional_example_addresses(ds):
    links = [link for u in ds.progress for link in u.evidence_links]
    assert links
    assert {urlparse(link).hostname for link in links} <= {"example.org", "example.com", "example.net"}
    websites = [p.website for p in ds.partners if p.website]
    assert {urlparse(w).hostname for w in websites} <= {"example.org", "example.com", "example.net"}


def test_partner_contact_addresses_are_fictional_office_addresses_on_a_reserved_domain(ds):
    first = [p.contact_email for p in ds.partners if p.contact_email]
    second = [p.contact_email_2 for p in ds.partners if p.contact_email_2]
    assert 0.7 * len(ds.partners) < len(first) < len(ds.partners)  # most have one; some still have none
    assert second and all(p.contact_email for p in ds.partners if p.contact_email_2)
    for address in first + second:
        local, _, host = address.partition("@")
        assert local in {"secretariat", "reporting"} and host.endswith(".example.org"), address
        assert address.isascii()


def test_custom_today_keeps_events_and_reports_on_or_before_it():
    today = date(2023, 3, 1)
    early = demo.generate(scale=0.1, today=today)
    assert all(e.date <= today for e in early.events)
    assert all(c.start_date <= today for c in early.commitments)
    assert all(u.report_date <= today for u in early.progress)
    assert all(a.assessed_on <= today for a in early.assessments)


# -- capability assessments ------------------------------------------------------------------------


def test_assessments_cover_all_capabilities_in_two_or_three_rounds_trending_up(ds):
    capabilities = {i.key for i in reference.mnr_capabilities()}
    assert len(capabilities) == 21
    rounds: dict[str, dict[date, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for a in ds.assessments:
        assert a.country in ds.members
        rounds[a.country][a.assessed_on][a.capability] = a.phase
    assert 60 <= len(rounds) <= 80
    first_mean, last_mean = [], []
    for by_date in rounds.values():
        assert 2 <= len(by_date) <= 3
        assert all(set(phases) == capabilities for phases in by_date.values())
        dates = sorted(by_date)
        first_mean.append(sum(by_date[dates[0]].values()) / 21)
        last_mean.append(sum(by_date[dates[-1]].values()) / 21)
    assert sum(last_mean) > sum(first_mean)


def test_latest_round_is_published_for_about_half_the_assessed_countries(ds):
    assessed = {a.country for a in ds.assessments}
    published = {a.country for a in ds.assessments if a.published}
    assert 0.3 * len(assessed) <= len(published) <= 0.7 * len(assessed)
    latest = defaultdict(lambda: date.min)
    for a in ds.assessments:
        latest[a.country] = max(latest[a.country], a.assessed_on)
    assert all(a.assessed_on == latest[a.country] for a in ds.assessments if a.published)
    sources = Counter(a.source for a in ds.assessments)
    assert sources[ReportSource.SELF_REPORTED] > sources[ReportSource.VERIFIED] > 0


# -- flags, scale, description -----------------------------------------------------------------------


def test_every_record_is_flagged_demo(ds):
    for name in RECORD_LISTS:
        records = getattr(ds, name)
        assert records and all(r.is_demo for r in records), name


def test_scale_point_one_is_a_proportionally_smaller_dataset(ds, small):
    for name in ("partners", "commitments", "progress", "assessments"):
        ratio = len(getattr(small, name)) / len(getattr(ds, name))
        assert 0.05 <= ratio <= 0.2, (name, ratio)
    assert 5 <= len(small.members) <= 15
    assert {p.stakeholder_type for p in small.partners} == set(StakeholderType)
    assert len(small.events) < len(ds.events)


def test_scale_must_be_positive():
    with pytest.raises(ValueError):
        demo.generate(scale=0)


def test_describe_says_demo_and_how_it_was_made():
    text = demo.describe(7, 0.5)
    assert text.startswith(demo.DEMO_LABEL)
    assert "seed 7" in text and "scale 0.5" in text


# -- loading into a real store ----------------------------------------------------------------


def test_loading_fills_the_tables_with_matching_counts(ds, loaded):
    store, result = loaded
    assert holds_demo(store)
    assert (result.partners, result.events, result.commitments, result.progress, result.assessments) == (
        len(ds.partners), len(ds.events), len(ds.commitments), len(ds.progress), len(ds.assessments))
    assert store.count("partners") == len(ds.partners)
    assert store.count("events") == len(ds.events)
    assert store.count("commitments") == len(ds.commitments)
    assert store.count("progress_updates") == len(ds.progress)
    assert store.count("capability_assessments") == len(ds.assessments)
    assert store.count("commitment_partners") == sum(len(c.partners) for c in ds.commitments)
    assert store.count("commitment_countries") == sum(len(c.countries) for c in ds.commitments)
    assert store.count("commitment_items") == sum(len(c.framework_items) for c in ds.commitments)
    assert store.scalar("SELECT count(*) FROM countries WHERE member") == len(ds.members)
    assert store.scalar("SELECT count(*) FROM commitments WHERE NOT is_demo") == 0


def test_loading_writes_one_audit_row_per_record(ds, loaded):
    store, _ = loaded
    rows = store.query_rows("SELECT entity, count(*) AS n FROM audit_log WHERE action <> 'reload'"
                            " AND entity <> 'framework' GROUP BY entity")
    assert {r["entity"]: r["n"] for r in rows} == {
        "partner": len(ds.partners),
        "event": len(ds.events),
        "commitment": len(ds.commitments),
        "progress_update": len(ds.progress),
        "capability_assessment": len(ds.assessments),
        "country": len(ds.members),
        # one sign-off per country whose assessments the demo publishes
        "scorecard_signoff": len({a.country for a in ds.assessments if a.published}),
    }


def test_store_counts_members_in_every_m49_region(loaded):
    store, _ = loaded
    rows = store.query_rows("SELECT region, count(*) AS n FROM countries WHERE member GROUP BY region")
    assert {r["region"] for r in rows} == set(reference.regions())
    assert all(r["n"] >= 1 for r in rows)


def test_loading_again_replaces_the_previous_demo_data(small):
    store = Store.memory()
    load_reference(store, SYSTEM)
    load_demo(store, SYSTEM, small, description=demo.describe(demo.DEFAULT_SEED, 0.1))
    other = demo.generate(seed=5, scale=0.1)
    load_demo(store, SYSTEM, other, description=demo.describe(5, 0.1))
    assert store.count("partners") == len(other.partners)
    assert store.count("commitments") == len(other.commitments)
    assert store.count("progress_updates") == len(other.progress)
    assert store.count("commitment_partners") == sum(len(c.partners) for c in other.commitments)
    members = {r["code"] for r in store.query_rows("SELECT code FROM countries WHERE member")}
    assert members == set(other.members)
    assert "seed 5" in store.meta("demo_generated")


# -- in parts: the same data, one part in memory at a time -------------------------------------


def merged(parts) -> Dataset:
    whole = Dataset()
    for part in parts:
        for name in RECORD_LISTS:
            getattr(whole, name).extend(getattr(part, name))
        whole.members |= part.members
        whole.commitment_times |= part.commitment_times
    return whole


@pytest.mark.parametrize("part_size", [1, 37, 100_000])
def test_the_parts_together_are_the_generated_dataset_whatever_their_size(small, part_size):
    parts = list(demo.generate_parts(scale=0.1, part_size=part_size))
    assert dump(merged(parts)) == dump(small)
    commitment_parts = [p for p in parts if p.commitments]
    assert max(len(p.commitments) for p in commitment_parts) == min(part_size, len(small.commitments))
    for part in commitment_parts:  # each part carries its commitments' progress and times, nothing else
        ids = {c.id for c in part.commitments}
        assert {u.commitment_id for u in part.progress} <= ids
        assert set(part.commitment_times) == ids


#: What a load stamps with its own time; everything else is the data.
LOAD_TIME = {"created_at", "updated_at", "changed_at"}


def table_rows(store: Store, table: str) -> list[dict]:
    """The table's rows without the load's time stamps, in a stable order."""
    rows = store.dump_table(table)
    rows = rows.drop_columns([c for c in rows.column_names if c in LOAD_TIME]).to_pylist()
    return sorted(rows, key=repr)


def test_the_demo_loaded_in_parts_is_the_demo_loaded_whole(small):
    whole, in_parts = Store.memory(), Store.memory()
    for store in (whole, in_parts):
        load_reference(store, SYSTEM)
    load_demo(whole, SYSTEM, small, description="whole")
    result = load_demo(in_parts, SYSTEM, demo.generate_parts(scale=0.1, part_size=40), description="in parts")
    assert result.commitments == len(small.commitments) and result.progress == len(small.progress)
    for table in ("partners", "events", "commitments", "commitment_partners", "commitment_countries",
                  "commitment_items", "progress_updates", "capability_assessments", "countries"):  # fmt: skip
        assert table_rows(in_parts, table) == table_rows(whole, table), table
    # One audit row per record, as for a whole load (in the order the parts came).
    def audit(store: Store) -> list[tuple]:  # the entries without their ids (given in the order of the parts)
        return sorted(repr({k: v for k, v in r.items() if k != "id"}) for r in table_rows(store, "audit_log"))

    assert audit(in_parts) == audit(whole)
    assert holds_demo(in_parts) and "generated" in in_parts.meta("demo_generated")


def test_a_demo_load_that_fails_part_way_leaves_no_demo_data(small):
    store = Store.memory()
    load_reference(store, SYSTEM)
    load_demo(store, SYSTEM, small, description="the previous demo")
    parts = list(demo.generate_parts(scale=0.1, part_size=40))
    broken = parts[3].commitments[0].model_copy(update={"framework_items": ["MNR-2016:404"]})
    parts[3].commitments[0] = broken  # the first parts are written before this one is checked
    with pytest.raises(ValidationFailed, match="unknown framework item MNR-2016:404"):
        load_demo(store, SYSTEM, iter(parts), description="broken")
    for table in ("partners", "events", "commitments", "commitment_partners", "progress_updates",
                  "capability_assessments"):  # fmt: skip
        assert store.count(table) == 0, table
    assert store.scalar("SELECT count(*) FROM countries WHERE member") == 0
    assert not holds_demo(store)


def test_a_demo_load_is_flagged_as_demo_before_its_first_record_is_written(small):
    store = Store.memory()
    load_reference(store, SYSTEM)
    seen = []

    def parts():
        for part in demo.generate_parts(scale=0.1, part_size=60):
            seen.append((holds_demo(store), store.count("commitments")))
            yield part

    load_demo(store, SYSTEM, parts(), description="flagged")
    assert seen[0] == (True, 0)
    assert all(flagged for flagged, _ in seen)
    assert [n for _, n in seen][1:] == sorted(n for _, n in seen[1:])  # each part written before the next
    assert "generated" in store.meta("demo_generated")

"""The secretariat's forms never drop what was typed (AppTest, the real pages on a demo database): a value
that cannot be saved stops the save with "Not saved:" naming the field, nothing is stored, and the form
keeps every field; progress updates and assessments are edited in place."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from partners.domain.model import SYSTEM, ProgressStatus
from partners.domain.scope import CommitmentFilter
from partners.services import read
from partners.storage.duckdb.store import DuckDBStore as Store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def app(demo_store: Store, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    path = demo_store.db.path
    demo_store.db.close()
    monkeypatch.setenv("PARTNERS_DB", path)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=90)
    at.run()
    return at


def query(sql: str, params: list[Any] | None = None) -> list[tuple]:
    store = Store.open(os.environ["PARTNERS_DB"], migrate=False)
    try:
        return [tuple(row.values()) for row in store.query_rows(sql, params or [])]
    finally:
        store.db.close()


def widget(items: Any, label: str) -> Any:
    found = [w for w in items if w.label == label]
    assert found, f"no widget {label!r}; have {[w.label for w in items]}"
    return found[0]


def errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error).replace("\\", "")  # the text as shown (unescaped)


def fill_commitment(at: AppTest, title: str, **numbers: str) -> None:
    widget(at.text_input, "Title").input(title)
    (partner,) = query("SELECT min(id) FROM partners WHERE deleted_at IS NULL")[0]
    widget(at.multiselect, "Partners").select(int(partner))
    widget(at.multiselect, "Countries").select("KEN")
    for label, text in numbers.items():
        widget(at.text_input, label).input(text)
    at.run()


@pytest.mark.parametrize(
    ("field", "typed", "said"),
    [
        ("Budget", "-250000", "Budget: the budget cannot be negative"),
        ("Budget", "250,000 USD", "Budget: '250,000 USD' is not a number"),
        ("Deadline", "9999-12-31", "Deadline: the year 9999 is not a year this record can have"),
        ("Deadline", "31/02/2027", "Deadline: '31/02/2027' is not a valid date"),
    ],
)
def test_a_refused_number_or_date_says_not_saved_and_nothing_is_stored(
    app: AppTest, field: str, typed: str, said: str
) -> None:
    app.switch_page("src/partners/pages/log_commitment.py").run()
    title = f"Open a national reporting hotline ({field} {typed})"
    before = query("SELECT count(*) FROM commitments")[0][0]
    fill_commitment(app, title, **{field: typed, "Currency": "USD"})
    widget(app.button, "Save commitment").click().run()
    assert not app.exception, app.exception
    assert "Not saved:" in errors(app) and said in errors(app)
    assert widget(app.text_input, field).value == typed  # what was typed is still there
    assert widget(app.text_input, "Title").value == title
    assert query("SELECT count(*) FROM commitments")[0][0] == before
    assert query("SELECT count(*) FROM commitments WHERE title = ?", [title])[0][0] == 0


def test_numbers_and_dates_typed_as_people_write_them_are_saved(app: AppTest) -> None:
    app.switch_page("src/partners/pages/log_commitment.py").run()
    title = "Train 120 prosecutors in digital evidence handling"
    fill_commitment(
        app, title, Budget="1,500,000", Currency="usd", Deadline="31/12/2027", Baseline="0", **{"Target value": "120"}
    )
    widget(app.button, "Save commitment").click().run()
    assert not app.exception, app.exception
    assert not errors(app)
    assert query(
        "SELECT budget, currency, deadline, baseline, target_value FROM commitments WHERE title = ?", [title]
    ) == [(1500000, "USD", date(2027, 12, 31), 0, 120)]


def open_commitment(app: AppTest) -> int:
    store = Store.open(os.environ["PARTNERS_DB"], migrate=False)
    try:
        found = read.find_commitments(store, SYSTEM, CommitmentFilter(limit=1))
        cid = int(found.id.iloc[0])
    finally:
        store.db.close()
    app.switch_page("src/partners/pages/commitment.py")
    app.query_params["id"] = str(cid)
    app.run()
    assert not app.exception, app.exception
    return cid


LINKS = "Evidence links (one web address per line)"


def test_a_progress_update_with_a_bad_link_keeps_every_field(app: AppTest) -> None:
    cid = open_commitment(app)
    before = query("SELECT count(*) FROM progress_updates WHERE commitment_id = ?", [cid])[0][0]
    widget(app.text_area, "What happened").input("Trained 40 investigators in Nairobi")
    widget(app.text_input, "Indicator value").input("40")
    widget(app.text_area, LINKS).input("https://example.org/report\nnot a link")
    widget(app.selectbox, "Status").set_value(ProgressStatus.OFF_TRACK)
    widget(app.button, "Save progress update").click().run()
    assert not app.exception, app.exception
    assert "Not saved:" in errors(app) and "'not a link' is not a web address" in errors(app)
    assert widget(app.text_area, "What happened").value == "Trained 40 investigators in Nairobi"
    assert widget(app.text_input, "Indicator value").value == "40"
    assert widget(app.text_area, LINKS).value == "https://example.org/report\nnot a link"
    assert widget(app.selectbox, "Status").value is ProgressStatus.OFF_TRACK
    assert query("SELECT count(*) FROM progress_updates WHERE commitment_id = ?", [cid])[0][0] == before

    widget(app.text_area, LINKS).input("https://example.org/report")
    widget(app.button, "Save progress update").click().run()
    assert not app.exception, app.exception
    assert not errors(app)
    assert query(
        "SELECT narrative, indicator_value FROM progress_updates WHERE commitment_id = ? ORDER BY id DESC LIMIT 1",
        [cid],
    ) == [("Trained 40 investigators in Nairobi", 40)]
    assert widget(app.text_area, "What happened").value == ""  # saved: a fresh, empty form


def test_a_progress_update_is_edited_in_place_from_its_row(app: AppTest) -> None:
    cid = open_commitment(app)
    widget(app.text_area, "What happened").input("First report")
    widget(app.button, "Save progress update").click().run()
    ((pid, version),) = query(
        "SELECT id, version FROM progress_updates WHERE commitment_id = ? AND narrative = 'First report'", [cid]
    )
    next(b for b in app.button if b.key == f"c{cid}_pu_edit_{pid}").click().run()
    assert not app.exception, app.exception
    edit = [t for t in app.text_area if t.label == "What happened"]
    assert edit[0].value == "First report"
    edit[0].input("First report, corrected")
    widget(app.text_input, "Report date").input("2999-01-01")  # refused: kept, nothing saved
    widget(app.button, "Save changes").click().run()
    assert "Not saved:" in errors(app) and "Report date" in errors(app)
    assert widget(app.text_area, "What happened").value == "First report, corrected"
    widget(app.text_input, "Report date").input("2025-01-15")
    widget(app.button, "Save changes").click().run()
    assert not app.exception, app.exception
    assert not errors(app)
    assert query("SELECT narrative, version FROM progress_updates WHERE id = ?", [pid]) == [
        ("First report, corrected", version + 1)
    ]
    assert (
        query(
            "SELECT count(*) FROM audit_log WHERE entity = 'progress_update' AND entity_id = ? AND action = 'update'",
            [str(pid)],
        )[0][0]
        == 1
    )


def test_an_assessment_is_edited_in_place(app: AppTest) -> None:
    app.switch_page("src/partners/pages/assessments_admin.py").run()
    assert not app.exception, app.exception
    pick = widget(app.selectbox, "Assessment (to edit, see its history or delete)")
    aid = int(pick.value)
    ((version,),) = [(v,) for (v,) in query("SELECT version FROM capability_assessments WHERE id = ?", [aid])]
    widget(app.button, "Edit").click().run()
    assert not app.exception, app.exception
    notes = [t for t in app.text_area if t.label == "Note"]
    assert len(notes) == 2  # the new assessment's form and this one's
    notes[1].input("Re-assessed after the national review")
    widget(app.button, "Save changes").click().run()
    assert not app.exception, app.exception
    assert not errors(app)
    assert query("SELECT note, version FROM capability_assessments WHERE id = ?", [aid]) == [
        ("Re-assessed after the national review", version + 1)
    ]


def test_likely_duplicates_show_under_the_title_and_saving_needs_the_tick(app: AppTest) -> None:
    (cid, title, partner, country), = query(
        "SELECT c.id, c.title, min(p.partner_id), min(k.country_code) FROM commitments c "
        "JOIN commitment_partners p ON p.commitment_id = c.id "
        "JOIN commitment_countries k ON k.commitment_id = c.id "
        "WHERE c.deleted_at IS NULL AND c.review_state <> 'withdrawn' GROUP BY c.id, c.title ORDER BY c.id LIMIT 1"
    )
    app.switch_page("src/partners/pages/log_commitment.py").run()
    widget(app.text_input, "Title").input(title)
    widget(app.multiselect, "Partners").select(int(partner))
    widget(app.multiselect, "Countries").select(country)
    app.run()
    assert not app.exception, app.exception
    assert any("looks like a commitment already logged" in w.value for w in app.warning)
    assert any(f"Looks like commitment {cid}" in c.value for c in app.caption)
    save = widget(app.button, "Save commitment")
    assert save.disabled
    widget(app.checkbox, "None of these is the same pledge: save anyway").check().run()
    assert not widget(app.button, "Save commitment").disabled


def test_a_round_is_entered_as_one_grid_and_a_bad_link_saves_nothing(app: AppTest) -> None:
    app.switch_page("src/partners/pages/assessments_admin.py").run()
    assert not app.exception, app.exception
    country = widget(app.selectbox, "Country").value
    before = query("SELECT count(*) FROM assessment_rounds")[0][0]
    phases = [s for s in app.selectbox if s.key and s.key.startswith("round_") and s.key.endswith("_phase")]
    links = [t for t in app.text_input if t.key and t.key.startswith("round_") and t.key.endswith("_link")]
    assert len(phases) == len(links) == 21
    phases[0].set_value(3)
    links[0].input("not a link")
    widget(app.button, "Save and submit").click().run()
    assert not app.exception, app.exception
    assert "web address" in "".join(errors(app)), errors(app)
    assert query("SELECT count(*) FROM assessment_rounds")[0][0] == before  # nothing stored
    first_link = [t for t in app.text_input if t.key and t.key.startswith("round_") and t.key.endswith("_link")][0]
    assert first_link.value == "not a link"  # what was typed is kept
    first_link.input("https://example.org/evidence")
    widget(app.button, "Save and submit").click().run()
    assert not app.exception, app.exception
    assert not errors(app)
    (rid, status), = query("SELECT id, status FROM assessment_rounds WHERE country_code = ? ORDER BY id DESC"
                           " LIMIT 1", [country])
    assert status == "submitted"
    assert query("SELECT phase, evidence_url FROM capability_assessments WHERE round_id = ? AND capability_key ="
                 " 'MNR-2016:1'", [rid]) == [(3, "https://example.org/evidence")]

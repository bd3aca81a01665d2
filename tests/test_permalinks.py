"""The dashboard's URL builder (presentation/permalinks.py) and the QR code of a link (presentation/share.py)."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

from partners.domain.dashboard import DashboardFilter
from partners.presentation import permalinks, share
from partners.presentation.permalinks import Choices, DashboardView
from partners.services import as_of

CHOICES = Choices(regions={"Africa", "Europe"}, stakeholder_types={"government", "hotline"},
                  items={"mnr:cap:1"}, events={3, 7}, as_of=as_of.parse)
VIEW = DashboardView(
    DashboardFilter(regions=("Africa", "Europe"), north=True, stakeholder_types=("hotline",), item_key="mnr:cap:1",
                    event_ids=(7, 3), made_from=date(2020, 1, 1), made_to=date(2024, 6, 30)),
    metric="mnr_coverage", public=True, as_of=date(2024, 11, 20),
)


def test_every_part_of_the_view_goes_into_the_url_and_comes_back() -> None:
    url = permalinks.dashboard_url("https://partners.example/app/", VIEW)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "partners.example", "/app/overview")
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert params == {"region": "Africa,Europe", "north": "north", "type": "hotline", "item": "mnr:cap:1",
                      "event": "7,3", "from": "2020-01-01", "to": "2024-06-30", "metric": "mnr_coverage",
                      "as_of": "2024-11-20", "public": "1"}
    assert permalinks.from_params(params, CHOICES) == (VIEW, [])


def test_the_default_view_is_the_bare_address() -> None:
    assert permalinks.dashboard_url("http://localhost:8501", DashboardView()) == "http://localhost:8501/overview"
    assert permalinks.from_params({}, CHOICES) == (DashboardView(), [])


def test_what_a_link_cannot_use_is_named_and_left_at_its_default() -> None:
    view, problems = permalinks.from_params(
        {"region": "Africa,Atlantis", "north": "up", "event": "3,99", "to": "2020-02-30", "metric": "x"}, CHOICES)
    assert view == DashboardView(DashboardFilter(regions=("Africa",), event_ids=(3,)))
    assert len(problems) == 5 and any("'Atlantis'" in p for p in problems) and any("'99'" in p for p in problems)
    view, problems = permalinks.from_params({"from": "2024-01-01", "to": "2023-01-01"}, CHOICES)
    assert view.filter.made_from is None and view.filter.made_to is None and "ends before it starts" in problems[0]


def test_an_as_of_date_the_link_cannot_use_is_named_and_today_shown() -> None:
    to_come = (date.today() + timedelta(days=1)).isoformat()
    for raw, words in (("20/11/2024", "is not a date"), (to_come, "still to come")):
        view, problems = permalinks.from_params({"as_of": raw, "metric": "verified_share"}, CHOICES)
        assert view == DashboardView(metric="verified_share")  # the rest of the link used, as of now
        assert len(problems) == 1 and "as-of date" in problems[0] and words in problems[0], problems
    # without the app's check (a caller of its own): an ISO date is read, anything else named
    plain = Choices(regions=(), stakeholder_types=(), items=(), events=())
    assert permalinks.from_params({"as_of": "2024-11-20"}, plain)[0].as_of == date(2024, 11, 20)
    assert "not a date" in permalinks.from_params({"as_of": "soon"}, plain)[1][0]


def test_the_app_address_comes_from_the_page_address() -> None:
    assert permalinks.app_base("http://localhost:8611/overview", "x") == "http://localhost:8611"
    assert permalinks.app_base("http://localhost:8611/", "x") == "http://localhost:8611"
    assert permalinks.app_base("https://h.example/partners/overview", "x") == "https://h.example/partners"
    assert permalinks.app_base(None, "http://fallback:8501/") == "http://fallback:8501"


def test_the_qr_code_is_an_svg_and_a_png_of_the_link() -> None:
    url = permalinks.dashboard_url("https://partners.example", VIEW)
    svg = share.qr_svg(url).decode()
    assert svg.startswith("<?xml") and "<svg" in svg and "</svg>" in svg and "<path" in svg
    assert share.qr_svg(url) != share.qr_svg(url + "&x=1")  # the code depends on the link
    assert share.qr_png(url).startswith(b"\x89PNG\r\n\x1a\n")

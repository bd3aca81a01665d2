"""The paragraph a presenter reads out about what changed ("Since Alliance summit 2024 (15 Oct 2024), 212 new
commitments from 64 partners in 31 countries ..."), written from the same ``SinceFigures`` as the charts:
never typed by hand. Plain text (names of events are the secretariat's words: shown as text, never markup)."""

from __future__ import annotations

from partners.domain.since import End, SinceFigures
from partners.presentation.formatting import day
from partners.presentation.wording import plural


def end_words(end: End) -> str:
    """An end of the window in words: "Alliance summit 2024 (15 Oct 2024)", "15 Oct 2024", "today"."""
    if end.event:
        return f"{end.event} ({day(end.day)})"
    return "today" if end.today else day(end.day)


def opening(f: SinceFigures) -> str:
    """ "Since <start>" up to today, else "Between <start> and <end>"."""
    if f.end.today and not f.end.event:
        return f"Since {end_words(f.start)}"
    return f"Between {end_words(f.start)} and {end_words(f.end)}"


def _new(f: SinceFigures) -> str:
    if f.new == 0:
        return f"{opening(f)}, there were no new commitments."
    verb = "was" if f.new == 1 else "were"
    text = f"{opening(f)}, there {verb} {plural(f.new, 'new commitment')}"
    if f.new_partners:
        text += f" from {plural(f.new_partners, 'partner')}"
    if f.new_countries:
        text += f" {'in' if f.new_partners else 'for'} {plural(f.new_countries, 'country', 'countries')}"
    if f.new_joint == f.new == 1:
        text += ", a joint commitment of more than one partner"
    elif f.new_joint == f.new:
        text += ", all of them joint commitments of more than one partner"
    elif f.new_joint:
        text += f", {f.new_joint:,} of them joint commitments of more than one partner"
    return text + "."


def _progress(f: SinceFigures) -> str:
    if f.newly_complete == 0:
        done = "No commitment was completed"
    else:
        done = f"{plural(f.newly_complete, 'commitment')} {'was' if f.newly_complete == 1 else 'were'} completed"
    cycle = f"no progress update for {plural(f.reporting_cycle_months, 'month')}"
    stalled, overdue = f.newly_stalled, f.newly_overdue
    if stalled and overdue:
        rest = (f"{plural(stalled, 'commitment')} stalled and {overdue:,} fell behind on reporting ({cycle})")
    elif stalled:
        rest = f"{plural(stalled, 'commitment')} stalled; none fell behind on reporting"
    elif overdue:
        rest = f"{plural(overdue, 'commitment')} fell behind on reporting ({cycle}); none stalled"
    else:
        rest = "none stalled or fell behind on reporting"
    return f"{done}; {rest}."


def _engaged(f: SinceFigures) -> str:
    countries, partners = f.engaged_countries, f.engaged_partners
    if not countries and not partners:
        return "No country or partner made its first commitment in this period."
    named = [plural(countries, "country", "countries")] if countries else []
    named += [plural(partners, "partner")] if partners else []
    their = "its" if len(named) == 1 and (countries or partners) == 1 else "their"
    return f"{' and '.join(named)} made {their} first commitment."


def paragraph(f: SinceFigures) -> str:
    """The whole paragraph: the new commitments, their progress, and who made a first commitment."""
    return " ".join((_new(f), _progress(f), _engaged(f)))

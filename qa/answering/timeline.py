"""The date a sentence of news states ("on 10 January 2022", "on Wednesday, January 12", "on Monday"), resolved
against its article's date, for ordering a timeline.

dateparser finds the dates; a match counts only when it holds a day and a month's name ("January 12", "12 Jan
2022"), an ISO date, or a weekday's name: a bare "may" or "march" (a verb, a protest) is not a date, nor is a year
alone, and 10.01.2022 is read either way round depending on the country. A weekday alone means the one nearest the
article's date: news writes "on Monday" for the Monday just gone or just ahead."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

_WEEKDAYS = [d.lower() for d in calendar.day_name]
_WEEKDAY = re.compile(rf"\b({'|'.join(_WEEKDAYS)})\b", re.IGNORECASE)
_MONTHS = "|".join(m[:3] for m in calendar.month_name[1:])
_DAY_AND_MONTH = re.compile(
    rf"\b\d{{1,2}}(st|nd|rd|th)?\s+(of\s+)?({_MONTHS})|\b({_MONTHS})[a-z]*\.?\s+\d{{1,2}}\b", re.I
)
_ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@dataclass(frozen=True)
class Dated:
    day: date
    stated: bool  # True: the sentence states it; False: its article's date


def stated_date(sentence: str, published: str | None) -> Dated | None:
    """The first date the sentence states; else its article's date; else None."""
    base = _day(published)
    for text, when in _search(sentence, base):
        if _DAY_AND_MONTH.search(text) or _ISO.search(text):
            return Dated(when.date(), True)
        weekday = _WEEKDAY.search(text)
        if weekday and base:
            return Dated(nearest(base, _WEEKDAYS.index(weekday.group(1).lower())), True)
    return Dated(base, False) if base else None


def nearest(base: date, weekday: int) -> date:
    """The day with that weekday (0 = Monday) nearest `base`, at most three days either side."""
    ahead = (weekday - base.weekday()) % 7
    return base + timedelta(days=ahead if ahead <= 3 else ahead - 7)


def readable(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def _day(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso or "")
    except ValueError:
        return None


def _search(sentence: str, base: date | None) -> list[tuple[str, datetime]]:
    from dateparser.search import search_dates  # imported on first use: it builds its language data then

    settings = {"RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DAY_OF_MONTH": "first"}
    if base:
        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day)
    return search_dates(sentence, languages=["en"], settings=settings) or []

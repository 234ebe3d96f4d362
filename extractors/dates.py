"""Dates and periods as written in requests, normalised to ISO start and end dates."""

from __future__ import annotations

import calendar
import re
from datetime import date

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:e(?:m|rn)ber)?|oct(?:ober)?|nov(?:e(?:m|rn)ber)?|dec(?:e(?:m|rn)ber)?)\.?"
# (a fax's "Decernber": OCR reads an m as "rn")

_Y = r"(\d{4}|['’]\d{2})"
"""A year: 2027, or '27."""

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("fyq", re.compile(r"\b(?:q([1-4])|(first|second|third|fourth|1st|2nd|3rd|4th) quarter)\s*(?:of\s+)?(?:the\s+)?"
                       r"(?:state\s+)?(?:fiscal year|fy)\s*(\d{4}|\d{2})\s*[-–/]\s*(\d{2,4})\b", re.I)),
    ("fy", re.compile(r"\b(?:fiscal year|fy)\s*(\d{4}|\d{2})\s*[-–/]\s*(\d{2,4})\b"
                      r"|\b(\d{4})\s*[-–/]\s*(\d{2,4})\s+(?:state\s+)?fiscal year\b", re.I)),
    ("quarter", re.compile(r"\b(?:q([1-4])|([1-4])q|(first|second|third|fourth|1st|2nd|3rd|4th) quarter)\s*,?\s*(?:of\s+)?"
                           r"(?:the\s+)?(?:calendar(?: year)?\s*|cy\s*)?" + _Y + r"(?!\d)", re.I)),
    ("mdmdy", re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*(?:-|–|—|through|thru|to|until)\s*{_MONTH}\s+"
                         rf"(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)),
    ("mdy", re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)),
    ("dmy", re.compile(rf"\b(\d{{1,2}})\s+{_MONTH}\s+(\d{{4}})\b", re.I)),
    ("half", re.compile(r"\b(?:(first|second|1st|2nd) half(?: of)?|h([12]))\s*,?\s*(?:calendar year\s*|cy\s*)?(\d{4})\b", re.I)),
    ("year", re.compile(r"\b(?:calendar\s+(?:year\s+)?|cy\s*|(?:the\s+)?end\s+of\s+(?:calendar\s+)?|year[- ]end\s+)(\d{4})\b", re.I)),
    ("mmy", re.compile(rf"\b(?:between\s+{_MONTH}\s+and|{_MONTH}\s*(?:through|thru|to|until|and|[-–—]))\s*{_MONTH},?\s+(?:of\s+)?{_Y}(?!\d)", re.I)),
    ("my", re.compile(rf"\b{_MONTH},?\s+(?:of\s+)?{_Y}(?!\d)", re.I)),  # "May 2027", "May, 2027"
    ("iso", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    ("num", re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b")),
    ("nmy", re.compile(r"(?<![/\d])\b(0?[1-9]|1[0-2])/(\d{4})\b")),
]
_ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}


def _month(token: str) -> int:
    key = token.lower().rstrip(".").replace("rn", "m")
    return _MONTHS[key] if key in _MONTHS else _MONTHS[key[:3]]


def _year(token: str) -> int:
    y = int(token.lstrip("'’"))
    return y + 2000 if y < 100 else y


def _last_day(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def find_periods(text: str) -> list[tuple[int, date, date]]:
    """Every date or period in `text`: (offset, first day, last day), in text order."""
    text = re.sub(r"\s", " ", text)  # a wrapped line's "the fourth\nquarter of 2026"
    found: list[tuple[int, int, date, date]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            try:
                period = _period(kind, m)
            except (KeyError, ValueError):
                continue
            if period is None:
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), m.end(), *period))
    found.sort()
    return [(s, a, b) for s, _e, a, b in found]


def _period(kind: str, m: re.Match[str]) -> tuple[date, date] | None:
    g = m.groups()
    if kind == "fyq":  # "Q3 FY 2027-28": the state's fiscal quarters start in July
        q = int(g[0]) if g[0] else _ORD[g[1].lower()]
        y, m = divmod(_year(g[2]) * 12 + 6 + 3 * (q - 1), 12)
        return date(y, m + 1, 1), _last_day(y, m + 3)
    if kind == "fy":
        start_year = _year(g[0] or g[2])
        return date(start_year, 7, 1), date(start_year + 1, 6, 30)
    if kind == "quarter":
        q = int(g[0] or g[1]) if (g[0] or g[1]) else _ORD[g[2].lower()]
        y = _year(g[3])
        return date(y, 3 * q - 2, 1), _last_day(y, 3 * q)
    if kind == "mdmdy":  # "June 1 - August 31, 2027"
        y, (m1, d1), (m2, d2) = _year(g[4]), (_month(g[0]), int(g[1])), (_month(g[2]), int(g[3]))
        return date(y - (m1 > m2), m1, d1), date(y, m2, d2)
    if kind == "mdy":
        d = date(_year(g[2]), _month(g[0]), int(g[1]))
        return d, d
    if kind == "dmy":
        d = date(_year(g[2]), _month(g[1]), int(g[0]))
        return d, d
    if kind == "half":  # "second half of 2027", "H1 2028"
        h = 1 if (g[0] or "").lower() in ("first", "1st") or g[1] == "1" else 2
        y = _year(g[2])
        return (date(y, 1, 1), date(y, 6, 30)) if h == 1 else (date(y, 7, 1), date(y, 12, 31))
    if kind == "year":  # "calendar year 2027", "CY 2027", "the end of 2026": the whole year
        y = _year(g[0])
        return date(y, 1, 1), date(y, 12, 31)
    if kind == "mmy":  # "January through March 2027", "between January and April 2027"
        y, a, b = _year(g[3]), _month(g[0] or g[1]), _month(g[2])
        return date(y if a <= b else y - 1, a, 1), _last_day(y, b)
    if kind == "my":
        y, mo = _year(g[1]), _month(g[0])
        return date(y, mo, 1), _last_day(y, mo)
    if kind == "iso":
        d = date(int(g[0]), int(g[1]), int(g[2]))
        return d, d
    if kind == "num":
        d = date(_year(g[2]), int(g[0]), int(g[1]))
        return d, d
    if kind == "nmy":  # "02/2027"
        y, mo = int(g[1]), int(g[0])
        return date(y, mo, 1), _last_day(y, mo)
    return None


_WORDS = {w: i for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"])}
_WORDS.update({"twenty-four": 24, "thirty": 30, "thirty-six": 36, "forty-eight": 48})
_DURATION = re.compile(r"\b(?:about|approximately|roughly|around)?\s*(\d{1,2}|"
                       + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")\s+months?\b", re.I)
_DEADLINE = re.compile(
    r"\b(?:by|no later than|not later than|before|until|on or before|deadline(?: of)?|go[- ]?live(?: date)?"
    r"|in service by|in place by|(?:complet|finish)\w*(?: date)?|end date|due(?: date)?|cut[- ]?over(?: date)?)"
    r"\s*(?:(?:is|are|will be|would be|should be)\s+)?[:\-–]?\s*(?:(?:on|in|of)\s+)?(?:(?:the )?end of\s*)?$", re.I)


_START_ONLY = re.compile(
    r"\b(?:start\w*|begin\w*|commenc\w*|from|effective|on or after|as of|kick\w*|after)\b[^.;]*$", re.I)
"""Words before a single day that make it a start date only; any other single day ("the week of
October 19, 2026", "on March 3, 2027") is both the start and the end."""


_BARE_START = re.compile(rf"\b(?:start|begin|kick off|get going)\w*\s+(?:\w+\s+){{0,2}}?(?:in|on|around)\s+{_MONTH}(?![\s,]*\d)", re.I)
"""A start month with no year ("start in August"), its year taken from the date after it."""
_YEAR_END = re.compile(r"\b(?:end of (?:the |that |this )?(?:calendar )?year|year[- ]end|end of (?:the |that )?year)\b", re.I)
_YEARS = re.compile(r"\b(?:in |within |over )?(?:about |roughly |around |approximately )?(a|one|two) years?( and a half)?\b", re.I)
_YEARLESS_QUARTER = re.compile(r"\b(first|second|third|fourth|1st|2nd|3rd|4th) quarter\b(?!\s*(?:of\s+)?(?:calendar\s+|fiscal\s+|fy\s*|cy\s*)?['’]?\d)", re.I)
_AFTER_EVENT = re.compile(r"\b(?:after|(?<!the )following|once|when) (?:the |our |its )?(?:[\w-]+ ){0,3}$", re.I)


_REL_MONTH = re.compile(
    r"\b(?:in|by|from|until|till|through|thru|to|before|after|of|during|starting|beginning|begin|start|next|early|late|"
    rf"mid-?|this coming|the coming|coming|the following|following)\s+(?:(?:early|late|mid-?)\s*)?(?P<month>{_MONTH})"
    r"(?![\w'’])(?![.\w'’]*[\s,]*(?:of\s+)?['’]?\d)", re.I)
"""A month named without its year after a word that dates something ("begin next July", "by the end of March")."""
_STRONG = re.compile(r"^(?:next|this coming|the coming|coming|the following|following)\b", re.I)
_FISCAL_NOW = re.compile(r"\b(?:the\s+)?(current|this|next|coming|following)\s+(?:state\s+)?fiscal\s+year\b", re.I)


def with_years(text: str, written: date | None) -> str:
    """The text with the year written after each month it names without one, counted from the day the letter was
    written ("begin next July ... by the following June" in a letter of September 2026: July 2027, June 2028),
    and "the current fiscal year" as the state fiscal year it was written in."""
    if written is None:
        return text
    def fiscal(m: re.Match[str]) -> str:
        y = (written.year if written.month >= 7 else written.year - 1) + (m.group(1).lower() not in ("current", "this"))
        return f"FY {y}-{(y + 1) % 100:02d}"
    text = _FISCAL_NOW.sub(fiscal, text)
    last: list[date] = []
    dated = bool(find_periods(text))  # a text that dates itself: only "next July", "the following June" are counted
    def month(m: re.Match[str]) -> str:
        if dated and not _STRONG.match(m.group(0)):
            return m.group(0)
        mo = _month(m.group("month"))
        ref = last[-1] if last else written
        y = ref.year if (mo > ref.month or (not last and mo == ref.month)) else ref.year + 1
        last.append(date(y, mo, 1))
        word = m.group(0).rstrip(".")
        return f"{word} {y}{m.group(0)[len(word):]}"  # "by the following June." as "... June 2028."
    return _REL_MONTH.sub(month, text)


def normalise_period(text: str, written: date | None = None) -> tuple[str | None, str | None]:
    """ISO (start, end) of the period a text describes: first date's start, last date's end; months named
    without a year are dated from `written`, the day the letter was written, when it is known.

    A single start date with a duration ("beginning January 2027, about 18 months") ends
    that many months later.
    """
    text = with_years(text, written)
    periods = find_periods(text)
    if not periods:
        return None, None
    anchored = [p for p in periods if not _AFTER_EVENT.search(text[max(0, p[0] - 40): p[0]])]
    if anchored and len(anchored) < len(periods):
        periods = anchored  # "between January and April 2027, after the November 2026 election": the election is no bound
    bare = _BARE_START.search(text[: periods[0][0]])
    if len(periods) == 1 and _DEADLINE.search(text[: periods[0][0]]) and not bare:
        return None, periods[0][2].isoformat()  # "by June 30, 2027": a deadline is an end date
    start = periods[0][1]
    if bare:  # "start in August, finished by the end of September 2026"
        month = _month(bare.group(1))
        start = date(periods[0][1].year - (month > periods[0][1].month), month, 1)
        if len(periods) == 1:
            periods = [(bare.start(), start, start), *periods]
    if len(periods) > 1:  # "Oct 2026 - Mar 2027 (splicing Feb 2027)", "06/30/2027 (kickoff 02/2027)": the span of them
        start = min(start, *(p[1] for p in periods))
    end = max(p[2] for p in periods) if len(periods) > 1 else None
    if end is None and (q := _YEARLESS_QUARTER.search(text, periods[0][0] + 1)):
        # "order in the first quarter of 2027 and finish by the end of the second quarter": its year
        n = _ORD[q.group(1).lower()]
        year = periods[0][1].year + (3 * n < periods[0][1].month)
        end = _last_day(year, 3 * n)
    if end is None and _YEAR_END.search(text[periods[0][0]:]):
        end = date(start.year, 12, 31)  # "start in July 2026 and be finished by the end of the calendar year"
    if end is None:
        d = _DURATION.search(text)
        y = _YEARS.search(text)
        if not d and y:
            n = 12 * (1 if y.group(1).lower() in ("a", "one") else 2) + (6 if y.group(2) else 0)
            yy, m0 = divmod(start.year * 12 + start.month - 1 + n - 1, 12)
            end = _last_day(yy, m0 + 1)
        elif d:
            n = int(d.group(1)) if d.group(1).isdigit() else _WORDS[d.group(1).lower()]
            # n months starting with the start month end on the last day of month n.
            y, m0 = divmod(start.year * 12 + start.month - 1 + n - 1, 12)
            end = _last_day(y, m0 + 1)
        else:
            end = periods[0][2]
            if end == start and _START_ONLY.search(text[: periods[0][0]]):
                end = None  # "beginning July 1, 2026": a start with no end
    if end is not None and end < start:
        start, end = end, start
    return start.isoformat(), end.isoformat() if end else None


_RELATIVE = re.compile(
    r"\b(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|twelve|eighteen|twenty|thirty|sixty|ninety)"
    r"[- ](?:calendar |business |working )?(?:days?|weeks?|months?)\s+(?:of|after|from|following)\s+"
    r"(?:(?:the |your |delegation |contract )?(?:date of |day of )?(?:approval|delegation|award|notice|authori[sz]ation|receipt))"
    r"|\b(?:upon|immediately after|as soon as we (?:receive|have|get)) (?:your )?(?:approval|delegation)\b"
    r"|\b(?:as soon as|once|when|after) (?:the |your |our )?(?:approval|delegation|request) (?:is |has been )?"
    r"(?:received|granted|approved|in hand)\b|\bonce (?:we (?:receive|have|get) )?(?:your )?approval\b"
    r"|\b(?:once|after|when) (?:we (?:get|have|receive) )?(?:the |your )?(?:go-ahead|green light|sign-?off|ok|okay)\b"
    r"|\b(?:spring|summer|fall|autumn|winter)\s+(?:of\s+)?20\d\d\b|\b(?:next|this coming|the coming)\s+"
    r"(?:spring|summer|fall|autumn|winter)\b", re.I)
"""A period stated without dates ("within 60 days of approval", "spring 2027": seasons have no agreed dates): a
timeframe, undated."""


_NO_SCHEDULE = re.compile(
    r"\b(?:work(?:ing)? out|set(?:ting)?|determin\w*|finali[sz]\w*|confirm\w*) (?:the |a )?(?:schedule|timeline|dates?)\b"
    r"|\bno (?:firm |set )?(?:schedule|timeline|dates?)\b"
    r"|\b(?:schedule|timeline|dates?) (?:is |are |will be )?(?:tbd|to be determined|not (?:yet )?(?:set|known|final))", re.I)
"""A text that says the schedule is still open ("we will work out the schedule once delegation is approved")."""


def states_period(text: str, written: date | None = None) -> bool:
    """Whether a text gives a period: a date the reader understands, or one relative to approval (not a
    schedule still to be worked out)."""
    if find_periods(with_years(text, written)):
        return True
    return bool(_RELATIVE.search(text)) and not _NO_SCHEDULE.search(text)


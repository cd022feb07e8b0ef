"""The words and numbers around a trend chart: dates, totals, which days get a label. Pure.

Month names are spelled out here rather than with strftime, whose names follow the process
locale: the same data must give the same picture (and the same PNG bytes) on every machine.
"""

from __future__ import annotations

from datetime import date

from bot.charts.trend_series import TrendSeries

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MINUS = "\u2212"  # a real minus sign: a hyphen looks like a dash next to a number


def short_day(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}"


def long_day(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def period_text(days: tuple[date, ...]) -> str:
    """ "Mar 14, 2026" or "Feb 14 – Mar 15, 2026" (the year once when both ends share it)."""
    if not days:
        return ""
    first, last = days[0], days[-1]
    if first == last:
        return long_day(first)
    start = short_day(first) if first.year == last.year else long_day(first)
    return f"{start} \u2013 {long_day(last)}"


def signed(value: float) -> str:
    """A tone with its sign: +0.25, −0.40, 0.00."""
    text = f"{abs(value):.2f}"
    if text == "0.00":
        return text
    return ("+" if value > 0 else MINUS) + text


def label_positions(count: int, max_labels: int) -> list[int]:
    """Indexes of the days that get a date label: evenly spaced, always the last day (today, or
    the day a digest covers), with a whole-week stride once days are many so the labels fall on
    the same weekday."""
    if count <= 0:
        return []
    stride = 1
    while (count + stride - 1) // stride > max_labels:
        stride += 1
    if stride > 4:
        stride = (stride + 6) // 7 * 7
    return sorted(range(count - 1, -1, -stride))


def total_requests(series: TrendSeries) -> int:
    return sum(series.requests)


def overall_tone(series: TrendSeries) -> float | None:
    """The mean tone of every request message in the series (days weighted by their count)."""
    weighted = [
        (count, tone)
        for count, tone in zip(series.requests, series.mean_tone, strict=False)
        if tone is not None and count > 0
    ]
    total = sum(count for count, _ in weighted)
    if total == 0:
        return None
    return sum(count * tone for count, tone in weighted) / total


def category_totals(series: TrendSeries) -> list[tuple[str, int]]:
    """Categories with their totals, largest first (ties in the series' order), zeros left out."""
    totals = [(name, sum(counts)) for name, counts in series.categories.items()]
    ranked = sorted(enumerate(totals), key=lambda item: (-item[1][1], item[0]))
    return [pair for _, pair in ranked if pair[1] > 0]


def busiest_day(series: TrendSeries) -> tuple[date, int] | None:
    """The day with the most request messages (the latest of equals); None when all are zero."""
    if not series.days or max(series.requests, default=0) == 0:
        return None
    best = max(range(len(series.days)), key=lambda i: (series.requests[i], i))
    return series.days[best], series.requests[best]


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def summary_line(series: TrendSeries) -> str:
    """One line under the chart's title: totals, tone and the main reaction."""
    total = total_requests(series)
    if total == 0:
        return f"{plural(len(series.days), 'day')}, no request messages"
    parts = [plural(total, "request message")]
    tone = overall_tone(series)
    if tone is not None:
        parts.append(f"mean tone {signed(tone)}")
    ranked = category_totals(series)
    if ranked:
        name, count = ranked[0]
        share = f"{round(100 * count / total)}%"
        tied = [other for other, n in ranked if n == count]
        if len(tied) > 1:  # a shared lead is never "mostly" anything
            parts.append(f"{', '.join(tied[:-1])} and {tied[-1]} tied ({share} each)")
        else:
            parts.append(f"mostly {name} ({share})")
    return " \u00b7 ".join(parts)


def quiet_text(series: TrendSeries) -> str:
    days = len(series.days)
    span = "that day" if days == 1 else f"these {days} days"
    return f"A quiet stretch: nothing about open-sourcing {span}"

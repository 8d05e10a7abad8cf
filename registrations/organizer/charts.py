"""Server-side SVG charts for the dashboard: no JavaScript, readable on a phone.

The SVG scales to its container (viewBox, width 100%) and its text is sized for the
scaled-down drawing to stay legible. Each chart has a <title> and <desc> for screen
readers; the page shows the same numbers in a table next to it.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil, log10

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 480  # user units; 16-unit text stays ≥ 12 px on a 360 px wide phone
FONT = 'font-family="system-ui, sans-serif"'
INK, MUTED, ACCENT, TRACK, FULL = "#1b1f24", "#4a5561", "#0b5cad", "#dfe6ed", "#a4161a"
MAX_BARS = 60


@dataclass(frozen=True)
class Bucket:
    start: date
    days: int  # 1 for a day, 7 for a week
    count: int


def buckets_over_time(per_day: list[tuple[date, int]]) -> list[Bucket]:
    """Counts per day with the empty days filled in; per week (from Mondays) when the days
    would not fit as readable bars."""
    if not per_day:
        return []
    counts = dict(per_day)
    first, last = min(counts), max(counts)
    span = (last - first).days + 1
    if span <= MAX_BARS:
        return [
            Bucket(first + timedelta(days=i), 1, counts.get(first + timedelta(days=i), 0))
            for i in range(span)
        ]
    monday = first - timedelta(days=first.weekday())
    weeks = ceil(((last - monday).days + 1) / 7)
    totals = [0] * weeks
    for day, n in counts.items():
        totals[(day - monday).days // 7] += n
    return [Bucket(monday + timedelta(weeks=i), 7, totals[i]) for i in range(weeks)]


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2, 3, 4, 5, 6 or 8 × 10ⁿ at or above `value` (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** int(log10(value))
    for step in (1, 2, 3, 4, 5, 6, 8, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover


def _label(bucket: Bucket) -> str:
    return f"{bucket.start:%b} {bucket.start.day}"


_BARS_HEIGHT, _LEFT, _RIGHT, _TOP, _BOTTOM = 260, 40, 8, 14, 46


def registrations_chart(buckets: list[Bucket], *, title: str, chart_id: str) -> SafeString:
    """Bars of attendees registered per day (or week), with a labelled count axis."""
    plot_h = _BARS_HEIGHT - _TOP - _BOTTOM
    unit = "week" if buckets and buckets[0].days == 7 else "day"
    top_value = nice_ceiling(max((b.count for b in buckets), default=0))
    parts = [
        *_svg_open(chart_id, title, _bars_description(buckets, unit)),
        *_count_axis(top_value, plot_h),
    ]
    if not buckets:
        parts.append(
            f'<text x="{WIDTH / 2}" y="{_TOP + plot_h / 2}" font-size="18" fill="{MUTED}" '
            f'text-anchor="middle">No registrations yet</text></svg>'
        )
        return mark_safe("".join(parts))  # noqa: S308 - every text part is escaped
    parts += _bars(buckets, top_value, plot_h)
    parts.append(
        f'<line x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{_TOP + plot_h}" y2="{_TOP + plot_h}" '
        f'stroke="{INK}" stroke-width="1.5"/>'
    )
    parts.append(
        f'<text x="{_LEFT}" y="{_BARS_HEIGHT - 6}" font-size="14" fill="{MUTED}">'
        f"Attendees per {unit}</text></svg>"
    )
    return mark_safe("".join(parts))  # noqa: S308 - every text part is escaped


def _bars_description(buckets: list[Bucket], unit: str) -> str:
    if not buckets:
        return "No registrations yet."
    total = sum(b.count for b in buckets)
    return (
        f"{total} attendees over {len(buckets)} {unit}s, from {_label(buckets[0])} "
        f"to {_label(buckets[-1])}; the busiest {unit} had {max(b.count for b in buckets)}."
    )


def _svg_open(chart_id: str, title: str, desc: str) -> list[str]:
    return [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {_BARS_HEIGHT}" '
        f'width="100%" role="img" aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" '
        f'xmlns="http://www.w3.org/2000/svg" {FONT}>',
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-d">{escape(desc)}</desc>',
    ]


def _count_axis(top_value: int, plot_h: float) -> list[str]:
    parts = []
    for tick in sorted({0, top_value // 2, top_value} if top_value > 1 else {0, 1}):
        y = _TOP + plot_h - plot_h * tick / top_value
        parts.append(
            f'<line x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{TRACK}" stroke-width="1"/>'
            f'<text x="{_LEFT - 8}" y="{y + 5:.1f}" font-size="16" fill="{MUTED}" '
            f'text-anchor="end">{tick}</text>'
        )
    return parts


def _bars(buckets: list[Bucket], top_value: int, plot_h: float) -> list[str]:
    """One bar per bucket, and a date under about six of them (always the last)."""
    parts = []
    slot = (WIDTH - _LEFT - _RIGHT) / len(buckets)
    bar_w = min(max(slot * 0.75, 1), 48)
    label_every = max(1, ceil(len(buckets) / 6))
    label_y = _BARS_HEIGHT - _BOTTOM + 22
    for index, bucket in enumerate(buckets):
        x = _LEFT + index * slot + (slot - bar_w) / 2
        bar_h = plot_h * bucket.count / top_value
        y = _TOP + plot_h - bar_h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{bar_h:.1f}" '
            f'fill="{ACCENT}"><title>{escape(_label(bucket))}: {bucket.count}</title></rect>'
        )
        last = index == len(buckets) - 1
        if index % label_every == 0 and (last or len(buckets) - 1 - index >= label_every):
            anchor = "end" if last and len(buckets) > 1 else "middle"
            label_x = min(x + bar_w / 2, WIDTH - _RIGHT) if anchor == "middle" else WIDTH - _RIGHT
            parts.append(
                f'<text x="{label_x:.1f}" y="{label_y}" font-size="16" '
                f'fill="{MUTED}" text-anchor="{anchor}">{escape(_label(bucket))}</text>'
            )
        elif last:
            parts.append(
                f'<text x="{WIDTH - _RIGHT}" y="{label_y}" font-size="16" '
                f'fill="{MUTED}" text-anchor="end">{escape(_label(bucket))}</text>'
            )
    return parts


@dataclass(frozen=True)
class CapacityBar:
    label: str
    taken: int
    capacity: int | None  # None: no limit


def _shorten(text: str, length: int = 40) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def capacity_chart(bars: list[CapacityBar], *, title: str, chart_id: str) -> SafeString:
    """One line per ticket type or session: its name and "N left of M" above a bar showing
    the share of seats taken (red when full)."""
    row_h, label_h, bar_h = 50, 20, 16
    height = max(len(bars), 1) * row_h + 4
    full = [b.label for b in bars if b.capacity is not None and b.taken >= b.capacity]
    desc = f"{len(bars)} lines; full: {', '.join(full) if full else 'none'}."
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" '
        f'xmlns="http://www.w3.org/2000/svg" {FONT}>',
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-d">{escape(desc)}</desc>',
    ]
    for index, bar in enumerate(bars):
        y = 2 + index * row_h
        bar_y = y + label_h + 4
        parts.append(
            f'<rect x="0" y="{bar_y}" width="{WIDTH}" height="{bar_h}" rx="3" fill="{TRACK}"/>'
        )
        if bar.capacity is None:
            note = f"{bar.taken} taken · no limit"
        else:
            share = min(bar.taken / bar.capacity, 1) if bar.capacity else 1
            left = max(bar.capacity - bar.taken, 0)
            colour = FULL if left == 0 else ACCENT
            parts.append(
                f'<rect x="0" y="{bar_y}" width="{WIDTH * share:.1f}" height="{bar_h}" '
                f'rx="3" fill="{colour}"/>'
            )
            note = f"full ({bar.capacity})" if left == 0 else f"{left} left of {bar.capacity}"
        label = _shorten(bar.label, max(12, 48 - len(note)))
        parts.append(
            f'<text x="0" y="{y + label_h - 3}" font-size="16" fill="{INK}">'
            f"<title>{escape(bar.label)}</title>{escape(label)}</text>"
            f'<text x="{WIDTH}" y="{y + label_h - 3}" font-size="16" fill="{INK}" '
            f'text-anchor="end" font-weight="600">{escape(note)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part is escaped

"""`cradle report`: an offline, self-contained HTML (or CSV) report for a steering group, from
the anonymised insight log. Every count below 5 is shown as "<5", in tables and charts.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import html
import io
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cradle.content import get_topic, topic_ids
from cradle.insights import InsightLog, Turn
from cradle.service_request import get_request_reader

SUPPRESS_BELOW = 5
# How often each topic comes up in the demo month (low mood and sleep most asked); a topic
# added later gets an ordinary weight.
DEMO_TOPIC_WEIGHTS = {
    "low-mood": 14,
    "anxiety": 12,
    "intrusive-thoughts": 5,
    "bonding": 6,
    "dads": 7,
    "relationships": 8,
    "domestic-abuse": 3,
    "birth-experience": 4,
    "sleep-and-exhaustion": 12,
    "crying-baby": 10,
    "asking-for-help": 6,
    "pregnancy-wellbeing": 5,
}


def shown(count: int) -> str:
    """Small-number suppression: a count below 5 is never shown exactly."""
    return f"<{SUPPRESS_BELOW}" if 0 < count < SUPPRESS_BELOW else str(count)


def share(part: int, whole: int) -> str:
    if whole == 0:
        return "no data"
    if 0 < part < SUPPRESS_BELOW or 0 < whole - part < SUPPRESS_BELOW:
        return "suppressed (a count is below 5)"
    return f"{100 * part / whole:.0f}% ({shown(part)} of {shown(whole)})"


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)  # raw counts; shown() when rendered
    note: str = ""


@dataclass
class Report:
    start: dt.date
    end: dt.date
    turns: int
    headline: list[tuple[str, str]]
    tables: list[Table]
    charts: list[tuple[str, str]]  # (title, base64 PNG)


def build_report(log: InsightLog, start: dt.date, end: dt.date) -> Report:
    rows = log.rows(start, end)
    total = len(rows)
    topics = topic_ids()
    titles = {t: get_topic(t).title for t in topics}
    outside = sum(1 for r in rows if not r["office_hours"])
    with_audience = [r for r in rows if r["audience"]]
    dads = sum(1 for r in with_audience if r["audience"] == "dad-or-partner")
    crisis = sum(1 for r in rows if r["safety"] in ("urgent", "emergency"))
    headline = [
        ("Turns in the period", shown(total)),
        ("Outside office hours (Mon-Fri 9am-5pm, not bank holidays)", share(outside, total)),
        (
            "Dads or partners, among turns where the person said who they are",
            share(dads, len(with_audience)),
        ),
        ("Turns that got crisis help (urgent or emergency)", shown(crisis)),
        (
            "Text messages (SMS) rather than web chat",
            share(sum(1 for r in rows if r["channel"] == "sms"), total),
        ),
    ]
    months = sorted({r["month"] for r in rows})
    by_month = Counter((r["topic"], r["month"]) for r in rows if r["topic"])
    topics_table = Table(
        "Topics asked about, by month",
        ["Topic", *months],
        [[titles[t], *[by_month[(t, m)] for m in months]] for t in topics],
    )
    district_table = Table(
        "Top needs in each district",
        ["District", "Need", "Turns"],
        note="The three most asked-about topics where the person gave a place.",
    )
    for district in sorted({r["district"] for r in rows if r["district"]}):
        counts = Counter(r["topic"] for r in rows if r["district"] == district and r["topic"])
        for topic, count in counts.most_common(3):
            district_table.rows.append([district, titles[topic], count])
    signposts: Counter[str] = Counter()
    for r in rows:
        signposts.update(json.loads(r["services"] or "[]"))
    service_table = Table(
        "Times each service was signposted",
        ["Service", "Signposts"],
        [[s, c] for s, c in signposts.most_common()],
    )
    gaps = Counter((r["gap_need"], r["gap_district"]) for r in rows if r["gap"])
    gap_districts = sorted({d for _, d in gaps})
    gap_table = Table(
        "Gap map: needs with no local listed service, by district",
        ["Need", *gap_districts],
        [[titles[n], *[gaps[(n, d)] for d in gap_districts]] for n in sorted({n for n, _ in gaps})],
        note="How often parents asked for local support that the catalogue could not give.",
    )
    groups = Counter((r["gap_group"], r["district"] or "not given") for r in rows if r["gap_group"])
    group_table = Table(
        "Groups of parents, or kinds of help, asked for and not listed",
        ["Asked for", "District", "Times"],
        [[get_request_reader().words_for(g), d, c] for (g, d), c in sorted(groups.items())],
        note=(
            "A request for, say, a group for LGBTQ+ parents or a parenting course, when no "
            "service found was for it."
        ),
    )
    help_table = Table("Was this helpful? (by topic)", ["Topic", "Yes", "No", "Share yes"])
    for topic in topics:
        yes = sum(1 for r in rows if r["topic"] == topic and r["feedback"] == "yes")
        no = sum(1 for r in rows if r["topic"] == topic and r["feedback"] == "no")
        if yes or no:
            help_table.rows.append([titles[topic], yes, no, share(yes, yes + no)])
    reasons = Counter(r["feedback_reason"] for r in rows if r["feedback_reason"])
    reason_table = Table(
        "Why an answer did not help",
        ["Reason", "Times"],
        [[k, v] for k, v in reasons.most_common()],
    )
    charts = []
    if total:
        topic_totals = [(titles[t], sum(by_month[(t, m)] for m in months)) for t in topics]
        charts.append(("Topics asked about in the period", _bar_chart(topic_totals)))
        if gaps:
            charts.append(("Gap map", _heatmap(gap_table)))
    return Report(
        start,
        end,
        total,
        headline,
        [
            topics_table,
            district_table,
            service_table,
            gap_table,
            group_table,
            help_table,
            reason_table,
        ],
        charts,
    )


def _png(fig: Any) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode()


def _bar_chart(items: list[tuple[str, int]]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5))
    labels = [name for name, _ in items]
    # Suppressed counts are drawn as empty bars labelled "<5", never at their true height.
    heights = [0 if 0 < count < SUPPRESS_BELOW else count for _, count in items]
    bars = ax.barh(labels, heights, color="#1d3e5e")
    for bar, (_, count) in zip(bars, items, strict=True):
        ax.text(
            bar.get_width() + 0.5,
            bar.get_y() + bar.get_height() / 2,
            shown(count),
            va="center",
            fontsize=9,
        )
    ax.invert_yaxis()
    ax.set_xlabel("Turns (counts below 5 are shown as <5)")
    fig.tight_layout()
    result = _png(fig)
    plt.close(fig)
    return result


def _heatmap(table: Table) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    values = [[0 if 0 < v < SUPPRESS_BELOW else v for v in row[1:]] for row in table.rows]
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(values) + 1.5))
    ax.imshow(values, cmap="Reds", aspect="auto")
    ax.set_xticks(range(len(table.columns) - 1), table.columns[1:], rotation=30, ha="right")
    ax.set_yticks(range(len(table.rows)), [row[0] for row in table.rows])
    top = max((v for row in values for v in row), default=0) or 1
    for i, row in enumerate(table.rows):
        for j, value in enumerate(row[1:]):
            dark = values[i][j] > top * 0.6  # white text on dark cells, for contrast
            ax.text(
                j,
                i,
                shown(value),
                ha="center",
                va="center",
                fontsize=9,
                color="white" if dark else "black",
            )
    fig.tight_layout()
    result = _png(fig)
    plt.close(fig)
    return result


def render_html(report: Report) -> str:
    esc = html.escape
    parts = [
        "<!doctype html><html lang='en-GB'><head><meta charset='utf-8'>",
        "<title>Cradle insight report</title><style>body{font-family:Arial,sans-serif;"
        "max-width:60rem;margin:2rem auto;padding:0 1rem;color:#0b0c0c}h1,h2{color:#1d3e5e}"
        "table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #b1b4b6;"
        "padding:.3rem .6rem;text-align:left}img{max-width:100%}.note{color:#505a5f}</style>",
        "</head><body><h1>Cradle insight report</h1>",
        f"<p>{report.start.isoformat()} to {report.end.isoformat()}. Anonymised: no message "
        "text, no names, no numbers. Counts below 5 are shown as &lt;5.</p><table>",
    ]
    parts += [f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in report.headline]
    parts.append("</table>")
    for title, png in report.charts:
        parts.append(
            f"<h2>{esc(title)}</h2><img alt='{esc(title)}' src='data:image/png;base64,{png}'>"
        )
    for table in report.tables:
        parts.append(f"<h2>{esc(table.title)}</h2>")
        if table.note:
            parts.append(f"<p class='note'>{esc(table.note)}</p>")
        if not table.rows:
            parts.append("<p>No data in this period.</p>")
            continue
        parts.append("<table><tr>" + "".join(f"<th>{esc(c)}</th>" for c in table.columns) + "</tr>")
        for row in table.rows:
            cells = [shown(v) if isinstance(v, int) else str(v) for v in row]
            parts.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_csv(report: Report, out: Path) -> None:
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["table", "row", "column", "value"])
        for key, value in report.headline:
            writer.writerow(["Summary", key, "", value])
        for table in report.tables:
            for row in table.rows:
                for column, value in zip(table.columns[1:], row[1:], strict=True):
                    writer.writerow(
                        [
                            table.title,
                            row[0],
                            column,
                            shown(value) if isinstance(value, int) else value,
                        ]
                    )


# --- a synthetic month, through the real logging code -------------------------------------


def generate_demo(
    log: InsightLog, days: int = 30, end: dt.date | None = None, seed: int = 1001, per_day: int = 60
) -> int:
    """Write a realistic synthetic month of turns with InsightLog.record (no real users)."""
    from cradle.areas import get_areas
    from cradle.catalogue.build import build_catalogue
    from cradle.catalogue.store import Catalogue, SearchQuery
    from cradle.paths import content_dir

    rng = random.Random(seed)
    end = end or dt.date.today()
    districts = sorted(get_areas().district_names)
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "catalogue.db"
        build_catalogue(content_dir() / "services", path)
        catalogue = Catalogue.open(path, frozenset(districts))
        topics = topic_ids()
        weights = [DEMO_TOPIC_WEIGHTS.get(t, 5) for t in topics]
        hours = [3, 2, 2, 2, 1, 1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6, 7, 8, 7, 5]
        turns: list[Turn] = []
        for day_offset in range(days):
            day = end - dt.timedelta(days=days - 1 - day_offset)
            for _ in range(rng.randint(per_day // 2, per_day)):
                hour = rng.choices(range(24), hours)[0]
                when = dt.datetime(
                    day.year, day.month, day.day, hour, rng.randint(0, 59), tzinfo=dt.timezone.utc
                )
                topic = rng.choices(topics, weights)[0]
                audience = rng.choices(["mum", "dad-or-partner", None], [45, 20, 35])[0]
                district = rng.choice([*districts, None, None])
                services: tuple[str, ...] = ()
                gap = None
                if district and rng.random() < 0.6:
                    outcome = catalogue.search(
                        SearchQuery(
                            needs=tuple(get_topic(topic).needs),
                            district=district,
                            audience=audience,
                            when=when,
                        )
                    )
                    services = tuple(r.id for r in outcome.results)
                    gap = topic if not outcome.local_found else None
                safety = rng.choices(["none", "support", "urgent", "emergency"], [90, 6, 3, 1])[0]
                feedback = rng.choices(["yes", "no", None], [25, 8, 67])[0] if services else None
                turns.append(
                    Turn(
                        when=when,
                        channel=rng.choices(["web", "sms"], [70, 30])[0],
                        topic=topic,
                        safety=safety,
                        audience=audience,
                        district=district,
                        services=services,
                        gap_need=gap,
                        feedback=feedback,
                    )
                )
        catalogue.close()
    log.record_many(turns)  # one transaction: a month is a few thousand rows
    return len(turns)

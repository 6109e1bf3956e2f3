"""Review workflow: record a real review, and export a readable review pack."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import yaml

from cradle.content import ContentError, load_topic, topic_ids
from cradle.content_check import Checker
from cradle.glossary import load_glossary
from cradle.sms import segments

# Who may record a review: the co-production panel's roles.
REVIEW_ROLES = (
    "parent",
    "dad-or-partner",
    "health-visitor",
    "midwife",
    "perinatal-practitioner",
    "gp",
    "psychologist",
    "council-officer",
    "safeguarding-lead",
)


def approve(
    topic_path: Path, role: str, note: str, today: dt.date, next_review: dt.date | None = None
) -> None:
    """Append a review entry, mark the topic approved, and set the next review date."""
    if role not in REVIEW_ROLES:
        raise ValueError(f"role must be one of: {', '.join(REVIEW_ROLES)}")
    if not note.strip():
        raise ValueError("a review needs a note saying what was checked")
    topic = load_topic(topic_path)
    text = topic_path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = dict(topic.meta)
    meta["review"] = [
        *list(meta.get("review") or []),
        {"role": role, "date": today, "note": note.strip()},
    ]
    meta["status"] = "approved"
    meta["review_due"] = next_review or today.replace(year=today.year + 1)
    dumped = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
    topic_path.write_text(f"---\n{dumped}---\n{body}", encoding="utf-8")


def _markdown_to_html(text: str) -> str:
    """The small Markdown subset topic files use: paragraphs and '-' lists. All text escaped."""
    out, items = [], []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.split("\n")
        if all(line.lstrip().startswith("- ") for line in lines):
            items = [f"<li>{html.escape(line.lstrip()[2:])}</li>" for line in lines]
            out.append("<ul>" + "".join(items) + "</ul>")
        else:
            out.append(f"<p>{html.escape(' '.join(lines))}</p>")
    return "\n".join(out)


def export_html(content: Path) -> str:
    """One self-contained HTML page with every topic and the glossary, for a review panel."""
    esc = html.escape
    parts = [
        "<!doctype html><html lang='en-GB'><head><meta charset='utf-8'>",
        "<title>Cradle content review pack</title><style>",
        "body{font-family:Arial,sans-serif;max-width:48rem;margin:2rem auto;line-height:1.5;"
        "color:#0b0c0c;padding:0 1rem}h1,h2{color:#1d3e5e}section{border-top:3px solid #1d3e5e;"
        "margin-top:2rem}.meta{background:#f3f2f1;padding:.5rem 1rem}table{border-collapse:"
        "collapse}td,th{border:1px solid #b1b4b6;padding:.3rem .5rem;text-align:left}"
        ".draft{color:#d4351c;font-weight:bold}",
        "</style></head><body>",
        "<h1>Cradle content review pack</h1>",
        f"<p>Generated {dt.date.today().isoformat()}. Every topic shows its status and the "
        "reviews recorded so far. Please note comments against the topic id and section.</p>",
        "<h2>Contents</h2><ul>",
    ]
    folder = content / "topics"
    topics = [load_topic(folder / f"{t}.md") for t in topic_ids(folder)]
    parts += [f"<li><a href='#{t.id}'>{esc(t.title)}</a> ({esc(t.status)})</li>" for t in topics]
    parts.append("<li><a href='#glossary'>Glossary</a></li></ul>")
    for topic in topics:
        meta = topic.meta
        reviews = (
            "".join(
                f"<li>{esc(str(r.get('date')))}: {esc(str(r.get('role')))}: "
                f"{esc(str(r.get('note', '')))}</li>"
                for r in meta.get("review") or []
            )
            or "<li>No review recorded yet.</li>"
        )
        sms = " ".join(str(meta.get("sms", "")).split())
        sms_dads = " ".join(str(meta.get("sms_dads", "")).split())
        sms_helping = " ".join(str(meta.get("sms_helping", "")).split())
        status_class = "" if topic.approved else "draft"
        parts += [
            f"<section id='{esc(topic.id)}'><h2>{esc(topic.title)}</h2>",
            "<div class='meta'>",
            f"<p>Topic id: <code>{esc(topic.id)}</code>. Status: "
            f"<span class='{status_class}'>{esc(topic.status)}</span>. Review due: "
            f"{esc(str(meta.get('review_due')))}. Reading ease: "
            f"{Checker.reading_ease(topic):.0f}.</p>",
            f"<p>Text message ({segments(sms)} segments): {esc(sms)}</p>",
            f"<p>Text message for dads and partners ({segments(sms_dads)} segments): "
            f"{esc(sms_dads)}</p>",
            f"<p>Text message for family and friends asking about someone else "
            f"({segments(sms_helping)} segments): {esc(sms_helping)}</p>",
            f"<p>Reviews:</p><ul>{reviews}</ul>",
            "<p>Sources:</p><ul>"
            + "".join(f"<li>{esc(s['title'])}: {esc(s['url'])}</li>" for s in topic.sources)
            + "</ul>",
            "</div>",
        ]
        for section in topic.sections:
            parts.append(f"<h3>{esc(section.heading)}</h3>{_markdown_to_html(section.text)}")
        parts.append("</section>")
    glossary = load_glossary(content / "glossary.yml")
    parts.append(
        "<section id='glossary'><h2>Glossary</h2><table><tr><th>Professional term"
        "</th><th>Parents' words</th><th>Explanation</th></tr>"
    )
    parts += [
        f"<tr><td>{esc(e.term)}</td><td>{esc(e.parent_words)}</td>"
        f"<td>{esc(e.explanation)}</td></tr>"
        for e in glossary.entries
    ]
    parts.append("</table></section></body></html>")
    return "\n".join(parts)


def topic_path(content: Path, topic_id: str) -> Path:
    if topic_id not in topic_ids(content / "topics"):
        raise ContentError(content / "topics", f"unknown topic id {topic_id!r}")
    return content / "topics" / f"{topic_id}.md"

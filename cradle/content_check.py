"""`cradle content check`: keep the shared-language content honest, with file and line for each
problem.

Rules: schema (each topic file with its own `order`); enough NLU examples for each topic's
intent; unexplained professional terms; reading ease; SMS length (GSM-7 aware); phrases from
the avoid list; sources; phone numbers that match no catalogue entry; review dates in the past
(a warning). The catalogue: every entry builds (a phone number or a verification without its
source fails, as does a need with no topic file), national lines stay within their remit
(content/remits.yml), and no parent-facing text claims "kite-marked" while no real kite-mark
scheme exists (content/kitemark.yml).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import textstat

from cradle.catalogue.model import MEETING
from cradle.content import (
    SECTION_KEYS,
    SHORT_TEXT_KEYS,
    ContentError,
    Topic,
    intent_for_topic,
    load_topic,
)
from cradle.glossary import load_glossary
from cradle.paths import PROJECT_ROOT
from cradle.responses import line_responses, load_crisis_panel
from cradle.sms import segments
from cradle.yamlio import load_yaml

AUDIENCES = ("mum", "dad-or-partner", "any")
STAGES = ("pregnancy", "0-3-months", "3-12-months", "12-24-months")
STATUSES = ("draft", "approved")
SECTIONS = (
    "What this is",
    "You're not alone",
    "What can help today",
    "When to get help",
    "How to get help",
)
DADS_SECTION = "For dads and partners"
FAMILY_SECTION = "For family and friends"
MAX_SMS_SEGMENTS = 1  # one text costs a parent one segment, and arrives whole
# A floor, not a target: Rasa's FAQ suggests 20-30 examples per intent to begin with, and more
# for intents easily confused, as topics are; the shipped topics have 100 each.
MIN_NLU_EXAMPLES = 20
# UK numbers as written in text: 0808 2000 247, 116 123, 111, 999, 85258.
_PHONE = re.compile(
    r"(?<![\d/])(0\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}|1\d\d(?: \d{3})?|999|\d{5})(?![\d/])"
)


_KITEMARKED = re.compile(r"kite[- ]?marked", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    path: str
    line: int | None
    rule: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: [{self.rule}] {self.message}"


@dataclass(frozen=True)
class Style:
    avoid: tuple[tuple[str, str], ...]
    reading_ease_min: float
    allowed_numbers: frozenset[str]
    sms_24_7_numbers: tuple[str, ...] = ()


def load_style(path: Path) -> Style:
    data = load_yaml(path)
    avoid = tuple(
        (str(a["phrase"]).lower(), str(a.get("why", ""))) for a in data.get("avoid") or []
    )
    return Style(
        avoid,
        float(data.get("reading_ease_min", 60)),
        frozenset(str(n) for n in data.get("allowed_numbers") or []),
        tuple(str(n) for n in data.get("sms_24_7_numbers") or []),
    )


def digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def catalogue_numbers(services_dir: Path) -> frozenset[str]:
    """Every phone number in the catalogue source, as digits."""
    found = set()
    for path in sorted(services_dir.glob("*.yml")):
        for entry in load_yaml(path).get("services") or []:
            for phone in (entry or {}).get("phones") or []:
                found.add(digits(str(phone.get("number", ""))))
    return frozenset(found)


def nlu_example_counts(nlu_dir: Path) -> dict[str, int]:
    """How many training examples each intent has in the Rasa data folder (bot/data/*.yml)."""
    counts: dict[str, int] = {}
    for path in sorted(nlu_dir.glob("*.yml")):
        for block in load_yaml(path).get("nlu") or []:
            if isinstance(block, dict) and block.get("intent"):
                examples = str(block.get("examples") or "").splitlines()
                found = sum(1 for line in examples if line.strip().startswith("- "))
                counts[str(block["intent"])] = counts.get(str(block["intent"]), 0) + found
    return counts


def _shown(path: Path) -> str:
    """A path as a person would type it: relative to the project when inside it."""
    try:
        return str(path.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def _key_line(lines: list[str], key: str) -> int | None:
    for number, line in enumerate(lines, start=1):
        if re.match(rf"^{re.escape(key)}\s*:", line):
            return number
    return None


# A focus's parent-facing keys, indented under `focuses:` (cradle.content.Focus).
_FOCUS_TEXT_KEYS = ("title", "sms", "sms_before_services")


def _text_lines(lines: list[str], topic: Topic) -> list[tuple[int, str]]:
    """Parent-facing lines with their numbers: the sms keys, each focus's title and texts, and
    the body (so that a made-up number or a banned phrase in a focus is found too)."""
    top = rf"^({'|'.join(SHORT_TEXT_KEYS)})\s*:"
    focus = rf"^(\s+-?\s*)({'|'.join(_FOCUS_TEXT_KEYS)})\s*:"
    out = []
    indent: int | None = None  # the indentation of the text key whose lines are being read
    in_focuses = False
    for number, line in enumerate(lines, start=1):
        if number >= topic.body_line:
            out.append((number, line))
            continue
        if re.match(r"^[A-Za-z_]", line):  # a top-level key: `focuses:` or another
            in_focuses = line.startswith("focuses:")
        key = re.match(top, line) or (in_focuses and re.match(focus, line))
        if key:
            indent = len(line) - len(line.lstrip(" -"))
            out.append((number, line.split(":", 1)[1]))
        elif indent is not None and len(line) - len(line.lstrip(" ")) > indent and line.strip():
            out.append((number, line))
        else:
            indent = None
    return out


class Checker:
    def __init__(
        self,
        content: Path,
        today: dt.date,
        services_dir: Path | None = None,
        nlu_dir: Path | None = None,
    ) -> None:
        self.content = content
        self.today = today
        self.services_dir = services_dir or content / "services"
        self.nlu_dir = nlu_dir or PROJECT_ROOT / "bot" / "data"
        self.topic_ids: frozenset[str] = frozenset()  # the ids of the topic files, set by run()
        # Each unlisted group's `first` service, read by check_requests for check_catalogue.
        self.group_first: dict[str, str] = {}
        self.style = load_style(content / "style.yml")
        self.glossary = load_glossary(content / "glossary.yml")
        self.numbers = catalogue_numbers(services_dir or content / "services")
        self.findings: list[Finding] = []

    def add(
        self, path: Path | str, line: int | None, rule: str, message: str, severity: str = "error"
    ) -> None:
        self.findings.append(Finding(str(path), line, rule, message, severity))

    def run(self) -> list[Finding]:
        # The topic files are the list of topics: each one is checked, none is "required".
        topics: list[Topic] = []
        for path in sorted((self.content / "topics").glob("*.md")):
            try:
                topics.append(load_topic(path))
            except ContentError as err:
                self.add(path, err.line, "schema", err.message)
        if not topics:
            self.add(self.content / "topics", None, "schema", "no topic files (<id>.md) found")
        self.topic_ids = frozenset(t.id for t in topics)
        nlu_counts = nlu_example_counts(self.nlu_dir)
        for topic in topics:
            lines = topic.path.read_text(encoding="utf-8").splitlines()
            self.check_topic(topic, lines)
            self.check_nlu_examples(topic, lines, nlu_counts)
        self.check_orders(topics)
        self.check_responses(self.content / "responses.yml")
        self.check_requests(self.content / "service_requests.yml", self.content / "responses.yml")
        self.check_safety(self.content / "safety")
        self.check_catalogue()
        self.check_operator(self.content / "operator.yml")
        return self.findings

    def check_operator(self, path: Path) -> None:
        """Who runs Cradle: a broken file is an error; an empty one, a warning to fill it in."""
        from cradle.operator import load_operator

        try:
            operator = load_operator(path)
        except ContentError as err:
            self.add(path, err.line, "operator", err.message)
            return
        if not operator.named:
            self.add(
                path,
                None,
                "operator",
                "no organisation is named as running Cradle: fill this in before parents use it",
                severity="warning",
            )

    def check_catalogue(self) -> None:
        """Service files build, national lines keep to their remit, marks are not overclaimed."""
        from cradle.areas import get_areas
        from cradle.catalogue.kitemark import Schemes
        from cradle.catalogue.model import CatalogueError, load_services

        try:
            schemes = Schemes.from_file(self.content / "kitemark.yml")
            services = load_services(
                self.services_dir, get_areas(), schemes, topics=self.content / "topics"
            )
        except CatalogueError as err:
            for problem in err.message.splitlines()[1:] or [err.message]:
                self.add(err.path, None, "catalogue", problem.strip())
            return
        except ContentError as err:
            self.add(err.path, err.line, "catalogue", err.message)
            return
        self.check_remits(services)
        self.check_leading_services(frozenset(s.id for s in services))
        if not any(s.kitemark["real"] and s.kitemark["status"] == "awarded" for s in services):
            self.check_kitemark_claims()

    def check_remits(self, services: list[Any]) -> None:
        path = self.content / "remits.yml"
        try:
            remits = load_yaml(path).get("remits") or {}
        except ContentError as err:
            self.add(err.path, err.line, "remit", err.message)
            return
        for service in services:
            if "national" not in service.areas:
                continue
            remit = remits.get(service.id)
            if not isinstance(remit, dict) or not remit.get("needs"):
                self.add(
                    service.file,
                    None,
                    "remit",
                    f"national line {service.id!r} has no "
                    f"row in {path.name}: say which needs it is for, with its source",
                )
                continue
            outside = sorted(set(service.needs) - set(remit["needs"]))
            if outside:
                self.add(
                    service.file,
                    None,
                    "remit",
                    f"{service.id} is tagged for "
                    f"{', '.join(outside)}, outside its remit in {path.name}",
                )
            audiences = remit.get("audiences")
            if audiences and set(service.audiences) - set(audiences):
                extra = ", ".join(sorted(set(service.audiences) - set(audiences)))
                self.add(
                    service.file,
                    None,
                    "remit",
                    f"{service.id} is offered to {extra}, "
                    f"but {path.name} says it is for {', '.join(audiences)}",
                )

    def check_kitemark_claims(self) -> None:
        """No real scheme has awarded anything, so nothing parents read may say "kite-marked"."""
        static = Path(__file__).parent / "web" / "static"
        files = [self.content / "responses.yml", *sorted((self.content / "topics").glob("*.md"))]
        files += sorted(static.glob("*.html")) + sorted(static.glob("*.js"))
        for path in files:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for match in _KITEMARKED.finditer(line):
                    if line[: match.start()].lower().endswith("not "):
                        continue  # "Not kite-marked." is true
                    self.add(
                        path,
                        number,
                        "kitemark-claim",
                        'says "kite-marked", but no '
                        "real kite-mark scheme has awarded anything (content/kitemark.yml)",
                    )

    def check_safety(self, folder: Path) -> None:
        """The safety net's files load, carry review metadata, and fit together."""
        from cradle.safety.check_in import CheckInAnswers
        from cradle.safety.lexicon import LexiconError, SafetyDetector
        from cradle.safety.second_opinion import load_bank, load_config
        from cradle.safety.situations import SituationRules
        from cradle.safety.who_is_hurt import WhoIsHurt

        try:
            lexicon = SafetyDetector.from_dir(folder)
            situations = SituationRules.from_file(folder / "situations.yml")
            config = load_config(folder)
            bank = load_bank(folder, config)
            CheckInAnswers.from_file(folder / "check_in.yml", lexicon.normalise)
            WhoIsHurt.from_file(folder / "who_is_hurt.yml", lexicon.normalise)
        except LexiconError as err:
            self.add(folder / "lexicon.yml", None, "safety", str(err))
            return
        except ContentError as err:
            self.add(err.path, err.line, "safety", err.message)
            return
        unknown = situations.signals_used() - lexicon.signals
        if unknown:
            self.add(
                folder / "situations.yml",
                None,
                "safety",
                f"signals no lexicon rule emits: {', '.join(sorted(unknown))}",
            )
        files = [
            "lexicon.yml",
            "situations.yml",
            "second_opinion.yml",
            "check_in.yml",
            "who_is_hurt.yml",
        ]
        for name in files + list(config["bank"]):
            meta = load_yaml(folder / name)
            if meta.get("status") not in STATUSES or not isinstance(meta.get("review"), list):
                self.add(
                    folder / name,
                    None,
                    "review-metadata",
                    f"needs status ({' or '.join(STATUSES)}) and a review list, like the topics",
                )
        # A bank file that is not listed would silently teach the second opinion nothing.
        listed = {Path(name).name for name in config["bank"]}
        for path in sorted((folder / "bank").glob("*.yml")):
            if path.name not in listed:
                self.add(
                    path,
                    None,
                    "safety",
                    "not listed under `bank:` in second_opinion.yml, so the second opinion "
                    "never learns from it: list it there",
                )
        labels = {e.label.split("/", 1)[0] for e in bank}
        if not {"emergency", "urgent", "none"} <= labels:
            self.add(folder / "second_opinion.yml", None, "safety", "the bank lacks a tier")
        # A misspelt situation under `whose:` would silently teach the whose model nothing.
        in_bank = {e.situation for e in bank}
        for key in ("whose", "whose_questions"):
            missing = {*config[key]["someone_else"], *config[key]["writer"]} - in_bank
            if missing:
                self.add(
                    folder / "second_opinion.yml",
                    None,
                    "safety",
                    f"{key}: no bank messages for {', '.join(sorted(missing))}",
                )

    def check_topic(self, topic: Topic, lines: list[str]) -> None:
        path, meta = topic.path, topic.meta
        self.check_schema(topic, lines)
        # The first answers: for everyone, by who asks, and each focus's (`focuses:`).
        first_answers = [(key, key, meta.get(key)) for key in SHORT_TEXT_KEYS]
        try:
            focuses = topic.focuses
        except ContentError as err:
            self.add(path, _key_line(lines, "focuses") or 2, "schema", err.message)
            focuses = ()
        first_answers += [(f"focus {f.id}", "focuses", f.sms) for f in focuses]
        for key, line_key, text in first_answers:
            self.check_sms_text(topic, lines, key, line_key, text)
        for focus in focuses:
            # It goes before a list of three services in the same text, so it has one segment.
            if focus.sms_before_services and segments(focus.sms_before_services) > 1:
                self.add(
                    path,
                    _key_line(lines, "focuses"),
                    "sms-length",
                    f"focus {focus.id}: sms_before_services needs "
                    f"{segments(focus.sms_before_services)} SMS segments (at most 1: three "
                    "services follow it in the same text)",
                )
            # "Tell me more" after its answer would silently show the usual next part instead.
            if focus.more_first and topic.section(SECTION_KEYS[focus.more_first]) is None:
                self.add(
                    path,
                    _key_line(lines, "focuses"),
                    "schema",
                    f"focus {focus.id}: more_first names the part "
                    f"'{SECTION_KEYS[focus.more_first]}', which this topic does not have",
                )
        self.check_sources(topic, lines)
        text_lines = _text_lines(lines, topic)
        self.check_phrases(path, text_lines)
        self.check_numbers(path, text_lines)
        self.check_glossary(topic)
        score = self.reading_ease(topic)
        if score < self.style.reading_ease_min:
            self.add(
                path,
                topic.body_line,
                "reading-ease",
                f"Flesch reading ease {score:.0f} is below {self.style.reading_ease_min:.0f}; "
                "use shorter sentences and words",
            )
        due = meta.get("review_due")
        if isinstance(due, dt.date) and due < self.today:
            self.add(
                path,
                _key_line(lines, "review_due"),
                "review-due",
                f"review was due on {due.isoformat()}",
                severity="warning",
            )

    def check_sms_text(
        self, topic: Topic, lines: list[str], key: str, line_key: str, text: object
    ) -> None:
        """A first answer fits its segments and gives a number that answers day and night."""
        if not isinstance(text, str):
            return
        if segments(" ".join(text.split())) > MAX_SMS_SEGMENTS:
            self.add(
                topic.path,
                _key_line(lines, line_key),
                "sms-length",
                f"{key} needs {segments(' '.join(text.split()))} SMS segments "
                f"(at most {MAX_SMS_SEGMENTS})",
            )
        if not any(n in text for n in self.style.sms_24_7_numbers):
            self.add(
                topic.path,
                _key_line(lines, line_key),
                "sms-24-7",
                f"{key} gives no number that answers day and night "
                f"(one of {', '.join(self.style.sms_24_7_numbers)}; see content/style.yml)",
            )

    def check_schema(self, topic: Topic, lines: list[str]) -> None:
        path, meta = topic.path, topic.meta
        if topic.id != path.stem:
            self.add(
                path,
                _key_line(lines, "id") or 2,
                "schema",
                f"id {topic.id!r} must match the file name {path.stem!r}",
            )
        for key in ("title", "sms"):
            if not isinstance(meta.get(key), str) or not meta[key].strip():
                self.add(
                    path, _key_line(lines, key) or 2, "schema", f"{key} must be non-empty text"
                )
        for key, allowed in (("audiences", AUDIENCES), ("stages", STAGES)):
            values = meta.get(key)
            if not isinstance(values, list) or not values or not set(values) <= set(allowed):
                self.add(
                    path,
                    _key_line(lines, key) or 2,
                    "schema",
                    f"{key} must be a list drawn from {', '.join(allowed)}",
                )
        # A topic searches the catalogue by its needs: topic ids, or `meeting-other-parents`
        # (groups, for the feeling-alone topic). Never `crisis`: crisis lines come from fixed text.
        needs = meta.get("needs")
        allowed_needs = self.topic_ids | {MEETING}
        if not isinstance(needs, list) or not needs or not set(needs) <= allowed_needs:
            self.add(
                path,
                _key_line(lines, "needs") or 2,
                "schema",
                f"needs must be a list of topic ids or {MEETING}",
            )
        if meta.get("status") not in STATUSES:
            self.add(
                path,
                _key_line(lines, "status") or 2,
                "schema",
                f"status must be one of {', '.join(STATUSES)}",
            )
        review = meta.get("review")
        if not isinstance(review, list) or not all(
            isinstance(r, dict) and r.get("role") and isinstance(r.get("date"), dt.date)
            for r in review
        ):
            self.add(
                path,
                _key_line(lines, "review") or 2,
                "schema",
                "review must be a list of {role, date, note}",
            )
        elif meta.get("status") == "approved" and not review:
            self.add(
                path,
                _key_line(lines, "status") or 2,
                "schema",
                "status is approved but no review is recorded",
            )
        if not isinstance(meta.get("review_due"), dt.date):
            self.add(
                path,
                _key_line(lines, "review_due") or 2,
                "schema",
                "review_due must be a date like 2027-11-01",
            )
        headings = [s.heading for s in topic.sections]
        for heading in SECTIONS + (DADS_SECTION, FAMILY_SECTION):
            if heading not in headings:
                self.add(path, topic.body_line, "schema", f"missing the section '## {heading}'")

    def check_orders(self, topics: list[Topic]) -> None:
        """Each topic has its own `order`: its place in the SMS menu, which must not shift."""
        by_order: dict[int, list[Topic]] = {}
        for topic in topics:
            if topic.order is not None and topic.order >= 1:
                by_order.setdefault(topic.order, []).append(topic)
        next_free = max(by_order, default=0) + 1
        for topic in topics:
            lines = topic.path.read_text(encoding="utf-8").splitlines()
            line = _key_line(lines, "order") or 2
            if topic.order is None or topic.order < 1:
                self.add(
                    topic.path,
                    line,
                    "schema",
                    "order must be a whole number from 1, the topic's place in the SMS menu: "
                    f"a new topic takes the next free number ({next_free})",
                )
                continue
            others = [t.path.name for t in by_order[topic.order] if t is not topic]
            if others:
                self.add(
                    topic.path,
                    line,
                    "schema",
                    f"order {topic.order} is also used by {', '.join(others)}: give the new "
                    f"topic the next free number ({next_free}) and leave the others' numbers, "
                    "which parents may know from the SMS menu",
                )

    def check_nlu_examples(self, topic: Topic, lines: list[str], counts: dict[str, int]) -> None:
        """Rasa can only answer a topic it has learnt to recognise."""
        intent = intent_for_topic(topic.id)
        found = counts.get(intent, 0)
        if found < MIN_NLU_EXAMPLES:
            self.add(
                topic.path,
                _key_line(lines, "id") or 2,
                "nlu-examples",
                f"the intent {intent} has {found} training examples in {_shown(self.nlu_dir)} "
                f"(at least {MIN_NLU_EXAMPLES} are needed): add messages parents might send "
                f"about this topic under '- intent: {intent}' in bot/data/nlu.yml, then run "
                "`cradle sync` and `make train`",
            )

    def check_sources(self, topic: Topic, lines: list[str]) -> None:
        line = _key_line(lines, "sources") or 2
        sources = topic.meta.get("sources")
        if not isinstance(sources, list) or not sources:
            self.add(topic.path, line, "sources", "at least one authoritative source is needed")
            return
        seen: set[str] = set()
        for source in sources:
            url = str((source or {}).get("url", "")) if isinstance(source, dict) else ""
            if url in seen:
                # "Where this comes from" would show it twice.
                self.add(topic.path, line, "sources", f"{url} is listed twice")
            seen.add(url)
            parsed = urlparse(url)
            if (
                not isinstance(source, dict)
                or not source.get("title")
                or parsed.scheme != "https"
                or "." not in parsed.netloc
            ):
                self.add(
                    topic.path,
                    line,
                    "sources",
                    f"each source needs a title and an https:// URL, not {source!r}",
                )

    def check_phrases(self, path: Path, text_lines: list[tuple[int, str]]) -> None:
        for number, line in text_lines:
            lowered = line.lower()
            for phrase, why in self.style.avoid:
                if re.search(rf"\b{re.escape(phrase)}\b", lowered):
                    self.add(path, number, "avoid-phrase", f"avoid {phrase!r}: {why}")

    def check_numbers(self, path: Path, text_lines: list[tuple[int, str]]) -> None:
        for number, line in text_lines:
            for match in _PHONE.finditer(line):
                found = digits(match.group(1))
                if found not in self.numbers and found not in self.style.allowed_numbers:
                    self.add(
                        path,
                        number,
                        "phone-number",
                        f"{match.group(1)!r} is not a number in the service catalogue",
                    )

    def check_glossary(self, topic: Topic) -> None:
        """The first use of an unfamiliar term in a topic must be explained where it is used."""
        seen: set[str] = set()
        for section in topic.sections:
            for paragraph_start, paragraph in _paragraphs(section):
                for use in self.glossary.uses(paragraph):
                    if use.entry.familiar or use.entry.term in seen:
                        continue
                    seen.add(use.entry.term)
                    if use.explained:
                        continue
                    line = section.line + 1 + paragraph_start + paragraph[: use.start].count("\n")
                    self.add(
                        topic.path,
                        line,
                        "glossary",
                        f"{use.entry.term!r} is a professional term: explain it where it is "
                        f"first used, e.g. '{use.entry.parent_words}'",
                    )

    @staticmethod
    def reading_ease(topic: Topic) -> float:
        plain = "\n".join(re.sub(r"^[-*]\s+", "", s.text, flags=re.M) for s in topic.sections)
        return float(textstat.flesch_reading_ease(plain))

    def check_requests(self, path: Path, responses: Path) -> None:
        """The service request patterns load, and each unlisted group's own line is a fixed
        line in responses.yml: a missing one would fail only when a parent asked."""
        from cradle.service_request import RequestReader

        try:
            reader = RequestReader(path)
            lines = line_responses(responses)
        except ContentError as err:
            self.add(err.path, err.line, "requests", err.message)
            return
        self.group_first = reader.group_first
        for group, name in reader.group_lines.items():
            if f"utter_{name}" not in lines:
                where = f"unlisted_groups.{group}.line"
                self.add(path, None, "requests", f"{where}: no message {name!r} in responses.yml")

    def check_leading_services(self, service_ids: frozenset[str]) -> None:
        """Each unlisted group's `first` is a service in the catalogue: one renamed or removed
        would silently stop leading the list. (A request file that cannot be read is named by
        check_requests, and leaves nothing to check here.)"""
        path = self.content / "service_requests.yml"
        for group, service_id in self.group_first.items():
            if service_id not in service_ids:
                where = f"unlisted_groups.{group}.first"
                self.add(
                    path, None, "requests", f"{where}: no service {service_id!r} in the catalogue"
                )

    def check_responses(self, path: Path) -> None:
        lines = path.read_text(encoding="utf-8").splitlines()
        numbered = list(enumerate(lines, start=1))
        text_lines = [(n, line) for n, line in numbered if not line.lstrip().startswith("#")]
        self.check_phrases(path, text_lines)
        self.check_numbers(path, [(n, line) for n, line in text_lines if "payload" not in line])
        try:
            load_crisis_panel(path)
        except ContentError as err:
            self.add(path, None, "crisis-panel", err.message)


def _paragraphs(section: Any) -> list[tuple[int, str]]:
    """(line offset within the section, text) for each paragraph or list item."""
    out: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for offset, line in enumerate(section.text.split("\n")):
        if not line.strip() or line.lstrip().startswith(("- ", "* ")):
            if current:
                out.append((start, "\n".join(current)))
            current, start = ([line] if line.strip() else []), offset
            continue
        if not current:
            start = offset
        current.append(line)
    if current:
        out.append((start, "\n".join(current)))
    return out


def check_content(
    content: Path,
    today: dt.date | None = None,
    services_dir: Path | None = None,
    nlu_dir: Path | None = None,
) -> list[Finding]:
    """All findings for a content folder (and the NLU examples in nlu_dir); errors first."""
    findings = Checker(content, today or dt.date.today(), services_dir, nlu_dir).run()
    return sorted(findings, key=lambda f: (f.severity != "error", f.path, f.line or 0))

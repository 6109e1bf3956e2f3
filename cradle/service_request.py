"""Read a message that asks for services: what, for whom, where and how.

The patterns are in content/service_requests.yml.

Plain pattern matching over a reviewed content file, so the bot gives services in the turn a
parent asks for them, whatever topic the NLU guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cradle.audience import speaks_of_self
from cradle.catalogue.model import SERVICE_ID, known_needs
from cradle.catalogue.store import CONTACTS, ServiceResult
from cradle.content import topic_ids
from cradle.paths import content_dir
from cradle.yamlio import ContentError, load_yaml

_MAX_CHARS = 1000
# Longer than this, a message with "goodnight" in it says more than goodnight.
_SIGN_OFF_WORDS = 12
# An opening message that only tells who the writer is: short, with at most a filler or two
# ("there", "x") besides.
_TELLS_WORDS = 15
_TELLS_LEFT = 2
_WORDS = re.compile(r"[a-z']+")


@dataclass(frozen=True)
class ServiceAsk:
    """What a service request said; every value is from an allowlist."""

    audience: str | None = None  # mum / dad-or-partner
    contact: str | None = None  # text / phone / online / in-person
    needs: tuple[str, ...] = ()  # catalogue needs (topic ids and others), in the file's order
    other_language: bool = False  # asks for services in another language (or an interpreter)
    group: str | None = None  # parents the catalogue has no audience for (`unlisted_groups`)
    not_crisis: bool = False  # turns crisis lines down ("not a crisis line": `not_crisis`)


# The entity of a kind of help with no listed service ("parenting-courses"), sent by the
# channel's own search with /find_services (README, fifty-first session).
KIND_OF_HELP = "kind_of_help"


# The kinds of question about Cradle with an answer of their own (content/service_requests.yml,
# `about_cradle`), and those read whatever the NLU guessed: their words name Cradle doing what
# only a question about Cradle asks, and the NLU read the health visitor's as topics.
ABOUT_CRADLE = frozenset(
    {
        "listing",
        "data_controller",
        "replaces_professionals",
        "crisis_decisions",
        "counts_and_feedback",
        "by_text",
        "partners_section",
        "for_family",
        "for_dads",
    }
)
READ_WHATEVER_THE_NLU = ABOUT_CRADLE - {"listing", "data_controller"}


def _first_match(table: dict[str, tuple[re.Pattern[str], ...]], text: str) -> str | None:
    """The first key, in the file's order, one of whose patterns the text matches."""
    return next((k for k, ps in table.items() if any(p.search(text) for p in ps)), None)


# What is said before a list none of which is for the group asked for (content/responses.yml).
GROUP_NONE_LINE = "services_group_none"


class RequestReader:
    """The compiled patterns of content/service_requests.yml."""

    def __init__(self, path: Path) -> None:
        data = load_yaml(path)

        def compile_all(raw: object, where: str) -> tuple[re.Pattern[str], ...]:
            if not isinstance(raw, list) or not raw:
                raise ContentError(path, f"{where}: expected a list of patterns")
            try:
                return tuple(re.compile(str(p), re.IGNORECASE) for p in raw)
            except re.error as err:
                raise ContentError(path, f"{where}: bad pattern: {err}") from err

        def groups(key: str, allowed: frozenset[str]) -> dict[str, tuple[re.Pattern[str], ...]]:
            raw = data.get(key) or {}
            unknown = set(raw) - allowed
            if unknown:
                raise ContentError(path, f"{key}: unknown {', '.join(sorted(unknown))}")
            return {k: compile_all(v, f"{key}.{k}") for k, v in raw.items()}

        self.asks = compile_all(data.get("asks_for_services"), "asks_for_services")
        self.not_requests = compile_all(data.get("not_requests"), "not_requests")

        def compile_one(key: str) -> re.Pattern[str]:
            # One pattern, quoted: a missing key must not become the pattern "None".
            raw = data.get(key)
            if not isinstance(raw, str) or not raw.strip():
                raise ContentError(path, f"{key}: expected one quoted pattern")
            return compile_all([raw], key)[0]

        self.help_words = compile_one("help_words")
        self.thanks = compile_one("thanks")
        self.sign_off = compile_one("sign_off")
        self.tells = compile_one("tells_about_self")
        self.goodbye = compile_one("goodbye")
        self.own_call = compile_one("own_call")
        self.still_asking = compile_one("still_asking")
        self.audiences = groups("audiences", frozenset({"mum", "dad-or-partner"}))
        self.contact = groups("contact", frozenset(CONTACTS))
        self.other_language = compile_all(data.get("other_language"), "other_language")
        self.not_crisis = compile_all(data.get("not_crisis"), "not_crisis")
        self.abuse_questions = compile_all(data.get("asks_if_abuse"), "asks_if_abuse")
        self.turned_down = compile_all(data.get("turns_down"), "turns_down")
        self.groups: dict[str, tuple[str, tuple[re.Pattern[str], ...]]] = {}
        self.group_lines: dict[str, str] = {}
        # The service a group's own line sends the parent to ("The Family Information Service
        # can tell you..."): its card leads the list when that line is said.
        self.group_first: dict[str, str] = {}
        # Kinds of help whose words ask for services on their own ("what can we claim for the
        # baby": README, fifty-third session).
        self.by_itself: list[str] = []
        unlisted = data.get("unlisted_groups") or {}
        if not isinstance(unlisted, dict):
            raise ContentError(path, "unlisted_groups: expected a mapping of groups")
        for group, entry in unlisted.items():
            if not isinstance(entry, dict) or not str(entry.get("words") or "").strip():
                raise ContentError(path, f"unlisted_groups.{group}: needs 'words' and 'patterns'")
            patterns = compile_all(entry.get("patterns"), f"unlisted_groups.{group}")
            self.groups[str(group)] = (str(entry["words"]).strip(), patterns)
            line = entry.get("line", GROUP_NONE_LINE)
            if not isinstance(line, str) or not line.strip():
                raise ContentError(path, f"unlisted_groups.{group}.line: a message's name")
            self.group_lines[str(group)] = line.strip()
            first = entry.get("first")
            if first is not None:
                if not isinstance(first, str) or not SERVICE_ID.match(first):
                    raise ContentError(path, f"unlisted_groups.{group}.first: a service id")
                self.group_first[str(group)] = first
            by_itself = entry.get("asks_by_itself", False)
            if not isinstance(by_itself, bool):
                raise ContentError(path, f"unlisted_groups.{group}.asks_by_itself: true or false")
            if by_itself:
                self.by_itself.append(str(group))
        self.needs = groups("needs", known_needs())
        self.about_cradle = groups("about_cradle", ABOUT_CRADLE)
        everyday = data.get("no_need_named") or []
        if not isinstance(everyday, list) or not everyday or set(everyday) - set(topic_ids()):
            raise ContentError(path, "no_need_named: expected a list of topic ids")
        self.no_need_named = tuple(str(n) for n in everyday)

    def read(
        self, text: object, names_a_place: bool = False, asked: bool = False
    ) -> ServiceAsk | None:
        """A ServiceAsk if the message asks for services, else None.

        `names_a_place`: the message names a Warwickshire place, so "support for X in Y" is a
        request even without the words of `asks_for_services`. `asked`: the NLU already read
        the message as a request for services, so only who and what it names are read here.
        """
        if not isinstance(text, str) or text.lstrip().startswith("/"):
            return None
        text = text[:_MAX_CHARS]
        if any(p.search(text) for p in self.not_requests):
            return None  # "it's not really the groups": turned down, whatever the NLU read
        asked = (
            asked
            or any(p.search(text) for p in self.asks)
            or any(self.names_group(g, text) for g in self.by_itself)
        )
        if not asked and not (names_a_place and self._names_help(text)):
            return None

        needs = tuple(k for k, ps in self.needs.items() if any(p.search(text) for p in ps))
        language = any(p.search(text) for p in self.other_language)
        group = next((g for g in self.groups if self.names_group(g, text)), None)
        return ServiceAsk(
            _first_match(self.audiences, text),
            _first_match(self.contact, text),
            needs,
            language,
            group,
            self.turns_crisis_lines_down(text),
        )

    def turns_crisis_lines_down(self, text: str) -> bool:
        """Does the message say it does not want a crisis line ("not a crisis line")?"""
        return any(p.search(text[:_MAX_CHARS]) for p in self.not_crisis)

    def _names_help(self, text: str) -> bool:
        """Words for help ("support for dads in rugby"), or a kind of help with a line of its own
        ("a parenting course near warwick"; README, fifty-first session). A group of parents
        ("a gay dad in rugby") is not a kind of help: it asks for nothing by itself."""
        if self.help_words.search(text):
            return True
        return any(self.names_group(g, text) for g in self.kinds_of_help)

    @property
    def kinds_of_help(self) -> tuple[str, ...]:
        """The `unlisted_groups` entries that are kinds of help, not groups of parents: those
        with a line of their own ("I don't have parenting courses in my list yet...")."""
        return tuple(g for g in self.groups if self.group_lines[g] != GROUP_NONE_LINE)

    def first_named_by(self, lines_sent: frozenset[str]) -> str | None:
        """The service a group's line sends the parent to, when that line (as `utter_<line>`)
        is among those just sent: "The Family Information Service can tell you..."."""
        for group, first in self.group_first.items():
            if f"utter_{self.group_lines[group]}" in lines_sent:
                return first
        return None

    def only_thanks(self, text: str) -> bool:
        """Thanks that ask for nothing in their own words ("ok thanks I'll try the wellbeing
        number"), whatever the NLU read. A question after it asks for something ("thanks.
        anything for the money side?": README, fiftieth session)."""
        text = text[:_MAX_CHARS]
        return bool(self.thanks.search(text)) and "?" not in text and self.read(text) is None

    def only_tells_about_self(self, text: str) -> bool:
        """A hello, a sorry for the hour, or who the writer is ("hi. sorry its late. i have a 5
        week old"), asking nothing: at most two words left once those are taken out, no question
        mark, and no request for services (README, fifty-fourth session)."""
        text = text[:_MAX_CHARS]
        if "?" in text or len(text.split()) > _TELLS_WORDS or not self.tells.search(text):
            return False
        left = _WORDS.findall(self.tells.sub(" ", text.lower()))
        return len(left) <= _TELLS_LEFT and self.read(text) is None

    def thanks_for_own_call(self, text: str) -> bool:
        """Thanks from someone who will call or ring someone themselves and asks nothing more
        ("ok ill ring 111 i guess. thanks"): not a request for crisis help."""
        text = text[:_MAX_CHARS]
        return (
            self.only_thanks(text)
            and bool(self.own_call.search(text))
            and not self.still_asking.search(text)
        )

    def asks_if_abuse(self, text: str) -> bool:
        """Does the message ask whether what is happening is abuse ("is it actually abuse if he
        doesnt hit me?", "am i being controlled")?"""
        return any(p.search(text[:_MAX_CHARS]) for p in self.abuse_questions)

    def signs_off(self, text: str) -> bool:
        """A short goodnight with thanks or a goodbye ("thanks. i think ill try sleep now x"),
        asking nothing and saying nothing of how the writer is ("thanks but im still awake")."""
        text = text[:_MAX_CHARS]
        return (
            len(text.split()) <= _SIGN_OFF_WORDS
            and "?" not in text
            and not speaks_of_self(text)
            and bool(
                self.goodbye.search(text)
                or (self.thanks.search(text) and self.sign_off.search(text))
            )
        )

    def about_cradle_asks(self, text: object) -> str | None:
        """What one thing a question about Cradle asks ("listing": who chooses the services
        and how often the list is updated; "data_controller"; "replaces_professionals";
        "crisis_decisions"; "counts_and_feedback"; "by_text"; "partners_section"), or None for a
        plain one."""
        if not isinstance(text, str):
            return None
        return _first_match(self.about_cradle, text[:_MAX_CHARS])

    def asks_about_cradle_itself(self, text: object) -> bool:
        """Whether the message asks one of the questions about Cradle read whatever the NLU
        guessed ("Do you replace the health visitor?", "does anyone get told?")."""
        return self.about_cradle_asks(text) in READ_WHATEVER_THE_NLU

    def names_group(self, group: str, text: str) -> bool:
        """Whether the text names this group of parents (a request, or a service's own words)."""
        return any(p.search(text) for p in self.groups[group][1])

    def unserved_group(self, ask: ServiceAsk | None, found: list[str]) -> str | None:
        """The words for the group of parents the request named ("LGBTQ+ parents") when none of
        the services found (each as its name and description) names that group; else None."""
        if ask is None or ask.group is None or not found:
            return None
        if any(self.names_group(ask.group, service) for service in found):
            return None
        return self.words_for(ask.group)

    def line_for(self, group: str) -> str:
        """The message said before the list when none of it is for the group: "I don't have a
        service just for {who}..." unless the entry names its own (a course, not parents)."""
        return self.group_lines.get(group, GROUP_NONE_LINE)

    def led_by(
        self, group: str | None, results: tuple[ServiceResult, ...]
    ) -> tuple[ServiceResult, ...]:
        """The services found, with the one the group's own line names first if it is among
        them (README, fiftieth session); the rest keep their order."""
        first = self.group_first.get(group or "")
        lead = tuple(r for r in results if r.id == first)
        return lead + tuple(r for r in results if r.id != first)

    def turns_down(self, text: str) -> bool:
        """Whether the message turns something down ("samaritans isnt what i need", "dont want
        that one"): a service it names is not the one asked about."""
        return any(p.search(text[:_MAX_CHARS]) for p in self.turned_down)

    def words_for(self, group: str) -> str:
        """How replies and reports name a group ("LGBTQ+ parents"); its id if no longer listed
        (an older insight row)."""
        return self.groups[group][0] if group in self.groups else group


@lru_cache(maxsize=4)
def _reader_for(path: str) -> RequestReader:
    return RequestReader(Path(path))


def get_request_reader(path: Path | None = None) -> RequestReader:
    return _reader_for(str(path or content_dir() / "service_requests.yml"))

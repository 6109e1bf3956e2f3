"""Layer 2 of the safety net: situation rules that combine the lexicon's signals.

A thought of suicide alone is urgent; the same thought with a means, a place, a time or an act
already done is an emergency. The rules are content (content/safety/situations.yml), reviewed
like the lexicon, so a safeguarding lead can read and change them without touching code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cradle.safety.result import RESPONSES, SafetyResult, pick_response
from cradle.tiers import TIERS, tier_rank
from cradle.yamlio import ContentError, load_yaml


@dataclass(frozen=True)
class Situation:
    id: str
    tier: str
    response: str
    all_of: frozenset[str]  # every one of these signals
    any_of: frozenset[str]  # and at least one of these (if any are listed)
    # Signals that count only within this many sentences of one of the rule's other `all`
    # signals: "now" said of being at work, two sentences after a reported thought, is not
    # the time of an act (the fifteenth user test).
    near: tuple[tuple[str, int], ...] = ()

    def applies(
        self, signals: frozenset[str], where: frozenset[tuple[str, int]] = frozenset()
    ) -> bool:
        present = frozenset(s for s in signals if self._counts(s, where))
        return self.all_of <= present and (not self.any_of or bool(self.any_of & present))

    def _counts(self, signal: str, where: frozenset[tuple[str, int]]) -> bool:
        reach = dict(self.near).get(signal)
        if reach is None or not where:
            return True  # with no positions known, every signal counts: the rules only add caution
        anchors = {n for s, n in where if s in self.all_of and s != signal}
        return any(abs(n - a) <= reach for s, n in where if s == signal for a in anchors)


class SituationRules:
    """The situation rules from one file, applied to a set of signals."""

    def __init__(self, situations: Iterable[Situation]) -> None:
        self.situations = tuple(situations)

    @classmethod
    def from_file(cls, path: Path) -> SituationRules:
        data = load_yaml(path)
        raw_list = data.get("situations")
        if not isinstance(raw_list, list) or not raw_list:
            raise ContentError(path, "expected a non-empty 'situations' list")
        seen: set[str] = set()
        situations = []
        for raw in raw_list:
            situations.append(_parse(raw, path, seen))
        return cls(situations)

    def signals_used(self) -> frozenset[str]:
        """Every signal name the rules refer to (the lexicon must be able to emit each)."""
        return frozenset().union(*(s.all_of | s.any_of for s in self.situations))

    def evaluate(
        self, signals: frozenset[str], where: frozenset[tuple[str, int]] = frozenset()
    ) -> SafetyResult:
        """The most serious situation these signals make up, or tier none. `where` holds the
        sentence each signal was found in, for rules that ask for one signal near another."""
        hits = [s for s in self.situations if s.applies(signals, where)]
        if not hits:
            return SafetyResult(signals=signals)
        top = max(tier_rank(s.tier) for s in hits)
        winners = [s for s in hits if tier_rank(s.tier) == top]
        return SafetyResult(
            TIERS[top],
            pick_response(s.response for s in winners),
            tuple(sorted(f"situation:{s.id}" for s in winners)),
            signals,
        )


def _parse(raw: Any, path: Path, seen: set[str]) -> Situation:
    if not isinstance(raw, dict) or not raw.get("id"):
        raise ContentError(path, f"each situation needs an id: {raw!r}")
    sid = str(raw["id"])
    if sid in seen:
        raise ContentError(path, f"situation {sid!r} is listed twice")
    seen.add(sid)
    tier, response = raw.get("tier"), raw.get("response")
    if tier not in TIERS[1:]:
        raise ContentError(path, f"situation {sid!r}: tier must be one of {TIERS[1:]}")
    if response not in RESPONSES:
        raise ContentError(path, f"situation {sid!r}: unknown response {response!r}")
    all_of, any_of = raw.get("all") or [], raw.get("any") or []
    if not isinstance(all_of, list) or not isinstance(any_of, list) or not (all_of or any_of):
        raise ContentError(path, f"situation {sid!r}: give lists of signals under all and/or any")
    all_set, any_set = frozenset(map(str, all_of)), frozenset(map(str, any_of))
    return Situation(sid, tier, response, all_set, any_set, _near(raw, sid, all_set, any_set, path))


def _near(
    raw: dict, sid: str, all_of: frozenset[str], any_of: frozenset[str], path: Path
) -> tuple[tuple[str, int], ...]:
    near = raw.get("near") or {}
    where = f"situation {sid!r}: near"
    if not isinstance(near, dict):
        raise ContentError(path, f"{where} maps a signal to a number of sentences")
    for signal, reach in near.items():
        if signal not in all_of | any_of:
            raise ContentError(path, f"{where} names {signal!r}, not one of its signals")
        if not all_of - {signal}:
            raise ContentError(path, f"{where} {signal!r} needs another 'all' signal")
        if isinstance(reach, bool) or not isinstance(reach, int) or reach < 0:
            raise ContentError(path, f"{where} {signal!r} must be a whole number from 0")
    return tuple(sorted((str(signal), reach) for signal, reach in near.items()))

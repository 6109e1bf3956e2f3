"""The safety net: three layers, and the highest tier any of them finds wins.

1. the reviewed lexicon (phrases and patterns, with idioms, negation and context words);
2. situation rules that combine the lexicon's signals (a thought plus a means is an emergency);
3. a trained second opinion over a labelled bank of situations.
A crisis reply then speaks to the writer or about someone else at risk (cradle/safety/whose.py).
When no layer finds a crisis but the second opinion is unsure, the reply asks first
("Are you or your baby in danger right now?") instead of answering as if nothing was said,
unless a reviewed lexicon context already decided the reading ("years ago", "how do I help").
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from cradle.recent import Recent, digest
from cradle.safety.lexicon import CONTEXT_SIGNAL, SafetyDetector
from cradle.safety.result import SafetyResult, pick_response
from cradle.safety.second_opinion import SecondOpinion, train
from cradle.safety.situations import SituationRules
from cradle.safety.whose import reply_for_whom
from cradle.tiers import TIERS, tier_rank

SECOND_OPINION = "second-opinion"


class SafetyNet:
    """Classify one message with every layer and combine them by maximum."""

    def __init__(
        self,
        lexicon: SafetyDetector,
        situations: SituationRules,
        second_opinion: SecondOpinion | None = None,
    ) -> None:
        self.lexicon = lexicon
        self.situations = situations
        self.second_opinion = second_opinion

    @classmethod
    def from_dir(cls, path: Path, with_second_opinion: bool = True) -> SafetyNet:
        lexicon = SafetyDetector.from_dir(path)
        situations = SituationRules.from_file(path / "situations.yml")
        opinion = train(path, lexicon.normalise) if with_second_opinion else None
        return cls(lexicon, situations, opinion)

    def classify(self, text: str) -> SafetyResult:
        lexical = self.lexicon.classify(text)
        readings = [lexical, self.situations.evaluate(lexical.signals)]
        unsure = False
        if self.second_opinion is not None:
            opinion = self.second_opinion.opinion(text)
            tier = self.second_opinion.thresholds.tier(opinion)
            if tier != "none":
                readings.append(SafetyResult(tier, opinion.response or tier, (SECOND_OPINION,)))
            unsure = opinion.crisis >= self.second_opinion.thresholds.check
        top = max(tier_rank(r.tier) for r in readings)
        winners = [r for r in readings if tier_rank(r.tier) == top and top > 0]
        rules = tuple(sorted({rule for r in winners for rule in r.rules}))
        response = pick_response(r.response for r in winners if r.response)
        if top >= tier_rank("urgent") and self.second_opinion is not None:
            response, rules = self._for_whom(text, TIERS[top], response, rules)
        decided = any(s.startswith(CONTEXT_SIGNAL) for s in lexical.signals)
        if top < tier_rank("urgent") and unsure and not decided:
            response, rules = "check", (*rules, f"{SECOND_OPINION}:unsure")
        return SafetyResult(TIERS[top], response, rules, lexical.signals)

    def _for_whom(
        self, text: str, tier: str, response: str | None, rules: tuple[str, ...]
    ) -> tuple[str | None, tuple[str, ...]]:
        """The reply of this tier for the person at risk: the writer, or someone else."""
        assert self.second_opinion is not None
        chosen = reply_for_whom(
            tier,
            response,
            self.second_opinion.someone_else(text),
            self.second_opinion.thresholds.someone_else,
        )
        if chosen != response:
            rules = (*rules, f"{SECOND_OPINION}:whose")
        return chosen, rules


# Each message is classified twice in the Rasa process: by the channel before Rasa sees it, and
# by the NLU component (bot/components/safety_check.py) for messages that arrive another way.
# The second reading of the same text is answered from here.
_RECENT: Recent[SafetyResult] = Recent()


@lru_cache(maxsize=4)
def _net_for(path: str) -> SafetyNet:
    return SafetyNet.from_dir(Path(path))


def get_net(path: Path | None = None) -> SafetyNet:
    """The shared safety net for a content folder, built once per process on first use."""
    from cradle.paths import content_dir

    return _net_for(str(path or content_dir() / "safety"))


def classify(text: str) -> SafetyResult:
    """Classify one message with the project's safety net (all three layers); a text read a
    moment ago in this process is not read again."""
    net = get_net()
    key = digest(str(id(net)), text)
    result = _RECENT.get(key)
    if result is None:
        result = net.classify(text)
        _RECENT.put(key, result)
    return result

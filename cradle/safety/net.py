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

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from cradle.helping import about_someone_else
from cradle.recent import Recent, digest
from cradle.safety.lexicon import CONTEXT_SIGNAL, RULED_OUT_SIGNAL, SafetyDetector
from cradle.safety.result import SafetyResult, pick_response
from cradle.safety.second_opinion import SecondOpinion, load_config, signs_ruled_out, train
from cradle.safety.situations import SituationRules
from cradle.safety.who_is_hurt import WhoIsHurt
from cradle.safety.whose import is_for_someone_else, reply_for_someone_else, reply_for_whom
from cradle.tiers import TIERS, tier_rank
from cradle.yamlio import ContentError

SECOND_OPINION = "second-opinion"
# The reply for abuse told by a friend chosen by who is hurt (cradle/safety/who_is_hurt.py): it
# picks the reply of a tier and never reads a crisis itself.
WHO_IS_HURT = "who-is-hurt"
# The readings of a message about hurting that who does it may change after someone else's
# crisis help: the writer losing control with the baby, and abuse.
_HURTING_READINGS = frozenset({"losing_control", "abuse"})


class SafetyNet:
    """Classify one message with every layer and combine them by maximum."""

    def __init__(
        self,
        lexicon: SafetyDetector,
        situations: SituationRules,
        second_opinion: SecondOpinion | None = None,
        who_is_hurt: WhoIsHurt | None = None,
    ) -> None:
        self.lexicon = lexicon
        self.situations = situations
        self.second_opinion = second_opinion
        self.who_is_hurt = who_is_hurt

    @classmethod
    def from_dir(cls, path: Path, with_second_opinion: bool = True) -> SafetyNet:
        lexicon = SafetyDetector.from_dir(path)
        situations = SituationRules.from_file(path / "situations.yml")
        config = path / "second_opinion.yml"
        if unknown := set(signs_ruled_out(config, load_config(path))) - lexicon.signals:
            # Checked before training: a sign the lexicon never reads cannot be ruled out.
            raise ContentError(
                config, f"signs_ruled_out: {', '.join(sorted(unknown))} is not a lexicon signal"
            )
        opinion = train(path, lexicon.normalise) if with_second_opinion else None
        who_is_hurt = WhoIsHurt.from_file(path / "who_is_hurt.yml", lexicon.normalise)
        return cls(lexicon, situations, opinion, who_is_hurt)

    def classify(self, text: str) -> SafetyResult:
        lexical = self.lexicon.classify(text)
        readings = [lexical, self.situations.evaluate(lexical.signals, lexical.where)]
        unsure = False
        leaning = None
        signals = lexical.signals
        if self.second_opinion is not None:
            ruled_out = self.second_opinion.signs_ruled_out(text)
            signals |= {f"{RULED_OUT_SIGNAL}{signal}" for signal in ruled_out}
            opinion = self.second_opinion.opinion(text)
            tier = self.second_opinion.thresholds.tier(opinion)
            if tier != "none":
                readings.append(SafetyResult(tier, opinion.response or tier, (SECOND_OPINION,)))
            unsure = opinion.crisis >= self.second_opinion.thresholds.check
            leaning = opinion.response
        top = max(tier_rank(r.tier) for r in readings)
        winners = [r for r in readings if tier_rank(r.tier) == top and top > 0]
        rules = tuple(sorted({rule for r in winners for rule in r.rules}))
        response = pick_response(r.response for r in winners if r.response)
        someone_else = None
        if top >= tier_rank("urgent") and self.second_opinion is not None:
            someone_else = self.second_opinion.someone_else(text)
            chosen = reply_for_whom(TIERS[top], response, someone_else, self.whose_threshold)
            if chosen != response:
                response, rules = chosen, (*rules, f"{SECOND_OPINION}:whose")
        # Abuse told by a friend ("my sister's boyfriend..."): the whose model reads who is
        # named, not who is hurt, so only this grammar chooses the reply written for them.
        if (
            response == "abuse"
            and self.who_is_hurt is not None
            and self.who_is_hurt.someone_elses_partner(text)
        ):
            response, rules = "abuse_for_other", (*rules, WHO_IS_HURT)
        decided = any(s.startswith(CONTEXT_SIGNAL) for s in lexical.signals)
        if top < tier_rank("urgent") and unsure and not decided:
            response, rules = "check", (*rules, f"{SECOND_OPINION}:unsure")
            return SafetyResult(TIERS[top], response, rules, signals, leaning=leaning)
        return SafetyResult(TIERS[top], response, rules, signals, someone_else)

    @property
    def whose_threshold(self) -> float:
        """How sure the whose model must be that a crisis is someone else's (or the writer's)."""
        if self.second_opinion is None:
            return 1.0
        return self.second_opinion.thresholds.someone_else

    def asks_about_someone_else(self, text: str) -> bool:
        """An everyday question about another adult's wellbeing ("my wife cries every day since
        the baby, how can I help?"): the model for questions, at the crisis threshold. Measured on
        tests/topics/for_someone_else.yml (`python -m cradle.helping`)."""
        if self.second_opinion is None:
            return False
        reading = self.second_opinion.asking_for_someone_else(text)
        return about_someone_else(reading, self.whose_threshold)

    def in_conversation(
        self, result: SafetyResult, earlier: str | None, text: str = ""
    ) -> SafetyResult:
        """A crisis read right after crisis help for someone else's crisis.

        "Her phone is going to voicemail" or "can it wait till the GP opens?" after a message
        about a daughter or a wife is still about her: the reply stays for someone else. The
        whose model cannot tell from such a message (no person in it often reads as the
        writer's: the third user test), so it is not asked. The writer is not lost: the crisis
        reply for someone else asks "Are you safe yourself right now?", and "no" gets the
        writer's own emergency reply. A message about hurting is read for who does it first
        (`text`, by cradle/safety/who_is_hurt.py): "I feel like shaking him" is the writer's own,
        "I think he's hurting her" someone else's."""
        if not (result.is_crisis and is_for_someone_else(earlier)):
            return result
        # As the session's flag never drops, neither does the reply: after someone else's
        # emergency, a worry about them read in the next message is still their emergency.
        tier = "emergency" if earlier == "emergency_for_other" else result.tier
        hurting = self.who_is_hurt.hurting(text) if self.who_is_hurt and text else None
        if hurting == "writer":
            chosen = reply_for_whom(result.tier, result.response, 0.0, self.whose_threshold)
            return self._replied(result, chosen, WHO_IS_HURT)
        chosen = _for_whoever_is_hurt(hurting, tier)
        if chosen and result.response in _HURTING_READINGS:
            # The grandmother's "it's him. I think he's hurting her" (the thirteenth user test)
            # was told "Never shake a baby": someone else does it, and the reply is for them.
            return self._replied(result, chosen, WHO_IS_HURT)
        if earlier == "abuse_for_other" and result.response == "abuse":
            # "He took her phone too" after abuse told by her friend: still her abuse.
            return self._replied(result, earlier, "conversation:whose")
        chosen = reply_for_whom(tier, result.response, 1.0, self.whose_threshold)
        return self._replied(result, chosen, "conversation:whose")

    @staticmethod
    def _replied(result: SafetyResult, chosen: str | None, rule: str) -> SafetyResult:
        if chosen == result.response:
            return result
        return replace(result, response=chosen, rules=(*result.rules, rule))


def _for_whoever_is_hurt(hurting: str | None, tier: str) -> str | None:
    """The reply for someone else hurt by someone else ("adult" or "baby", from
    WhoIsHurt.hurting) at `tier`: the reply for abuse told by a friend, or someone else's reply
    of the tier for a baby; None when the writer may be doing it or no one is named."""
    if hurting == "adult":
        return "abuse_for_other"
    if hurting == "baby":
        return reply_for_someone_else(tier)
    return None


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


def in_conversation(result: SafetyResult, earlier: str | None, text: str = "") -> SafetyResult:
    """The project's net: `result`, the reading of `text`, in a conversation whose last crisis
    reply was `earlier` (see SafetyNet.in_conversation)."""
    return get_net().in_conversation(result, earlier, text)

"""What the safety net says about one message. Shared by every layer of the net."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from cradle.tiers import tier_rank

# The crisis replies (variations of utter_safety in content/responses.yml), most specific first:
# when two layers agree on a tier, the earlier response in this list is sent.
RESPONSES = (
    "medical",
    "overdose",
    "emergency",
    "emergency_for_other",
    "abuse",
    # Abuse told by a friend or relative: only after "it's not me" (cradle/turn.py).
    "abuse_for_other",
    "losing_control",
    "concern_for_other",
    "urgent",
    "support",
    "check",
)
_PREFERENCE = {response: rank for rank, response in enumerate(RESPONSES)}


def pick_response(responses: Iterable[str]) -> str | None:
    """The most specific of several responses, or None when there are none."""
    return min(responses, key=_PREFERENCE.__getitem__, default=None)


@dataclass(frozen=True)
class SafetyResult:
    """The tier of one message, the response to send, what fired, and the signals it carries."""

    tier: str = "none"
    response: str | None = None
    rules: tuple[str, ...] = ()
    signals: frozenset[str] = field(default_factory=frozenset)
    # For a crisis: how likely it is someone else's (the whose model), None when not read.
    someone_else: float | None = None
    # For a message the net asks about: the crisis reply the second opinion leans to, sent if
    # the answer to "are you or your baby in danger?" is yes (a parent who feels like shaking
    # the baby needs "put your baby down somewhere safe", not the reply about suicide).
    leaning: str | None = None
    # Where each signal was found: (signal, number of the sentence or clause), so a situation
    # rule can ask for a time word near the thought it goes with (content/safety/situations.yml).
    where: frozenset[tuple[str, int]] = field(default_factory=frozenset)

    @property
    def is_crisis(self) -> bool:
        """Urgent or emergency: crisis help must be sent this turn."""
        return tier_rank(self.tier) >= tier_rank("urgent")

    @property
    def needs_check(self) -> bool:
        """Not clearly a crisis, but not clearly safe either: ask before answering."""
        return self.response == "check" and not self.is_crisis

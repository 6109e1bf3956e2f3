"""Messages the safety net asks about ("are you or your baby in danger?"), found at run time.

Which message the net asks about, rather than answers, moves with each retrain of the second
opinion, so tests take the first of a few candidates that it asks about now, leaning to the
reply under test, and fail plainly when none does.
"""

from __future__ import annotations

from cradle.safety import classify

# Messages about anger at a crying baby that the net may ask about rather than answer: which of
# them it asks about moves with each retrain of the second opinion, so the test takes the first.
LOSING_CONTROL_MAYBE = [
    "the screaming is making me so angry",
    "im getting so frustrated with my son",
    "she screams all night and i'm so angry",
    "im so frustrated with the baby i have to walk out",
]


def asked_about_losing_control() -> str:
    """A message the net asks about, leaning to the reply about losing control with the baby."""
    return asked_leaning_to(LOSING_CONTROL_MAYBE, "losing_control")


# Vague messages the net may ask about, leaning to an emergency reply.
EMERGENCY_MAYBE = ["something is not right with me", "something's not right with my head"]


def asked_leaning_to(candidates: list[str], leaning: str) -> str:
    """A message the net asks about, leaning to `leaning` (which ones move with each retrain)."""
    for text in candidates:
        result = classify(text)
        if result.needs_check and result.leaning == leaning:
            return text
    raise AssertionError(f"none of {candidates} is asked about leaning to {leaning}: add one")


# Questions about the services just listed (the twenty-fifth user test's Rugby dad, and two like
# it) that the second opinion alone may read as a crisis: which ones moves with each retrain.
ABOUT_THE_LIST_MAYBE = [
    "are any of them open now? its gone midnight",
    "are any of them open now? its nearly 2am",
    "is anyone open now, its the middle of the night",
]


def by_doubt_alone(text: str) -> bool:
    """Whether the net reads `text` as a crisis by the second opinion alone."""
    from cradle.safety.net import SECOND_OPINION

    result = classify(text)
    return result.is_crisis and all(r.startswith(SECOND_OPINION) for r in result.rules)


def read_by_doubt_alone(candidates: list[str]) -> str:
    """A message the net reads as a crisis by the second opinion alone, no lexicon or situation
    rule (which ones move with each retrain, so the test takes the first)."""
    for text in candidates:
        if by_doubt_alone(text):
            return text
    raise AssertionError(f"none of {candidates} is a crisis by the second opinion alone: add one")


# The twenty-seventh user test's dad, right after the losing-control reply, and messages like
# his (docs/safety.md, fifty-seventh session): which ones the second opinion alone reads as
# abuse moves with each retrain, so the test takes the first.
STILL_SCREAMING_MAYBE = [
    "what do i actually do right now tho hes still screaming",
    "hes still screaming",
    "what do i do hes still screaming",
]


def read_as_abuse_by_doubt_alone() -> str:
    """A message the second opinion alone reads as an abuse crisis."""
    for text in STILL_SCREAMING_MAYBE:
        if classify(text).response == "abuse" and by_doubt_alone(text):
            return text
    raise AssertionError(f"none of {STILL_SCREAMING_MAYBE} is read as abuse by doubt alone")

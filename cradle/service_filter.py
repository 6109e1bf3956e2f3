"""Read a parent's reply to "which town or area?", the question that narrows a service search.

Plain functions over the areas table, so every kind of reply is tested without Rasa. What they
return is always from an allowlist: a reply that is not a known place is never kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cradle.areas import get_areas
from cradle.audience import normalise_audience

# The form that asks where the parent lives, to narrow a service search (domain.yml).
SERVICE_FILTER_FORM = "service_filter_form"

# Replies that mean "don't narrow them down". Whole replies only, so "no, Rugby" is a place.
_SKIP = re.compile(
    r"^\W*(skip( it| this)?|no|nope|nah|no thanks?( you)?|not now|not really|"
    r"(it )?(doesn'?t|does not|dont) matter|(i )?(don'?t|do not|dont) mind|not bothered|"
    r"(i'?d )?rather not( say)?|any ?where|everywhere|any|pass|none|leave it|"
    r"all of (them|warwickshire)|(the )?whole county|((any ?where|all) (in|of|over) )?warwickshire)"
    r"\W*$",
    re.IGNORECASE,
)
# The NLU's "no" (also the Skip button's payload, /deny), when it is fairly sure: an unknown
# word ("narnia") can come out as a weak "no", and must be refused, not taken as a skip.
SKIP_INTENT = "deny"
SKIP_CONFIDENCE = 0.5
# A fairly sure "yes" (also "Find support near me" pressed again, /affirm) names no place and is
# not a wrong one: the question comes again, without "I don't know that place" or a try used up
# (the fifth user test pressed an old "Find support near me" during the question).
AGREE_INTENT = "affirm"


@dataclass(frozen=True)
class AreaReply:
    """How a reply was read: a place to narrow by, a skip, or neither (ask again)."""

    area: str | None = None  # a district id, or a place outside the county (content/areas.yml)
    skip: bool = False
    audience: str | None = None  # who the parent is, when that is what they said instead
    agreed: bool = False  # "yes": ask again, nothing was wrong


def read_area_reply(
    value: object, text: object, intent: object = None, confidence: object = 1.0
) -> AreaReply:
    """Read the slot value the form extracted (an entity, or the whole reply) and the reply,
    with the NLU's intent for it and how sure it was.

    A place named anywhere in the reply wins ("no, we're in Rugby"); then a skip ("doesn't
    matter", or a fairly sure "no"); then who the parent is ("I'm a dad"), so that is kept and
    the place asked again without an error.
    """
    text = text if isinstance(text, str) else ""
    if text.lstrip().startswith("/"):
        text = ""  # a button or typed command: its text is JSON, and only its value is read
    if _SKIP.match(text):
        return AreaReply(skip=True)
    areas = get_areas()
    for candidate in (value, text):
        if isinstance(candidate, str) and 0 < len(candidate) <= 200:
            found = areas.read_reply(candidate)
            if found.key is not None:
                return AreaReply(area=found.key)
    sure = isinstance(confidence, int | float) and confidence >= SKIP_CONFIDENCE
    if intent == SKIP_INTENT and sure:
        return AreaReply(skip=True)
    audience = normalise_audience(text)
    if audience is None and intent == AGREE_INTENT and sure:
        return AreaReply(agreed=True)
    return AreaReply(audience=audience)

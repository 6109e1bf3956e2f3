"""Who the parent is: mum, dad-or-partner, or parent. Values from users are untrusted."""

from __future__ import annotations

import re

AUDIENCES = ("mum", "dad-or-partner", "parent")
_DAD = re.compile(r"\b(dad|dads|father|daddy|partner|husband|boyfriend|step[- ]?dad)\b")
_MUM = re.compile(r"\b(mum|mums|mom|mother|mummy|mam|step[- ]?mum)\b")
_PARENT = re.compile(r"\b(parent|carer|guardian)\b")


def normalise_audience(value: object) -> str | None:
    """Map 'dad', "I'm a dad", 'dad-or-partner' etc. to an audience id; None if unknown."""
    if not isinstance(value, str) or len(value) > 100:
        return None
    text = value.strip().lower()
    if text in AUDIENCES:
        return text
    if _DAD.search(text):
        return "dad-or-partner"
    if _MUM.search(text):
        return "mum"
    if _PARENT.search(text):
        return "parent"
    return None


# The writer saying who they are against an answer written for dads ("im not a dad im the mum??":
# the tenth user test's mum was answered as a dad twice).
_SAYS_MUM = re.compile(
    r"\b((i'?m|im|i am) (the |a |his |her |their |baby'?s |babys )?(mum|mom|mam|mother|mummy|mommy)"
    r"|(i'?m|im|i am) not (a |the )?(dad|father|daddy|man|bloke|guy))\b"
)


def says_she_is_the_mum(text: object) -> bool:
    """Does the message say the writer is the mum, or not a dad?"""
    return isinstance(text, str) and len(text) < 1000 and bool(_SAYS_MUM.search(text.lower()))


# The writer saying she is pregnant, some weeks gone, has given birth or is breastfeeding ("hi im
# 30 weeks pregnant": the nineteenth user test's mum was offered the dads' part). First person
# only: "my partner is pregnant", "she had a c-section" and "we're pregnant" (a partner says it
# too) are not read, nor "im not pregnant" or "am i pregnant?".
_I_AM = r"(i'?m|im|i am|i was|i'?ve been|ive been)"
_SOME_WEEKS = r"(\d+|a few|few|some)\+? ?(weeks?|wks?|months?)"
_SAYS_PREGNANT = re.compile(
    rf"\b({_I_AM} (now |currently |just |only |nearly |almost |about |over |still )?"
    rf"({_SOME_WEEKS} )?(pregnant|preggo|preggers)"
    rf"|(i'?m|im|i am) {_SOME_WEEKS} (gone|along|pg|pregnant)"
    r"|i (just |recently )?(gave|have given|'ve given|ve given|had given) birth"
    r"|i (just |recently )?had (a |an |my )?(emergency |planned )?(c-? ?section|caesarean|cesarean)"
    r"|(since|after) my (c-? ?section|caesarean|cesarean|labour|labor)"
    r"|(i'?m|im|i am) (still |exclusively |currently )?(breast ?feeding|bf'?ing)"
    r"|i (still )?(breast ?feed|breastfeed))\b"
)


# A message that starts with the stage, "I'm" left out ("8 months pregnant and exhausted": the
# twenty-fifth user test's mum; README, fifty-sixth session), after a greeting at most. Not a
# question ("pregnant? how would i know"), nor pregnant people in general ("pregnant women...").
_STARTS_PREGNANT = re.compile(
    rf"((hi|hiya|hello|hey)\b[ ,.!]*)?({_SOME_WEEKS} )?(pregnant|preggo|preggers)\b"
    r"(?!\s*\?| (women|woman|ladies|lady|mums|moms|people|partners?|wife|girlfriend)\b)"
)


def says_she_is_pregnant(text: object) -> bool:
    """Does the writer say she is pregnant, has given birth or is breastfeeding?"""
    if not isinstance(text, str) or len(text) >= 2000:
        return False
    said = text.lower().replace("\u2019", "'")
    return bool(_SAYS_PREGNANT.search(said) or _STARTS_PREGNANT.match(said.lstrip()))


# The writer speaking of their own state ("to be honest im shattered myself", the eleventh user
# test's grandmother): after answers for family and friends, such a message is the writer's own.
# Not "myself" alone ("should i ring her gp myself?"), nor "I" alone ("what do I say?").
_OF_SELF = re.compile(
    r"\b(i'?m|im|i am|i feel|i felt|i'?ve been|ive been|i'?ve got|ive got|i can'?t|i cant|"
    r"i cannot|i keep)\b"
)


def speaks_of_self(text: object) -> bool:
    """Does the message say how the writer is ("im shattered", "i feel", "i can't sleep")?"""
    return isinstance(text, str) and bool(_OF_SELF.search(text.lower()))

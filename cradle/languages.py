"""Is a message written in a language other than English, or in no words at all?

Cradle's NLU and topics are in English only. A mum who writes in Polish, Romanian, Urdu or
Punjabi was told "Sorry, I can't help with that" (the fifth user test); she should be told, in
plain English, where help in her language is. The safety net reads the message first, and its
lexicon knows some crises in Polish and Romanian, so this never stands in front of crisis help.

Two signs, each cheap and unlikely in an English message: most letters outside the Latin
alphabet (Arabic, Urdu, Bengali, Gurmukhi, Gujarati, Cyrillic, Chinese...), or at least two of
the letters that Polish, Romanian and the other languages of central and eastern Europe use and
English never does. One such letter is not enough: a name ("Łukasz") in an English message.
"""

from __future__ import annotations

# Letters of central and eastern European languages that English words never use (Polish,
# Romanian, Czech, Slovak, Hungarian, Lithuanian, Latvian, Turkish).
_MARKERS = frozenset("ąćęłńśźżăâîșțşţčďěňřšťůžőűėįųūāēīķļņğıĄĆĘŁŃŚŹŻĂÂÎȘȚŞŢČĎĚŇŘŠŤŮŽŐŰĖĮŲŪĀĒĪĶĻŅĞİ")
_LATIN_END = 0x24F  # Basic Latin to Latin Extended-B
_MIN_LETTERS = 4


def _latin(char: str) -> bool:
    return ord(char) <= _LATIN_END or 0x1E00 <= ord(char) <= 0x1EFF


# Faces and hearts that say "I'm sad" without a word (the fifth user test sent three crying
# faces and got the greeting again).
_SAD_EMOJI = frozenset(
    "\U0001f622\U0001f62d\U0001f61e\U0001f614\u2639\U0001f641\U0001f629"
    "\U0001f62b\U0001f494\U0001f625\U0001f613\U0001f97a\U0001f61f"
)


def only_sad_emoji(text: str) -> bool:
    """True when a message has no letters or digits and at least one sad face or broken heart."""
    return not any(c.isalnum() for c in text) and any(c in _SAD_EMOJI for c in text)


def in_another_language(text: str) -> bool:
    """True when `text` is most likely not English (see the module's docstring)."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < _MIN_LETTERS:
        return False
    other_script = sum(not _latin(c) for c in letters)
    if other_script * 2 >= len(letters):
        return True
    return sum(c in _MARKERS for c in letters) >= 2

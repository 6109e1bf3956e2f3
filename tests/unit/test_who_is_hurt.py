"""Who is hurt in a message read as abuse: someone else's partner named, and no "me"
(content/safety/who_is_hurt.yml; docs/safety.md, "Abuse told by a friend")."""

from __future__ import annotations

import pytest

from cradle.paths import content_dir
from cradle.safety import SafetyDetector
from cradle.safety.who_is_hurt import WhoIsHurt
from cradle.yamlio import ContentError

SAFETY = content_dir() / "safety"


@pytest.fixture(scope="module")
def who() -> WhoIsHurt:
    return WhoIsHurt.from_file(
        SAFETY / "who_is_hurt.yml", SafetyDetector.from_dir(SAFETY).normalise
    )


@pytest.mark.parametrize(
    "text",
    [
        "my sister's boyfriend shouts at her and has took her bank card",
        "my sisters boyfriend shouts at her",  # no apostrophe
        "my sisters' boyfriend checks her phone",
        "i think her husband hits her, she had a black eye again",
        "my daughter's new fella won't let her see her friends",  # a word between
        "my mates missus takes all his money and hits him",
        "Sarah's ex keeps turning up at her flat",  # anyone's partner, with an apostrophe
        "my son's girlfriend slaps him",
        "my best friend's other half controls everything she does",  # two words for a partner
    ],
)
def test_someone_elses_partner_named_is_someone_elses_abuse(who, text):
    assert who.someone_elses_partner(text)


@pytest.mark.parametrize(
    "text",
    [
        "my partner hits me when he's drunk",
        "my boyfriend shouts at me and has took my bank card",
        # Any "me" or "us" keeps the reply written to the victim.
        "my sister's boyfriend hit me when i stuck up for her",
        "her husband threatened us",
        # The writer's own partner or ex: "my baby's dad" (not a partner word here).
        "my baby's dad keeps turning up and shouting",
        # No partner word after the possessive.
        "he hits her",
        "my sister's scared of him",
    ],
)
def test_the_writers_own_abuse_or_no_one_elses_partner_is_not(who, text):
    assert not who.someone_elses_partner(text)


@pytest.mark.parametrize(
    ("text", "hurt"),
    [
        # The thirteenth user test's grandmother, after crisis help for her daughter.
        (
            "it's not her mental health I'm worried about, it's him. I think he's hurting her",
            "adult",
        ),
        ("hes hitting her again", "adult"),
        ("my son hits his girlfriend when hes had a drink", "adult"),
        ("her fella grabbed her by the neck", "adult"),
        ("im scared hell hurt the baby", "baby"),
        ("her boyfriend shook the little one", "baby"),
        # The writer doing it, anywhere in the message: the writer's own reply.
        ("he won't stop screaming and I feel like shaking him", "writer"),
        ("I smacked him i didnt mean to", "writer"),
        ("makes me want to shake her", "writer"),
        ("he hit her and i could hit him back", "writer"),
        # Done to the writer, or no one named doing it.
        ("he hits me too", None),
        ("the baby got hurt", None),
        ("is she going to be ok", None),
    ],
)
def test_who_does_the_hurting(who, text, hurt):
    assert who.hurting(text) == hurt


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda s: s.replace('  - "her"\n', "  - her\n  - 1\n"), "quotes"),
        (lambda s: s.replace("writer_hurt:", "not_writer_hurt:"), "writer_hurt"),
        (lambda s: s.replace('  - "her"\n', '  - "her own"\n'), "one word"),
        (lambda s: s.replace('  - "shook"\n', '  - "shook up"\n'), "hurting_words: one word"),
        (lambda s: s.replace("baby_words:", "babies:"), "baby_words"),
    ],
)
def test_a_bad_who_is_hurt_file_is_refused_with_a_clear_error(tmp_path, change, error):
    path = tmp_path / "who_is_hurt.yml"
    path.write_text(change((SAFETY / "who_is_hurt.yml").read_text(encoding="utf-8")))
    with pytest.raises(ContentError, match=error):
        WhoIsHurt.from_file(path, str.lower)

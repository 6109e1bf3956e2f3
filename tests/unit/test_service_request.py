"""The words that make a message a request for services (content/service_requests.yml).

Only read when the NLU chose a topic: a request it took for a topic question still gets
services in that turn, and a topic question that merely mentions help gets its answer.
"""

from __future__ import annotations

import pytest

from cradle.content import content_dir
from cradle.responses import message
from cradle.service_request import RequestReader, get_request_reader
from cradle.turn import CommandError, check_command, services_search
from cradle.yamlio import ContentError


@pytest.mark.parametrize(
    "text",
    [
        "are there any groups for dads in rugby",
        "who can I text for help at night",
        "is there anyone I could ring about how I'm feeling",
        "is there anything in Bedworth for mums with little ones",
        "anything for young dads",
        "somewhere to meet other parents please",
        "someone to talk to tonight",
        "whats on for babies in alcester",
        "nearest family hub",
        "can I refer myself",
        "where can grandparents go for support",
        "support for separated dads",
        "talking therapy near kenilworth",
    ],
)
def test_a_request_for_services_is_read_as_one(text):
    assert get_request_reader().read(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "I don't feel anything for my baby",
        "i don't feel anything especially for my baby",
        "is there anything that helps with colic",
        "not sad about anything in particular, just flat",
        "how do I get more sleep with a newborn",
        "I had to leave the clinic because I was shaking",
        "is there something wrong with me",
        "my partner thinks I should talk to someone but I don't know",
    ],
)
def test_a_topic_question_that_mentions_help_is_not_a_request(text):
    assert get_request_reader().read(text) is None


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        # The ninth user test's dad, after a list of dads' groups: a list again, not his mood.
        ("tbh its not really the groups. ive been feeling a bit flat since the baby came", False),
        ("i didnt ask for a list", False),
        ("its not the services, its me", False),
        ("not about groups but is there support for dads in rugby", True),
        ("are there any groups for dads in rugby", True),
    ],
)
def test_a_message_that_turns_a_list_down_is_not_a_request(text, asks):
    # Not even when the NLU read it as one (`asked`).
    for asked in (False, True):
        assert (get_request_reader().read(text, asked=asked) is not None) is asks


# A word between "anything" and "for" (the thirty-third user test's dad; README, sixty-first
# session): still a request for dads.
@pytest.mark.parametrize(
    "text",
    [
        "is there anything specificaly for dads? feel like everything is aimed at mums",
        "is there anything especially for dads",
        "anything aimed at dads?",
    ],
)
def test_a_word_between_anything_and_for_is_still_a_request_for_dads(text):
    ask = get_request_reader().read(text)
    assert ask is not None and "dads" in ask.needs


def test_a_request_says_who_it_is_for_and_how_to_reach_them():
    ask = get_request_reader().read("is there a number dads can text for support")
    assert ask is not None
    assert ask.contact == "text"
    assert "dads" in ask.needs


@pytest.mark.parametrize(
    ("text", "audience", "contact", "needs"),
    [
        # A group is somewhere to meet other parents: not a helpline (third user test).
        ("baby groups in Rugby", None, None, ("meeting-other-parents",)),
        ("other mums near Warwick", "mum", None, ("meeting-other-parents",)),
        ("any groups for dads in rugby", "dad-or-partner", None, ("dads", "meeting-other-parents")),
        ("face to face support in Stratford", None, "in-person", ()),
        ("online support for dads", "dad-or-partner", "online", ("dads",)),
        ("support for domestic abuse in nuneaton", None, None, ("domestic-abuse",)),
    ],
)
def test_a_request_says_what_kind_of_help_and_how(text, audience, contact, needs):
    ask = get_request_reader().read(text, names_a_place=True)
    assert ask is not None
    assert (ask.audience, ask.contact, ask.needs) == (audience, contact, needs)


@pytest.mark.parametrize(
    ("text", "place", "group"),
    [
        # The twenty-first user test's mum (README, fifty-first session): a kind of help with a
        # line of its own, named with a place, is a request.
        ("is there a parenting course near warwick?", True, "parenting-courses"),
        ("debt advice in nuneaton", True, "money-advice"),
        # No place: her own course, not a request.
        ("my parenting course starts monday", False, None),
        # A group of parents is not a kind of help: this asks for nothing by itself.
        ("im a gay dad in rugby and feeling low", True, None),
    ],
)
def test_a_kind_of_help_named_with_a_place_is_a_request(text, place, group):
    ask = get_request_reader().read(text, names_a_place=place)
    assert (ask.group if ask else None) == group
    assert (ask is not None) == (group is not None)


def test_the_channels_search_reads_the_place_and_sends_the_kind_of_help():
    # The action sees the command, not the words: the kind of help goes with it, so its line
    # ("I don't have parenting courses...") comes before the list.
    assert services_search("is there a parenting course near warwick?") == (
        '/find_services{"area": "warwick", "kind_of_help": "parenting-courses"}'
    )
    assert services_search("my parenting course starts monday") is None


@pytest.mark.parametrize(
    ("command", "error"),
    [
        ('/find_services{"kind_of_help": "parenting-courses"}', None),
        ('/find_services{"kind_of_help": "lgbtq-parents"}', "kind_of_help must be one of"),
        ('/find_services{"kind_of_help": "<script>"}', "kind_of_help must be one of"),
    ],
)
def test_a_kind_of_help_typed_in_a_command_is_checked_against_its_allowlist(command, error):
    if error is None:
        assert check_command(command) == command
    else:
        with pytest.raises(CommandError, match=error):
            check_command(command)


def test_a_request_that_names_no_need_searches_everyday_needs_not_abuse_services():
    everyday = get_request_reader().no_need_named
    assert "domestic-abuse" not in everyday
    assert {"low-mood", "anxiety", "dads"} <= set(everyday)


@pytest.mark.parametrize(
    ("text", "other_language"),
    [
        ("do you have any services in polish", True),  # the fourth user test
        ("is there a Romanian speaking group near Rugby", True),
        ("any groups in my own language", True),
        ("I need an interpreter for my health visitor", True),
        ("support for deaf parents who use sign language", True),
        ("my english is not good, any help near nuneaton", True),
        ("any groups for new mums in nuneaton", False),
        ("is there anything for polish sausages", False),  # not a language: nothing to claim
    ],
)
def test_a_request_in_another_language_is_read(text, other_language):
    ask = get_request_reader().read(text, asked=True)
    assert ask is not None and ask.other_language is other_language


@pytest.mark.parametrize(
    ("text", "group"),
    [
        # The seventh user test: a non-birth mother asked for a group for LGBT parents.
        ("is there a group for lgbt parents near me", "lgbtq-parents"),
        ("any groups for same-sex parents in rugby", "lgbtq-parents"),
        ("we're two mums, anything for us in leamington", "lgbtq-parents"),
        # The eleventh user test's grandmother.
        (
            "is there anything for grandparents who are worn out looking after everyone",
            "grandparents",
        ),
        ("any support for nans in nuneaton", "grandparents"),
        # The fourteenth user test's single mum of twins.
        ("is there a mums group somewhere twins friendly", "twins-or-more"),
        ("any groups for twin mums in rugby", "twins-or-more"),
        ("any support for parents of triplets near me", "twins-or-more"),
        ("twin room on the ward, any support groups near me", None),
        # The fifteenth user test's mum whose baby was in neonatal intensive care.
        (
            "are there any groups for mums whose babies were in neonatal? im in leamington spa",
            "neonatal",
        ),
        ("is there anything for nicu mums near me", "neonatal"),
        ("any support groups for parents of prem babies in rugby", "neonatal"),
        ("transport to baby groups in rugby", None),
        ("any groups for new mums in nuneaton", None),
        # The sixteenth user test's mum, pregnant again after a miscarriage.
        (
            "is there anyone who gets pregnancy after miscarriage? like a charity or someone"
            " who's been through it",
            "pregnancy-or-baby-loss",
        ),
        # The seventeenth's mum, 17: her age said of herself, or young mums named.
        (
            "hiya im 17 and got a 4 month old. everyone looks at me like im a kid wiv a kid. is"
            " there any groups where ppl wont judge me",
            "young-parents",
        ),
        ("i want like a baby group for young mums not therapy", "young-parents"),
        ("any groups for teenage dads", "young-parents"),
        # Weeks of pregnancy or a child's months are not the writer's age.
        ("im 17 weeks pregnant, any groups near me", None),
        ("groups for mums of 17 month olds", None),
        ("any support groups for baby loss in rugby", "pregnancy-or-baby-loss"),
        ("any support for parents after a stillbirth near me", "pregnancy-or-baby-loss"),
        ("any groups for pregnant mums in kenilworth", None),
        # The nineteenth user test's mum: a parenting course, not in the catalogue.
        ("is there like a parenting course or group near me? im in stratford", "parenting-courses"),
        ("any triple p near nuneaton", "parenting-courses"),
        # The twenty-first user test's dad: money advice, not in the catalogue (fiftieth).
        ("yeah, debt advice or benefits help near rugby", "money-advice"),
        ("is there anywhere that helps with universal credit near me", "money-advice"),
        ("any support with money worries in nuneaton", "money-advice"),
        # The twenty-second user test's dad asked in other words (README, fifty-second session).
        ("help with money not feelings. what can we claim", "money-claims"),
        ("what can we claim, is there anything for new babies", "money-claims"),
        ("are we entitled to anything when the baby comes", "money-claims"),
        ("is there a maternity grant or healthy start vouchers", "money-claims"),
        ("we claimed the car seat on ebay, any baby groups", None),
        ("any help with the bath, she screams", None),
        ("grant me patience, is there a group for new dads", None),
    ],
)
def test_a_group_of_parents_without_a_catalogue_audience_is_read(text, group):
    ask = get_request_reader().read(text, asked=True)
    assert ask is not None and ask.group == group


@pytest.mark.parametrize(
    ("text", "group"),
    [
        # Asked as a question of what to claim: a request by itself, whatever the NLU read (the
        # twenty-third user test's dad got the dads' topic; README, fifty-third session).
        ("dad here. what can we claim for the baby", "money-claims"),
        ("help with money not feelings. what can we claim", "money-claims"),
        ("what can we claim for the baby", "money-claims"),
        # Money named while speaking of feelings, or "claims" of another kind: not a request.
        ("money is tight but i mostly feel low", None),
        ("we are on universal credit and i feel so low", None),
        ("my partner claims hes fine", None),
    ],
)
def test_a_question_of_what_to_claim_asks_for_services_by_itself(text, group):
    ask = get_request_reader().read(text)
    assert (ask.group if ask else None) == group


def test_asks_by_itself_must_be_true_or_false(tmp_path):
    path = tmp_path / "service_requests.yml"
    text = (content_dir() / "service_requests.yml").read_text()
    path.write_text(text.replace("asks_by_itself: true", "asks_by_itself: sometimes", 1))
    with pytest.raises(ContentError, match="money-claims.asks_by_itself"):
        RequestReader(path)


@pytest.mark.parametrize(
    ("found", "said"),
    [
        (["Family Information Service Help for all families"], "LGBTQ+ parents"),
        (["Galop LGBT+ abuse helpline", "Family Information Service"], None),  # it names them
        ([], None),  # no list: nothing to say before it
    ],
)
def test_a_group_with_no_service_of_its_own_is_named_only_when_none_found_names_it(found, said):
    reader = get_request_reader()
    ask = reader.read("is there a group for lgbt parents near me", asked=True)
    assert reader.unserved_group(ask, found) == said
    assert reader.unserved_group(reader.read("any groups for new mums", asked=True), found) is None


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        ("    words: LGBTQ+ parents\n", "", "unlisted_groups.lgbtq-parents: needs 'words'"),
        ("unlisted_groups:\n", "unlisted_groups:\n  - x\nignored:\n", "expected a mapping"),
        ("thanks: ", "thanks_was: ", "thanks: expected one quoted pattern"),  # removed
        ("sign_off: ", "sign_off_was: ", "sign_off: expected one quoted pattern"),  # removed
        ("tells_about_self: ", "tells_was: ", "tells_about_self: expected one quoted"),
        ("tells_about_self: '", "tells_about_self: '(", "tells_about_self: bad pattern"),
        ("    line: services_parenting_none\n", "    line: 3\n", "parenting-courses.line"),
        ("turns_down:", "turns_down_was:", "turns_down: expected a list"),  # removed
        ("    first: warwickshire-fis\n", "    first: [fis]\n", "parenting-courses.first"),
        ("    first: warwickshire-fis\n", "    first: Family Info\n", "parenting-courses.first"),
    ],
)
def test_unlisted_groups_need_words_and_patterns(tmp_path, old, new, error):
    import shutil

    from cradle.service_request import RequestReader

    path = tmp_path / "service_requests.yml"
    shutil.copy(content_dir() / "service_requests.yml", path)
    text = path.read_text(encoding="utf-8").replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError, match=error):
        RequestReader(path)


@pytest.mark.parametrize(
    ("text", "signs_off"),
    [
        ("thanks. i think ill try sleep now x", True),  # the eleventh user test
        ("goodnight x", True),
        ("cheers, off to bed", True),
        ("ok bye", True),
        # Asking, saying how they are, or about the baby's sleep: not a goodnight.
        ("thanks, how do i get some sleep?", False),
        ("thanks but im still awake and i cant stop crying", False),
        ("baby wont go to sleep now", False),
        ("thanks for that", False),
        ("goodnight " + "and the baby would not settle again " * 3, False),
    ],
)
def test_a_goodnight_is_told_apart_from_a_question_about_sleep(text, signs_off):
    assert get_request_reader().signs_off(text) is signs_off


@pytest.mark.parametrize(
    ("text", "turned_down"),
    [
        # The nineteenth user test's mum, under a list with Samaritans.
        ("none of them are parenting courses tho? samaritans isnt what i need lol", True),
        ("no i dont want samaritans. parenting course for toddler tantrums", True),
        ("already tried talking therapies, anything else", True),
        # Questions about a listed service: its card.
        ("the samaritans one, is it free?", False),
        ("how do i contact talking therapies", False),
    ],
)
def test_a_listed_service_turned_down_is_read(text, turned_down):
    assert get_request_reader().turns_down(text) is turned_down


def test_a_group_names_its_own_line_or_the_usual_one():
    reader = get_request_reader()
    assert reader.line_for("parenting-courses") == "services_parenting_none"
    assert reader.line_for("lgbtq-parents") == "services_group_none"
    assert "Family Information Service" in message("services_parenting_none")["text"]


def test_the_service_a_groups_line_names_leads_the_list_and_the_rest_keep_their_order():
    # After "The Family Information Service can tell you what runs near you", its card first,
    # not Samaritans open at night (README, fiftieth session).
    from cradle.catalogue.store import ServiceResult

    reader = get_request_reader()
    found = tuple(
        ServiceResult(**{f: None for f in ServiceResult.__dataclass_fields__} | {"id": i})
        for i in ("samaritans", "cw-talking-therapies", "warwickshire-fis", "pandas-foundation")
    )
    led = [r.id for r in reader.led_by("parenting-courses", found)]
    assert led == ["warwickshire-fis", "samaritans", "cw-talking-therapies", "pandas-foundation"]
    # A group without `first`, or the service not found: unchanged.
    assert reader.led_by("lgbtq-parents", found) == found
    assert reader.led_by("parenting-courses", found[:2]) == found[:2]


@pytest.mark.parametrize(
    ("text", "turned_down"),
    [
        # README, "not a crisis line" (sixtieth session): the thirtieth user test's mum.
        ("someone to talk to in the evenings, not a crisis line", True),
        ("just someone to talk to, not a crisis line", True),
        ("no crisis lines please, any support near me", True),
        ("im not in crisis, i just want someone to talk to", True),
        ("who can i talk to, i dont want a crisis number", True),
        # A question about one, or "not an emergency" (which NHS 111 is for), is not the words.
        ("is samaritans a crisis line", False),
        ("its not an emergency but who can i talk to", False),
        ("someone to talk to in the evenings", False),
        # Asking whether there is one is not turning it down (review, sixtieth session).
        ("is there no crisis line for warwickshire? who can i talk to", False),
        ("is there not a crisis line here, someone to talk to at night", False),
        ("is this not a crisis? who do i talk to", False),
    ],
)
def test_a_request_can_turn_crisis_lines_down(text, turned_down):
    ask = get_request_reader().read(text, asked=True)
    assert ask is not None and ask.not_crisis is turned_down

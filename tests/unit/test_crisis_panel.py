"""The web chat's crisis panel links: content (`crisis_panel` in content/responses.yml), carried
in the reply contract for a crisis reply (the seventeenth user test: after abuse help, the
panel still offered Samaritans, not the abuse helpline)."""

from __future__ import annotations

import pytest

from cradle.paths import PROJECT_ROOT
from cradle.responses import crisis_lines, load_crisis_panel
from cradle.turn import assemble_reply, prepare_turn
from cradle.yamlio import ContentError

WIDGET = PROJECT_ROOT / "cradle" / "web" / "static" / "widget.js"


def labels(lines: list[dict[str, str]]) -> str:
    return " | ".join(line["label"] for line in lines)


@pytest.mark.parametrize(
    ("text", "says", "never"),
    [
        ("my partner hits me and i'm scared of him", "0808 2000 247", "Samaritans"),
        ("i want to kill myself tonight", "Samaritans 116 123", "0808 2000 247"),
        ("she's not breathing and her lips are blue", "Samaritans 116 123", "0808 2000 247"),
    ],
)
def test_a_crisis_reply_carries_the_panel_links_for_its_own_crisis(text, says, never):
    turn = prepare_turn(text)
    assert turn.safety.is_crisis
    contract = assemble_reply(turn, [])[-1]["custom"]
    lines = contract["crisis_lines"]
    assert lines[0] == {"label": "Call 999", "href": "tel:999"}
    assert says in labels(lines) and never not in labels(lines)
    assert all(line["href"].startswith(("tel:", "sms:")) for line in lines)


def test_after_abuse_help_for_a_friend_the_panel_names_the_abuse_helplines_too():
    assert "0808 2000 247" in labels(crisis_lines("abuse_for_other"))
    assert {"label": "Men's Advice Line 0808 8010 327", "href": "tel:08088010327"} in (
        crisis_lines("abuse")
    )


@pytest.mark.parametrize("text", ["how do i get my baby to sleep", "i feel a bit low today"])
def test_below_urgent_the_contract_has_no_panel_links(text):
    contract = assemble_reply(prepare_turn(text), [{"text": "An answer."}])[-1]["custom"]
    assert contract["safety"] not in ("urgent", "emergency")
    assert "crisis_lines" not in contract


def test_the_widgets_own_list_is_the_content_default():
    """The widget shows its own list when the server cannot answer: it must be the same."""
    widget = WIDGET.read_text(encoding="utf-8")
    for line in crisis_lines(None):
        assert f'["{line["label"]}", "{line["href"]}"]' in widget


SAFETY = """
responses:
  utter_safety:
    - condition: [{type: slot, name: safety_response, value: abuse}]
      text: Abuse help.
    - text: Help.
"""


@pytest.mark.parametrize(
    ("panel", "names"),
    [
        ("crisis_panel: {}", "'default' list"),
        ("crisis_panel:\n  default: []", "crisis_panel.default: expected a non-empty list"),
        (
            "crisis_panel:\n  default: [{label: Call 999, call: '999'}]\n"
            "  abuze: [{label: Call 999, call: '999'}]",
            "crisis_panel.abuze: not a crisis reply",
        ),
        (
            "crisis_panel:\n  default: [{label: Samaritans 116 123, call: '116 132'}]",
            "crisis_panel.default[0]: the label does not show the number '116 132'",
        ),
        (
            "crisis_panel:\n  default: [{label: Call 999, call: '999', text_to: '999'}]",
            "crisis_panel.default[0]: expected a 'label' and one of",
        ),
        (
            "crisis_panel:\n  default: [{label: Call 999, call: 'javascript:alert(1)'}]",
            "crisis_panel.default[0]: 'javascript:alert(1)' is not a phone number",
        ),
        (
            "crisis_panel:\n  default: [{label: Call 999}]",
            "crisis_panel.default[0]: expected a 'label' and one of",
        ),
    ],
)
def test_a_bad_panel_entry_is_a_content_error_naming_it(tmp_path, panel, names):
    path = tmp_path / "responses.yml"
    path.write_text(SAFETY + panel + "\n", encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_crisis_panel(path)
    assert str(path) in str(err.value) and names in str(err.value)


def test_a_good_panel_for_a_known_crisis_reply_loads(tmp_path):
    path = tmp_path / "responses.yml"
    path.write_text(
        SAFETY + "crisis_panel:\n  default: [{label: Call 999, call: '999'}]\n"
        "  abuse: [{label: Text 85258, text_to: '85258'}]\n",
        encoding="utf-8",
    )
    assert load_crisis_panel(path)["abuse"] == ({"label": "Text 85258", "href": "sms:85258"},)

"""A terminal chat client for a running Cradle (`make shell`)."""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request


def send(url: str, sender: str, text: str) -> list[dict]:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310 - operator's own URL
        return list(json.load(reply))


def card_lines(cards: list[dict]) -> list[str]:
    """One line per service card: its name, numbers and website."""
    lines = []
    for card in cards:
        contacts = [
            f"{'text' if phone.get('type') == 'text' else 'call'} {phone.get('number')}"
            for phone in card.get("phones") or []
        ]
        line = f"- {card.get('name')}"
        if contacts:
            line += ": " + ", ".join(contacts)
        if card.get("url"):
            line += f" {card['url']}"
        lines.append(line)
    return lines


def chat_loop(url: str) -> int:
    sender = "shell-" + secrets.token_hex(6)
    print("Chatting with Cradle. Type a message, or press Ctrl-D to leave.")
    while True:
        try:
            text = input("you> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        try:
            messages = send(url, sender, text)
        except (urllib.error.URLError, OSError) as err:
            print(f"error: cannot reach Cradle at {url} ({err}). Is `make run` running?")
            return 1
        contract = messages[-1].get("custom", {}) if messages else {}
        for index, message in enumerate(messages):
            if index == contract.get("cards_after"):
                # The REST channel sends services as cards only (the widget shows them as cards).
                for line in card_lines(contract.get("cards") or []):
                    print(f"        {line}")
            if message.get("text"):
                print(f"cradle> {message['text']}")
            for number, button in enumerate(message.get("buttons") or [], start=1):
                print(f"        [{number}] {button['title']}  (type: {button['payload']})")
            if "custom" in message:
                summary = {k: message["custom"].get(k) for k in ("topic", "safety", "services")}
                print(f"        {json.dumps(summary)}")

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
        for message in messages:
            if message.get("text"):
                print(f"cradle> {message['text']}")
            for number, button in enumerate(message.get("buttons") or [], start=1):
                print(f"        [{number}] {button['title']}  (type: {button['payload']})")
            if "custom" in message:
                contract = {k: message["custom"].get(k) for k in ("topic", "safety", "services")}
                print(f"        {json.dumps(contract)}")

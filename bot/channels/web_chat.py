"""The web chat widget's channel, at /webhooks/web_chat/webhook (public at /api/chat via nginx).

It owns the door policy the public web needs (`cradle/chat_session.py`): a server-issued signed
session (cookie, or a header for the widget on a council's own site), the origin check with CORS
for listed council sites, a per-session rate limit, and request size and shape checks. Every
message then takes the same path as SMS and REST (`guarded_turn`: safety net, Rasa, reply
contract, insight row).

POST {"message": "..."} -> {"messages": [...], "contract": {"topic", "safety", "services", ...}}
POST .../webhook/end    -> 204: Quick exit and Clear chat restart the conversation in Rasa.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import replace
from typing import Any

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import (
    DEFAULT_REPLY_TIMEOUT,
    OnNewMessage,
    add_warm_up,
    guarded_turn,
    install_hooks,
    session_lookup,
    topic_guess,
)
from cradle.chat_session import (
    MAX_REQUEST_BYTES,
    SESSION_COOKIE,
    SESSION_HEADER,
    ChatPolicy,
    RateLimiter,
    cors_headers,
)
from cradle.responses import message
from cradle.turn import assemble_reply, prepare_turn

logger = logging.getLogger(__name__)
_NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


class CradleWebChatInput(InputChannel):
    """The widget's chat API: signed sessions, origin check, rate limit, then the safety net."""

    @classmethod
    def name(cls) -> str:
        return "web_chat"

    def __init__(self, policy: ChatPolicy, reply_timeout: float = DEFAULT_REPLY_TIMEOUT) -> None:
        self.policy = policy
        self.reply_timeout = reply_timeout
        self.limiter = RateLimiter(policy.rate_limit)

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> CradleWebChatInput:
        # Secrets and origins come from the environment; credentials.yml holds the limits.
        credentials = credentials or {}
        install_hooks()
        policy = ChatPolicy.from_env(rate_limit=int(credentials.get("rate_limit", 20)))
        return cls(policy, float(credentials.get("reply_timeout", DEFAULT_REPLY_TIMEOUT)))

    def _answer(
        self, request: Request, body: dict[str, Any] | None, status: int = 200
    ) -> HTTPResponse:
        headers = dict(_NO_STORE)
        allowed = self.policy.cors_origin(request.headers.get("Origin"))
        if allowed:
            headers.update(cors_headers(allowed))
        if body is None:
            return response.empty(status=204, headers=headers)
        return response.json(body, status=status, headers=headers)

    def _refusal(self, request: Request) -> HTTPResponse | None:
        """403 for a web page not allowed to chat, 413 for an oversized body, else None."""
        if not self.policy.origin_allowed(request.headers.get("Origin"), request.host):
            return response.text(
                "this site is not allowed to use the Cradle chat API", status=403, headers=_NO_STORE
            )
        if len(request.body or b"") > MAX_REQUEST_BYTES:
            return self._answer(request, {"error": "request too large"}, 413)
        return None

    async def _allowed(self, sender: str) -> bool:
        """The rate limit, counted in the shared database off the event loop. If it cannot be
        read the message goes through: a broken limiter must not cost a parent a reply."""
        try:
            return await asyncio.to_thread(self.limiter.allow, sender)
        except Exception:  # noqa: BLE001 - logged; the turn goes on
            logger.exception("could not check the web chat rate limit")
            return True

    def _session(self, request: Request) -> tuple[str, bool]:
        return self.policy.session_id(
            (request.headers.get(SESSION_HEADER), request.cookies.get(SESSION_COOKIE))
        )

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        hook = Blueprint("cradle_web_chat", __name__)
        add_warm_up(hook)

        @hook.middleware("response")
        async def preflight(request: Request, _: HTTPResponse) -> HTTPResponse | None:
            # Rasa's CORS extension answers every OPTIONS request itself, before any handler,
            # and names no origin; this channel's own policy replaces that answer.
            if request.method == "OPTIONS":
                return self._refusal(request) or self._answer(request, None)
            return None

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST", "OPTIONS"])
        async def chat(request: Request) -> HTTPResponse:
            refused = self._refusal(request)
            if refused is not None:
                return refused
            if request.method == "OPTIONS":
                return self._answer(request, None)
            if not (request.content_type or "").startswith("application/json"):
                return self._answer(request, {"error": 'send JSON: {"message": "..."}'}, 415)
            try:
                body = json.loads(request.body or b"")
            except ValueError:
                return self._answer(request, {"error": "the body is not valid JSON"}, 400)
            if not isinstance(body, dict) or not isinstance(body.get("message"), str):
                return self._answer(request, {"error": 'send JSON: {"message": "..."}'}, 400)
            sender, is_new = self._session(request)
            if not await self._allowed(sender):
                reply = await asyncio.to_thread(rate_limited_reply, body["message"])
                return self._answer(request, reply, 429)
            _, messages = await guarded_turn(
                on_new_message,
                body["message"],
                f"web-{sender}",
                self.name(),
                timeout=self.reply_timeout,
                lookup=session_lookup(request.app.ctx.agent),
                guess=topic_guess(request.app.ctx.agent),
            )
            answer = self._answer(request, web_reply(messages))
            if is_new:
                self._issue(request, answer, sender)
            return answer

        @hook.route("/webhook/end", methods=["POST", "OPTIONS"])
        async def end(request: Request) -> HTTPResponse:
            """Quick exit and Clear chat: restart the conversation in Rasa and drop the cookie.

            After a disclosure, a parent who leaves in a hurry must not come back to a bot
            that remembers it ("I'm still thinking about what you told me earlier").
            """
            refused = self._refusal(request)
            if refused is not None or request.method == "OPTIONS":
                return refused or self._answer(request, None)
            sender, is_new = self._session(request)
            if not is_new:
                await guarded_turn(
                    on_new_message,
                    "/restart",
                    f"web-{sender}",
                    self.name(),
                    timeout=self.reply_timeout,
                )
            answer = self._answer(request, None)
            del answer.cookies[SESSION_COOKIE]
            answer.cookies[SESSION_COOKIE]["path"] = "/"
            return answer

        return hook

    def _issue(self, request: Request, answer: HTTPResponse, sender: str) -> None:
        """Send a new session as a header (kept by the widget for the tab) and a cookie.

        Embedded on a council site the cookie is third-party: SameSite=None and Secure (https
        only); browsers that block third-party cookies use the header. Otherwise Strict."""
        signed = self.policy.sign(sender)
        answer.headers[SESSION_HEADER] = signed
        answer.cookies[SESSION_COOKIE] = signed
        cookie = answer.cookies[SESSION_COOKIE]
        cookie["httponly"] = True
        cookie["path"] = "/"
        if self.policy.is_embedded(request.headers.get("Origin")):
            cookie["samesite"] = "None"
            cookie["secure"] = True
        else:
            cookie["samesite"] = "Strict"


def web_reply(messages: list[dict[str, Any]]) -> dict[str, Any]:
    """The widget's reply shape: the messages, and the reply contract apart.

    No recipient id: the session id is the server's, and the page has no use for it."""
    shown = [{k: v for k, v in m.items() if k != "recipient_id"} for m in messages[:-1]]
    return {"messages": shown, "contract": messages[-1]["custom"]}


def rate_limited_reply(text: str) -> dict[str, Any]:
    """A 429's body: a crisis message still gets its crisis reply from fixed text, never only
    "please wait"; the wait text itself names 999 and Samaritans."""
    turn = prepare_turn(text)
    # Rasa is not called: the same assembly as any turn, with the wait text as the only answer.
    waiting = replace(
        turn, text_for_rasa=None, immediate=(message("rate_limited"),), truncated=False
    )
    return web_reply(assemble_reply(waiting, []))

"""Cradle's web server: the demo FIS page, the widget, the same-origin chat API and health.

An aiohttp app factory; resources (the HTTP client to Rasa, the safety detector) are opened and
closed with cleanup_ctx, never at import.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import re
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from cradle import environment
from cradle.areas import get_areas
from cradle.audience import normalise_audience
from cradle.catalogue.search import open_catalogue
from cradle.catalogue.store import BadQuery, Catalogue, CatalogueUnavailable, SearchQuery
from cradle.responses import message, safety_message
from cradle.turn import assemble_reply, prepare_turn

logger = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
SESSION_COOKIE = "cradle_session"
# The same signed session id as a header, for the widget on a council's own site: a cookie from
# another site is blocked by many browsers, a header sent by the widget is not.
SESSION_HEADER = "X-Cradle-Session"
MAX_REQUEST_BYTES = 16 * 1024


@dataclass(frozen=True)
class WebConfig:
    rasa_url: str = "http://127.0.0.1:5005"
    reply_timeout: float = 10.0
    session_secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    embed_origins: tuple[str, ...] = ()  # sites that may embed the widget or frame the page
    catalogue: Path | None = None  # default: CRADLE_CATALOGUE or var/catalogue.db
    rate_limit: int = 20  # chat messages per session per minute

    @classmethod
    def from_env(cls, rasa_url: str | None = None) -> WebConfig:
        secret = environment.secret("CRADLE_SESSION_SECRET")
        origins = tuple(o for o in os.environ.get("CRADLE_EMBED_ORIGINS", "").split() if o)
        return cls(
            rasa_url=rasa_url or os.environ.get("CRADLE_RASA_URL", "http://127.0.0.1:5005"),
            session_secret=secret or secrets.token_bytes(32),
            embed_origins=origins,
        )


CONFIG = web.AppKey("config", WebConfig)
HTTP = web.AppKey("http", aiohttp.ClientSession)
CATALOGUE = web.AppKey("catalogue", Catalogue)
_BOOL = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
_SERVICE_PARAMS = {"need", "audience", "area", "open_now", "contact", "cost", "q", "limit"}


class RateLimiter:
    """A per-session sliding window: at most `limit` messages in `window` seconds."""

    def __init__(self, limit: int = 20, window: float = 60.0, max_sessions: int = 100_000) -> None:
        self.limit, self.window, self.max_sessions = limit, window, max_sessions
        self._seen: dict[str, list[float]] = {}

    def allow(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        if len(self._seen) > self.max_sessions:  # bound memory under a flood of new sessions
            self._seen.clear()
        recent = [t for t in self._seen.get(key, []) if now - t < self.window]
        allowed = len(recent) < self.limit
        if allowed:
            recent.append(now)
        self._seen[key] = recent
        return allowed


LIMITER = web.AppKey("limiter", RateLimiter)


def _sign(secret: bytes, token: str) -> str:
    return hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()[:32]


def session_id(request: web.Request) -> tuple[str, bool]:
    """The server-issued session id from the signed header or cookie, or a new one (and whether
    it's new). An unsigned or forged value is ignored: a new session starts."""
    secret = request.app[CONFIG].session_secret
    for value in (request.headers.get(SESSION_HEADER, ""), request.cookies.get(SESSION_COOKIE, "")):
        token, _, signature = value[:200].partition(".")
        if token and hmac.compare_digest(_sign(secret, token), signature):
            return token, False
    return secrets.token_urlsafe(18), True


def _origin_allowed(request: web.Request) -> bool:
    """Same-origin requests, requests with no Origin (not from a browser page), and the sites
    in CRADLE_EMBED_ORIGINS may use the chat API; any other web page may not."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    own = f"{request.scheme}://{request.host}"
    return origin == own or origin in request.app[CONFIG].embed_origins


@web.middleware
async def embed_policy(request: web.Request, handler: Any) -> web.StreamResponse:
    """CORS for the council sites that embed the widget; 403 for every other site."""
    if not request.path.startswith("/api/"):
        return await handler(request)
    if not _origin_allowed(request):
        raise web.HTTPForbidden(text="this site is not allowed to use the Cradle chat API")
    origin = request.headers.get("Origin")
    if request.method == "OPTIONS":
        response: web.StreamResponse = web.Response(status=204)
    else:
        response = await handler(request)
    if origin and origin in request.app[CONFIG].embed_origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Access-Control-Allow-Headers"] = f"Content-Type, {SESSION_HEADER}"
        response.headers["Access-Control-Expose-Headers"] = SESSION_HEADER
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Vary"] = "Origin"
    return response


@web.middleware
async def security_headers(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
        if exc.status >= 400 and not exc.text:
            exc.text = exc.reason
        _add_headers(request, response)
        raise
    _add_headers(request, response)
    return response


def _add_headers(request: web.Request, response: web.StreamResponse) -> None:
    ancestors = " ".join(("'self'", *request.app[CONFIG].embed_origins))
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors {ancestors}"
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"


async def index(_: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")


async def widget(_: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "widget.js", headers={"Cache-Control": "no-cache"})


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def chat(request: web.Request) -> web.Response:
    """Forward one message to Rasa as this browser's server-issued session."""
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(text='send JSON: {"message": "..."}')
    try:
        body = await request.json()
    except ValueError as err:
        raise web.HTTPBadRequest(text="the body is not valid JSON") from err
    if not isinstance(body, dict) or not isinstance(body.get("message"), str):
        raise web.HTTPBadRequest(text='send JSON: {"message": "..."}')
    sender, is_new = session_id(request)
    if not request.app[LIMITER].allow(sender):
        return await _rate_limited(body["message"])
    messages = await _ask_rasa(request.app, f"web-{sender}", body["message"])
    contract = messages[-1]["custom"] if messages and "custom" in messages[-1] else {}
    response = web.json_response({"messages": messages[:-1], "contract": contract})
    if is_new:
        secret = request.app[CONFIG].session_secret
        signed = f"{sender}.{_sign(secret, sender)}"
        response.headers[SESSION_HEADER] = signed
        # Embedded on a council site, the cookie is third-party: it must be SameSite=None
        # and Secure (https only), and browsers that block third-party cookies use the header.
        # On our own page it stays Strict.
        embedded = request.headers.get("Origin") in request.app[CONFIG].embed_origins
        response.set_cookie(
            SESSION_COOKIE,
            signed,
            httponly=True,
            samesite="None" if embedded else "Strict",
            secure=embedded or None,
            path="/api/",
        )
    return response


async def end_session(request: web.Request) -> web.Response:
    """Quick exit and Clear chat: restart the conversation in Rasa and drop the cookie.

    After a disclosure, a parent who leaves in a hurry must not come back to a bot that
    remembers it ("I'm still thinking about what you told me earlier").
    """
    if request.method == "OPTIONS":
        return web.Response(status=204)
    sender, is_new = session_id(request)
    if not is_new:
        await _ask_rasa(request.app, f"web-{sender}", "/restart")
    response = web.Response(status=204)
    response.del_cookie(SESSION_COOKIE, path="/api/")
    return response


async def _rate_limited(text: str) -> web.Response:
    """429, but a crisis message still gets its crisis reply from fixed text, never only a wait."""
    turn = await asyncio.to_thread(prepare_turn, text)
    shown = [safety_message(turn.safety.response)] if turn.safety.is_crisis else []
    shown.append(message("rate_limited"))
    contract: dict[str, Any] = {
        "topic": None,
        "safety": turn.safety.tier,
        "services": [],
        "cards": [],
    }
    return web.json_response({"messages": shown, "contract": contract}, status=429)


async def _ask_rasa(app: web.Application, sender: str, text: str) -> list[dict[str, Any]]:
    config = app[CONFIG]
    url = f"{config.rasa_url}/webhooks/rest/webhook"
    try:
        async with app[HTTP].post(
            url,
            json={"sender": sender, "message": text},
            timeout=aiohttp.ClientTimeout(total=config.reply_timeout),
        ) as r:
            if r.status == 200:
                data = await r.json()
                if isinstance(data, list) and data and "custom" in data[-1]:
                    return [m for m in data if isinstance(m, dict)]
            logger.error("Rasa answered %s", r.status)
    except (aiohttp.ClientError, asyncio.TimeoutError) as err:
        logger.error("Rasa unreachable: %s", type(err).__name__)
    # Rasa is down or broken: the web server answers from fixed content, crisis text included.
    return assemble_reply(prepare_turn(text), [], failed=True)


def _catalogue(request: web.Request) -> Catalogue:
    try:
        return request.app[CATALOGUE]
    except KeyError as err:
        raise web.HTTPServiceUnavailable(text="the service catalogue is not available") from err


def query_from_params(params: Any) -> SearchQuery:
    """Check the query string; a web.HTTPBadRequest names the first bad parameter."""
    unknown = sorted(set(params) - _SERVICE_PARAMS)
    if unknown:
        raise web.HTTPBadRequest(text=f"unknown parameter: {unknown[0]}")
    needs = tuple(n for n in params.get("need", "").split(",") if n)
    audience = None
    if params.get("audience"):
        audience = normalise_audience(params["audience"])
        if audience is None:
            raise web.HTTPBadRequest(text="audience must be mum, dad-or-partner or parent")
    district = None
    if params.get("area"):
        district = get_areas().resolve(params["area"]).district
        if district is None:
            raise web.HTTPBadRequest(text="area is not a Warwickshire district, town or postcode")
    open_now = _BOOL.get(params.get("open_now", "false").lower())
    if open_now is None:
        raise web.HTTPBadRequest(text="open_now must be true or false")
    try:
        limit = int(params.get("limit", "10"))
    except ValueError as err:
        raise web.HTTPBadRequest(text="limit must be a whole number") from err
    return SearchQuery(
        needs=needs,
        district=district,
        audience=audience,
        open_now=open_now,
        contact=params.get("contact") or None,
        cost=params.get("cost") or None,
        text=params.get("q") or None,
        limit=limit,
    )


async def services(request: web.Request) -> web.Response:
    """GET /api/services?need=&audience=&area=&open_now=: current kite-marked services."""
    query = query_from_params(request.query)
    catalogue = _catalogue(request)
    try:
        outcome = await asyncio.to_thread(catalogue.search, query)
    except BadQuery as err:
        raise web.HTTPBadRequest(text=str(err)) from err
    return web.json_response(
        {
            "services": [r.card() for r in outcome.results],
            "local_found": outcome.local_found,
        }
    )


async def service_detail(request: web.Request) -> web.Response:
    """GET /api/services/{id}: one service, only while it may be signposted."""
    service_id = request.match_info["id"]
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", service_id) or len(service_id) > 100:
        raise web.HTTPBadRequest(text="a service id is lower-case words joined by hyphens")
    result = await asyncio.to_thread(_catalogue(request).get, service_id)
    if result is None:
        raise web.HTTPNotFound(text=f"no current kite-marked service {service_id!r}")
    return web.json_response(result.card())


async def _open_catalogue(app: web.Application) -> AsyncIterator[None]:
    try:
        app[CATALOGUE] = open_catalogue(app[CONFIG].catalogue)
    except CatalogueUnavailable as err:
        logger.error("service catalogue unavailable: %s", err)
    yield
    if CATALOGUE in app:
        app[CATALOGUE].close()


async def _http_client(app: web.Application) -> AsyncIterator[None]:
    app[HTTP] = aiohttp.ClientSession()
    # Build the safety detector now, so a fallback reply never waits for it.
    await asyncio.to_thread(prepare_turn, "hello")
    yield
    await app[HTTP].close()


def create_app(config: WebConfig | None = None) -> web.Application:
    app = web.Application(
        middlewares=[security_headers, embed_policy], client_max_size=MAX_REQUEST_BYTES
    )
    app[CONFIG] = config or WebConfig.from_env()
    app[LIMITER] = RateLimiter(app[CONFIG].rate_limit)
    app.cleanup_ctx.append(_http_client)
    app.cleanup_ctx.append(_open_catalogue)
    app.router.add_get("/", index)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/widget.js", widget)
    app.router.add_post("/api/chat", chat)
    app.router.add_route("OPTIONS", "/api/chat", chat)
    app.router.add_post("/api/chat/end", end_session)
    app.router.add_route("OPTIONS", "/api/chat/end", end_session)
    app.router.add_get("/api/services", services)
    app.router.add_get("/api/services/{id}", service_detail)
    app.router.add_static("/static/", STATIC)
    return app

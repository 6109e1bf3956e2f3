"""The web server: health, security headers, server-issued sessions, and a safe fallback."""

from __future__ import annotations

import pytest

from cradle.launcher import free_port
from cradle.web.app import SESSION_COOKIE, SESSION_HEADER, WebConfig, create_app


@pytest.fixture()
async def client(aiohttp_client):
    # Rasa is not running on this port: every chat exercises the web server's own fallback.
    config = WebConfig(
        rasa_url=f"http://127.0.0.1:{free_port()}",
        reply_timeout=2.0,
        embed_origins=("https://www.warwickshire.gov.uk",),
    )
    return await aiohttp_client(create_app(config))


async def test_healthz(client):
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/", "/widget.js", "/healthz"])
async def test_security_headers_on_every_page(client, path):
    response = await client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'self' https://www.warwickshire.gov.uk" in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"


async def test_demo_page_embeds_the_widget_with_one_script_tag(client):
    page = await (await client.get("/")).text()
    assert page.count("<script") == 1 and 'src="/widget.js"' in page


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"not json", "application/json", 400),
        (b'{"message": 5}', "application/json", 400),
        (b"[]", "application/json", 400),
        (b"message=hi", "application/x-www-form-urlencoded", 415),
        (b'{"message": "' + b"a" * 20000 + b'"}', "application/json", 413),
    ],
)
async def test_bad_chat_requests_get_a_clear_error(client, body, content_type, status):
    response = await client.post("/api/chat", data=body, headers={"Content-Type": content_type})
    assert response.status == status
    assert (await response.text()).strip()


async def test_rasa_down_still_gets_crisis_help(client):
    response = await client.post("/api/chat", json={"message": "I want to end my life"})
    assert response.status == 200
    reply = await response.json()
    assert "116 123" in reply["messages"][0]["text"]
    assert reply["contract"]["safety"] == "urgent"


async def test_sessions_are_issued_by_the_server_and_forged_cookies_are_replaced(client):
    first = await client.post("/api/chat", json={"message": "hello"})
    cookie = first.cookies[SESSION_COOKIE].value
    token, _, signature = cookie.partition(".")
    assert len(token) >= 20 and signature
    client.session.cookie_jar.clear()
    client.session.cookie_jar.update_cookies({SESSION_COOKIE: "chosen-by-client.abc"})
    forged = await client.post("/api/chat", json={"message": "hello"})
    new_cookie = forged.cookies[SESSION_COOKIE].value
    assert not new_cookie.startswith("chosen-by-client")


async def test_the_session_header_is_issued_signed_and_forged_ones_start_a_new_session(client):
    first = await client.post("/api/chat", json={"message": "hello"})
    issued = first.headers[SESSION_HEADER]
    assert issued == first.cookies[SESSION_COOKIE].value
    client.session.cookie_jar.clear()
    # The widget on a council site sends the header instead of the (blocked) cookie.
    same = await client.post(
        "/api/chat", json={"message": "hello"}, headers={SESSION_HEADER: issued}
    )
    assert SESSION_HEADER not in same.headers  # the same session, nothing new issued
    client.session.cookie_jar.clear()
    forged = await client.post(
        "/api/chat", json={"message": "hello"}, headers={SESSION_HEADER: "mine.0000"}
    )
    assert forged.headers[SESSION_HEADER] != "mine.0000"


async def test_embedding_sites_may_send_and_read_the_session_header(client):
    origin = "https://www.warwickshire.gov.uk"
    preflight = await client.options(
        "/api/chat",
        headers={"Origin": origin, "Access-Control-Request-Headers": SESSION_HEADER},
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == origin
    assert SESSION_HEADER in preflight.headers["Access-Control-Allow-Headers"]
    reply = await client.post("/api/chat", json={"message": "hello"}, headers={"Origin": origin})
    assert reply.headers["Access-Control-Expose-Headers"] == SESSION_HEADER


@pytest.fixture()
async def api(aiohttp_client, real_catalogue_path):
    config = WebConfig(rasa_url=f"http://127.0.0.1:{free_port()}", catalogue=real_catalogue_path)
    return await aiohttp_client(create_app(config))


async def test_services_api_returns_listed_services_local_first(api):
    response = await api.get(
        "/api/services", params={"need": "low-mood", "area": "CV21", "audience": "dad"}
    )
    assert response.status == 200
    body = await response.json()
    cards = body["services"]
    assert cards and all(c["kitemark"]["status"] == "listed" for c in cards)
    # The card names the scheme as it is: a sample listing, not a kite mark.
    assert all(c["kitemark"]["scheme_name"] == "Cradle sample catalogue" for c in cards)
    assert all("Not kite-marked" in c["kitemark"]["label"] for c in cards)
    assert all({"low-mood", "dads"} & set(c["needs"]) for c in cards)
    first = cards[0]
    assert {
        "id",
        "name",
        "description",
        "organization",
        "phones",
        "areas",
        "audiences",
        "needs",
        "opening",
        "cost",
        "kitemark",
        "last_verified",
    } <= set(first)
    assert "open_now" in first["opening"] and "next_open" in first["opening"]


async def test_one_service_by_id(api):
    response = await api.get("/api/services/samaritans")
    assert response.status == 200
    assert (await response.json())["phones"][0]["number"] == "116 123"
    assert (await api.get("/api/services/not-a-service")).status == 404


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"area": "Narnia"}, "area"),
        ({"area": "x' OR 1=1"}, "area"),
        ({"need": "astrology"}, "unknown need"),
        ({"audience": "cat"}, "audience"),
        ({"open_now": "maybe"}, "open_now"),
        ({"limit": "lots"}, "limit"),
        ({"limit": "500"}, "limit"),
        ({"contact": "pigeon"}, "contact"),
        ({"q": "!!!"}, "search text"),
        ({"drop": "table"}, "unknown parameter"),
    ],
)
async def test_bad_parameters_get_a_400_with_a_reason(api, params, reason):
    response = await api.get("/api/services", params=params)
    assert response.status == 400
    assert reason in await response.text()


async def test_bad_service_ids_get_a_400(api):
    assert (await api.get("/api/services/..%2F..%2Fetc")).status in (400, 404)
    assert (await api.get("/api/services/DROP TABLE")).status == 400


async def test_a_session_sending_too_fast_gets_a_friendly_429(aiohttp_client):
    config = WebConfig(rasa_url=f"http://127.0.0.1:{free_port()}", rate_limit=3)
    client = await aiohttp_client(create_app(config))
    statuses = [(await client.post("/api/chat", json={"message": "hi"})).status for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = await client.post("/api/chat", json={"message": "hi"})
    assert "116 123" in await response.text()


@pytest.mark.parametrize(
    ("origin", "status", "cors"),
    [
        (None, 200, None),
        ("https://www.warwickshire.gov.uk", 200, "https://www.warwickshire.gov.uk"),
        ("https://evil.example", 403, None),
    ],
)
async def test_only_allowed_sites_may_use_the_chat_api(client, origin, status, cors):
    headers = {"Origin": origin} if origin else {}
    response = await client.post("/api/chat", json={"message": "hello"}, headers=headers)
    assert response.status == status
    assert response.headers.get("Access-Control-Allow-Origin") == cors


async def test_the_same_origin_is_always_allowed(client):
    own = str(client.make_url("/")).rstrip("/")
    response = await client.post("/api/chat", json={"message": "hello"}, headers={"Origin": own})
    assert response.status == 200


async def test_ending_a_session_drops_the_cookie(client):
    first = await client.post("/api/chat", json={"message": "hello"})
    assert SESSION_COOKIE in first.cookies
    ended = await client.post("/api/chat/end")
    assert ended.status == 204
    assert (
        "Max-Age=0" in ended.headers.get("Set-Cookie", "")
        or "expires" in ended.headers.get("Set-Cookie", "").lower()
    )

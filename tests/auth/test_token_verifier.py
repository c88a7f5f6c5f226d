"""TokenVerifier and CommunityDirectory used directly: key cache TTL, refetch floor,
token lifetime checks, and reading every page of the communities list.

The fetchers here stand in for the auth service's HTTP documents; the clock is
a counter the test moves, so nothing depends on how fast the test runs.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import time
from collections.abc import Coroutine
from datetime import date
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import pytest

from services.auth.keys import keystore
from services.common.errors import ServiceUnavailable, Unauthorized
from services.common.security import (
    CommunityDirectory,
    Principal,
    TokenVerifier,
    canonical_es256,
)
from services.common.security._signatures import P256_ORDER
from tests.auth import forge

T = TypeVar("T")
FLOOR = 10.0
TTL = 300.0


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


class Clock:
    """A monotonic clock the test advances by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class JwksServer:
    """Serves a JWKS document (or fails, like an auth outage) and counts the fetches."""

    def __init__(self, *keys: dict[str, Any]) -> None:
        self.keys = list(keys)
        self.revoked: list[dict[str, Any]] = []
        self.down = False
        self.fetches = 0
        self.revocation_fetches = 0

    async def fetch_json(self, path: str, token: str | None) -> dict[str, Any]:
        if path == "/auth/v1/revocations.json":
            self.revocation_fetches += 1
            if self.down:
                raise ConnectionError("auth service unreachable")
            return {"revoked": list(self.revoked), "refresh_seconds": 30}
        assert path == "/auth/v1/jwks.json"
        self.fetches += 1
        if self.down:
            raise ConnectionError("auth service unreachable")
        return {"keys": list(self.keys)}


class SigningKey:
    """A private key and its published public JWK."""

    def __init__(self) -> None:
        self.pem = keystore.generate_private_pem()
        self.jwk = keystore.public_jwk(self.pem)
        self.kid = str(self.jwk["kid"])

    def token(self, **claims: Any) -> str:
        return forge.sign_es256(self.pem, self.kid, forge.claims(**claims))


def verifier(server: JwksServer, clock: Clock, wall: Clock | None = None) -> TokenVerifier:
    return TokenVerifier(
        fetch_json=server.fetch_json,
        issuer="salw-register-auth",
        audience="salw-register",
        min_refetch_seconds=FLOOR,
        keys_ttl_seconds=TTL,
        clock=clock,
        wall_clock=wall or time.time,
    )


def test_a_published_key_verifies_and_is_fetched_once_within_the_ttl() -> None:
    key, clock = SigningKey(), Clock()
    server = JwksServer(key.jwk)
    tokens = verifier(server, clock)
    assert isinstance(run(tokens.verify(key.token())), Principal)
    clock.advance(TTL - 1)
    run(tokens.verify(key.token()))
    assert server.fetches == 1


def test_a_key_no_longer_published_is_refused_once_the_ttl_passed() -> None:
    key, clock = SigningKey(), Clock()
    server = JwksServer(key.jwk)
    tokens = verifier(server, clock)
    run(tokens.verify(key.token()))
    server.keys = []  # the auth service unpublished the key
    clock.advance(TTL)
    with pytest.raises(Unauthorized):
        run(tokens.verify(key.token()))
    assert server.fetches == 2


def test_an_expired_cache_keeps_serving_its_keys_while_the_auth_service_is_down() -> None:
    key, clock = SigningKey(), Clock()
    server = JwksServer(key.jwk)
    tokens = verifier(server, clock)
    run(tokens.verify(key.token()))
    server.down = True
    clock.advance(TTL)
    assert isinstance(run(tokens.verify(key.token())), Principal)
    assert server.fetches == 2


def test_unknown_kids_refetch_no_more_often_than_the_floor() -> None:
    known, stranger, clock = SigningKey(), SigningKey(), Clock()
    server = JwksServer(known.jwk)
    tokens = verifier(server, clock)
    run(tokens.verify(known.token()))
    clock.advance(FLOOR)
    for _ in range(3):
        with pytest.raises(Unauthorized):
            run(tokens.verify(stranger.token()))
    assert server.fetches == 2
    server.keys.append(stranger.jwk)  # a rotation publishes a new key
    clock.advance(FLOOR - 1)
    with pytest.raises(Unauthorized):
        run(tokens.verify(stranger.token()))
    clock.advance(1)
    assert isinstance(run(tokens.verify(stranger.token())), Principal)
    assert server.fetches == 3


def test_the_floor_also_holds_after_a_failed_fetch() -> None:
    known, stranger, clock = SigningKey(), SigningKey(), Clock()
    server = JwksServer(known.jwk)
    tokens = verifier(server, clock)
    run(tokens.verify(known.token()))
    clock.advance(FLOOR)
    server.down = True
    for _ in range(5):
        with pytest.raises(ServiceUnavailable):
            run(tokens.verify(stranger.token()))
        assert isinstance(run(tokens.verify(known.token())), Principal)
    assert server.fetches == 2  # one failed fetch for five unknown-kid requests
    clock.advance(FLOOR)
    with pytest.raises(ServiceUnavailable):
        run(tokens.verify(stranger.token()))
    assert server.fetches == 3


def test_no_keys_at_all_while_the_auth_service_is_down_is_503() -> None:
    key, clock = SigningKey(), Clock()
    server = JwksServer(key.jwk)
    server.down = True
    tokens = verifier(server, clock)
    with pytest.raises(ServiceUnavailable):
        run(tokens.verify(key.token()))
    server.down = False
    clock.advance(FLOOR)
    assert isinstance(run(tokens.verify(key.token())), Principal)


def test_a_token_issued_in_the_future_is_refused() -> None:
    key = SigningKey()
    tokens = verifier(JwksServer(key.jwk), Clock())
    now = int(time.time())
    with pytest.raises(Unauthorized, match="future"):
        run(tokens.verify(key.token(iat=now + 3600, nbf=now - 60, exp=now + 3600 + 600)))


def test_a_correctly_signed_multi_year_token_is_refused() -> None:
    key = SigningKey()
    tokens = verifier(JwksServer(key.jwk), Clock())
    now = int(time.time())
    with pytest.raises(Unauthorized, match="longer than 900 s"):
        run(tokens.verify(key.token(iat=now, nbf=now, exp=now + 3 * 365 * 86400)))


def test_lifetime_and_issue_time_within_the_leeway_are_accepted() -> None:
    key = SigningKey()
    tokens = verifier(JwksServer(key.jwk), Clock())
    now = int(time.time())
    token = key.token(iat=now + 10, nbf=now, exp=now + 10 + 900 + 20)
    assert isinstance(run(tokens.verify(token)), Principal)


class CommunitiesServer:
    """Serves GET /auth/v1/communities in pages of one community, keyed by cursor."""

    def __init__(self, communities: list[dict[str, Any]]) -> None:
        self.communities = communities
        self.requests: list[str] = []

    async def fetch_json(self, path: str, token: str | None) -> dict[str, Any]:
        assert token == "caller-token"
        self.requests.append(path)
        url = urlsplit(path)
        assert url.path == "/auth/v1/communities"
        cursor = parse_qs(url.query).get("cursor", ["0"])[0]
        index = int(cursor)
        more = index + 1 < len(self.communities)
        return {
            "items": self.communities[index : index + 1],
            "next_cursor": str(index + 1) if more else None,
        }


def _community(code: str, country: str) -> dict[str, Any]:
    return {
        "code": code,
        "name": code,
        "memberships": [{"id": 1, "country": country, "joined": "1975-05-28", "left": None}],
    }


def test_the_directory_reads_every_page_of_communities() -> None:
    server = CommunitiesServer([_community("CEMAC", "CMR"), _community("ECOWAS", "SEN")])
    directory = CommunityDirectory(fetch_json=server.fetch_json)
    periods = run(directory.periods("ECOWAS", "caller-token"))
    assert [(p.country, p.joined, p.left) for p in periods] == [("SEN", date(1975, 5, 28), None)]
    assert len(server.requests) == 2
    assert parse_qs(urlsplit(server.requests[1]).query)["cursor"] == ["1"]


def test_a_cursor_that_repeats_is_a_failed_fetch_not_an_endless_loop() -> None:
    class Looping(CommunitiesServer):
        async def fetch_json(self, path: str, token: str | None) -> dict[str, Any]:
            self.requests.append(path)
            return {"items": [_community("ECOWAS", "SEN")], "next_cursor": "same"}

    server = Looping([])
    directory = CommunityDirectory(fetch_json=server.fetch_json)
    with pytest.raises(ServiceUnavailable):
        run(directory.periods("ECOWAS", "caller-token"))
    assert len(server.requests) == 2


class WallClock(Clock):
    """Seconds since the epoch, moved by hand (for exp)."""

    def __init__(self) -> None:
        self.now = time.time()


def test_a_remembered_token_is_refused_once_it_expired() -> None:
    key, clock, wall = SigningKey(), Clock(), WallClock()
    tokens = verifier(JwksServer(key.jwk), clock, wall)
    now = int(wall.now)
    token = key.token(iat=now, nbf=now, exp=now + 60)
    first = run(tokens.verify(token))
    assert run(tokens.verify(token)) is first  # remembered, not verified again
    wall.advance(60 + 30)  # exp, and the 30 s leeway every verification allows
    with pytest.raises(Unauthorized, match="expired"):
        run(tokens.verify(token))


def test_a_remembered_token_is_refused_once_its_key_is_withdrawn_and_the_ttl_passed() -> None:
    key, clock, wall = SigningKey(), Clock(), WallClock()
    server = JwksServer(key.jwk)
    tokens = verifier(server, clock, wall)
    now = int(wall.now)
    token = key.token(iat=now, nbf=now, exp=now + 900)
    run(tokens.verify(token))
    server.keys = []  # the auth service unpublished the key (rotation after a leak)
    clock.advance(TTL - 1)
    assert isinstance(run(tokens.verify(token)), Principal)  # keys still fresh
    clock.advance(1)
    with pytest.raises(Unauthorized):
        run(tokens.verify(token))
    assert server.fetches == 2


def test_a_tampered_copy_of_a_remembered_token_is_verified_and_refused() -> None:
    key, clock, wall = SigningKey(), Clock(), WallClock()
    tokens = verifier(JwksServer(key.jwk), clock, wall)
    token = key.token()
    run(tokens.verify(token))
    header, payload, signature = token.split(".")
    forged = ".".join(
        (header, payload, signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB"))
    )
    with pytest.raises(Unauthorized):
        run(tokens.verify(forged))


# Revocations ------------------------------------------------------------------------
def _revoke(server: JwksServer, subject: str, issued_before: float) -> None:
    digest = hashlib.sha256(subject.encode()).hexdigest()
    server.revoked.append({"subject_sha256": digest, "issued_before": int(issued_before)})


def test_a_remembered_token_of_a_revoked_subject_is_refused_at_the_next_refresh() -> None:
    key, clock = SigningKey(), Clock()
    server = JwksServer(key.jwk)
    tokens = verifier(server, clock)
    token = key.token(sub="sen-disabled")
    assert run(tokens.verify(token)).client_id == "sen-disabled"
    _revoke(server, "sen-disabled", time.time())
    # Within the refresh interval the last list still holds: the token is remembered.
    assert run(tokens.verify(token)).client_id == "sen-disabled"
    clock.advance(30)
    with pytest.raises(Unauthorized, match="revoked"):
        run(tokens.verify(token))
    with pytest.raises(Unauthorized, match="revoked"):
        run(tokens.verify(token))  # forgotten, verified again, refused again


def test_tokens_issued_after_the_revocation_and_other_subjects_still_count() -> None:
    key, clock = SigningKey(), Clock()
    server = JwksServer(key.jwk)
    _revoke(server, "sen-reenabled", time.time() - 120)
    tokens = verifier(server, clock)
    assert run(tokens.verify(key.token(sub="sen-reenabled"))).client_id == "sen-reenabled"
    assert run(tokens.verify(key.token(sub="gha-other"))).client_id == "gha-other"
    with pytest.raises(Unauthorized, match="revoked"):
        run(tokens.verify(key.token(sub="sen-reenabled", iat=int(time.time()) - 180)))


def test_the_list_is_fetched_once_per_interval_and_kept_through_an_outage() -> None:
    key, clock = SigningKey(), Clock()
    server = JwksServer(key.jwk)
    _revoke(server, "sen-disabled", time.time())
    tokens = verifier(server, clock)
    revoked = key.token(sub="sen-disabled", iat=int(time.time()) - 10)
    for _ in range(5):
        run(tokens.verify(key.token()))
    assert server.revocation_fetches == 1
    server.down = True
    clock.advance(31)
    with pytest.raises(Unauthorized, match="revoked"):
        run(tokens.verify(revoked))
    assert server.revocation_fetches == 2


# Signature form ---------------------------------------------------------------------
def _with_signature(token: str, signature: bytes) -> str:
    head = token.rsplit(".", 1)[0]
    return head + "." + forge.b64url(signature)


def test_the_high_s_twin_of_a_valid_token_is_refused_and_its_low_s_form_accepted() -> None:
    key = SigningKey()
    tokens = verifier(JwksServer(key.jwk), Clock())
    token = key.token()
    raw = base64.urlsafe_b64decode(token.rsplit(".", 1)[1] + "==")
    r, s = raw[:32], int.from_bytes(raw[32:], "big")
    low = min(s, P256_ORDER - s)
    high = P256_ORDER - low
    low_token = _with_signature(token, r + low.to_bytes(32, "big"))
    high_token = _with_signature(token, r + high.to_bytes(32, "big"))
    assert run(tokens.verify(low_token)).client_id == "sen-forged"
    with pytest.raises(Unauthorized, match="low-S"):
        run(tokens.verify(high_token))
    assert canonical_es256(high_token) == low_token


def test_a_signature_of_another_length_is_refused() -> None:
    key = SigningKey()
    tokens = verifier(JwksServer(key.jwk), Clock())
    token = canonical_es256(key.token())
    raw = base64.urlsafe_b64decode(token.rsplit(".", 1)[1] + "==")
    with pytest.raises(Unauthorized, match="low-S"):
        run(tokens.verify(_with_signature(token, b"\x00" + raw)))


def test_the_subject_type_is_the_tokens_sub_type_and_client_without_it() -> None:
    key, clock = SigningKey(), Clock()
    tokens = verifier(JwksServer(key.jwk), clock)
    person = run(tokens.verify(key.token(sub="psn_1", sub_type="person")))
    assert person.submitted_by() == {"type": "person", "id": "psn_1", "organisation": "SEN"}
    assert run(tokens.verify(key.token())).subject_type == "client"
    for odd in ("admin", "", 1):
        with pytest.raises(Unauthorized, match="sub_type"):
            run(tokens.verify(key.token(sub_type=odd)))

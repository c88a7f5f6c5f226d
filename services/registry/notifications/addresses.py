"""Where webhooks may go: public HTTPS addresses, checked after DNS resolution.

An endpoint's host is resolved at registration and again at every delivery; every
address it resolves to must be public (not private, loopback, link-local, multicast,
reserved or unspecified, IPv4-mapped forms included), and the delivery connects to the
address that was checked, keeping the host name for the ``Host`` header and TLS (SNI
and certificate check), so a DNS answer changed between check and connect cannot
redirect it. ``REGISTRY_WEBHOOKS_ALLOW_PRIVATE=true`` (tests, local installs) lifts the
address rule and allows plain HTTP.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Any

import httpx


class AddressRefused(Exception):
    """The endpoint's URL or the addresses its host resolves to are not allowed."""


def url_problems(url: str, *, allow_private: bool) -> list[str]:
    """What is wrong with ``url`` as a webhook endpoint (empty: nothing), before DNS."""
    try:
        parsed = httpx.URL(url)
    except Exception:
        return ["not a URL"]
    problems = []
    if parsed.scheme not in ("https", "http"):
        problems.append("the URL must start with https://")
    elif parsed.scheme != "https" and not allow_private:
        problems.append("the URL must use HTTPS")
    if not parsed.host:
        problems.append("the URL names no host")
    if parsed.userinfo:
        problems.append("the URL must not carry a user name or password")
    if parsed.fragment:
        problems.append("the URL must not carry a fragment (#...)")
    return problems


def is_public(address: str) -> bool:
    """True for a globally routable unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def _port(parsed: httpx.URL) -> int:
    return parsed.port or (443 if parsed.scheme == "https" else 80)


def _checked(infos: list[Any], host: str, *, allow_private: bool) -> str:
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise AddressRefused(f"{host} resolves to no address")
    refused = [a for a in addresses if not is_public(a)]
    if refused and not allow_private:
        raise AddressRefused(
            f"{host} resolves to a private, loopback, link-local, multicast or reserved"
            f" address ({', '.join(refused)})"
        )
    return addresses[0]


def resolve_checked(url: str, *, allow_private: bool) -> str:
    """The address to connect to for ``url`` (blocking DNS; for the registration route,
    which runs in a worker thread). AddressRefused if any address is not allowed."""
    parsed = httpx.URL(url)
    try:
        infos = socket.getaddrinfo(parsed.host, _port(parsed), type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise AddressRefused(f"{parsed.host} does not resolve ({exc})") from exc
    return _checked(infos, parsed.host, allow_private=allow_private)


async def resolve_checked_async(url: str, *, allow_private: bool) -> str:
    """As :func:`resolve_checked`, on the event loop (the delivery worker)."""
    parsed = httpx.URL(url)
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(parsed.host, _port(parsed), type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise AddressRefused(f"{parsed.host} does not resolve ({exc})") from exc
    return _checked(list(infos), parsed.host, allow_private=allow_private)


async def post_to_checked_address(
    client: httpx.AsyncClient,
    url: str,
    *,
    address: str,
    body: str,
    headers: dict[str, str],
) -> httpx.Response:
    """POST ``body`` to ``url``, connecting to ``address``, which
    :func:`resolve_checked_async` has just checked."""
    parsed = httpx.URL(url)
    host_header = parsed.host if parsed.port is None else f"{parsed.host}:{parsed.port}"
    extensions = {"sni_hostname": parsed.host} if parsed.scheme == "https" else {}
    return await client.post(
        parsed.copy_with(host=address),
        content=body.encode(),
        headers={**headers, "Host": host_header},
        extensions=extensions,
    )

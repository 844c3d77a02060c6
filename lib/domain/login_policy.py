"""Login throttling rules (issue 17; OWASP ASVS V2.2), pure: no database, no Streamlit.

- Failures are counted per username AND client address. Five wrong passwords lock that
  pair only, so a stranger elsewhere cannot lock the owner out; each further lock of the
  same pair lasts twice as long (15, 30, 60 … minutes, at most 24 hours).
- Per username, at most :data:`ACCOUNT_FAILURES_PER_HOUR` failures an hour in total
  (ASVS 2.2.1); beyond that the username is closed for the rest of the hour to every
  address the owner has never logged in from (addresses they have used keep working).
- Unknown and known usernames are counted alike, and every failure gets the same answer.
- The client address is the TCP peer, or the proxy's ``X-Forwarded-For`` entry when the
  peer is a proxy named in ``TRUSTED_PROXIES``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import unicodedata
from collections.abc import Iterable, Sequence

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ATTEMPTS_PER_LOCK = 5
FIRST_LOCK = dt.timedelta(minutes=15)
LONGEST_LOCK = dt.timedelta(hours=24)
# a pair's lock count is forgotten after a day without failures
LOCKS_FORGOTTEN_AFTER = dt.timedelta(hours=24)
ACCOUNT_FAILURES_PER_HOUR = 100
ACCOUNT_WINDOW = dt.timedelta(hours=1)
ANY_ADDRESS = "*"  # the address of a username's account-wide row
LOOPBACK = "127.0.0.1"  # what st.context reports as None (a local connection)
MAX_USERNAME = 80  # users.username is String(80); longer names cannot exist
MAX_ADDRESS = 64


def lock_duration(locks: int) -> dt.timedelta:
    """How long the ``locks``-th lock (1, 2, …) of one username and address lasts."""
    if locks <= 1:
        return FIRST_LOCK
    return min(FIRST_LOCK * (2 ** min(locks - 1, 16)), LONGEST_LOCK)


def has_control_characters(text: str) -> bool:
    """NUL, other C0/C1 controls, and format characters (zero-width, bidi overrides)."""
    return any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in text)


def normalise_username(raw: str) -> str:
    """The login form's username as stored: trimmed and lower case (as ``create_user``)."""
    return (raw or "").strip().lower()


def acceptable_username(username: str) -> bool:
    """False for a name that cannot exist (control characters, too long): such a name is
    refused like any wrong login and never sent to the database."""
    return 0 < len(username) <= MAX_USERNAME and not has_control_characters(username)


def parse_networks(raw: str | Iterable[str]) -> tuple[IPNetwork, ...]:
    """``"10.0.0.2, 192.168.0.0/24"`` -> networks; ValueError names a bad entry."""
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    out: list[IPNetwork] = []
    for item in items:
        text = item.strip()
        if not text:
            continue
        try:
            out.append(ipaddress.ip_network(text, strict=False))
        except ValueError as exc:
            raise ValueError(text) from exc
    return tuple(out)


def _ip(text: str | None) -> IPAddress | None:
    """An address from a peer or a forwarded hop (``1.2.3.4``, ``1.2.3.4:5``, ``[::1]:5``)."""
    if not text:
        return None
    value = text.strip()
    if value.startswith("["):
        end = value.find("]")
        value = value[1:end] if end > 0 else value
    elif value.count(":") == 1:  # IPv4 with a port
        value = value.split(":", 1)[0]
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _trusted(ip: IPAddress, proxies: Sequence[IPNetwork]) -> bool:
    return any(ip.version == net.version and ip in net for net in proxies)


def client_address(
    peer: str | None, forwarded_for: Sequence[str], trusted_proxies: Sequence[IPNetwork]
) -> str:
    """The address a login attempt is counted under.

    ``peer`` is what the server saw (``st.context.ip_address``; ``None`` means a local
    connection). ``X-Forwarded-For`` is read only when the peer is a trusted proxy, from
    the right (each proxy appends), skipping trusted proxies; a malformed entry stops the
    walk at the proxy that passed it on, so a client cannot choose its address.
    """
    peer_ip = _ip(peer) if peer else ipaddress.ip_address(LOOPBACK)
    if peer_ip is None:
        return (peer or LOOPBACK)[:MAX_ADDRESS]
    if not trusted_proxies or not _trusted(peer_ip, trusted_proxies):
        return str(peer_ip)
    hops = [h.strip() for value in forwarded_for for h in value.split(",") if h.strip()]
    current = peer_ip
    for hop in reversed(hops):
        ip = _ip(hop)
        if ip is None:
            return str(current)
        current = ip
        if not _trusted(ip, trusted_proxies):
            return str(ip)
    return str(current)


def block_network(text: str) -> IPNetwork:
    """An address or network an administrator blocks; ValueError when it is not one."""
    value = (text or "").strip()
    if not value or has_control_characters(value) or len(value) > MAX_ADDRESS:
        raise ValueError(value)
    return ipaddress.ip_network(value, strict=False)


def address_blocked(address: str, networks: Iterable[str]) -> bool:
    ip = _ip(address)
    if ip is None:
        return False
    for text in networks:
        try:
            net = ipaddress.ip_network(text, strict=False)
        except ValueError:
            continue
        if ip.version == net.version and ip in net:
            return True
    return False

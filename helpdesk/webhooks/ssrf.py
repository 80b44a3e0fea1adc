"""Where a webhook may point: the URL's shape, and the addresses its host stands for.

A webhook makes the server send requests to an address an admin typed, so it must not
become a way to reach what only the server can reach (server-side request forgery). A
target is refused when its URL

- uses a scheme other than http or https, carries credentials (`user:pass@`), has no host
  or an invalid port; or
- names a host that is, or resolves to, an address that is not publicly routable:
  loopback, private (RFC 1918, CGNAT 100.64/10), link-local (169.254/16 with the cloud
  metadata address 169.254.169.254, fe80::/10), unique-local fc00::/7, multicast,
  unspecified, reserved or documentation ranges — also when hidden in an IPv6 address
  (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`,
  6to4 `2002::/16`, Teredo).

Numeric hosts are read the way the C resolver reads them (`inet_aton`), so odd spellings
of an address are judged by the address they mean: decimal `2130706433`, octal
`0177.0.0.1`, hex `0x7f.1`, short `127.1`. Every address a name resolves to is checked (a
name with one private address among public ones is refused), and the sender connects to
an address it checked (`Target.addresses`), never resolving the name a second time, so a
DNS answer that changes between the check and the connection (rebinding) gains nothing.

The check runs when a subscription is saved and again before every delivery. An admin
setting (`allow_private`) turns the address check off for development and tests; the
shape rules always hold.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

SCHEMES = ("http", "https")
MAX_URL_CHARS = 2000

# Ranges refused on top of what `is_global` already excludes (kept explicit so the rule
# does not depend on the Python version's idea of "global").
_BLOCKED_V4 = tuple(
    ipaddress.IPv4Network(net)
    for net in (
        "0.0.0.0/8",  # "this network", unspecified
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, cloud metadata
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, broadcast
    )
)
_BLOCKED_V6 = tuple(
    ipaddress.IPv6Network(net)
    for net in (
        "::/128",
        "::1/128",
        "::ffff:0:0/96",  # IPv4-mapped (judged by the IPv4 address too)
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments (Teredo and others)
        "2001:db8::/32",  # documentation
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # deprecated site-local
        "ff00::/8",  # multicast
    )
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# The parts of a numeric IPv4 host as inet_aton reads them (ASCII only, no signs or _).
_HEX_PART = re.compile(r"0x[0-9a-f]*")
_OCTAL_PART = re.compile(r"0[0-7]+")
_DECIMAL_PART = re.compile(r"[1-9][0-9]*|0")
_PATH_SAFE = "/?%:@!$&'()*+,;=-._~"


class UnsafeTarget(Exception):  # noqa: N818 - a refusal, named for what it refuses
    """The URL may not be used; `code` says why (`scheme`, `credentials`, `host`, `port`,
    `too_long`, `unresolvable`, `forbidden_address`), `detail` says it in English for
    logs and the delivery log."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Target:
    """A checked URL, ready to connect to: the host for the Host header and TLS, the port,
    the request path, and the addresses (in resolver order) the sender may connect to."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


@dataclass(frozen=True)
class _Parts:
    scheme: str
    host: str
    port: int
    path: str


def _parse(url: str) -> _Parts:
    """The URL's parts, or UnsafeTarget for a shape no webhook may have."""
    if len(url) > MAX_URL_CHARS:
        raise UnsafeTarget("too_long", f"the URL is longer than {MAX_URL_CHARS} characters")
    if any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in url):
        raise UnsafeTarget("host", "the URL contains spaces or control characters")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise UnsafeTarget("scheme", "only http and https URLs are allowed")
    if "@" in parts.netloc or parts.username is not None or parts.password is not None:
        raise UnsafeTarget("credentials", "the URL must not contain a user name or password")
    host = parts.hostname or ""
    if not host:
        raise UnsafeTarget("host", "the URL has no host")
    try:
        port = parts.port
    except ValueError as exc:
        raise UnsafeTarget("port", "the URL has an invalid port") from exc
    if port == 0:
        raise UnsafeTarget("port", "the URL has an invalid port")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise UnsafeTarget("host", "the host name is not valid") from exc
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    # The request line is ASCII: percent-encode anything else (existing escapes are kept).
    path = quote(path, safe=_PATH_SAFE)
    return _Parts(scheme, host.lower(), port or (443 if scheme == "https" else 80), path)


def check_url_shape(url: str) -> None:
    """Refuse a URL whose scheme, credentials, host or port no webhook may have."""
    _parse(url)


def numeric_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a numeric host means to `inet_aton` (one to four parts, each
    decimal, octal with a leading 0, or hex with 0x; the last part fills the remaining
    bytes), or None when the host is not numeric."""
    text = host[:-1] if host.endswith(".") else host
    parts = text.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values: list[int] = []
    for part in parts:
        lowered = part.lower()
        if _HEX_PART.fullmatch(lowered):
            value = int(lowered[2:] or "0", 16)
        elif _OCTAL_PART.fullmatch(lowered):
            value = int(lowered, 8)
        elif _DECIMAL_PART.fullmatch(lowered):
            value = int(lowered, 10)
        else:
            return None
        values.append(value)
    *leading, last = values
    if any(value > 255 for value in leading) or last >= 256 ** (4 - len(leading)):
        return None
    number = 0
    for value in leading:
        number = number * 256 + value
    number = number * 256 ** (4 - len(leading)) + last
    return ipaddress.IPv4Address(number)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """An IPv4 address carried inside an IPv6 one (mapped, compatible, NAT64, 6to4,
    Teredo's client), which is where a request to it would end up."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64 or int(address) >> 32 == 0:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def forbidden_reason(address: IPAddress) -> str | None:
    """Why a request must not go to `address` (None: it is a public unicast address)."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            return f"{address} is a scoped (link-local) address"
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            reason = forbidden_reason(embedded)
            if reason is not None:
                return f"{address} carries {embedded}: {reason}"
            if address.ipv4_mapped is not None or int(address) >> 32 == 0:
                return None
        blocked: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = _BLOCKED_V6
    else:
        blocked = _BLOCKED_V4
    if address.is_loopback:
        return f"{address} is a loopback address"
    if address.is_link_local:
        return f"{address} is a link-local address"
    if address.is_multicast:
        return f"{address} is a multicast address"
    if address.is_unspecified:
        return f"{address} is the unspecified address"
    if address.is_private or any(address in network for network in blocked):
        return f"{address} is a private or reserved address"
    if address.is_reserved or not address.is_global:
        return f"{address} is not a public address"
    return None


def _literal(host: str) -> IPAddress | None:
    """The address a host written as an IP literal means (any inet_aton spelling)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    return numeric_ipv4(host)


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the host stands for: itself when it is an IP literal, else what the
    resolver answers (all of it); UnsafeTarget when it does not resolve."""
    literal = _literal(host)
    if literal is not None:
        return [literal]
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise UnsafeTarget("unresolvable", f"the host {host} could not be resolved") from exc
    addresses: list[IPAddress] = []
    for family, _type, _proto, _name, sockaddr in answers:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        text = str(sockaddr[0])
        try:
            address = ipaddress.ip_address(text)
        except ValueError as exc:
            raise UnsafeTarget(
                "unresolvable", f"the host {host} resolved to an odd address"
            ) from exc
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise UnsafeTarget("unresolvable", f"the host {host} has no address")
    return addresses


def check_target(url: str, *, allow_private: bool = False) -> Target:
    """The URL's target with the addresses a request may go to; UnsafeTarget when the URL
    has a bad shape, does not resolve, or (unless `allow_private`) any of its addresses
    is not public."""
    parts = _parse(url)
    addresses = resolve(parts.host, parts.port)
    if not allow_private:
        for address in addresses:
            reason = forbidden_reason(address)
            if reason is not None:
                raise UnsafeTarget("forbidden_address", f"{parts.host}: {reason}")
    return Target(
        scheme=parts.scheme,
        host=parts.host,
        port=parts.port,
        path=parts.path,
        addresses=tuple(str(address) for address in addresses),
    )

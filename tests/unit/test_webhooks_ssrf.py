"""The SSRF check on webhook targets: bad shapes, every kind of non-public address in every
spelling, names that resolve (wholly or partly) to them, and the private-address setting.
DNS is replaced by a fake resolver; nothing here touches the network."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import pytest

from helpdesk.webhooks import ssrf
from helpdesk.webhooks.ssrf import UnsafeTarget, check_target, forbidden_reason, numeric_ipv4

PUBLIC_V4 = "93.184.215.14"
PUBLIC_V6 = "2606:2800:21f:cb07:6820:80da:af6b:8b2c"


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """A fake resolver: names map to address lists; an unknown name does not resolve."""
    answers: dict[str, list[str]] = {
        "hooks.example.com": [PUBLIC_V4],
        "v6.example.com": [PUBLIC_V6],
    }

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        result = []
        for address in answers[host]:
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            sockaddr = (address, port, 0, 0) if family == socket.AF_INET6 else (address, port)
            result.append((family, socket.SOCK_STREAM, 6, "", sockaddr))
        return result

    monkeypatch.setattr(ssrf.socket, "getaddrinfo", getaddrinfo)
    return answers


def refusal(url: str, **kwargs: Any) -> UnsafeTarget:
    with pytest.raises(UnsafeTarget) as caught:
        check_target(url, **kwargs)
    return caught.value


def test_a_public_https_url_is_allowed_with_its_checked_addresses(dns):
    target = check_target("https://hooks.example.com/helpdesk?x=1")
    assert target.scheme == "https"
    assert target.host == "hooks.example.com"
    assert target.port == 443
    assert target.path == "/helpdesk?x=1"
    assert target.addresses == (PUBLIC_V4,)
    assert check_target("http://hooks.example.com").port == 80
    assert check_target("http://hooks.example.com").path == "/"
    assert check_target("https://HOOKS.example.com:8443/x").port == 8443
    assert check_target("https://v6.example.com/").addresses == (PUBLIC_V6,)
    assert check_target(f"https://[{PUBLIC_V6}]/").addresses == (PUBLIC_V6,)
    # The request line must be ASCII: other characters are percent-encoded, escapes kept.
    assert check_target("https://hooks.example.com/ü/a%20b?q=ไทย").path == (
        "/%C3%BC/a%20b?q=%E0%B9%84%E0%B8%97%E0%B8%A2"
    )


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://hooks.example.com/", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("gopher://hooks.example.com:70/", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("hooks.example.com/path", "scheme"),
        ("//hooks.example.com/", "scheme"),
        ("https://user:pass@hooks.example.com/", "credentials"),
        ("https://user@hooks.example.com/", "credentials"),
        ("https://hooks.example.com@127.0.0.1/", "credentials"),
        ("https:///path-only", "host"),
        ("https://", "host"),
        ("https://hooks.example.com:99999/", "port"),
        ("https://hooks.example.com:0/", "port"),
        ("https://hooks.example.com:abc/", "port"),
        ("https://hooks.example.com/a b", "host"),
        ("https://hooks.example.com/\x00", "host"),
        ("https://hooks.example.com/" + "a" * 2000, "too_long"),
        ("https://no-such-host.example/", "unresolvable"),
    ],
)
def test_bad_shapes_are_refused_with_a_reason(dns, url, code):
    assert refusal(url).code == code
    # The shape rules hold even when private addresses are allowed.
    assert refusal(url, allow_private=True).code == code


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.8.9.10",
        "localhost",  # resolved by the fake DNS below
        "0.0.0.0",  # noqa: S104
        "10.0.0.5",
        "172.16.3.4",
        "172.31.255.255",
        "192.168.1.1",
        "100.64.0.1",  # CGNAT
        "169.254.169.254",  # cloud metadata
        "169.254.1.1",
        "224.0.0.1",  # multicast
        "239.255.255.250",
        "240.0.0.1",  # reserved
        "255.255.255.255",
        "192.0.2.1",  # documentation
        "198.18.0.1",
        "[::1]",
        "[::]",
        "[fe80::1]",
        "[fc00::1]",
        "[fd12:3456::1]",
        "[ff02::1]",
        "[::ffff:127.0.0.1]",  # IPv4-mapped loopback
        "[::ffff:7f00:1]",  # the same, in hex
        "[::ffff:169.254.169.254]",
        "[::ffff:10.0.0.1]",
        "[::127.0.0.1]",  # IPv4-compatible
        "[64:ff9b::a9fe:a9fe]",  # NAT64 of the metadata address
        "[2002:7f00:1::]",  # 6to4 of loopback
        "[2001:db8::1]",
        "[fe80::1%25eth0]",
    ],
)
def test_non_public_addresses_are_refused(dns, host):
    dns["localhost"] = ["127.0.0.1", "::1"]
    error = refusal(f"http://{host}/hook")
    assert error.code == "forbidden_address", error.detail


@pytest.mark.parametrize(
    ("host", "means"),
    [
        ("2130706433", "127.0.0.1"),  # decimal
        ("0177.0.0.1", "127.0.0.1"),  # octal
        ("0x7f.0.0.1", "127.0.0.1"),  # hex part
        ("0x7f000001", "127.0.0.1"),  # hex whole
        ("017700000001", "127.0.0.1"),  # octal whole
        ("127.1", "127.0.0.1"),  # short form
        ("127.0.1", "127.0.0.1"),
        ("0", "0.0.0.0"),  # noqa: S104
        ("0x0a.0x00.0x00.0x01", "10.0.0.1"),
        ("3232235777", "192.168.1.1"),
        ("0251.0376.0251.0376", "169.254.169.254"),
        ("2852039166", "169.254.169.254"),
        ("127.0.0.1.", "127.0.0.1"),  # trailing dot
    ],
)
def test_odd_spellings_are_read_as_the_resolver_reads_them_and_refused(dns, host, means):
    assert numeric_ipv4(host) == ipaddress.IPv4Address(means)
    assert refusal(f"http://{host}/").code == "forbidden_address"


@pytest.mark.parametrize(
    "host", ["example", "1.2.3.4.5", "08.0.0.1", "0x7g.0.0.1", "1..2", "256.1.1.1", "١٢٧.0.0.1"]
)
def test_names_that_are_not_numbers_are_not_read_as_addresses(host):
    assert numeric_ipv4(host) is None


def test_a_name_resolving_to_a_private_address_is_refused(dns):
    dns["internal.example.com"] = ["10.1.2.3"]
    error = refusal("https://internal.example.com/hook")
    assert error.code == "forbidden_address"
    assert "10.1.2.3" in error.detail


def test_one_private_address_among_public_ones_is_enough_to_refuse(dns):
    dns["mixed.example.com"] = [PUBLIC_V4, "127.0.0.1"]
    assert refusal("https://mixed.example.com/").code == "forbidden_address"
    dns["mixed6.example.com"] = [PUBLIC_V4, "::ffff:169.254.169.254"]
    assert refusal("https://mixed6.example.com/").code == "forbidden_address"


def test_the_admin_setting_allows_private_and_local_targets(dns):
    dns["localhost"] = ["127.0.0.1"]
    assert check_target("http://127.0.0.1:8080/", allow_private=True).addresses == ("127.0.0.1",)
    assert check_target("http://localhost:8080/", allow_private=True).addresses == ("127.0.0.1",)
    assert check_target("http://2130706433/", allow_private=True).addresses == ("127.0.0.1",)
    assert check_target("http://[::1]/", allow_private=True).addresses == ("::1",)


def test_an_idn_host_is_resolved_in_its_ascii_form(dns):
    dns["xn--bcher-kva.example"] = [PUBLIC_V4]
    assert check_target("https://bücher.example/").host == "xn--bcher-kva.example"


@pytest.mark.parametrize(
    "address", [PUBLIC_V4, "8.8.8.8", "1.1.1.1", PUBLIC_V6, "::ffff:8.8.8.8", "2002:808:808::"]
)
def test_public_addresses_have_no_reason_to_refuse(address):
    assert forbidden_reason(ipaddress.ip_address(address)) is None

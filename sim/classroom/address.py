"""Where the classroom listens and the URLs it gives out, from the bound address alone.

A request's Host header never enters a URL or the origin check (:mod:`sim.classroom.guard`),
so a forged Host cannot point a join link or a form elsewhere.
"""

from __future__ import annotations

import socket

LOOPBACK = ("127.0.0.1", "::1", "localhost")
"""Hosts that only this machine can reach."""


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on *host*:*port* (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def origins_of(sock: socket.socket, shown: str) -> tuple[str, frozenset[str]]:
    """The URL students are given for *sock* (host *shown*) and every origin of the server.

    Built from the bound address alone: a request's Host header never enters a URL or the
    origin check, so a forged Host cannot point a join link or a form elsewhere.
    """
    host, port = sock.getsockname()[:2]

    def url(name: str) -> str:
        return f"http://[{name}]:{port}" if ":" in name else f"http://{name}:{port}"

    names = {shown, str(host), "127.0.0.1", "localhost", "::1", socket.gethostname()}
    return url(shown), frozenset(url(n) for n in names)


def shown_host(host: str) -> str:
    """The address students type: this machine's address on the network for a wildcard bind.

    Found by asking the kernel which local address would route to a documentation address
    (a UDP "connect" sends nothing); the host name when there is no route.
    """
    if host not in ("0.0.0.0", "::"):
        return host
    family = socket.AF_INET6 if host == "::" else socket.AF_INET
    probe = "2001:db8::1" if host == "::" else "192.0.2.1"
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as udp:
            udp.connect((probe, 9))
            return str(udp.getsockname()[0])
    except OSError:
        return socket.gethostname()

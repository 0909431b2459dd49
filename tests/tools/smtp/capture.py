#!/usr/bin/python3
"""A loopback SMTP server that keeps what it is sent, for tests and the demo.

    capture.py --port-file F --maildir D [--starttls CERT KEY] [--auth USER:PASS]
               [--fail-rcpt ADDR:CODE[:TIMES]]...

Listens on 127.0.0.1 on a free port (aiosmtpd, Debian's python3-aiosmtpd) and
writes the port to F once it accepts connections. Each message accepted is
written as D/<n>.eml (n = 1, 2, ...; the raw DATA as received), with
D/<n>.json beside it: {"mail_from", "rcpt_tos", "tls": bool, "auth": user|null}.
Both appear atomically (written aside, then renamed; the .json first).

--starttls CERT KEY offers STARTTLS and refuses MAIL before it (530).
--auth USER:PASS requires AUTH (PLAIN or LOGIN, only after STARTTLS when it
is offered) with these credentials.
--fail-rcpt ADDR:CODE answers RCPT TO:<ADDR> with CODE (eg 451 or 550) and
the words "injected failure"; with :TIMES only the first TIMES times, then
the address is accepted (a temporary failure that clears).
SIGTERM or SIGINT stops it.
"""

import argparse
import asyncio
import logging
import warnings
import json
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

# aiosmtpd itself sets the deprecated login_data on a successful AUTH and logs
# a warning about it each time; only errors are worth a test's output.
logging.getLogger("mail.log").setLevel(logging.ERROR)
# AUTH without STARTTLS is what a test of plain loopback SMTP asks for.
warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")


class Capture:
    def __init__(self, maildir, fail_rcpt):
        self.maildir = maildir
        self.fail_rcpt = fail_rcpt  # address -> [code, times left or None]
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        rule = self.fail_rcpt.get(address.lower())
        if rule is not None and (rule[1] is None or rule[1] > 0):
            if rule[1] is not None:
                rule[1] -= 1
            return f"{rule[0]} injected failure for <{address}>"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.maildir, str(self.count))
        login = getattr(session.auth_data, "login", None) if session.authenticated else None
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "auth": login.decode() if isinstance(login, bytes) else login,
        }
        for suffix, data in ((".json", json.dumps(meta).encode()), (".eml", envelope.original_content)):
            with open(base + suffix + ".part", "wb") as out:
                out.write(data)
            os.replace(base + suffix + ".part", base + suffix)
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--auth", metavar="USER:PASS")
    parser.add_argument("--fail-rcpt", action="append", default=[], metavar="ADDR:CODE[:TIMES]")
    args = parser.parse_args()

    fail = {}
    for rule in args.fail_rcpt:
        parts = rule.rsplit(":", 2) if rule.count(":") >= 2 else rule.rsplit(":", 1)
        address, code = parts[0], int(parts[1])
        times = int(parts[2]) if len(parts) == 3 else None
        fail[address.lower()] = [code, times]
    os.makedirs(args.maildir, exist_ok=True)
    handler = Capture(args.maildir, fail)

    tls_context = None
    if args.starttls:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(args.starttls[0], args.starttls[1])

    authenticator = None
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user
                  and auth_data.password.decode() == password)
            return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    def factory():
        return SMTP(handler, hostname="capture.local", tls_context=tls_context,
                    require_starttls=tls_context is not None, authenticator=authenticator,
                    auth_required=authenticator is not None,
                    auth_require_tls=tls_context is not None, timeout=60)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(factory, "127.0.0.1", 0))
    port = server.sockets[0].getsockname()[1]
    with open(args.port_file + ".part", "w") as out:
        out.write(str(port))
    os.replace(args.port_file + ".part", args.port_file)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(stop.wait())
    server.close()
    loop.run_until_complete(server.wait_closed())
    return 0


if __name__ == "__main__":
    sys.exit(main())

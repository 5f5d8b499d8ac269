"""A real SMTP submission server for Herald's tests (dev.herald.testing.AiosmtpdServer).

Debian's python3-aiosmtpd: STARTTLS required before anything but EHLO/HELO/NOOP/QUIT, login
(AUTH LOGIN/PLAIN, offered only after STARTTLS) required before MAIL, one user and password.
Each accepted message is appended as one JSON line to the output file. Prints nothing; writes the
port it listens on to the port file once it accepts connections; logs each session to stderr;
stops when its stdin closes.

usage: aiosmtpd_server.py CERT_PEM KEY_PEM USER PASSWORD MESSAGES_FILE PORT_FILE
"""
import json
import logging
import os
import socket
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

cert, key, user, password, messages, port_file = sys.argv[1:7]


class Record:
    async def handle_DATA(self, server, session, envelope):
        line = json.dumps({
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "tls": session.ssl is not None,
            "login": session.auth_data.login.decode("utf-8") if session.authenticated else None,
            "content": envelope.original_content.decode("utf-8", "replace"),
        })
        with open(messages, "a", encoding="utf-8") as out:
            out.write(line + "\n")
        return "250 OK"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword)
          and auth_data.login == user.encode("utf-8")
          and auth_data.password == password.encode("utf-8"))
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
tls.load_cert_chain(cert, key)
controller = Controller(Record(), hostname="127.0.0.1", port=free_port(), tls_context=tls,
                        require_starttls=True, authenticator=authenticate, auth_required=True,
                        auth_require_tls=True)
controller.start()  # returns once the server answers on the port
tmp = port_file + ".tmp"
with open(tmp, "w", encoding="ascii") as out:
    out.write(str(controller.port))
os.replace(tmp, port_file)
try:
    sys.stdin.read()  # the test closes it (or dies): stop
finally:
    controller.stop()

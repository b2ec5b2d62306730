"""A small HTTP/1.1 client for one virtual user: one kept-alive connection, cookies, nothing else.

Lighter than requests or locust for fifty threads on a small machine, and enough for what a browser
does with these pages: keep the session and CSRF cookies, post forms, follow nothing (a redirect is
an answer in itself).
"""
import http.client
import json as jsonlib
import time
from dataclasses import dataclass
from urllib.parse import urlencode

# A kept-alive connection the server has closed in the meantime fails with one of these before any
# answer arrives; browsers then retry once on a new connection, and so does this client.
STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, http.client.CannotSendRequest)


@dataclass
class Response:
    status: int
    body: bytes
    headers: http.client.HTTPMessage
    seconds: float

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return jsonlib.loads(self.body)


class Session:
    def __init__(self, host: str, port: int, *, timeout: float = 30.0):
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}
        self._conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def get(self, path: str, *, params: dict | None = None, headers: dict | None = None) -> Response:
        return self.request("GET", path + ("?" + urlencode(params, doseq=True) if params else ""), headers=headers)

    def post_form(self, path: str, data: dict | list, *, headers: dict | None = None) -> Response:
        body = urlencode(data, doseq=True).encode()
        return self.request("POST", path, body=body,
                            headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})

    def post_json(self, path: str, data, *, headers: dict | None = None) -> Response:
        return self.request("POST", path, body=jsonlib.dumps(data).encode(),
                            headers={"Content-Type": "application/json", **(headers or {})})

    def request(self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None
                ) -> Response:
        """Send one request and read the whole answer; the time covers both (what a user waits for)."""
        sent = {"Host": f"{self.host}:{self.port}", "Accept-Encoding": "identity", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        for attempt in (1, 2):
            reused = self._conn is not None
            if not reused:
                self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self._conn.request(method, path, body=body, headers=sent)
                answer = self._conn.getresponse()
                data = answer.read()
                break
            except STALE:
                self.close()
                if not reused or attempt == 2:
                    raise
            except Exception:
                self.close()
                raise
        seconds = time.perf_counter() - started
        if answer.will_close:
            self.close()
        self._keep_cookies(answer.headers)
        return Response(answer.status, data, answer.headers, seconds)

    def _keep_cookies(self, headers: http.client.HTTPMessage) -> None:
        for line in headers.get_all("Set-Cookie") or ():
            pair, _, attributes = line.partition(";")
            name, _, value = pair.strip().partition("=")
            expired = "max-age=0" in attributes.lower().replace(" ", "") or value in ("", '""')
            if expired:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

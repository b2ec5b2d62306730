"""Request ids in every log record, and an optional JSON log format.

RequestIdMiddleware (first in MIDDLEWARE) takes X-Request-ID from the request when it is a sane token
(or generates one), keeps it in a context variable for the duration of the request, and echoes it in the
response's X-Request-ID header. RequestIdFilter copies it into every log record as `request_id` ("-"
outside a request), so the plain format can show it and JsonFormatter writes it as a field.

LOG_FORMAT=json in the environment switches the console handler to JsonFormatter (see settings.LOGGING).
"""
import contextvars
import json
import logging
import re
import uuid
from datetime import datetime, timezone

REQUEST_ID_HEADER = "X-Request-ID"
_VALID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,200}$")

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def _accepted(value: str | None) -> str | None:
    """A client's id is kept only when it cannot forge log lines (no spaces, quotes, newlines; ≤ 200 chars)."""
    return value if value and _VALID.match(value) else None


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = _accepted(request.headers.get(REQUEST_ID_HEADER)) or uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record that passes through the handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # django.request logs a 4xx/5xx after the middleware has returned: its record carries the request.
            record.request_id = getattr(getattr(record, "request", None), "request_id", None) or request_id_var.get()
        return True


_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id", "request"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request_id, exception, and any `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
        return json.dumps(data, ensure_ascii=False)

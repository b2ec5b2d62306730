"""The API's JSON parser: DRF's, reading through common.strict_json, so a hostile body (nesting that
would exhaust the stack, 1e400, NaN, 5,000-digit numbers, NUL or lone surrogates in text) is a 400
naming the place, never a 500 from deeper down."""
import json

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from common.strict_json import InputError, loads


class BodyRefused(ParseError):
    """A JSON body refused for its content; `where` names the place (roles.api.errors adds it to the body)."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where


class StrictJSONParser(JSONParser):
    def parse(self, stream, _media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        raw = stream.read() if stream is not None else b""
        try:
            return loads(raw.decode(encoding))
        except UnicodeDecodeError as exc:
            raise BodyRefused("", f"the body is not {encoding} text (byte {exc.start} cannot be decoded)") from None
        except json.JSONDecodeError as exc:
            raise BodyRefused("", f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
        except InputError as exc:
            raise BodyRefused(exc.where, exc.message) from None

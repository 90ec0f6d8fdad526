"""Secrets kept out of everything printed, saved or shown: API keys and credentials inside endpoint URLs.

A server's error can echo the key it was sent (OpenAI's 401 says `Incorrect API key provided: sk-ab***...wxyz`),
and `OPENAI_BASE_URL` can carry a password (`https://user:secret@host/v1`) or a key in its query (`?api-key=...`).
`redact` removes, from any text: the keys registered by the model client (whole, or partly echoed: a prefix and a
suffix around a mask, or any 8+ character piece), anything shaped like an `sk-` key, bearer tokens, the userinfo of
URLs and the values of key-like query parameters, and a URL's `user:password` also as HTTP Basic auth (base64)
sends it. Light: only `re`, `base64` and `urllib.parse`.
"""

from __future__ import annotations

import base64
import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

MASK = "***"
MIN_SECRET = 8  # shorter "keys" (`none`, `local`) are placeholders local servers accept, not secrets
# A password in a URL is a secret whatever its length. From this length on it is redacted wherever it appears; a
# shorter one (`ab`) would mask half the words of every text, so only the forms that carry it are: `user:ab`, the
# userinfo as written, and the base64 of `user:ab` that httpx sends as `Authorization: Basic ...`.
MIN_URL_PASSWORD = 4

_secrets: set[str] = set()

# Query parameters that carry credentials (Azure's `api-key`, `key=`, `token=`, signed URLs' `sig`...).
_KEY_PARAM = re.compile(
    r"(?i)^(?:api[-_]?key|key|token|access[-_]?token|secret|password|passwd|pwd|auth|sig|signature)$"
)
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s'\"<>]+")
# `sk-...` keys (OpenAI, Anthropic, DeepSeek...), also when echoed masked: `sk-ab...wxyz`, `sk-proj-****wxyz`.
_SK = re.compile(r"\bsk[-_][A-Za-z0-9_\-*]{2,}(?:(?:\.{3}|…)[A-Za-z0-9_\-*]+)?")
_BEARER = re.compile(r"(?i)\b(bearer\s+)[^\s'\",}]+")
_ASSIGNED = re.compile(r"(?i)(\b(?:api[-_]?key|x-api-key|access[-_]?token)[\"']?\s*[:=]\s*[\"']?)[^\s'\",&}]+")
# A partly masked token: some visible characters, a mask, maybe more visible characters.
_MASKED = re.compile(r"(?P<head>[A-Za-z0-9_\-]*)(?:\*{3,}|\.{3}|…)(?P<tail>[A-Za-z0-9_\-*]*)")
_WORD = re.compile(rf"[A-Za-z0-9_\-]{{{MIN_SECRET},}}")


def register_secret(secret: str | None) -> None:
    """Redact `secret` (an API key, a URL's password) from everything `redact` sees, for the life of the process."""
    if secret and len(secret) >= MIN_SECRET:
        _secrets.add(secret)


def register_url_secrets(url: str) -> None:
    """Redact the credentials inside an endpoint URL (its password, a token used as user name, key-like query values)
    wherever they appear on their own, e.g. echoed in a server's error, and in the forms a server can echo them:
    `user:password` and the base64 of it that httpx sends as HTTP Basic auth."""
    try:
        parts = urlsplit(url)
        if "@" in parts.netloc:
            _register_userinfo(parts.netloc.rpartition("@")[0])
        for name, value in parse_qsl(parts.query):
            if _KEY_PARAM.match(name):
                register_secret(value)
    except ValueError:
        pass


def _register_userinfo(userinfo: str) -> None:
    user, _, password = userinfo.partition(":")
    for raw_user, raw_password in {(user, password), (unquote(user), unquote(password))}:
        register_secret(raw_user)  # a token used as the user name
        if len(raw_password) >= MIN_URL_PASSWORD:
            _secrets.add(raw_password)
        pair = f"{raw_user}:{raw_password}"
        # Not `user:` (no password: it would mask every `user:` in a text), nor `:ab` (it would mask `key:about`).
        if raw_password and (raw_user or len(raw_password) >= MIN_URL_PASSWORD):
            _secrets.add(pair)
        # httpx sends `Authorization: Basic base64(user:password)` (UTF-8); a server may echo it with or without
        # its `=` padding. A user name alone is sent as `user:`, which the pair above already is.
        encoded = base64.b64encode(pair.encode("utf-8", "surrogatepass")).decode("ascii")
        _secrets.update({encoded, encoded.rstrip("=")})


def redact_url(url: str) -> str:
    """`url` without the userinfo (`user:password@`) and with key-like query values masked."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            netloc = f"{MASK}@{netloc.rpartition('@')[2]}"
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            if any(_KEY_PARAM.match(name) for name, _ in pairs):
                masked = [(name, MASK if _KEY_PARAM.match(name) else value) for name, value in pairs]
                query = urlencode(masked, safe="*")
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    except ValueError:  # not a URL urllib can take apart: mask everything between the scheme and the host
        return re.sub(r"//[^/@\s]*@", f"//{MASK}@", url)


def _masked(match: re.Match[str]) -> str:
    head, tail = match.group("head"), match.group("tail").strip("*")
    for secret in _secrets:
        if (len(head) >= 3 and secret.startswith(head)) or (len(tail) >= 3 and secret.endswith(tail)):
            return MASK
    return match.group()


def _piece(match: re.Match[str]) -> str:
    word = match.group()
    return MASK if any(word in secret for secret in _secrets) else word


def redact(text: str) -> str:
    """`text` with every secret this module knows of, or can recognise, replaced by `***`."""
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _URL.sub(lambda m: redact_url(m.group()), text)
    text = _SK.sub(MASK, text)
    text = _BEARER.sub(lambda m: m.group(1) + MASK, text)
    text = _ASSIGNED.sub(lambda m: m.group(1) + MASK, text)
    if _secrets:
        text = _MASKED.sub(_masked, text)
        text = _WORD.sub(_piece, text)
    return text


class StreamRedactor:
    """`redact` for text that arrives in pieces (a model's stream), before it is shown.

    A secret can be cut between two pieces, and half of it is not recognisable, so the last word is held back until
    a space or the end shows it is whole (`feed` returns what may be shown now, `flush` the rest). Every pattern
    `redact` knows keeps the words before a space as they are, so what was shown never needs taking back."""

    def __init__(self) -> None:
        self._text = ""
        self._shown = ""

    def feed(self, delta: str) -> str:
        self._text += delta
        cut = max(self._text.rfind(" "), self._text.rfind("\n")) + 1
        return self._more(redact(self._text[:cut]))

    def flush(self) -> str:
        return self._more(redact(self._text))

    def _more(self, safe: str) -> str:
        more = safe[len(self._shown) :] if safe.startswith(self._shown) else ""
        if more:
            self._shown = safe
        return more

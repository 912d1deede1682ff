"""The kiosk's HTTP client for the central API (`docs/sync-protocol.md`).

Failures come in three kinds the sync engine treats differently: a transient one
(no network, timeout, 5xx) is retried later; a credential the centre refuses stops
sync until IT enrols the kiosk again; a request the centre refuses as malformed
is reported with the centre's own words. The token never appears in an error or a log.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

import requests

from kiosk.i18n import Message, Said, Text
from sync.deadline import Deadline, DeadlineAdapter

API_PREFIX = "/v1"
PROTOCOL = 3  # of the pull: 2 seat leases, 3 ballot refusals and appreciations of the site (docs/sync-protocol.md)
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 30
DEADLINE_SECONDS = 120.0  # a whole exchange, however the centre spaces its bytes (a 1000-offer page is ~1 s)
HEARTBEAT_DEADLINE_SECONDS = 10.0  # a heartbeat is small: a centre slow to take it must not hold the cycle
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
PHOTO_DEADLINE_SECONDS = 20.0
MAX_MESSAGE_CHARS = 400  # an error text from the centre shown to a correspondent
# A JSON object as the centre sent it, before the caller checks it field by field.
JsonObject = dict[str, Any]


class CentralError(Exception):
    """`message` for the logs; `text` for people: the kiosk's own words, or the centre's (in French and English)."""

    def __init__(self, message: str, text: Message | None = None):
        super().__init__(message)
        self.text = text or Said(message, message)

    def message(self, language: str) -> str:
        return self.text.message(language)

    @property
    def fr(self) -> str:
        return self.message("fr")

    @property
    def en(self) -> str:
        return self.message("en")


class TransientError(CentralError):
    """Try again later: the network or the centre is not answering properly."""


class AnswerTooLarge(TransientError):
    """The centre's answer is longer than allowed: what was read of it is thrown away."""


class CredentialRefused(CentralError):
    """The centre does not accept this kiosk's credential (unknown or revoked)."""


class RequestRefused(CentralError):
    """The centre refuses this request as it is (4xx); sending it again unchanged will not help."""

    def __init__(self, message: str, status: int, code: str, text: Message):
        super().__init__(message, text)
        self.status = status
        self.code = code


@dataclass(frozen=True)
class Enrolment:
    kiosk_id: str
    site_id: str
    token: str = field(repr=False)  # the kiosk's secret: never in a repr, hence never in a log or a trace


class CentralClient:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        ca_bundle: str | None = None,
        timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
        deadline: float = DEADLINE_SECONDS,
        max_response_bytes: int | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.base_url = self.base_url.removesuffix(API_PREFIX)
        self._token = token
        self._timeout = timeout
        self._deadline = deadline
        self._max_response_bytes = max_response_bytes
        self._session = requests.Session()
        self._session.mount("http://", DeadlineAdapter())
        self._session.mount("https://", DeadlineAdapter())
        # Nothing from the environment decides how the kiosk talks to its centre: with trust_env
        # on, requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE replace the site's CA bundle and
        # adds credentials from ~/.netrc to the calls that carry no token.
        self._session.trust_env = False
        # TLS is always verified, against the site's own CA bundle when it names one (given again
        # on every request, so nothing can override it); else against a bundle named by
        # REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE as before, else requests' default (certifi).
        self._verify: str | bool = ca_bundle or _bundle_from_environment() or True
        self._session.verify = self._verify
        # A site behind a proxy still reaches its centre: the standard variables (HTTPS_PROXY,
        # HTTP_PROXY, ALL_PROXY, NO_PROXY, as set for the kiosk's service) are read once, here,
        # for the centre's address only; trust_env being off, requests would otherwise ignore them.
        self._proxies = requests.utils.get_environ_proxies(self.base_url)
        self._session.headers["User-Agent"] = "slvie-kiosk"

    def __repr__(self) -> str:  # never show the token
        return f"CentralClient({self.base_url!r})"

    def close(self) -> None:
        self._session.close()

    def _request(
        self, method: str, path: str, *, auth: bool = True, deadline_seconds: float | None = None, **kwargs: Any
    ) -> JsonObject:
        return read_answer(self._exchange(method, path, auth=auth, deadline_seconds=deadline_seconds, **kwargs))

    def _exchange(
        self,
        method: str,
        path: str,
        *,
        auth: bool = True,
        deadline_seconds: float | None = None,
        max_bytes: int | None = None,
        **kwargs: Any,
    ) -> bytes:
        """One request to the centre, and its answer's body once it is a 200; anything else raised as its kind."""
        limit = max_bytes or self._max_response_bytes or MAX_RESPONSE_BYTES
        headers = {"Authorization": f"Bearer {self._token}"} if auth and self._token else {}
        allowed = deadline_seconds or self._deadline
        with Deadline(allowed) as deadline:
            try:
                # Redirects are never followed: the token and the kiosk's trust go to the configured centre only.
                response = self._session.request(
                    method,
                    f"{self.base_url}{API_PREFIX}{path}",
                    headers=headers,
                    timeout=self._timeout,
                    verify=self._verify,
                    allow_redirects=False,
                    proxies=self._proxies,
                    stream=True,
                    **kwargs,
                )
                body = _read_body(response, limit)
            except requests.exceptions.SSLError as error:
                raise TransientError(
                    f"TLS verification failed: {type(error).__name__}", Text("error.central.certificate_not_trusted")
                ) from None
            except requests.exceptions.ContentDecodingError:
                if deadline.expired:
                    raise self._too_slow(allowed) from None
                raise TransientError(
                    "the centre's compressed answer is damaged", Text("error.central.compressed_answer_damaged")
                ) from None
            except requests.RequestException as error:
                if deadline.expired:
                    raise self._too_slow(allowed) from None
                raise TransientError(
                    f"no answer from the centre: {type(error).__name__}", Text("error.central.no_answer")
                ) from None
        if deadline.expired:  # an answer without a length, cut short when the time was up
            raise self._too_slow(allowed)
        if len(body) > limit:
            raise AnswerTooLarge("answer too large", Text("error.central.answer_too_large"))
        if 300 <= response.status_code < 400:
            raise TransientError(f"redirect ({response.status_code}) not followed", Text("error.central.redirect"))
        if response.status_code >= 500 or response.status_code == 429:  # 429: the centre asks to slow down
            raise TransientError(f"centre error {response.status_code}", Text("error.central.server_problem"))
        if response.status_code >= 400:
            self._refused(response, body)
        if response.status_code != 200:
            raise TransientError(f"unexpected status {response.status_code}", Text("error.central.unexpected_answer"))
        return body

    @staticmethod
    def _too_slow(allowed: float) -> TransientError:
        return TransientError(
            f"no complete answer within {allowed:g} s", Text("error.central.too_slow", seconds=f"{allowed:g}")
        )

    @staticmethod
    def _refused(response: requests.Response, body: bytes) -> None:
        """Raise what a 4xx answer means (its error body read only then: a page of offers is parsed once)."""
        error = _error_body(body)  # the centre's own words, when they are short plain texts
        if response.status_code in (401, 403):
            raise CredentialRefused(
                f"credential refused ({response.status_code})", _centre_words(error, "error.central.credential_refused")
            )
        raise RequestRefused(
            f"request refused ({response.status_code} {error.get('code', '')})",
            response.status_code,
            error.get("code", ""),
            _centre_words(error, "error.central.request_refused"),
        )

    def health(self) -> JsonObject:
        return self._request("GET", "/health", auth=False)

    def me(self) -> JsonObject:
        return self._request("GET", "/me")

    def enroll(self, code: str, kiosk_name: str, attempt: str | None = None) -> Enrolment:
        """`attempt` (sync.credential.enrolment_attempt): the same code sent again after a lost answer
        gets this kiosk back rather than a refusal."""
        body = {"code": code, "kiosk_name": kiosk_name, **({"attempt": attempt} if attempt else {})}
        answer = self._request("POST", "/enroll", auth=False, json=body)
        try:
            return Enrolment(str(answer["kiosk_id"]), str(answer["site_id"]), str(answer["token"]))
        except KeyError:
            raise TransientError("enrolment answer incomplete") from None

    def register_voucher_key(self, public_key_pem: str) -> None:
        """Have the centre publish this kiosk's voucher-signing public key (GET /v1/voucher-keys)."""
        self._request("PUT", "/voucher-key", json={"public_key": public_key_pem})

    def push(self, operations: list[JsonObject], history: JsonObject | None = None) -> JsonObject:
        """The answer as received (`results`, `mark`): the engine checks it against the operations
        (sync/answers.py). `history`: what of the centre's feed this kiosk has seen (sync/engine.py)."""
        body: JsonObject = {"operations": operations}
        if history is not None:
            body["history"] = history
        return self._request("POST", "/operations", json=body)

    def heartbeat(self, document: dict[str, object]) -> None:
        """This kiosk's health for the centre's fleet view (sync/heartbeat.py)."""
        self._request("PUT", "/heartbeat", json=document, deadline_seconds=HEARTBEAT_DEADLINE_SECONDS)

    def changes(self, cursor: int, limit: int, marks: tuple[str, ...] = ()) -> JsonObject:
        return read_answer(self.changes_body(cursor, limit, marks))

    def changes_body(self, cursor: int, limit: int, marks: tuple[str, ...] = ()) -> bytes:
        """A page after `cursor` as received, read by `read_answer`: the sync engine fetches the next page on
        a thread of its own while it writes one, and reads it on its own thread, so that reading a large
        page (the GIL held throughout) never stretches a write turn a booking at the screen waits for.
        `marks` (saved with the cursor, and of the last push) let a restored centre say it lost that history."""
        params: dict[str, object] = {"cursor": cursor, "limit": limit, "protocol": PROTOCOL}
        if marks:
            params["mark"] = list(marks)
        return self._exchange("GET", "/changes", params=params)

    def leases(self, wanted: list[JsonObject], deadline_seconds: float | None = None) -> JsonObject:
        """Renew this kiosk's leases and top them up (`POST /v1/leases`): {"time", "leases"}."""
        return self._request("POST", "/leases", json={"leases": wanted}, deadline_seconds=deadline_seconds)

    def photo(self, sha256: str, max_bytes: int) -> bytes:
        """An offer's photo file; an answer longer than `max_bytes` is cut there (the caller refuses it)."""
        return self._exchange("GET", f"/photos/{sha256}", max_bytes=max_bytes, deadline_seconds=PHOTO_DEADLINE_SECONDS)


def _read_body(response: requests.Response, limit: int) -> bytes:
    """The answer's body (decompressed), read no further than `limit` + 1 bytes: a runaway answer never
    fills the memory."""
    chunks, size = [], 0
    for chunk in response.iter_content(chunk_size=64 * 1024):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            response.close()
            break
    return b"".join(chunks)


def _bundle_from_environment() -> str | None:
    """The CA bundle requests itself would take from the environment (only when the site names none)."""
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or None


def read_answer(body: bytes) -> JsonObject:
    """An answer's body as the JSON object it must be; TransientError when it is not one."""
    document = _json_object(body)
    if document is None:
        raise TransientError("the centre's answer is not a JSON object", Text("error.central.unreadable_answer"))
    return document


def _json_object(body: bytes) -> JsonObject | None:
    """The answer as a JSON object, or None (not JSON, not an object, or nested too deep to read)."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return document if isinstance(document, dict) else None


def _error_body(body: bytes) -> dict[str, str]:
    error = (_json_object(body) or {}).get("error")
    if not isinstance(error, dict):
        return {}
    return {
        key: value
        for key, value in error.items()
        if key in ("code", "fr", "en") and isinstance(value, str) and 0 < len(value) <= MAX_MESSAGE_CHARS
    }


def _centre_words(error: dict[str, str], default: str) -> Message:
    """The centre's own words when it gave them in both languages, else the kiosk's text `default`."""
    if "fr" in error and "en" in error:
        return Said(error["fr"], error["en"])
    return Text(default)

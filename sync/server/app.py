"""The HTTP routes of `/v1` (docs/sync-protocol.md), errors as `{"error": {"code", "fr", "en"}}`."""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any, TypeVar, TypeVarTuple

import anyio
import anyio.to_thread
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBasic, HTTPBasicCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST
from pydantic import Field
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.types import Message as AsgiMessage

from kiosk.i18n import Message, Said, Text
from sync.server import auth, changes, fleet, fleet_page, history, leases, operations, voucher_keys
from sync.server.clock import Clock, fmt, local_now
from sync.server.db import Database
from sync.server.limits import Limiter, RateLimits, forget_ended_windows
from sync.server.mailer import SEND_EVERY_SECONDS, MailSettings, sending_loop
from sync.server.metrics import Metrics, RequestMetrics
from sync.server.photos import photo_file
from sync.wire import (
    MARK,
    MAX_HEARTBEAT_BYTES,
    MAX_OPERATIONS,
    AppreciationCreatePayload,
    AuditAppendPayload,
    BookingCancelPayload,
    BookingCreatePayload,
    ChangesPage,
    ConciergeCreatePayload,
    ConciergeTransitionPayload,
    EnrollRequest,
    EnrollResponse,
    ErrorResponse,
    Health,
    Heartbeat,
    HeartbeatRecorded,
    IdeaCreatePayload,
    LeaseReturnPayload,
    LeasesRequest,
    LeasesResponse,
    Me,
    OperationsRequest,
    OperationsResponse,
    VoteCastPayload,
    VoucherKeyRegistered,
    VoucherKeyRequest,
    VoucherKeys,
    VoucherStanding,
    normalise_code,
)

log = logging.getLogger("slvie.central")
Result = TypeVar("Result")
Arguments = TypeVarTuple("Arguments")
API_VERSION = "1"
MAX_BODY_BYTES = 4 * 1024 * 1024
HEARTBEAT_PATH = "/v1/heartbeat"
BODY_LIMITS = {HEARTBEAT_PATH: MAX_HEARTBEAT_BYTES}  # routes whose bodies are small by nature
RELEASE_EVERY_SECONDS = 30.0
RETRY_AFTER_SECONDS = 5  # the database unavailable: when a kiosk may try again
# Writes are one at a time (Database.write); pushes and enrolments waiting for the writer wait
# here, in the event loop, instead of each holding one of the worker threads (40) that pulls
# need: with 200 kiosks syncing at once, pulls (WAL readers, no lock) were starved behind them.
WRITERS_IN_FLIGHT = 2
ERROR: dict[str, Any] = {"model": ErrorResponse}  # FastAPI's own type for a documented response
AUTH_ERRORS: dict[int | str, dict[str, Any]] = {401: ERROR, 403: ERROR, 429: ERROR}
SHA256 = re.compile(r"[0-9a-f]{64}")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class ApiError(Exception):
    def __init__(self, status: int, code: str, text: Message, headers: dict[str, str] | None = None):
        super().__init__(text.message("en"))
        self.status, self.code, self.text, self.headers = status, code, text, headers


def error_response(status: int, code: str, text: Message, headers: dict[str, str] | None = None) -> JSONResponse:
    """The error body kiosks read: a stable code and the words for people, in French and English."""
    body = {"code": code, "fr": text.message("fr"), "en": text.message("en")}
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def _too_large(path: str) -> JSONResponse:
    if path == HEARTBEAT_PATH:
        return error_response(
            413, "heartbeat_too_large", Text("api.heartbeat_too_large", max_heartbeat_bytes=MAX_HEARTBEAT_BYTES)
        )
    return error_response(
        413, "request_too_large", Text("api.request_too_large", megabytes=MAX_BODY_BYTES // (1024 * 1024))
    )


class BodyLimit:
    """Refuse a request body over its route's limit (`limit`, or less in BODY_LIMITS) with 413 before anything
    reads it (declared length or not)."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES):
        self.app, self.default_limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        path = scope["path"]
        limit = BODY_LIMITS.get(path, self.default_limit)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return await _too_large(path)(scope, receive, send)
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                return await _too_large(path)(scope, receive, send)
            more = message.get("more_body", False)
        replayed = False

        async def replay() -> AsgiMessage:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


bearer = HTTPBearer(auto_error=False, description="the kiosk's token from POST /v1/enroll")


def current_kiosk(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> auth.Kiosk:
    kiosk = auth.kiosk_for_token(request.app.state.db, credentials.credentials) if credentials else None
    if kiosk is None:
        raise ApiError(401, "unauthenticated", Text("api.unauthenticated"), {"WWW-Authenticate": "Bearer"})
    if kiosk.revoked:
        raise ApiError(403, "kiosk_revoked", Text("api.kiosk_revoked"))
    wait = request.app.state.limiter.kiosk(kiosk.id)
    if wait is not None:
        raise _rate_limited(wait)
    return kiosk


def _rate_limited(wait: int) -> ApiError:
    return ApiError(429, "rate_limited", Text("api.rate_limited", wait=wait), {"Retry-After": str(wait)})


KioskAuth = Annotated[auth.Kiosk, Depends(current_kiosk)]
basic = HTTPBasic(auto_error=False, realm="SLVie fleet")


def current_administrator(request: Request, credentials: Annotated[HTTPBasicCredentials | None, Depends(basic)]) -> str:
    """An administrator's name and secret (HTTP Basic); a kiosk token opens nothing here."""
    if credentials is None or not auth.is_administrator(
        request.app.state.db, credentials.username, credentials.password
    ):
        raise ApiError(
            401,
            "administrator_required",
            Text("api.administrator_required"),
            {"WWW-Authenticate": 'Basic realm="SLVie fleet", charset="UTF-8"'},
        )
    return credentials.username


AdminAuth = Annotated[str, Depends(current_administrator)]


def create_app(
    db: Database | None = None,
    clock: Clock = local_now,
    release_every: float = RELEASE_EVERY_SECONDS,
    rates: RateLimits | None = None,
    mail: MailSettings | None = None,
    send_every: float = SEND_EVERY_SECONDS,
) -> FastAPI:
    """The application; `db` may be None only to produce the OpenAPI document. With `mail`, the notices
    are sent through that SMTP server every `send_every` seconds; without it they wait in the database."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        workers = []
        if db is not None:
            workers.append(
                threading.Thread(
                    target=_release_loop, args=(db, clock, stop, release_every), name="allocation-release", daemon=True
                )
            )
        if db is not None and mail is not None:
            workers.append(
                threading.Thread(
                    target=sending_loop, args=(db, mail, clock, stop, send_every), name="notice-sender", daemon=True
                )
            )
        for worker in workers:
            worker.start()
        yield
        stop.set()
        for worker in workers:
            worker.join(timeout=5)

    app = CentralApi(
        title="SLVie central API",
        version=API_VERSION,
        lifespan=lifespan,
        description="Kiosk ↔ centre protocol of the SLVie kiosks: see docs/sync-protocol.md.",
        openapi_url="/v1/openapi.json",
        docs_url="/v1/docs",
        redoc_url=None,
    )
    metrics = Metrics(db, clock)
    app.add_middleware(BodyLimit)
    app.add_middleware(RequestMetrics, metrics=metrics)  # outermost: refused bodies are counted too
    _add_error_handlers(app)
    app.state.db = db
    app.state.limiter = Limiter(rates or RateLimits(), db)
    writers: list[anyio.CapacityLimiter] = []

    def database() -> Database:
        if db is None:  # made without one only to write the OpenAPI document: no route is called
            raise RuntimeError("this application has no database")
        return db

    async def writing(function: Callable[[*Arguments], Result], *args: *Arguments) -> Result:
        """Run a write in a thread of its own small pool (made in the server's event loop on first use)."""
        if not writers:
            writers.append(anyio.CapacityLimiter(WRITERS_IN_FLIGHT))
        return await anyio.to_thread.run_sync(function, *args, limiter=writers[0])

    @app.get("/v1/health", response_model=Health, tags=["kiosk"])
    def health() -> Health:
        """No credential needed; also gives the server's clock."""
        database().query("SELECT 1")
        return Health(status="ok", time=fmt(clock()))

    @app.post(
        "/v1/enroll", response_model=EnrollResponse, responses={403: ERROR, 422: ERROR, 429: ERROR}, tags=["kiosk"]
    )
    async def enroll(body: EnrollRequest, request: Request) -> EnrollResponse:
        """Exchange a one-time enrolment code for this kiosk's own token (attempts are rate-limited
        per address and per code)."""
        address = request.client.host if request.client else "?"
        wait = app.state.limiter.enrolment(address, auth.secret_hash(normalise_code(body.code)))
        if wait is not None:
            raise _rate_limited(wait)
        try:
            kiosk, token = await writing(auth.enroll, database(), body.code, body.kiosk_name, clock(), body.attempt)
        except auth.EnrolmentRefused:
            raise ApiError(403, "enrolment_refused", Text("api.enrolment_refused")) from None
        return EnrollResponse(kiosk_id=kiosk.id, site_id=kiosk.site_id, token=token)

    @app.get("/v1/me", response_model=Me, responses=AUTH_ERRORS, tags=["kiosk"])
    def me(kiosk: KioskAuth) -> Me:
        return Me(kiosk_id=kiosk.id, site_id=kiosk.site_id, kiosk_name=kiosk.name)

    @app.put(
        "/v1/voucher-key",
        response_model=VoucherKeyRegistered,
        responses={**AUTH_ERRORS, 409: ERROR, 422: ERROR},
        tags=["kiosk"],
    )
    async def register_voucher_key(body: VoucherKeyRequest, kiosk: KioskAuth) -> VoucherKeyRegistered:
        """Publish this kiosk's voucher-signing public key (again: nothing changes; another one: 409)."""
        try:
            key = await writing(voucher_keys.register, database(), kiosk, body.public_key, clock())
        except voucher_keys.NotAPublicKey:
            raise ApiError(422, "invalid_public_key", Text("api.invalid_public_key")) from None
        except voucher_keys.KeyPinned:
            raise ApiError(409, "voucher_key_pinned", Text("api.voucher_key_pinned")) from None
        return VoucherKeyRegistered(key_id=key)

    @app.get("/v1/vouchers/{reference}", response_model=VoucherStanding, responses={404: ERROR}, tags=["verifier"])
    def voucher_standing(reference: str) -> VoucherStanding:
        """What a voucher's booking is now, by the reference in its payload (an unguessable UUID), with no
        credential: a cancelled or refused booking's voucher no longer gives a place."""
        state = voucher_keys.booking_state(database(), reference) if UUID.fullmatch(reference) else None
        if state is None:
            raise ApiError(404, "voucher_unknown", Text("api.voucher_unknown"))
        return VoucherStanding.model_validate({"reference": reference, "state": state})

    @app.get("/v1/voucher-keys", response_model=VoucherKeys, tags=["verifier"])
    def published_voucher_keys() -> VoucherKeys:
        """Every kiosk's voucher-signing public key, with no credential: a voucher is checked offline
        with them (`slvie-kiosk voucher verify FILE --centre URL`)."""
        return VoucherKeys.model_validate({"keys": voucher_keys.published(database())})

    @app.post(
        "/v1/operations",
        response_model=OperationsResponse,
        tags=["kiosk"],
        responses={**AUTH_ERRORS, 400: ERROR, 409: ERROR, 413: ERROR, 422: ERROR},
    )
    async def push(body: OperationsRequest, kiosk: KioskAuth) -> Response:
        """Push up to 500 operations; one result each, in order; each op_id is applied at most once, forever.
        Refused whole (409 `history_unknown`) when the kiosk has seen a history of the feed this centre lost."""
        try:
            results, mark = await writing(operations.push, database(), kiosk, body.operations, clock, body.history)
        except history.HistoryUnknown:
            raise ApiError(409, "history_unknown", Text("api.history_unknown")) from None
        for operation, result in zip(body.operations, results):  # a kind no handler knows is one series, not many
            kind = operation.kind if operation.kind in operations.HANDLERS else "unknown"
            metrics.operations.labels(kind, str(result["outcome"])).inc()
        return Response(
            json.dumps({"results": results, "mark": mark}, ensure_ascii=False), media_type="application/json"
        )

    @app.post("/v1/leases", response_model=LeasesResponse, responses={**AUTH_ERRORS, 422: ERROR}, tags=["kiosk"])
    async def lease_seats(body: LeasesRequest, kiosk: KioskAuth) -> LeasesResponse:
        """Renew this kiosk's leases on the sessions named and top each up by `seats` more, from its site's
        free seats then the central pool; one short call (a person may be waiting for it)."""
        granted = await writing(leases.top_up, database(), kiosk, body.leases, clock)
        return LeasesResponse.model_validate({"time": fmt(clock()), "leases": granted})

    @app.get("/v1/photos/{sha256}", response_class=Response, responses={**AUTH_ERRORS, 404: ERROR}, tags=["kiosk"])
    def get_photo(sha256: str, kiosk: KioskAuth) -> Response:
        """An offer's photo, by the SHA-256 the catalog gives (the kiosk checks the bytes against it)."""
        path = photo_file(database(), sha256) if SHA256.fullmatch(sha256) else None
        if path is None:
            raise ApiError(404, "photo_not_found", Text("api.photo_not_found"))
        return Response(
            path.read_bytes(),
            media_type="application/octet-stream",
            headers={"Cache-Control": "private, max-age=31536000, immutable"},
        )

    @app.get(
        "/v1/changes", response_model=ChangesPage, responses={**AUTH_ERRORS, 409: ERROR, 422: ERROR}, tags=["kiosk"]
    )
    def pull(
        kiosk: KioskAuth,
        cursor: Annotated[int, Query(ge=0, le=2**63 - 1, description="the last cursor saved (0 at first)")] = 0,
        limit: Annotated[int, Query(ge=1, le=changes.MAX_PAGE)] = changes.DEFAULT_PAGE,
        protocol: Annotated[
            int,
            Query(ge=1, le=3, description="2: the kiosk takes its leases too; 3: ballot refusals, whose appreciation"),
        ] = 1,
        mark: Annotated[
            list[Annotated[str, Field(pattern=MARK)]],
            Query(max_length=4, description="the marks saved with the cursor and of the last push (none at first)"),
        ] = [],  # noqa: B006 - FastAPI copies a query's default
    ) -> Response:
        """The changes after `cursor`, in seq order, each entity once at its latest state; 409 `history_unknown`
        when this centre lost the history a `mark` names (restored from an older copy)."""
        try:
            with database().read() as conn:
                history.check(conn, mark)
                text = changes.read_page(conn, kiosk.site_id, cursor, limit, kiosk.id, protocol)
        except changes.CursorAhead as ahead:
            raise ApiError(409, "cursor_ahead", Text("api.cursor_ahead", top=ahead.top)) from None
        except history.HistoryUnknown:
            raise ApiError(409, "history_unknown", Text("api.history_unknown")) from None
        return Response(text, media_type="application/json")

    @app.put(
        HEARTBEAT_PATH,
        response_model=HeartbeatRecorded,
        tags=["kiosk"],
        responses={**AUTH_ERRORS, 400: ERROR, 413: ERROR, 422: ERROR},
    )
    async def heartbeat(body: Heartbeat, kiosk: KioskAuth) -> HeartbeatRecorded:
        """This kiosk's health, with each sync cycle (docs/sync-protocol.md): kept as its latest state, and in
        its history; a malformed or oversized one is refused whole."""
        now = clock()
        await writing(fleet.record_heartbeat, database(), kiosk.id, body, now)
        return HeartbeatRecorded(received_at=fmt(now))

    @app.get("/admin/fleet", response_class=HTMLResponse, include_in_schema=False)
    def fleet_health(administrator: AdminAuth) -> HTMLResponse:
        now = clock()
        return HTMLResponse(fleet_page.render(fleet.fleet(database(), now), now), headers={"Cache-Control": "no-store"})

    @app.get("/metrics", include_in_schema=False)
    def prometheus_metrics(administrator: AdminAuth) -> Response:
        return Response(metrics.text(), media_type=CONTENT_TYPE_LATEST)

    return app


def _malformed_json() -> JSONResponse:
    return error_response(400, "malformed_json", Text("api.malformed_json"))


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> JSONResponse:
        return error_response(error.status, error.code, error.text, error.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = error.errors()
        if any(e["type"] == "json_invalid" for e in errors):
            return _malformed_json()
        if any(tuple(e["loc"]) == ("body", "operations") and e["type"] == "too_long" for e in errors):
            return error_response(413, "batch_too_large", Text("api.batch_too_large", max_operations=MAX_OPERATIONS))
        first = errors[0]
        where = ".".join(str(part) for part in first["loc"])
        return error_response(422, "invalid_request", Text("api.invalid_request", where=where, problem=first["msg"]))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code == 404:
            return error_response(404, "not_found", Text("api.not_found"))
        if error.status_code == 405:
            return error_response(405, "method_not_allowed", Text("api.method_not_allowed"))
        if error.status_code == 400:  # a body the parser gave up on (e.g. JSON nested too deep)
            return _malformed_json()
        return error_response(error.status_code, "http_error", Said(str(error.detail), str(error.detail)))

    @app.exception_handler(OperationalError)
    async def database_unavailable(request: Request, error: OperationalError) -> JSONResponse:
        """The database is down, restarting or gave up a transaction (a deadlock): nothing of the request
        was written (its transaction rolled back); the kiosk tries again later, as after any 5xx."""
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, error.orig)
        return error_response(
            503, "database_unavailable", Text("api.database_unavailable"), {"Retry-After": str(RETRY_AFTER_SECONDS)}
        )

    @app.exception_handler(Exception)
    async def crash(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", Text("api.internal_error"))


class CentralApi(FastAPI):
    def openapi(self) -> dict[str, Any]:
        """FastAPI's document, plus the operation payloads (which travel as plain objects inside a batch)."""
        return _openapi(self)


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        for model in (
            BookingCreatePayload,
            BookingCancelPayload,
            LeaseReturnPayload,
            ConciergeCreatePayload,
            ConciergeTransitionPayload,
            AuditAppendPayload,
            IdeaCreatePayload,
            VoteCastPayload,
            AppreciationCreatePayload,
        ):
            document = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, nested in document.pop("$defs", {}).items():  # nested models become components too
                schema["components"]["schemas"].setdefault(name, nested)
            schema["components"]["schemas"][model.__name__] = document
        app.openapi_schema = schema
    return app.openapi_schema


def openapi_document() -> dict[str, Any]:
    return create_app(None).openapi()


def openapi_text() -> str:
    return json.dumps(openapi_document(), ensure_ascii=False, indent=2) + "\n"


def _release_loop(db: Database, clock: Clock, stop: threading.Event, every: float) -> None:
    """Unused seats go back to the central pool at each allocation's cut-off, and consultations' results
    are published once counting ends, even when no kiosk pushes; the rate limits' ended windows go."""
    from sync.server.bookings import release_expired
    from sync.server.consultations import publish_due_results

    first = True  # once at start too: what came due while the centre was down is done at once
    while first or not stop.wait(every):
        first = False
        try:
            with db.write() as conn:
                release_expired(conn, clock())
                publish_due_results(conn, clock())
                forget_ended_windows(conn)
        except Exception:
            log.exception("releasing expired allocations or publishing results failed")

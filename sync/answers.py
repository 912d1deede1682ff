"""A push answer is believed only if every result matches the operation it answers.

The centre answers one result per operation, in order. Each must name the
operation's op_id, and what it settles must be that operation's own booking,
request, payment or audit chain: an answer to X naming booking Y would otherwise set Y's
state and drop X from the outbox although the centre never applied X. One result
that does not match refuses the whole answer; nothing of it is written.
"""

from __future__ import annotations

import re

from kiosk.domain.booking import BookingState
from kiosk.domain.concierge import RequestState
from kiosk.i18n import Text
from sync.client import CentralError, JsonObject

MAX_REASON_CHARS = 400
MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
BOOKING_STATES = frozenset(s.value for s in BookingState)
REQUEST_STATES = frozenset(s.value for s in RequestState)
# The result object an applied operation of each kind carries, and the payload field it must name.
SETTLES = {
    "booking.create": ("booking", "booking_id"),
    "booking.cancel": ("booking", "booking_id"),
    "lease.return": ("lease", "session_id"),
    "concierge.create": ("concierge_request", "request_id"),
    "concierge.transition": ("concierge_request", "request_id"),
    "audit.append": ("audit", None),
    "payment.record": ("payment", "payment_id"),
    "notice.consent": ("notice_consent", "person_id"),
    "notice.withdraw": ("notice_consent", "person_id"),
}
RESULT_OBJECTS = frozenset(name for name, _ in SETTLES.values())


class AnswerRefused(CentralError):
    """The centre's answer to a push does not match what was sent; nothing of it was applied."""

    def __init__(self, what: str):
        super().__init__(f"push answer refused: {what}", Text("error.central.push_answer_refused"))
        self.what = what


def check_results(batch: list[JsonObject], results: object) -> None:
    """Raise AnswerRefused unless `results` answers `batch` one for one, each result its own operation's."""
    if not isinstance(results, list) or len(results) != len(batch):
        raise AnswerRefused("not one result per operation")
    for index, (op, result) in enumerate(zip(batch, results)):
        if (
            not isinstance(result, dict)
            or not isinstance(result.get("op_id"), str)
            or result["op_id"].lower() != op["op_id"].lower()
        ):
            raise AnswerRefused(f"result {index} names another operation")
        present = RESULT_OBJECTS & result.keys()
        if result.get("outcome") == "rejected":
            if present or not is_reason(result.get("reason")):
                raise AnswerRefused(f"result {index}: malformed rejection")
            continue
        if result.get("outcome") != "applied":
            raise AnswerRefused(f"result {index}: unknown outcome")
        name, field = SETTLES.get(op["kind"], (None, None))
        if present != {name}:
            raise AnswerRefused(f"result {index} does not settle a {op['kind']}")
        settled = result[name]
        if not isinstance(settled, dict):
            raise AnswerRefused(f"result {index}: malformed {name}")
        if name == "audit":
            _check_audit(index, op["payload"], settled)
            continue
        if settled.get(field) != op["payload"][field]:
            raise AnswerRefused(f"result {index} names another {name}")
        if name == "lease":
            if not is_lease(settled):
                raise AnswerRefused(f"result {index}: malformed lease")
            continue
        if name in ("payment", "notice_consent"):
            continue
        states = BOOKING_STATES if name == "booking" else REQUEST_STATES
        if settled.get("state") not in states or not is_reason(settled.get("reason"), allow_none=True):
            raise AnswerRefused(f"result {index}: malformed {name}")


def _check_audit(index: int, payload: JsonObject, ack: JsonObject) -> None:
    """The acknowledgement must be of this chain, through one of the entries sent, with that entry's hash."""
    sent = {entry["seq"]: entry for entry in payload.get("entries", [])}
    through = ack.get("through_seq")
    if (
        isinstance(through, bool)
        or not isinstance(through, int)
        or through not in sent
        or ack.get("chain") != sent[through]["chain"]
        or ack.get("through_hash") != sent[through]["hash"]
    ):
        raise AnswerRefused(f"result {index}: acknowledgement of entries not sent")


def is_reason(reason: object, allow_none: bool = False) -> bool:
    if reason is None:
        return allow_none
    return isinstance(reason, dict) and all(
        isinstance(reason.get(k), str) and len(reason[k]) <= MAX_REASON_CHARS for k in ("code", "fr", "en")
    )


def is_lease(lease: object) -> bool:
    """A lease as the centre sends it (a pull, a top-up, a return's answer)."""
    if (
        not isinstance(lease, dict)
        or not isinstance(lease.get("session_id"), str)
        or not 0 < len(lease["session_id"]) <= 40
    ):
        return False
    counts = [lease.get(k) for k in ("granted", "returned", "used")]
    whole = [n for n in counts if isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= 1_000_000]
    if len(whole) != len(counts):
        return False
    expires = lease.get("expires_at")
    return isinstance(expires, str) and MOMENT.match(expires) is not None and whole[1] <= whole[0]

"""A push answer is believed only if every result matches the operation it answers.

The centre answers one result per operation, in order. Each must name the
operation's op_id, and what it settles must be that operation's own booking,
request, payment or audit chain: an answer to X naming booking Y would otherwise set Y's
state and drop X from the outbox although the centre never applied X. One result
that does not match refuses the whole answer; nothing of it is written.
"""

from __future__ import annotations

import re

from pydantic import TypeAdapter, ValidationError

from kiosk.i18n import Text
from sync.client import CentralError, JsonObject
from sync.wire import AuditAck, OperationResult

MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")

# The result object an applied operation of each kind carries, and the payload field it must name.
SETTLES: dict[str, tuple[str, str | None]] = {
    "booking.create": ("booking", "booking_id"),
    "booking.cancel": ("booking", "booking_id"),
    "lease.return": ("lease", "session_id"),
    "concierge.create": ("concierge_request", "request_id"),
    "concierge.transition": ("concierge_request", "request_id"),
    "audit.append": ("audit", None),
    "idea.create": ("idea", "idea_id"),
    "vote.cast": ("ballot", "ballot_id"),
    "appreciation.create": ("appreciation", "appreciation_id"),
    "payment.record": ("payment", "payment_id"),
    "stay.request": ("stay_request", "request_id"),
    "stay.answer": ("stay_request", "request_id"),
    "notice.consent": ("notice_consent", "person_id"),
    "notice.withdraw": ("notice_consent", "person_id"),
}
RESULT_OBJECTS = (
    "booking",
    "concierge_request",
    "audit",
    "payment",
    "lease",
    "idea",
    "ballot",
    "appreciation",
    "stay_request",
    "notice_consent",
)
RESULTS = TypeAdapter(list[OperationResult])


class AnswerRefused(CentralError):
    """The centre's answer to a push does not match what was sent; nothing of it was applied."""

    def __init__(self, what: str):
        super().__init__(f"push answer refused: {what}", Text("error.central.push_answer_refused"))
        self.what = what


def check_results(batch: list[JsonObject], results: object) -> list[OperationResult]:
    """The results, read as the wire format's OperationResult (sync/wire.py), strictly; AnswerRefused
    unless they answer `batch` one for one, each result its own operation's."""
    if not isinstance(results, list) or len(results) != len(batch):
        raise AnswerRefused("not one result per operation")
    try:
        answers = RESULTS.validate_python(results, strict=True)
    except ValidationError as error:
        raise AnswerRefused(f"result {error.errors()[0]['loc'][0]}: malformed") from None
    for index, (op, result) in enumerate(zip(batch, answers)):
        if result.op_id.lower() != op["op_id"].lower():
            raise AnswerRefused(f"result {index} names another operation")
        settled = {name: getattr(result, name) for name in RESULT_OBJECTS if getattr(result, name) is not None}
        if result.outcome == "rejected":
            if settled or result.reason is None:
                raise AnswerRefused(f"result {index}: malformed rejection")
            continue
        name, field = SETTLES.get(op["kind"], ("", None))
        if set(settled) != {name}:
            raise AnswerRefused(f"result {index} does not settle a {op['kind']}")
        if result.audit is not None:
            _check_audit(index, op["payload"], result.audit)
        elif field is not None and getattr(settled[name], field) != op["payload"][field]:
            raise AnswerRefused(f"result {index} names another {name}")
        if name == "lease" and not is_lease(results[index]["lease"]):
            raise AnswerRefused(f"result {index}: malformed lease")
    return answers


def _check_audit(index: int, payload: JsonObject, ack: AuditAck) -> None:
    """The acknowledgement must be of this chain, through one of the entries sent, with that entry's hash."""
    sent = {entry["seq"]: entry for entry in payload.get("entries", [])}
    entry = sent.get(ack.through_seq)
    if entry is None or ack.chain != entry["chain"] or ack.through_hash != entry["hash"]:
        raise AnswerRefused(f"result {index}: acknowledgement of entries not sent")


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

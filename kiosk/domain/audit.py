"""The audit log of assisted mode: every action a correspondent takes, chained by hashes.

Each entry says who (the correspondent's id), for whom (a pseudonymous id — a person
or household id from the centre, never a name), what (an action and a few facts), when
and at which kiosk. Entries form one chain per kiosk database: each carries the hash of
the one before it, and its own hash is

    sha256( prev_hash + ":" + canonical JSON of the entry without `prev_hash` and `hash` )

(canonical JSON: keys sorted, no spaces, UTF-8, whole numbers only). So an entry edited,
removed or inserted is found by `verify_chain`, which names the first one that does not
fit. The chain is identified by `chain` (a random id made with the database): a kiosk
whose database is rebuilt starts a new chain rather than breaking the old one.

A hash chain alone proves nothing to someone who can recompute it: each entry's hash is
also signed with the kiosk's Ed25519 key (the one that signs its vouchers, whose id is the
entry's `kiosk`), over `SIGNATURE_DOMAIN + hash`. The domain prefix keeps an audit
signature from ever being taken for a voucher's (a voucher payload starts with "SLV"), so
one published key serves both. Whoever holds the public key (the centre, which the kiosk
gave it) can check that the entries are the kiosk's own and untouched since.

The centre receives the entries in chain order, checks the chain per kiosk and
acknowledges them; the kiosk then purges what the centre holds and keeps the last
acknowledged (seq, hash) as the anchor the rest of its chain is checked from.

Plain Python: no Qt, no SQL, no file or network access.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from enum import StrEnum

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kiosk.i18n import Text

GENESIS_HASH = "0" * 64
SIGNATURE_PATTERN = re.compile(r"^[A-Za-z0-9+/]{86}==$")  # 64 bytes in base64
SIGNATURE_DOMAIN = b"slvie-audit/1:"
MAX_DETAILS = 12
MAX_DETAIL_CHARS = 200


class Action(StrEnum):
    """What a correspondent did."""

    SIGN_IN = "staff.sign_in"
    SIGN_OUT = "staff.sign_out"
    LOCKED = "staff.locked"
    IDENTIFY = "beneficiary.identify"  # someone beside them, identified by card without PIN
    BOOKING_CREATE = "booking.create"
    BOOKING_CANCEL = "booking.cancel"
    CONCIERGE_CREATE = "concierge.create"
    CONCIERGE_MOVE = "concierge.move"
    REPRINT = "voucher.reprint"
    SYNC_FORCED = "sync.forced"
    HELP_TAKEN = "help.take"  # a call for help or a resume ticket, taken over
    IDEA_CREATE = "idea.create"  # an idea typed for the person
    VOTE_GUIDED = "vote.guided"  # the person voted with their own PIN while guided (never the choice)
    APPRECIATION_CREATE = "appreciation.create"  # an appreciation given with a correspondent's guidance
    PAYMENT = "payment.record"  # a payment taken at the desk, or a correction of one
    STAY_REQUEST = "stay.request"  # holiday-stay wishes sent for someone
    STAY_ANSWER = "stay.answer"  # a stay proposal accepted or declined for someone
    NOTICE_CONSENT = "notice.consent"  # an e-mail address for notices, typed for the person with their consent
    NOTICE_WITHDRAW = "notice.withdraw"  # the person's consent to notices taken back


@dataclass(frozen=True)
class AuditEntry:
    chain: str  # 32 hex characters, one chain per kiosk database
    seq: int  # 1, 2, 3… along the chain
    entry_id: str  # a UUID
    at: str  # YYYY-MM-DDTHH:MM:SS, site local time
    site_id: str
    kiosk: str  # the kiosk's voucher key id (8 characters), stable for a machine
    staff_id: str
    action: str
    subject: str | None  # for whom: a person or household id, never a name
    target: str | None  # what was acted on: a request, a booking…
    details: Mapping[str, object]
    prev_hash: str
    hash: str
    signature: str | None = None  # base64 Ed25519 over SIGNATURE_DOMAIN + hash; None only before migration 12

    def body(self) -> dict[str, object]:
        """The hashed fields (everything but prev_hash and hash)."""
        return {
            "chain": self.chain,
            "seq": self.seq,
            "entry_id": self.entry_id,
            "at": self.at,
            "site_id": self.site_id,
            "kiosk": self.kiosk,
            "staff_id": self.staff_id,
            "action": self.action,
            "subject": self.subject,
            "target": self.target,
            "details": dict(self.details),
        }

    def as_dict(self) -> dict[str, object]:
        return {**self.body(), "prev_hash": self.prev_hash, "hash": self.hash, "signature": self.signature}


def canonical_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def entry_hash(prev_hash: str, body: Mapping[str, object]) -> str:
    return hashlib.sha256(f"{prev_hash}:{canonical_json(dict(body))}".encode()).hexdigest()


def check_details(details: Mapping[str, object]) -> dict[str, object]:
    """Details are a few short facts (text, whole numbers, booleans, lists of short text), never floats."""
    if not isinstance(details, Mapping) or len(details) > MAX_DETAILS:
        raise ValueError("audit details must be a small mapping")
    for key, value in details.items():
        if not isinstance(key, str) or not 0 < len(key) <= 40:
            raise ValueError(f"bad audit detail key {key!r}")
        items = value if isinstance(value, list) else [value]
        if len(items) > 30:
            raise ValueError(f"audit detail {key} has too many items")
        for item in items:
            if item is not None and not isinstance(item, (str, int, bool)):
                raise ValueError(f"audit detail {key} must be text, a whole number or a boolean")
            if isinstance(item, str) and len(item) > MAX_DETAIL_CHARS:
                raise ValueError(f"audit detail {key} is too long")
    return dict(details)


def make_entry(
    chain: str,
    seq: int,
    prev_hash: str,
    *,
    entry_id: str,
    at: str,
    site_id: str,
    kiosk: str,
    staff_id: str,
    action: str,
    subject: str | None,
    target: str | None,
    details: Mapping[str, object],
) -> AuditEntry:
    unsealed = AuditEntry(
        chain=chain,
        seq=seq,
        entry_id=entry_id,
        at=at,
        site_id=site_id,
        kiosk=kiosk,
        staff_id=staff_id,
        action=action,
        subject=subject,
        target=target,
        details=check_details(details),
        prev_hash=prev_hash,
        hash="",
    )
    return replace(unsealed, hash=entry_hash(prev_hash, unsealed.body()))


def sign_entry(entry: AuditEntry, key: Ed25519PrivateKey) -> AuditEntry:
    """The entry with its signature (of its hash, which covers everything else)."""
    signature = key.sign(SIGNATURE_DOMAIN + entry.hash.encode("ascii"))
    return replace(entry, signature=base64.b64encode(signature).decode("ascii"))


def signature_valid(entry_hash_text: str, signature: str | None, key: Ed25519PublicKey) -> bool:
    """Whether `signature` is the key's signature of an entry whose hash is `entry_hash_text`."""
    if not isinstance(signature, str) or not SIGNATURE_PATTERN.match(signature):
        return False
    try:
        key.verify(base64.b64decode(signature, validate=True), SIGNATURE_DOMAIN + entry_hash_text.encode("ascii"))
    except (InvalidSignature, binascii.Error, UnicodeEncodeError):
        return False
    return True


@dataclass(frozen=True)
class ChainBreak:
    """The first entry that does not fit the chain, and why."""

    seq: int
    # "missing" (an entry before it was removed), "link" (prev_hash), "hash" (edited), "chain",
    # "signature" (not signed by this kiosk's key: rewritten, hash and all)
    reason: str

    def message(self, language: str) -> str:
        """Where the log was altered and how, for IT."""
        return Text("audit.altered", seq=self.seq, what=Text(_BREAK_TEXTS[self.reason])).message(language)


_BREAK_TEXTS = {
    "missing": "audit.break.missing",
    "link": "audit.break.link",
    "hash": "audit.break.hash",
    "chain": "audit.break.chain",
    "signature": "audit.break.signature",
}


def verify_chain(
    entries: Iterable[AuditEntry],
    chain: str,
    anchor_seq: int = 0,
    anchor_hash: str = GENESIS_HASH,
    key: Ed25519PublicKey | None = None,
) -> ChainBreak | None:
    """None when `entries` (in seq order) continue the chain from the anchor (each signed by `key`,
    when given); else the first break."""
    previous_seq, previous_hash = anchor_seq, anchor_hash
    for entry in entries:
        if entry.chain != chain:
            return ChainBreak(entry.seq, "chain")
        if entry.seq != previous_seq + 1:
            return ChainBreak(entry.seq, "missing")
        if entry.prev_hash != previous_hash:
            return ChainBreak(entry.seq, "link")
        if entry_hash(entry.prev_hash, entry.body()) != entry.hash:
            return ChainBreak(entry.seq, "hash")
        if key is not None and not signature_valid(entry.hash, entry.signature, key):
            return ChainBreak(entry.seq, "signature")
        previous_seq, previous_hash = entry.seq, entry.hash
    return None


def entry_from_dict(data: Mapping[str, object]) -> AuditEntry:
    """An entry as sent over the wire (raises ValueError or KeyError on a malformed one)."""
    if set(data) - {f.name for f in fields(AuditEntry)}:
        raise ValueError("unknown audit entry field")

    def optional_text(name: str) -> str | None:
        value = data[name]
        if value is None or isinstance(value, str):
            return value
        raise ValueError(f"audit entry field {name} is not a text")

    def text(name: str) -> str:
        value = optional_text(name)
        if value is None:
            raise ValueError(f"audit entry field {name} is missing")
        return value

    seq, details, signature = data["seq"], data["details"], data.get("signature")
    if not isinstance(seq, int) or isinstance(seq, bool) or not isinstance(details, Mapping):
        raise ValueError("audit entry seq or details malformed")  # noqa: TRY004 (callers refuse on ValueError)
    return AuditEntry(
        chain=text("chain"),
        seq=seq,
        entry_id=text("entry_id"),
        at=text("at"),
        site_id=text("site_id"),
        kiosk=text("kiosk"),
        staff_id=text("staff_id"),
        action=text("action"),
        subject=optional_text("subject"),
        target=optional_text("target"),
        details=details,
        prev_hash=text("prev_hash"),
        hash=text("hash"),
        signature=signature if isinstance(signature, str) else None,
    )

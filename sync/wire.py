"""The wire format of `/v1` (pydantic), defined once: the reference server validates what kiosks send
with it and documents what it answers (its OpenAPI contract); the kiosk's sync engine validates with
it what the centre answers to a push and the bookings and concierge requests it pulls.

Request models are strict: unknown fields, wrong types and out-of-range values
are refused. Response models describe what the server sends (the busiest
responses are rendered directly as JSON text, see sync/server/changes.py); the kiosk
validates them strictly (`model_validate(..., strict=True)`). Pulled offers, households,
categories, services and correspondents are read by the domain's parsers, which the
catalog and household files share (kiosk/domain).

Plain pydantic, no web framework: a kiosk imports it without the [central] extra.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MAX_OPERATIONS = 500
ID = r"^[A-Za-z0-9_.:-]{1,40}$"
UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
MOMENT = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"
CATALOG_MOMENT = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$"
ENROLMENT_CODE = r"^[A-Za-z0-9 -]{12,24}$"
CARD_NUMBER = r"^\d{13}$"
PIN_HASH = (
    r"^(\$argon2id\$v=19\$m=\d{1,7},t=\d{1,2},p=\d{1,2}\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+"
    r"|scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+)$"
)
BookingState = Literal["confirmed", "waitlisted", "requested", "refused", "cancelled"]
RequestStateName = Literal["submitted", "taken", "at_provider", "ready", "handed_over", "cancelled", "refused"]
SERVICE_ID = r"^[a-z_]{1,40}$"
DAY = r"^\d{4}-\d{2}-\d{2}$"
HEX64 = r"^[0-9a-f]{64}$"
HEX32 = r"^[0-9a-f]{32}$"
# One line of text without control characters or markup (what the kiosk keeps of what people type).
PLAIN_TEXT = r"^[^\x00-\x1f\x7f<>]*$"


def normalise_code(code: str) -> str:
    """An enrolment code as the centre stores it: no spaces or dashes, upper case."""
    return code.replace(" ", "").replace("-", "").upper()


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- errors and reasons ------------------------------------------------------


class Reason(Out):
    """Something a person reads: a stable code and the same text in French and English."""

    code: str = Field(max_length=400)
    fr: str = Field(max_length=400)
    en: str = Field(max_length=400)


class ErrorResponse(Out):
    error: Reason


# --- health, enrolment, identity -----------------------------------------------


class Health(Out):
    status: Literal["ok"]
    time: str = Field(description="the server's local time, YYYY-MM-DDTHH:MM:SS (for clock skew)")


class EnrollRequest(Strict):
    code: str = Field(pattern=ENROLMENT_CODE, description="the one-time code printed by `slvie-central enroll-code`")
    kiosk_name: str = Field(min_length=1, max_length=80)
    attempt: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9_-]{32,128}$",
        description="made by the kiosk, the same for the same machine and code: asking "
        "again within 10 minutes (a lost answer) gives the same kiosk a new "
        "token instead of a refusal",
    )


class EnrollResponse(Out):
    kiosk_id: str
    site_id: str
    token: str = Field(description="send as `Authorization: Bearer TOKEN`; the server keeps only its hash")


class VoucherKeyRequest(Strict):
    public_key: str = Field(min_length=1, max_length=400, description="the kiosk's Ed25519 public key, PEM")


class VoucherKeyRegistered(Out):
    key_id: str


class VoucherKey(Out):
    kiosk_id: str
    site_id: str
    key_id: str
    public_key: str = Field(description="PEM (SubjectPublicKeyInfo)")
    registered_at: str
    revoked: bool = Field(description="the kiosk's access was revoked (stolen, retired): its vouchers need a look")


class VoucherKeys(Out):
    keys: list[VoucherKey]


class VoucherStanding(Out):
    reference: str = Field(description="the booking's id, as the voucher's payload carries it")
    state: Literal["confirmed", "waitlisted", "requested", "refused", "cancelled"] = Field(
        description="the booking's state at the centre now"
    )


class Me(Out):
    kiosk_id: str
    site_id: str
    kiosk_name: str


# --- heartbeat ---------------------------------------------------------------------

MAX_HEARTBEAT_BYTES = 2048  # a heartbeat is about 300 bytes: anything much larger is not one
MAX_AGE_SECONDS = 10 * 366 * 24 * 3600
PrinterCondition = Literal[
    "ready", "paper_out", "jammed", "open", "offline", "fault", "stopped", "missing", "not_configured", "unknown"
]


class LastError(Strict):
    code: str = Field(pattern=r"^[a-z0-9_]{1,40}$", description="what made the kiosk's last failed cycle fail")
    seconds: int = Field(ge=0, le=MAX_AGE_SECONDS, description="seconds ago, by the kiosk's clock")


class Heartbeat(Strict):
    """A kiosk's health, sent with each sync cycle: counts, ages, one printer word, no personal data."""

    sent_at: str = Field(pattern=MOMENT, description="the kiosk's clock (the centre measures the skew from it)")
    version: str = Field(pattern=r"^[A-Za-z0-9.+_-]{1,40}$", description="the kiosk's software version")
    schema_version: int = Field(ge=0, le=10_000, description="the kiosk database's schema")
    waiting: int = Field(ge=0, le=10_000_000, description="operations waiting to be sent")
    oldest_waiting_seconds: int | None = Field(
        ge=0, le=MAX_AGE_SECONDS, description="age of the oldest waiting operation; null when none"
    )
    parked: int = Field(ge=0, le=10_000_000, description="operations the centre refused, waiting for a correspondent")
    last_sync_seconds: int | None = Field(
        ge=0, le=MAX_AGE_SECONDS, description="seconds since the last successful sync; null if never"
    )
    printer: PrinterCondition = Field(description="the site printer's state, from CUPS")
    disk_free_bytes: int = Field(ge=0, le=2**62, description="free bytes where the kiosk writes (the least)")
    last_error: LastError | None = Field(description="the last failed cycle, or null if none")

    @field_validator("sent_at")
    @classmethod
    def _real_moment(cls, value: str) -> str:
        datetime.strptime(value, "%Y-%m-%dT%H:%M:%S")
        return value

    @model_validator(mode="after")
    def _waiting_has_an_age(self) -> Heartbeat:
        if (self.waiting > 0) != (self.oldest_waiting_seconds is not None):
            raise ValueError("oldest_waiting_seconds is given exactly when operations are waiting")
        return self


class HeartbeatRecorded(Out):
    received_at: str = Field(description="the centre's time")


# --- push --------------------------------------------------------------------------


class Operation(Strict):
    op_id: str = Field(pattern=UUID, description="made by the kiosk; applied at most once, forever")
    kind: str = Field(
        pattern=r"^[a-z][a-z_.]{0,39}$",
        description="booking.create | booking.cancel | lease.return | concierge.create | "
        "concierge.transition | audit.append | payment.record | idea.create | vote.cast | appreciation.create | "
        "stay.request | stay.answer | notice.consent | notice.withdraw",
    )
    created_at: str = Field(pattern=MOMENT, description="when the person acted at the kiosk (site local time)")
    payload: dict[str, Any] = Field(
        description="BookingCreatePayload, BookingCancelPayload, ConciergeCreatePayload, "
        "ConciergeTransitionPayload, AuditAppendPayload, PaymentRecordPayload, "
        "IdeaCreatePayload, VoteCastPayload, AppreciationCreatePayload, StayRequestPayload, "
        "StayAnswerPayload, NoticeConsentPayload or NoticeWithdrawPayload, by kind"
    )

    @field_validator("created_at")
    @classmethod
    def _real_moment(cls, value: str) -> str:
        datetime.strptime(value, "%Y-%m-%dT%H:%M:%S")
        return value


MARK = r"^[A-Za-z0-9_-]{8,64}$"  # a feed epoch, or a mark of the feed's history (sync/server/history.py)


class SeenHistory(Strict):
    """What of the centre's feed the kiosk has seen: the centre refuses a push (409 `history_unknown`) before
    applying anything unless it holds it all (it was restored from an older copy)."""

    epoch: str | None = Field(None, pattern=MARK, description="the feed epoch of the kiosk's saved cursor")
    cursor: int = Field(ge=0, le=2**63 - 1, description="the kiosk's saved cursor")
    marks: list[Annotated[str, Field(pattern=MARK)]] = Field(
        max_length=4, description="the marks the kiosk got with its saved cursor's page and its last push answer"
    )


class OperationsRequest(Strict):
    operations: list[Operation] = Field(max_length=MAX_OPERATIONS)
    history: SeenHistory | None = Field(None, description="absent: a kiosk that has seen nothing yet (or an older one)")


class BookingCreatePayload(Strict):
    booking_id: str = Field(pattern=UUID)
    session_id: str = Field(pattern=ID)
    household_id: str = Field(pattern=ID)
    participants: list[Annotated[str, Field(pattern=ID)]] = Field(min_length=1, max_length=20)
    tier: int = Field(ge=1, le=20)
    total_cents: int = Field(ge=0, le=100_000_000)
    kiosk_state: Literal["confirmed", "requested"]
    protocol: Literal[1, 2] = Field(
        1,
        description="2: `confirmed` means inside this kiosk's lease; "
        "1 (absent): inside the site's allocation (the old rules)",
    )
    offer_version: int | None = Field(
        None, ge=0, le=1_000_000_000, description="the version of the offer's prices the kiosk showed"
    )
    unit_cents: int | None = Field(None, ge=0, le=100_000_000, description="the unit price the kiosk showed")

    @field_validator("participants")
    @classmethod
    def _distinct_ids(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a participant is listed twice")
        return value


class BookingCancelPayload(Strict):
    booking_id: str = Field(pattern=UUID)


class LeaseReturnPayload(Strict):
    session_id: str = Field(pattern=ID)
    seats: int = Field(ge=1, le=100_000, description="unused seats of this kiosk's lease it gives back")


class LeaseWanted(Strict):
    session_id: str = Field(pattern=ID)
    seats: int = Field(0, ge=0, le=100, description="how many more seats the kiosk needs (0: renew only)")
    known_granted: int = Field(0, ge=0, le=1_000_000, description="the lease's `granted` as the kiosk last heard it")


class LeasesRequest(Strict):
    leases: list[LeaseWanted] = Field(max_length=500)


class LeaseData(Out):
    session_id: str
    granted: int = Field(description="seats ever granted to this kiosk on the session (only grows)")
    returned: int = Field(description="seats it ever gave back (only grows)")
    used: int = Field(description="seats of its confirmed bookings inside the lease, as the centre knows them")
    expires_at: str = Field(
        description="after this (the centre's time) the kiosk confirms nothing more offline "
        "with it and gives its unused seats back"
    )


class LeasesResponse(Out):
    time: str = Field(description="the centre's time, for the kiosk's clock skew")
    leases: list[LeaseData]


AnswerValue = (
    Annotated[str, Field(max_length=200, pattern=PLAIN_TEXT)]
    | Annotated[int, Field(ge=0, le=100_000)]
    | Annotated[list[Annotated[str, Field(max_length=40, pattern=PLAIN_TEXT)]], Field(max_length=30)]
)


class ReasonIn(Strict):
    code: str = Field(pattern=r"^[a-z_]{1,40}$")
    fr: str = Field(min_length=1, max_length=200, pattern=PLAIN_TEXT)
    en: str = Field(min_length=1, max_length=200, pattern=PLAIN_TEXT)


class ConciergeCreatePayload(Strict):
    request_id: str = Field(pattern=UUID)
    service_id: str = Field(pattern=SERVICE_ID)
    household_id: str = Field(pattern=ID)
    person_id: str = Field(pattern=ID, description="the card holder who asked")
    answers: dict[Annotated[str, Field(pattern=r"^[a-z_]{1,40}$")], AnswerValue] = Field(
        max_length=20, description="the service's form, cleaned by the kiosk (kiosk/domain/concierge.py)"
    )
    quantity: int = Field(ge=1, le=1000)
    estimate_cents: int | None = Field(ge=0, le=100_000_000, description="null: on quotation (sur devis)")
    collect_on: str | None = Field(pattern=DAY, description="the day chosen to collect, or of the appointment")
    note: str = Field(max_length=200, pattern=PLAIN_TEXT)
    created_by: str | None = Field(pattern=ID, description="the correspondent who made it for the person, if any")


class ConciergeTransitionPayload(Strict):
    request_id: str = Field(pattern=UUID)
    from_state: RequestStateName = Field(
        description="the state the kiosk saw (informative: the centre judges the move from its own state)"
    )
    to_state: RequestStateName
    actor: Literal["beneficiary", "correspondent"]
    staff_id: str | None = Field(pattern=ID)
    reason: ReasonIn | None = Field(description="needed to cancel or refuse")

    @model_validator(mode="after")
    def _staff_for_correspondents(self) -> ConciergeTransitionPayload:
        if (self.actor == "correspondent") != (self.staff_id is not None):
            raise ValueError("staff_id is given exactly when the actor is a correspondent")
        return self


class NoticeConsentPayload(Strict):
    person_id: str = Field(pattern=ID, description="who consented to e-mail notices")
    household_id: str = Field(pattern=ID)
    address: str = Field(
        min_length=3, max_length=254, pattern=PLAIN_TEXT, description="checked again by the centre (email-validator)"
    )
    language: Literal["fr", "en"] = Field(description="the language of the messages")
    staff_id: str | None = Field(pattern=ID, description="the correspondent who typed it for the person, if any")


class NoticeWithdrawPayload(Strict):
    person_id: str = Field(pattern=ID, description="whose consent is taken back: the address and unsent notices go")
    household_id: str = Field(pattern=ID)
    staff_id: str | None = Field(pattern=ID, description="the correspondent who did it for the person, if any")


class AuditEntryData(Strict):
    chain: str = Field(pattern=HEX32, description="one chain per kiosk database")
    seq: int = Field(ge=1)
    entry_id: str = Field(pattern=UUID)
    at: str = Field(pattern=MOMENT)
    site_id: str = Field(pattern=ID)
    kiosk: str = Field(pattern=r"^[A-Z2-7]{8}$", description="the kiosk's voucher key id")
    staff_id: str = Field(pattern=ID)
    action: str = Field(pattern=r"^[a-z][a-z_.]{0,39}$")
    subject: str | None = Field(pattern=ID, description="for whom: a person or household id, never a name")
    target: str | None = Field(max_length=80, pattern=r"^[A-Za-z0-9_.:-]{1,80}$")
    details: dict[str, Any] = Field(max_length=12)
    prev_hash: str = Field(pattern=HEX64)
    hash: str = Field(pattern=HEX64, description="sha256(prev_hash + ':' + canonical JSON of the other fields)")
    signature: str = Field(
        pattern=r"^[A-Za-z0-9+/]{86}==$",
        description="base64 Ed25519 signature of 'slvie-audit/1:' + hash, by the kiosk's "
        "published key named in `kiosk`",
    )


class AuditAppendPayload(Strict):
    entries: list[AuditEntryData] = Field(min_length=1, max_length=100, description="in chain order")


class PaymentRecordPayload(Strict):
    payment_id: str = Field(pattern=UUID)
    subject_kind: Literal["booking", "request"]
    subject_id: str = Field(pattern=UUID)
    household_id: str = Field(pattern=ID)
    amount_cents: int = Field(
        ge=-100_000_000,
        le=100_000_000,
        description="positive; a correction is negative and names the payment it corrects",
    )
    means: Literal["cash", "cheque", "ancv", "card", "elsewhere"]
    reference: str = Field(
        max_length=40, pattern=r"^[A-Za-z0-9 ./_-]*$", description="a terminal ticket or cheque number; never card data"
    )
    recorded_at: str = Field(pattern=MOMENT)
    site_id: str = Field(pattern=ID)
    staff_id: str | None = Field(pattern=ID)
    corrects: str | None = Field(pattern=UUID)

    @model_validator(mode="after")
    def _sign_and_correction(self) -> PaymentRecordPayload:
        if self.amount_cents == 0 or (self.amount_cents < 0) != (self.corrects is not None):
            raise ValueError("a payment is positive; only a correction, naming its payment, is negative")
        return self


class WishPayload(Strict):
    offer_id: str = Field(pattern=ID)
    session_id: str = Field(pattern=ID, description="the stay's dates: one of the offer's sessions")
    participants: list[Annotated[str, Field(pattern=ID)]] = Field(min_length=1, max_length=20)

    @field_validator("participants")
    @classmethod
    def _distinct_ids(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a participant is listed twice")
        return value


class StayRequestPayload(Strict):
    request_id: str = Field(pattern=UUID)
    household_id: str = Field(pattern=ID)
    campaign: str = Field(pattern=ID)
    wishes: list[WishPayload] = Field(
        max_length=10, description="ranked, the first wanted most; the centre takes 1 to 3 and says why not"
    )


class StayAnswerPayload(Strict):
    request_id: str = Field(pattern=UUID)
    accept: bool = Field(description="true: the proposal is accepted (it becomes a confirmed booking)")


StayRequestStateName = Literal["sent", "proposed", "waitlisted", "refused", "accepted", "declined", "expired"]


class StayRequestResult(Out):
    request_id: str
    state: StayRequestStateName
    reason: Reason | None


class PaymentResult(Out):
    payment_id: str


class IdeaCreatePayload(Strict):
    idea_id: str = Field(pattern=UUID)
    theme: str = Field(pattern=SERVICE_ID, description="a theme of kiosk/domain/ideas.py")
    text: str = Field(min_length=10, max_length=500, pattern=PLAIN_TEXT)
    household_id: str | None = Field(pattern=ID, description="null when left without identifying")
    person_id: str | None = Field(pattern=ID)
    created_by: str | None = Field(pattern=ID, description="the correspondent who typed it for the person, if any")

    @model_validator(mode="after")
    def _person_with_household(self) -> IdeaCreatePayload:
        if (self.household_id is None) != (self.person_id is None):
            raise ValueError("household_id and person_id are given together or not at all")
        return self


class VoteCastPayload(Strict):
    ballot_id: str = Field(pattern=UUID)
    consultation_id: str = Field(pattern=ID)
    household_id: str = Field(pattern=ID)
    person_id: str = Field(pattern=ID, description="who took part: kept apart from the choice, never with it")
    choice: list[Annotated[str, Field(pattern=SERVICE_ID)]] = Field(
        min_length=1,
        max_length=10,
        description="one code, or every code in order for a ranking; counted, "
        "then forgotten (the operation is stored without it)",
    )


class AppreciationCreatePayload(Strict):
    appreciation_id: str = Field(pattern=UUID)
    booking_id: str = Field(pattern=UUID, description="one appreciation per booking")
    person_id: str = Field(pattern=ID, description="a participant of the booking")
    ratings: dict[Annotated[str, Field(pattern=SERVICE_ID)], Annotated[int, Field(ge=1, le=5)]] = Field(
        min_length=1, max_length=10, description="every question of kiosk/domain/appreciation.py, 1 to 5"
    )
    comment: str = Field(max_length=300, pattern=PLAIN_TEXT, description="empty, or moderated before publication")

    @field_validator("ratings")
    @classmethod
    def _every_question(cls, value: dict[str, int]) -> dict[str, int]:
        from kiosk.domain.appreciation import QUESTION_CODES

        if set(value) != set(QUESTION_CODES):
            raise ValueError(f"every question is answered: {', '.join(QUESTION_CODES)}")
        return value


class BookingResult(Out):
    booking_id: str
    state: BookingState
    reason: Reason | None


class ConciergeRequestResult(Out):
    request_id: str
    state: RequestStateName
    reason: Reason | None


class IdeaResult(Out):
    idea_id: str
    state: Literal["received"]
    reason: Reason | None


class BallotResult(Out):
    ballot_id: str
    state: Literal["counted", "refused"]
    reason: Reason | None = Field(description="why a ballot was not counted (a second ballot, too late…)")


class AppreciationResult(Out):
    appreciation_id: str
    state: Literal["none", "pending", "published", "refused"] = Field(
        description="the comment's moderation (none: no comment)"
    )
    reason: Reason | None


class AuditAck(Out):
    chain: str
    through_seq: int = Field(description="the centre holds this kiosk's chain up to here: the kiosk may purge it")
    through_hash: str


class NoticeConsentResult(Out):
    person_id: str
    given: bool = Field(description="true: the centre holds the address; false: it has forgotten it")


class OperationResult(Out):
    op_id: str
    outcome: Literal["applied", "rejected"]
    booking: BookingResult | None = Field(None, description="when a booking operation was applied")
    concierge_request: ConciergeRequestResult | None = Field(
        None, description="when a concierge operation was applied: the request as the centre now has it"
    )
    audit: AuditAck | None = Field(None, description="when audit entries were applied")
    payment: PaymentResult | None = Field(None, description="when a payment was kept")
    lease: LeaseData | None = Field(None, description="when seats of a lease were given back")
    idea: IdeaResult | None = Field(None, description="when an idea was received")
    ballot: BallotResult | None = Field(None, description="when a ballot was judged (never its choice)")
    appreciation: AppreciationResult | None = Field(None, description="when an appreciation was received")
    stay_request: StayRequestResult | None = Field(None, description="when a stay request or answer was applied")
    notice_consent: NoticeConsentResult | None = Field(
        None, description="when a consent to e-mail notices was recorded or taken back"
    )
    reason: Reason | None = Field(None, description="when rejected")


class OperationsResponse(Out):
    results: list[OperationResult]
    mark: str = Field(description="this push's mark in the feed's history: name it in the next pushes and pulls")


# --- pull (documentation of what `changes` renders) -------------------------------


class CategoryData(Out):
    id: str
    name_fr: str
    name_en: str
    pictogram: str


class ConciergeServiceData(Out):
    id: str
    name_fr: str
    name_en: str
    description_fr: str
    description_en: str
    price_cents: int | None
    price_unit_fr: str
    price_unit_en: str
    hours_fr: str
    hours_en: str
    pictogram: str


class PriceData(Out):
    tier: int
    cents: int


class SessionData(Out):
    id: str
    start: str = Field(pattern=CATALOG_MOMENT)
    end: str = Field(pattern=CATALOG_MOMENT)
    place: str
    capacity: int
    taken: int = Field(
        description="capacity - taken is what the asking site can still get: its allocation left plus the central pool"
    )
    site_allocation: int = Field(description="seats set aside for the asking site (it may confirm them offline)")
    site_taken: int = Field(description="of which already used")
    site_allocation_until: str | None = Field(
        description="cut-off (YYYY-MM-DDTHH:MM) after which unused seats go back to the centre; "
        "the kiosk confirms nothing offline from then on"
    )


class PhotoData(Out):
    sha256: str = Field(description="SHA-256 of the photo's file, in hexadecimal: its name and its check")
    credit: str = Field(description="author and licence, shown with the photo")


class OfferData(Out):
    id: str
    level: Literal["ccas", "cmcas", "slvie"]
    category: str
    title: str
    summary: str
    description: str
    organiser: str
    location: str
    booking_mode: Literal["direct", "request"]
    bon_plan: bool
    discount_percent: int | None
    trans_slvie: bool
    age_min: int | None
    age_max: int | None
    cancel_days_before: int
    prices: list[PriceData]
    version: int = Field(description="the version of these prices: a booking names the one it was priced from")
    sessions: list[SessionData]
    bring: str = Field(description="what to bring, printed on the voucher (may be empty)")
    photo: PhotoData | None = Field(description="the offer's photo, fetched from GET /v1/photos/{sha256}")


class MemberData(Strict):
    person_id: str = Field(pattern=ID)
    first_name: str = Field(min_length=1, max_length=60)
    last_name: str = Field(min_length=1, max_length=60)
    birth_date: date
    role: Literal["ouvrant_droit", "conjoint", "enfant"]
    card_number: str | None = Field(pattern=CARD_NUMBER)
    pin_hash: str | None = Field(pattern=PIN_HASH, max_length=300)


class HouseholdData(Strict):
    household_id: str = Field(pattern=ID)
    tier: int = Field(ge=1, le=20)
    cmcas: str = Field(max_length=80)
    slvie: str = Field(max_length=80)
    members: list[MemberData] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _one_ouvrant_droit(self) -> HouseholdData:
        if sum(m.role == "ouvrant_droit" for m in self.members) != 1:
            raise ValueError("a household has exactly one ouvrant_droit")
        if len({m.person_id for m in self.members}) != len(self.members):
            raise ValueError("a person is listed twice in the household")
        return self


class HouseholdsFile(Strict):
    format: Literal["slvie-households/1"]
    households: list[HouseholdData] = Field(max_length=1_000_000)


class BookingData(Out):
    booking_id: str = Field(pattern=UUID)
    session_id: str = Field(pattern=ID)
    household_id: str = Field(pattern=ID)
    participants: list[Annotated[str, Field(pattern=ID)]] = Field(min_length=1, max_length=99)
    state: BookingState
    reason: Reason | None
    total_cents: int = Field(ge=0, le=100_000_000)


class ConciergeRequestData(Out):
    request_id: str = Field(pattern=UUID)
    site_id: str = Field(pattern=ID)
    service_id: str = Field(pattern=SERVICE_ID)
    household_id: str = Field(pattern=ID)
    person_id: str = Field(pattern=ID)
    answers: dict[Annotated[str, Field(max_length=40)], AnswerValue] = Field(max_length=20)
    quantity: int = Field(ge=1, le=1000)
    estimate_cents: int | None = Field(ge=0, le=100_000_000)
    collect_on: str | None = Field(pattern=DAY)
    note: str = Field(max_length=200)
    created_by: str | None = Field(pattern=ID)
    state: RequestStateName
    reason: Reason | None
    created_at: str = Field(pattern=MOMENT)
    updated_at: str = Field(pattern=MOMENT)


class PaymentData(Out):
    payment_id: str
    subject_kind: Literal["booking", "request"]
    subject_id: str
    household_id: str
    amount_cents: int
    means: Literal["cash", "cheque", "ancv", "card", "elsewhere"]
    reference: str
    recorded_at: str = Field(pattern=MOMENT)
    site_id: str
    staff_id: str | None
    corrects: str | None


class WishData(Out):
    offer_id: str
    session_id: str
    participants: list[str]


class StayRequestData(Out):
    request_id: str
    household_id: str
    campaign: str
    wishes: list[WishData]
    state: StayRequestStateName
    created_at: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")
    proposed_rank: int | None = Field(description="the wish proposed, or whose waiting list the request is on")
    answer_by: str | None = Field(description="a proposal holds until then")
    waitlist_position: int | None
    reason: Reason | None
    booking_id: str | None = Field(description="the confirmed booking an accepted proposal became")


class CorrespondentData(Strict):
    staff_id: str = Field(pattern=ID)
    display_name: str = Field(min_length=1, max_length=80)
    badge_number: str | None = Field(pattern=CARD_NUMBER, description="13 digits, like a card")
    pin_hash: str | None = Field(pattern=PIN_HASH, max_length=300)
    login: str | None = Field(pattern=r"^[a-z0-9][a-z0-9._-]{2,39}$")
    password_hash: str | None = Field(
        pattern=PIN_HASH,
        max_length=300,
        description="argon2id (or an older scrypt); the password meets the CNIL rule for a password alone",
    )
    active: bool = True

    @model_validator(mode="after")
    def _credentials_in_pairs(self) -> CorrespondentData:
        if (self.badge_number is None) != (self.pin_hash is None):
            raise ValueError("a badge goes with a PIN hash")
        if (self.login is None) != (self.password_hash is None):
            raise ValueError("a login goes with a password hash")
        if self.badge_number is None and self.login is None:
            raise ValueError("a correspondent needs a badge or a login")
        return self


class StaffFile(Strict):
    format: Literal["slvie-staff/1"]
    staff: list[CorrespondentData] = Field(max_length=10_000)


class IdeaData(Out):
    idea_id: str
    site_id: str
    theme: str
    text: str
    household_id: str | None
    person_id: str | None
    created_by: str | None
    created_at: str = Field(pattern=MOMENT)
    answer: str = Field(description="empty until the SLVie or CMCAS answers")
    answered_by: str
    answered_at: str | None


class ChoiceData(Strict):
    code: str = Field(pattern=SERVICE_ID)
    fr: str = Field(min_length=1, max_length=120, pattern=PLAIN_TEXT)
    en: str = Field(min_length=1, max_length=120, pattern=PLAIN_TEXT)


class ResultsData(Out):
    participants: int = Field(description="ballots counted")
    electorate: int = Field(description="people who could take part, when it closed")
    votes: dict[str, int] = Field(description="per choice: ballots naming it (first place, for a ranking)")
    points: dict[str, int] = Field(description="per choice: a ranking's points (n for first … 1 for last)")


class ConsultationData(Strict):
    """A consultation as `slvie-central publish-consultation FILE` takes it and kiosks pull it."""

    consultation_id: str = Field(pattern=ID)
    question_fr: str = Field(min_length=5, max_length=300, pattern=PLAIN_TEXT)
    question_en: str = Field(min_length=5, max_length=300, pattern=PLAIN_TEXT)
    kind: Literal["choice", "ranking"]
    choices: list[ChoiceData] = Field(min_length=2, max_length=10)
    electorate: Literal["ouvrants_droit", "beneficiaries_16"]
    scope_level: Literal["cmcas", "slvie"]
    scope_name: str = Field(min_length=1, max_length=80, pattern=PLAIN_TEXT)
    opens_at: str = Field(pattern=CATALOG_MOMENT)
    closes_at: str = Field(pattern=CATALOG_MOMENT)
    grace_hours: int = Field(
        ge=0,
        le=336,
        description="ballots cast before closing still count if they arrive within this many hours after it",
    )
    results: ResultsData | None = Field(None, description="published once the grace period is over")


class ModerationData(Out):
    """An appreciation given at a kiosk of the site, as every kiosk of the site pulls it: whose and of what (so
    that no kiosk invites the person again, and any of them tells the moderation), never the ratings or the
    comment."""

    appreciation_id: str
    booking_id: str
    offer_id: str
    session_id: str
    household_id: str
    person_id: str
    created_at: str = Field(pattern=MOMENT)
    state: Literal["none", "pending", "published", "refused"]
    reason: Reason | None = Field(description="why a comment was not published, for its author")


class BallotRefusalData(Out):
    """A ballot the centre did not count, for every kiosk of the site to tell the person: never a choice."""

    ballot_id: str
    consultation_id: str
    person_id: str
    reason: Reason


class PublishedCommentData(Out):
    author: str = Field(description="first name and initial only")
    day: str = Field(pattern=DAY)
    comment: str


class OfferAppreciationData(Out):
    offer_id: str
    count: int
    averages: dict[str, int] = Field(description="per question, the average rating in tenths (43 = 4.3)")
    comments: list[PublishedCommentData] = Field(description="the latest published comments, newest first")


class Change(Out):
    seq: int
    kind: Literal[
        "category",
        "concierge_service",
        "offer",
        "household",
        "booking",
        "concierge_request",
        "correspondent",
        "payment",
        "lease",
        "consultation",
        "idea",
        "appreciation",
        "ballot_refusal",
        "offer_appreciation",
        "stay_request",
    ]
    id: str
    data: (
        OfferData
        | HouseholdData
        | BookingData
        | CategoryData
        | ConciergeServiceData
        | ConciergeRequestData
        | CorrespondentData
        | PaymentData
        | LeaseData
        | ConsultationData
        | IdeaData
        | ModerationData
        | BallotRefusalData
        | OfferAppreciationData
        | StayRequestData
        | None
    ) = Field(description="the entity at its latest state; null is a tombstone (withdrawn, or gone from this site)")


class ChangesPage(Out):
    changes: list[Change]
    cursor: int = Field(description="save it with the page, in one transaction; send it on the next pull")
    more: bool = Field(description="true while there are changes after this page")
    price_tiers: int
    epoch: str = Field(description="the feed's numbering: another one than the saved one means pull again from 0")
    mark: str = Field(description="the mark of the history up to `cursor`: save it with the cursor, name it after")

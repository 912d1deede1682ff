"""`slvie-kiosk voucher …`: check a voucher offline, print a sample for IT, publish the public key.

Exit codes of `voucher verify`: 0 valid, 1 invalid (the reason is printed), 2 the
file could not be read or no key is available (the usual KioskError exit).
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.domain.booking import BookingState
from kiosk.domain.voucher import (
    Standing,
    Voucher,
    VoucherClaims,
    VoucherKind,
    VoucherState,
    booking_standing,
    encode_payload,
    key_id,
    verify_payload,
)
from kiosk.errors import CatalogError, KioskError
from kiosk.files import write_whole
from kiosk.i18n import FALLBACK_LANGUAGE, SOURCE_LANGUAGE, Euros, Text, in_both_languages

MAX_STANDING_BYTES = 64 * 1024  # the centre's answer about one booking is a few dozen bytes
SAMPLE_HOUSEHOLD = ("Camille Lefèvre", "Mathieu Lefèvre", "Inès Lefèvre")
SAMPLE_TIER = 4
SAMPLE_SLUG = "voucher-sample"


def add_voucher_commands(subparsers) -> None:
    from kiosk.cli import add_common_options

    voucher = subparsers.add_parser("voucher", help="check, sample and key of printed vouchers")
    commands = voucher.add_subparsers(dest="voucher_command", required=True)

    verify = commands.add_parser(
        "verify",
        help="check a voucher offline: a PDF, an image of it, a text file holding its code, or the code itself",
        description="Exit code: 0 valid, 1 invalid, 2 unreadable.",
    )
    verify.add_argument("file", metavar="FILE", help="PDF, PNG, text file, or the payload string itself")
    verify.add_argument(
        "--public-key",
        action="append",
        type=Path,
        metavar="PEM",
        help="a published kiosk public key (repeat for several); default: this kiosk's own key",
    )
    verify.add_argument(
        "--centre", metavar="URL", help="take every kiosk's published key from the centre (URL/v1/voucher-keys)"
    )
    verify.add_argument("--data-dir", type=Path, help="where this kiosk's key lives (default: per-user data dir)")
    verify.set_defaults(handler=_verify)

    sample = commands.add_parser("sample", help="write a sample voucher in each layout (to check a printer)")
    sample.add_argument("outdir", type=Path, metavar="OUTDIR")
    sample.add_argument(
        "--print", dest="send_to_printer", action="store_true", help="send it to the configured printer"
    )
    add_common_options(sample)
    sample.set_defaults(handler=_sample)

    public_key = commands.add_parser("public-key", help="print this kiosk's public key (PEM) to publish")
    add_common_options(public_key)
    public_key.set_defaults(handler=_public_key)


# --- verify -------------------------------------------------------------------------------------


def _verify(args: argparse.Namespace) -> int:
    from kiosk.printing.qr_reader import read_payload
    from kiosk.signing_key import SigningKeyError, load_signing_key, read_public_key

    payload = read_payload(args.file)
    published: list[PublishedKey] = []
    if args.public_key or args.centre:
        keys = [read_public_key(path) for path in args.public_key or ()]
        if args.centre:
            published = published_keys(args.centre)
            keys += [entry.key for entry in published]
    else:
        data_dir = _data_dir(args.data_dir, create=False)
        own = load_signing_key(data_dir)
        if own is None:
            raise SigningKeyError("error.cli.kiosk_has_signing_key", data_dir=data_dir)
        keys = [own.public_key()]
    result = verify_payload(payload, keys)
    if not result.valid:
        _say(Text("verify.invalid", reason=result.text))
        return 1
    assert result.claims is not None
    # What the booking has become, as this kiosk knows it (with --centre: as the centre knows it too).
    # Either one saying it no longer holds (cancelled, refused) is enough to say so.
    # A kiosk the centre revoked (stolen, withdrawn) no longer vouches for anything it signed.
    revoked = any(entry.revoked and entry.key_id == result.claims.key_id for entry in published)
    standings = [
        (who, standing)
        for who, standing in (
            (Text("verify.the_centre"), Standing(False, Text("voucher.standing.key_revoked")) if revoked else None),
            (Text("verify.this_kiosk"), _standing(result.claims, args.data_dir)),
            (Text("verify.the_centre"), centre_standing(args.centre, result.claims) if args.centre else None),
        )
        if standing is not None
    ]
    broken = next((standing for _, standing in standings if not standing.holds), None)
    if broken is not None:
        _say(Text("verify.no_longer_valid", reason=broken.text))
        return 1
    _say(Text("verify.valid", reason=result.text))
    for who, standing in standings:
        print(f"  {in_both_languages(who)}: {in_both_languages(standing.text)}")
    for line in describe_claims(result.claims):
        print(line)
    return 0


@dataclass(frozen=True)
class PublishedKey:
    key: Ed25519PublicKey
    key_id: str
    revoked: bool  # the kiosk was withdrawn (stolen, replaced): what it signed no longer holds


def published_keys(centre: str) -> list[PublishedKey]:
    """Every kiosk's voucher key the centre publishes (no credential needed)."""
    import requests

    from kiosk.signing_key import parse_public_key

    url = centre.rstrip("/").removesuffix("/v1") + "/v1/voucher-keys"
    unreachable = KioskError("error.cli.kiosks_keys_could_read", url=url)
    try:
        answer = requests.get(url, timeout=10, allow_redirects=False)
        answer.raise_for_status()
        entries = [(parse_public_key(entry["public_key"]), entry["revoked"] is True) for entry in answer.json()["keys"]]
    except (requests.RequestException, ValueError, KeyError, TypeError, AttributeError):
        raise unreachable from None
    return [PublishedKey(key, key_id(key), revoked) for key, revoked in entries if key is not None]


def _say(text: Text) -> None:
    """A verdict for IT and the desk, in French then English."""
    print(text.message(SOURCE_LANGUAGE))
    print(text.message(FALLBACK_LANGUAGE))


def centre_standing(centre: str, claims: VoucherClaims) -> Standing | None:
    """What the voucher is worth now, as the centre knows its booking (None: not a booking). A booking the
    centre does not know yet (a kiosk offline has not sent it) leaves the signature to speak, and says so."""
    import requests

    if claims.kind is not VoucherKind.BOOKING:
        return None
    url = centre.rstrip("/").removesuffix("/v1") + f"/v1/vouchers/{claims.reference}"
    try:
        with requests.get(url, timeout=10, allow_redirects=False, stream=True) as answer:
            if answer.status_code == 404:
                return Standing(True, Text("voucher.standing.centre_unknown"))
            answer.raise_for_status()
            body = answer.raw.read(MAX_STANDING_BYTES + 1, decode_content=True)
        document = json.loads(body) if len(body) <= MAX_STANDING_BYTES else None
        if not isinstance(document, dict) or document.get("reference") != claims.reference:
            raise ValueError("not an answer about this voucher")
        state = BookingState(document["state"])
    except (requests.RequestException, ValueError, KeyError, TypeError):
        raise KioskError("error.cli.booking_s_state_could", url=url) from None
    return booking_standing(claims.state, state)


def _standing(claims: VoucherClaims, data_dir: Path | None) -> Standing | None:
    """What the voucher is worth now, when this kiosk knows its booking."""
    from kiosk.store.bookings import known_booking_state

    if claims.kind is not VoucherKind.BOOKING:
        return None
    state = known_booking_state(_data_dir(data_dir, create=False), claims.reference)
    return None if state is None else booking_standing(claims.state, state)


_KIND_TEXTS = {
    VoucherKind.BOOKING: "claims.kind.booking",
    VoucherKind.PICKUP: "claims.kind.pickup",
    VoucherKind.PARTICIPATION: "claims.kind.participation",
}
_STATE_TEXTS = {
    VoucherState.CONFIRMED: "claims.state.confirmed",
    VoucherState.PROVISIONAL: "claims.state.provisional",
    VoucherState.WAITLISTED: "claims.state.waitlisted",
    VoucherState.REQUEST: "claims.state.request",
    VoucherState.READY: "claims.state.ready",
}


def describe_claims(claims: VoucherClaims) -> list[str]:
    """The signed facts, one per line, labelled in French and English (for IT and the desk, both at once)."""

    def both(key: str) -> str:
        return in_both_languages(Text(key))

    def when(moment: datetime | None) -> str:
        return "—" if moment is None else moment.strftime("%Y-%m-%d %H:%M")

    cents = claims.total_cents
    total = both("claims.on_quote") if cents is None else in_both_languages(Euros(cents))
    rows = [
        ("claims.code", claims.short_code),
        ("claims.kind", both(_KIND_TEXTS[claims.kind])),
        ("claims.state", both(_STATE_TEXTS[claims.state])),
        ("claims.reference", claims.reference),
        ("claims.site", claims.site_id),
        ("claims.start", when(claims.start)),
        ("claims.end", when(claims.end)),
        ("claims.participants", str(claims.participant_count)),
        ("claims.total", total),
        ("claims.issued", when(claims.issued_at)),
        ("claims.key", claims.key_id),
    ]
    return [f"  {both(label) + ' :':<26}{value}" for label, value in rows]


# --- sample -------------------------------------------------------------------------------------


def _sample(args: argparse.Namespace) -> int:
    from kiosk.config import load_config
    from kiosk.printing.printer import print_pdf
    from kiosk.printing.voucher_pdf import LAYOUTS, render_voucher_pdf
    from kiosk.signing_key import load_or_create_signing_key

    config = load_config(args.config)
    data_dir = _data_dir(args.data_dir, create=True)
    key = load_or_create_signing_key(data_dir)
    voucher = sample_voucher(config.site.id, datetime.now())
    payload = encode_payload(voucher, key)
    outdir: Path = args.outdir
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        written = {}
        for layout in LAYOUTS:
            pdf = render_voucher_pdf(voucher, payload, layout, config.site.language, site_name=config.site.name)
            path = outdir / f"{SAMPLE_SLUG}-{layout}.pdf"
            write_whole(path, pdf)
            written[layout] = path
        payload_path = outdir / f"{SAMPLE_SLUG}-payload.txt"
        write_whole(payload_path, (payload + "\n").encode("ascii"))
    except OSError as error:
        raise KioskError(
            "error.cli.sample_voucher_written",
            outdir=outdir,
            reason=error.strerror or error,
        ) from None
    for path in (*written.values(), payload_path):
        print(path)
    if args.send_to_printer:
        target = written[config.printer.layout]
        job = print_pdf(target, config.printer.queue, title=f"SLVie {SAMPLE_SLUG}")
        print(in_both_languages(Text("print.printed_on", queue=job.queue, job=job.job_id)))
    return 0


def sample_voucher(site_id: str, now: datetime, catalog_path: Path | None = None) -> Voucher:
    """A confirmed booking for a made-up household, on the demo catalog's first directly bookable offer.

    The demo's dates are moved forward by (today − reference date), as when the demo seeds a kiosk.
    """
    from kiosk.domain.catalog import BookingMode, parse_catalog, shift_catalog

    if catalog_path is None:
        from kiosk.demo import DEMO_CATALOG

        catalog_path = DEMO_CATALOG
    try:
        document = json.loads(Path(catalog_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CatalogError("error.cli.demo_catalog_read", catalog_path=catalog_path, error=error) from None
    catalog = parse_catalog(document)
    catalog = shift_catalog(catalog, (now.date() - catalog.reference_date).days)
    offer = next((o for o in catalog.offers if o.booking_mode is BookingMode.DIRECT), None)
    if offer is None:
        raise CatalogError("error.cli.demo_catalog_has_directly")
    session = next((s for s in offer.sessions if s.start > now), offer.sessions[0])
    return Voucher(
        kind=VoucherKind.BOOKING,
        reference=str(uuid.uuid4()),
        site_id=site_id,
        title=offer.title,
        start=session.start,
        end=session.end,
        place=session.place,
        participants=SAMPLE_HOUSEHOLD,
        total_cents=offer.price_for_tier(min(SAMPLE_TIER, len(offer.prices))) * len(SAMPLE_HOUSEHOLD),
        state=VoucherState.CONFIRMED,
        issued_at=now.replace(second=0, microsecond=0),
    )


# --- public-key ---------------------------------------------------------------------------------


def _public_key(args: argparse.Namespace) -> int:
    from kiosk.signing_key import kiosk_key_id, load_or_create_signing_key, public_key_pem

    key = load_or_create_signing_key(_data_dir(args.data_dir, create=True))
    sys.stdout.write(public_key_pem(key))
    print(in_both_languages(Text("print.key_id", key_id=kiosk_key_id(key))), file=sys.stderr)
    return 0


# --- helpers ------------------------------------------------------------------------------------


def _data_dir(path: Path | None, *, create: bool) -> Path:
    from kiosk.config import default_data_dir, prepare_data_dir

    path = path or default_data_dir()
    return prepare_data_dir(path) if create else path

"""`slvie-kiosk voucher …`: check a voucher offline, print a sample for IT, publish the public key.

Exit codes of `voucher verify`: 0 valid, 1 invalid (the reason is printed), 2 the
file could not be read or no key is available (the usual KioskError exit).
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from datetime import datetime
from pathlib import Path

from kiosk.domain.voucher import (
    Standing,
    Voucher,
    VoucherClaims,
    VoucherKind,
    VoucherState,
    booking_standing,
    encode_payload,
    verify_payload,
)
from kiosk.domain.booking import BookingState
from kiosk.errors import CatalogError, KioskError

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
    verify.add_argument("--centre", metavar="URL",
                        help="take every kiosk's published key from the centre (URL/v1/voucher-keys)")
    verify.add_argument("--data-dir", type=Path, help="where this kiosk's key lives (default: per-user data dir)")
    verify.set_defaults(handler=_verify)

    sample = commands.add_parser("sample", help="write a sample voucher in each layout (to check a printer)")
    sample.add_argument("outdir", type=Path, metavar="OUTDIR")
    sample.add_argument("--print", dest="send_to_printer", action="store_true", help="send it to the configured printer")
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
    if args.public_key or args.centre:
        keys = [read_public_key(path) for path in args.public_key or ()]
        if args.centre:
            keys += published_keys(args.centre)
    else:
        data_dir = _data_dir(args.data_dir, create=False)
        own = load_signing_key(data_dir)
        if own is None:
            raise SigningKeyError(
                f"Cette borne n'a pas encore de clé de signature ({data_dir}). "
                "Indiquez la clé publique de la borne qui a émis le bon avec --public-key.",
                f"This kiosk has no signing key yet ({data_dir}). "
                "Give the public key of the kiosk that issued the voucher with --public-key.",
            )
        keys = [own.public_key()]
    result = verify_payload(payload, keys)
    if not result.valid:
        print(f"INVALIDE — ce bon n'est pas valide : {result.message_fr}.")
        print(f"INVALID — this voucher is not valid: {result.message_en}.")
        return 1
    assert result.claims is not None
    # What the booking has become, as this kiosk knows it (with --centre: as the centre knows it too).
    # Either one saying it no longer holds (cancelled, refused) is enough to say so.
    standings = [(who, standing) for who, standing in (
        (("cette borne", "this kiosk"), _standing(result.claims, args.data_dir)),
        (("le centre", "the centre"), centre_standing(args.centre, result.claims) if args.centre else None),
    ) if standing is not None]
    broken = next((standing for _, standing in standings if not standing.holds), None)
    if broken is not None:
        print(f"NE VAUT PLUS — signature valide, mais {broken.message_fr}.")
        print(f"NO LONGER VALID — the signature is valid, but {broken.message_en}.")
        return 1
    print(f"VALIDE — {result.message_fr}")
    print(f"VALID — {result.message_en}")
    for (fr, en), standing in standings:
        print(f"  D'après {fr} / As {en} knows: {standing.message_fr} / {standing.message_en}")
    for line in describe_claims(result.claims):
        print(line)
    return 0


def published_keys(centre: str) -> list:
    """Every kiosk's voucher key the centre publishes (no credential needed)."""
    import requests

    from kiosk.signing_key import parse_public_key

    url = centre.rstrip("/").removesuffix("/v1") + "/v1/voucher-keys"
    unreachable = KioskError(f"Les clés des bornes n'ont pas pu être lues sur {url}.",
                             f"The kiosks' keys could not be read from {url}.")
    try:
        answer = requests.get(url, timeout=10, allow_redirects=False)
        answer.raise_for_status()
        keys = [parse_public_key(entry["public_key"]) for entry in answer.json()["keys"]]
    except (requests.RequestException, ValueError, KeyError, TypeError, AttributeError):
        raise unreachable from None
    return [key for key in keys if key is not None]


def centre_standing(centre: str, claims: VoucherClaims) -> Standing | None:
    """What the voucher is worth now, as the centre knows its booking (None: not a booking, or the centre
    does not know it yet — a kiosk offline has not sent it)."""
    import requests

    if claims.kind is not VoucherKind.BOOKING:
        return None
    url = centre.rstrip("/").removesuffix("/v1") + f"/v1/vouchers/{claims.reference}"
    try:
        answer = requests.get(url, timeout=10, allow_redirects=False)
        if answer.status_code == 404:
            return None
        answer.raise_for_status()
        state = BookingState(answer.json()["state"])
    except (requests.RequestException, ValueError, KeyError, TypeError):
        raise KioskError(f"L'état de la réservation n'a pas pu être lu sur {url}.",
                         f"The booking's state could not be read from {url}.") from None
    return booking_standing(claims.state, state)


def _standing(claims: VoucherClaims, data_dir: Path | None) -> Standing | None:
    """What the voucher is worth now, when this kiosk knows its booking."""
    from kiosk.store.bookings import known_booking_state

    if claims.kind is not VoucherKind.BOOKING:
        return None
    state = known_booking_state(_data_dir(data_dir, create=False), claims.reference)
    return None if state is None else booking_standing(claims.state, state)


_KIND_WORDS = {VoucherKind.BOOKING: ("réservation", "booking"), VoucherKind.PICKUP: ("conciergerie", "concierge")}
_STATE_WORDS = {
    VoucherState.CONFIRMED: ("confirmée", "confirmed"),
    VoucherState.PROVISIONAL: ("provisoire, en attente de confirmation", "provisional, awaiting confirmation"),
    VoucherState.WAITLISTED: ("liste d'attente", "waiting list"),
    VoucherState.REQUEST: ("demande enregistrée", "request recorded"),
    VoucherState.READY: ("prêt à retirer", "ready to collect"),
}


def describe_claims(claims: VoucherClaims) -> list[str]:
    """The signed facts, one per line, labelled in French and English."""

    def when(moment: datetime | None) -> str:
        return "—" if moment is None else moment.strftime("%Y-%m-%d %H:%M")

    if claims.total_cents is None:
        total = "sur devis / on quotation"
    else:
        euros, cents = divmod(claims.total_cents, 100)
        total = f"{euros},{cents:02d} € / €{euros}.{cents:02d}"
    kind_fr, kind_en = _KIND_WORDS[claims.kind]
    state_fr, state_en = _STATE_WORDS[claims.state]
    return [
        f"  Code :                    {claims.short_code}",
        f"  Type / Kind :             {kind_fr} / {kind_en}",
        f"  État / State :            {state_fr} / {state_en}",
        f"  Référence / Reference :   {claims.reference}",
        f"  Site :                    {claims.site_id}",
        f"  Début / Start :           {when(claims.start)}",
        f"  Fin / End :               {when(claims.end)}",
        f"  Participants :            {claims.participant_count}",
        f"  Montant / Total :         {total}",
        f"  Émis le / Issued :        {when(claims.issued_at)}",
        f"  Clé / Key :               {claims.key_id}",
    ]


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
            _write_atomically(path, pdf)
            written[layout] = path
        payload_path = outdir / f"{SAMPLE_SLUG}-payload.txt"
        _write_atomically(payload_path, (payload + "\n").encode("ascii"))
    except OSError as error:
        raise KioskError(
            f"Le bon d'exemple ne peut pas être écrit dans {outdir} ({error.strerror or error}).",
            f"The sample voucher cannot be written to {outdir} ({error.strerror or error}).",
        ) from None
    for path in (*written.values(), payload_path):
        print(path)
    if args.send_to_printer:
        target = written[config.printer.layout]
        job = print_pdf(target, config.printer.queue, title=f"SLVie {SAMPLE_SLUG}")
        print(f"Imprimé sur « {job.queue} » (tâche {job.job_id}).")
        print(f"Printed on '{job.queue}' (job {job.job_id}).")
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
        raise CatalogError(
            f"Le catalogue de démonstration {catalog_path} ne peut pas être lu ({error}).",
            f"The demo catalog {catalog_path} cannot be read ({error}).",
        ) from None
    catalog = parse_catalog(document)
    catalog = shift_catalog(catalog, (now.date() - catalog.reference_date).days)
    offer = next((o for o in catalog.offers if o.booking_mode is BookingMode.DIRECT), None)
    if offer is None:
        raise CatalogError(
            "Le catalogue de démonstration n'a aucune offre à réservation directe.",
            "The demo catalog has no directly bookable offer.",
        )
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
    print(f"Identifiant de clé / Key id: {kiosk_key_id(key)}", file=sys.stderr)
    return 0


# --- helpers ------------------------------------------------------------------------------------


def _data_dir(path: Path | None, *, create: bool) -> Path:
    from kiosk.config import default_data_dir, prepare_data_dir

    path = path or default_data_dir()
    return prepare_data_dir(path) if create else path


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)

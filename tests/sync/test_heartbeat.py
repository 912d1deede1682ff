"""What a kiosk's heartbeat says about it, and that it says nothing about anyone (sync/heartbeat.py)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from kiosk.errors import PrinterError
from kiosk.i18n import Said
from kiosk.printing.printer import PrinterStatus, condition_of, printer_condition
from kiosk.services.actor import BENEFICIARY
from kiosk.store.database import schema_version, transaction
from kiosk.store.state import write_state
from sync.client import RequestRefused, TransientError
from sync.heartbeat import KioskProbe, error_code, heartbeat
from sync.history import PAGE_MARK, PUSH_MARK
from sync.wire import Heartbeat
from tests.factories import NOW, holder, households_document


def test_a_heartbeat_counts_what_waits_and_names_no_one(services, clock, tmp_path):
    claire = services.identity.identify(BENEFICIARY, "1000000000017", "1234").household
    services.bookings.book(BENEFICIARY, holder(claire), "T1", "T1-S1", ["P1", "P2"])
    clock.now = NOW + timedelta(minutes=20)
    with transaction(services.db):
        write_state(services.db, "sync_last_success", (NOW - timedelta(minutes=5)).isoformat(timespec="seconds"))
        write_state(services.db, PAGE_MARK, "a" * 32)  # the centre's marks it holds: kept for it while away
        write_state(services.db, PUSH_MARK, "b" * 32)
        write_state(
            services.db,
            "sync_last_error",
            json.dumps(
                {
                    "at": (NOW + timedelta(minutes=19)).isoformat(),
                    "code": "transient_error",
                    "fr": "Réseau coupé.",
                    "en": "Network down.",
                }
            ),
        )
    probe = KioskProbe(tmp_path / "data", "thermique", read_printer=lambda queue: "paper_out")
    sent = heartbeat(services.db, probe, clock())

    assert sent == {
        "sent_at": "2026-11-23T11:02:00",
        "version": sent["version"],
        "schema_version": schema_version(services.db),
        "waiting": 1,
        "oldest_waiting_seconds": 20 * 60,
        "parked": 0,
        "last_sync_seconds": 25 * 60,
        "printer": "paper_out",
        "disk_free_bytes": sent["disk_free_bytes"],
        "last_error": {"code": "transient_error", "seconds": 60},
        "marks": ["a" * 32, "b" * 32],
    }
    assert sent["disk_free_bytes"] > 0
    Heartbeat.model_validate_json(json.dumps(sent))  # what the centre accepts, as it checks it
    text = json.dumps(sent, ensure_ascii=False)
    for household in households_document()["households"]:
        assert household["household_id"] not in text
        for member in household["members"]:
            for value in (member["person_id"], member["first_name"], member["last_name"], member["card_number"]):
                assert not value or value not in text
    assert "Réseau" not in text and "Network" not in text  # the error's code, never its words


def test_a_fresh_kiosk_has_nothing_waiting_and_never_synced(services, tmp_path):
    sent = heartbeat(services.db, KioskProbe(tmp_path / "data", ""), NOW)
    assert (
        sent["waiting"],
        sent["oldest_waiting_seconds"],
        sent["last_sync_seconds"],
        sent["last_error"],
        sent["printer"],
    ) == (0, None, None, None, "not_configured")


@pytest.mark.parametrize(
    "status, condition",
    [
        (PrinterStatus("q", True, True, True, ()), "ready"),
        (PrinterStatus("q", True, True, True, ("media-low-warning",)), "ready"),
        (PrinterStatus("q", True, True, True, ("media-empty-error",)), "paper_out"),
        (PrinterStatus("q", True, True, True, ("media-needed",)), "paper_out"),
        (PrinterStatus("q", True, True, True, ("media-jam-error",)), "jammed"),
        (PrinterStatus("q", True, True, True, ("cover-open-report",)), "open"),
        (PrinterStatus("q", True, True, True, ("offline-report",)), "offline"),
        (PrinterStatus("q", True, True, True, ("toner-empty-error",)), "fault"),
        (PrinterStatus("q", True, False, True, ()), "stopped"),
        (PrinterStatus("q", True, True, False, ()), "stopped"),
        (PrinterStatus("q", False), "missing"),
    ],
)
def test_what_cups_says_in_one_word(status, condition):
    assert condition_of(status) == condition


def test_cups_not_answering_is_unknown_not_an_error():
    def hung(queue: str) -> PrinterStatus:
        raise PrinterError("error.printer.no_answer")

    assert printer_condition("thermique", hung) == "unknown"
    assert printer_condition("  ", hung) == "not_configured"


def test_an_error_code_never_carries_a_message():
    assert (
        error_code(TransientError("no answer from 10.0.0.1", Said("Injoignable", "Unreachable"))) == "transient_error"
    )
    assert error_code(RequestRefused("refused", 409, "cursor_ahead", Said("fr", "en"))) == "cursor_ahead"
    assert error_code(RequestRefused("refused", 422, "", Said("fr", "en"))) == "request_refused"
    assert error_code(KeyError("Claire Martin")) == "key_error"

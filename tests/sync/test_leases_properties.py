"""Property (hypothesis, stateful): three kiosks at one site and one at another book the same scarce session
through faults — partitions, dropped requests and answers, restarts, clock skew, lease expiry, cancellations —
against the real reference centre over loopback. Once healed: no booking a kiosk confirmed is downgraded, no
session holds more than its capacity, every operation is applied exactly once, kiosks and centre agree.

Each example gets its own sites, households and session on one centre started for the module. The test
prints how many operations and interleavings it ran. SLVIE_LEASE_EXAMPLES sets how many examples.
"""

from __future__ import annotations

import itertools
import json
import os
import time
from collections import Counter
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from kiosk.domain.booking import ACTIVE_STATES, BookingRefused, BookingState, cancellation_open
from kiosk.domain.household import luhn_check_digit
from kiosk.services.actor import BENEFICIARY
from kiosk.store.households import load_household
from kiosk.store.outbox import counts, parked_operations
from sync.client import CentralError
from sync.engine import PageRejected
from sync.top_up import CentreTopUp
from tests.conftest import Clock
from tests.factories import NOW, catalog, holder, offer, pin_hash, session
from tests.server.central import CentralServer
from tests.sync.conftest import Kiosk
from tests.sync.faulty_proxy import FaultyProxy

KIOSKS = [0, 0, 0, 1]  # the site of each kiosk: three at site A, one at site B
CAPACITY, ALLOCATIONS = 7, (4, 2)  # one scarce session; A and B's allocations, one place in the pool
FAULTS = ["drop_request", "drop_response", "error500"]
SKEWS = [timedelta(0), timedelta(minutes=3), timedelta(minutes=-4), timedelta(seconds=90)]
_numbers = itertools.count(1)
RAN = Counter()
FIGURES = ("examples", "confirmed_offline", "confirmed_after_top_up", "downgraded")  # the rest count steps
TOP_UPS: list[tuple[float, bool]] = []  # (seconds the person waited, whether the centre granted seats)


class TimedTopUp(CentreTopUp):
    def ask(self, session_id: str, seats: int) -> bool:
        started = time.monotonic()
        granted = super().ask(session_id, seats)
        TOP_UPS.append((time.monotonic() - started, granted))
        return granted


class LeaseWorld(RuleBasedStateMachine):
    centre: CentralServer
    root: object

    @initialize()
    def start(self) -> None:
        n = next(_numbers)
        self.n = n
        self.sites = [f"LEASE-{n}-A", f"LEASE-{n}-B"]
        self.offer_id, self.session_id = f"LE{n}", f"LE{n}-S1"
        self.proxies = [FaultyProxy(self.centre.port) for _ in KIOSKS]
        self.centre.load_catalog(
            catalog(
                [
                    offer(
                        self.offer_id,
                        f"Sortie {n}",
                        sessions=[session(self.session_id, days=5, capacity=CAPACITY, allocation=ALLOCATIONS[0])],
                    )
                ]
            ),
            site=self.sites[0],
        )
        self.centre.set_allocation(self.session_id, self.sites[1], ALLOCATIONS[1])
        self.households: list[list[str]] = []
        for k, site_index in enumerate(KIOSKS):
            documents = []
            for h in range(2):
                people = [f"LE{n}-K{k}H{h}-P{m}" for m in range(3)]
                self.households.append(people)
                card = f"4{n:07d}{k}{h:03d}"
                documents.append(
                    {
                        "household_id": f"LE{n}-K{k}H{h}",
                        "tier": 2,
                        "cmcas": "CMCAS Lyon",
                        "slvie": "SLVie",
                        "members": [
                            {
                                "person_id": pid,
                                "first_name": f"P{m}",
                                "last_name": f"F{k}{h}",
                                "birth_date": "1980-01-01",
                                "role": "ouvrant_droit" if m == 0 else "conjoint" if m == 1 else "enfant",
                                "card_number": card + luhn_check_digit(card) if m == 0 else None,
                                "pin_hash": pin_hash() if m == 0 else None,
                            }
                            for m, pid in enumerate(people)
                        ],
                    }
                )
            self.centre.load_households(documents, site=self.sites[site_index])
        self.clocks = [Clock(NOW + skew) for skew in SKEWS]
        self.kiosks: list[Kiosk] = []
        self.kiosk_ids: list[str] = []
        self.tokens: list[str] = []
        for k, site_index in enumerate(KIOSKS):
            enrolled = self.centre.enroll(site=self.sites[site_index], name=f"lease-{n}-{k}")
            self.kiosk_ids.append(enrolled.kiosk_id)
            self.tokens.append(enrolled.token)
            self.kiosks.append(self._open(k))
        self.offline = [False] * len(KIOSKS)
        self.made: list[list[str]] = [[] for _ in KIOSKS]
        self.confirmed_here: dict[str, int] = {}  # booking -> seats, as its kiosk confirmed it offline
        self.cancelled: set[str] = set()
        for k in range(len(KIOSKS)):
            self._sync(k)

    def _open(self, k: int) -> Kiosk:
        kiosk = Kiosk(self.root / f"{self.n}-k{k}", self.proxies[k].url, self.tokens[k], self.clocks[k])
        kiosk.services.bookings.top_up = TimedTopUp(kiosk.services.db, kiosk.client, self.clocks[k])
        return kiosk

    def _sync(self, k: int) -> None:
        RAN["sync"] += 1
        if self.offline[k]:
            self.proxies[k].inject("drop_request")
        try:
            self.kiosks[k].sync()
        except (CentralError, PageRejected):
            pass
        self.proxies[k].faults.clear()

    people = st.sets(st.integers(0, 2), min_size=1).map(sorted)

    @rule(k=st.integers(0, 3), slot=st.integers(0, 1), people=people)
    def book(self, k: int, slot: int, people: list[int]) -> None:
        self._book(k, slot, people)

    @rule(k=st.integers(0, 2), slot=st.integers(0, 1), people=people)
    def book_at_the_busy_site(self, k: int, slot: int, people: list[int]) -> None:
        """Bookings weigh most, at site A most of all: demand exceeds what the session seats."""
        self._book(k, slot, people)

    def _book(self, k: int, slot: int, people: list[int]) -> None:
        RAN["book"] += 1
        kiosk = self.kiosks[k]
        household = load_household(kiosk.services.db, f"LE{self.n}-K{k}H{slot}")
        persons = [self.households[k * 2 + slot][m] for m in people]
        if self.offline[k]:  # cut off: a top-up asked for goes nowhere
            self.proxies[k].inject("drop_request")
        asked = len(TOP_UPS)
        try:
            booking = kiosk.services.bookings.book(
                BENEFICIARY, holder(household), self.offer_id, self.session_id, persons
            )
        except BookingRefused:
            return
        finally:
            self.proxies[k].faults.clear()
        self.made[k].append(booking.booking_id)
        if booking.state is BookingState.CONFIRMED:
            self.confirmed_here[booking.booking_id] = len(persons)
            topped_up = any(granted for _, granted in TOP_UPS[asked:])
            RAN["confirmed_after_top_up" if topped_up else "confirmed_offline"] += 1

    @rule(k=st.integers(0, 3), pick=st.integers(0, 10))
    def cancel(self, k: int, pick: int) -> None:
        if not self.made[k]:
            return
        RAN["cancel"] += 1
        kiosk = self.kiosks[k]
        booking = kiosk.services.bookings.booking(self.made[k][pick % len(self.made[k])])
        try:
            kiosk.services.bookings.cancel(
                BENEFICIARY, holder(load_household(kiosk.services.db, booking.household_id)), booking.booking_id
            )
        except BookingRefused:
            offer = kiosk.services.catalog.offer(self.offer_id)
            session = next(s for s in offer.sessions if s.id == self.session_id)
            # Only a booking no longer active, or one past the cancellation deadline, cannot be cancelled.
            assert booking.state not in ACTIVE_STATES or not cancellation_open(offer, session, self.clocks[k]())
            return
        self.cancelled.add(booking.booking_id)

    @rule(k=st.integers(0, 3))
    def sync(self, k: int) -> None:
        self._sync(k)

    @rule(k=st.integers(0, 3), fault=st.sampled_from(FAULTS))
    def fault(self, k: int, fault: str) -> None:
        RAN[fault] += 1
        self.proxies[k].inject(fault)
        self._sync(k)

    @rule(k=st.integers(0, 3))
    def partition(self, k: int) -> None:
        RAN["partition" if not self.offline[k] else "heal"] += 1
        self.offline[k] = not self.offline[k]

    @rule(k=st.integers(0, 3))
    def restart(self, k: int) -> None:
        RAN["restart"] += 1
        self.kiosks[k].close()
        self.kiosks[k] = self._open(k)

    @rule(k=st.integers(0, 3), hours=st.sampled_from([1, 30]))
    def time_passes(self, k: int, hours: int) -> None:
        """30 hours: past the lease's 24 (the kiosk gives its unused seats back; the session is 5 days away)."""
        RAN["lease_expiry" if hours > 24 else "time"] += 1
        self.clocks[k].now += timedelta(hours=hours)

    @invariant()
    def never_overbooked_at_the_centre(self) -> None:
        if not hasattr(self, "kiosks"):
            return
        confirmed = self.centre.query(
            "SELECT participants FROM bookings WHERE session_id = ? AND state = 'confirmed'", self.session_id
        )
        assert sum(len(json.loads(r["participants"])) for r in confirmed) <= CAPACITY

    def teardown(self) -> None:
        if not hasattr(self, "kiosks"):
            return
        try:
            self.offline = [False] * len(KIOSKS)
            for _ in range(3):
                for k in range(len(KIOSKS)):
                    self.kiosks[k].sync()
            self._check_healed()
        finally:
            for kiosk in self.kiosks:
                kiosk.close()
            for proxy in self.proxies:
                proxy.close()

    def _check_healed(self) -> None:
        RAN["examples"] += 1
        for kiosk in self.kiosks:
            assert counts(kiosk.services.db) == {"pending": 0, "parked": 0}, parked_operations(kiosk.services.db)
        central = {
            r["id"]: r for r in self.centre.query("SELECT * FROM bookings WHERE session_id = ?", self.session_id)
        }
        assert sorted(central) == sorted(b for made in self.made for b in made), "bookings lost or duplicated"
        ops = self.centre.query(
            "SELECT kiosk_id, result FROM operations WHERE kiosk_id IN (?, ?, ?, ?)", *self.kiosk_ids
        )
        assert all(json.loads(r["result"])["outcome"] == "applied" for r in ops)
        downgraded = [b for b in self.confirmed_here if b not in self.cancelled and central[b]["state"] != "confirmed"]
        RAN["downgraded"] += len(downgraded)
        assert downgraded == [], f"kiosk-confirmed bookings downgraded: {downgraded}"
        for k, kiosk in enumerate(self.kiosks):
            for booking_id in self.made[k]:
                local = kiosk.services.bookings.booking(booking_id)
                assert local.state.value == central[booking_id]["state"], (local, dict(central[booking_id]))
        seated = sum(len(json.loads(r["participants"])) for r in central.values() if r["state"] == "confirmed")
        assert seated <= CAPACITY
        people = Counter(
            p
            for r in central.values()
            if r["state"] in ("confirmed", "waitlisted", "requested")
            for p in json.loads(r["participants"])
        )
        assert all(n == 1 for n in people.values())
        assert self.centre.seat_problems() == []
        # Each kiosk and the centre agree on its lease: what it was granted, gave back and used.
        for k, kiosk in enumerate(self.kiosks):
            mine = kiosk.services.db.execute(
                "SELECT granted, returned FROM leases WHERE session_id = ?", [self.session_id]
            ).fetchone()
            theirs = self.centre.query(
                "SELECT granted, returned, used FROM leases WHERE session_id = ? AND kiosk_id = ?",
                self.session_id,
                self.kiosk_ids[k],
            )
            used = kiosk.services.db.execute(
                "SELECT site_taken FROM sessions WHERE id = ?", [self.session_id]
            ).fetchone()[0]
            assert (tuple(mine) if mine else (0, 0)) == (
                (theirs[0]["granted"], theirs[0]["returned"]) if theirs else (0, 0)
            ), (k, mine, theirs)
            assert used == (theirs[0]["used"] if theirs else 0), (k, used, theirs)


@pytest.fixture(scope="module")
def lease_centre(tmp_path_factory):
    server = CentralServer(tmp_path_factory.mktemp("lease-centre") / "central.sqlite3", now=NOW)
    server.start()
    yield server
    server.stop()


def test_kiosks_of_one_site_never_confirm_more_than_they_were_leased(lease_centre, tmp_path_factory):
    LeaseWorld.centre = lease_centre
    LeaseWorld.root = tmp_path_factory.mktemp("lease-kiosks")
    RAN.clear()
    TOP_UPS.clear()
    run_state_machine_as_test(
        LeaseWorld,
        settings=settings(
            max_examples=int(os.environ.get("SLVIE_LEASE_EXAMPLES", "8")),
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
    steps = sum(n for key, n in RAN.items() if key not in FIGURES)
    print(
        f"\nlease property: {RAN['examples']} interleavings, {steps} operations, {len(TOP_UPS)} top-ups ({dict(RAN)})"
    )
    assert RAN["examples"] > 0

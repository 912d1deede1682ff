from kiosk.domain.idle import IdleDeadline, IdlePhase


def test_warning_then_expiry_against_the_clock():
    deadline = IdleDeadline(warning_after=90, warning_duration=30, last_activity=1000.0)
    assert deadline.phase(1089.9) == IdlePhase.ACTIVE
    assert deadline.phase(1090.0) == IdlePhase.WARNING
    assert deadline.seconds_left(1090.0) == 30
    assert deadline.seconds_left(1110.5) == 10
    assert deadline.phase(1120.0) == IdlePhase.EXPIRED
    assert deadline.seconds_left(5000.0) == 0


def test_a_late_check_still_sees_the_expiry():
    # A check that comes long after the deadline (a busy machine) must not restart the warning.
    deadline = IdleDeadline(warning_after=90, warning_duration=30, last_activity=0.0)
    assert deadline.phase(10_000.0) == IdlePhase.EXPIRED


def test_activity_pushes_the_deadline_back():
    deadline = IdleDeadline(warning_after=90, warning_duration=30, last_activity=0.0)
    deadline.touch(100.0)
    assert deadline.phase(150.0) == IdlePhase.ACTIVE

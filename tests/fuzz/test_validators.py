"""Property tests of the domain validators: any input either passes or is refused with the typed
`InvalidInput` (never another exception), and whatever passes meets the documented constraints."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from shopwatch.accounts import services as accounts
from shopwatch.api.ids import decode_id, encode_id
from shopwatch.core.errors import InvalidInput
from shopwatch.incidents import services as incidents
from shopwatch.incidents.models import IncidentKind
from shopwatch.offenders import exclusions, gallery
from shopwatch.places import services as places

PROPERTIES = settings(
    max_examples=500, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
T = TypeVar("T")

# Text with what breaks naive code: NUL and other control characters, surrogates excluded (the API
# refuses a request holding one before any validator runs), combining marks, whitespace of every
# kind, very long runs.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=300) | st.text(
    st.sampled_from("aA0 -_.@\x00\n\t\u00a0\u2028ß²٣İ"), max_size=300
)


def passes_or_refuses(check: Callable[[], T], field: str | set[str]) -> T | None:
    """The result of `check`, or None when it raised InvalidInput naming `field`."""
    try:
        return check()
    except InvalidInput as refused:
        fields = {field} if isinstance(field, str) else field
        assert refused.field in fields
        assert refused.message
        return None


# --- incidents ----------------------------------------------------------------------------------


@PROPERTIES
@given(TEXT)
def test_normalise_registration_keeps_only_what_identifies_a_vehicle(registration: str) -> None:
    normalised = incidents.normalise_registration(registration)
    assert not re.search(r"[\s-]", normalised)
    assert normalised == normalised.upper()
    assert incidents.normalise_registration(normalised) == normalised


AROUND_NOW = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.none() | st.just(UTC)
) | st.timedeltas(min_value=timedelta(days=-400), max_value=timedelta(days=1)).map(
    lambda offset: datetime.now(UTC) + offset
)


@PROPERTIES
@given(
    client_id=st.uuids().map(str) | TEXT,
    kind=st.sampled_from(IncidentKind),
    occurred_at=AROUND_NOW,
    description=TEXT,
    value_stolen_pence=st.none() | st.integers(min_value=-(2**31), max_value=2**31 - 1),
    police_reference=st.none() | TEXT,
    injury=st.none() | st.booleans(),
    vehicle_registration=st.none() | TEXT,
)
@example(
    client_id=str(uuid.uuid4()),
    kind=IncidentKind.THEFT,
    occurred_at=datetime.now(UTC),
    description="Took \x00 razor blades",
    value_stolen_pence=None,
    police_reference="CAD\x00123",
    injury=None,
    vehicle_registration=None,
)
def test_validate_report_passes_only_storable_reports(
    client_id: str,
    kind: IncidentKind,
    occurred_at: datetime,
    description: str,
    value_stolen_pence: int | None,
    police_reference: str | None,
    injury: bool | None,
    vehicle_registration: str | None,
) -> None:
    fields = {
        "clientId",
        "occurredAt",
        "description",
        "valueStolenPence",
        "policeReference",
        "vehicleRegistration",
    }
    report = passes_or_refuses(
        lambda: incidents.validate_report(
            client_id,
            kind,
            occurred_at,
            description,
            value_stolen_pence,
            police_reference,
            injury,
            vehicle_registration,
        ),
        fields,
    )
    if report is None:
        return
    assert report.occurred_at.tzinfo is not None
    assert report.occurred_at <= datetime.now(UTC) + incidents.MAX_FUTURE
    assert report.occurred_at >= datetime.now(UTC) - incidents.MAX_PAST - timedelta(minutes=1)
    assert report.description == report.description.strip()
    assert 1 <= len(report.description) <= incidents.MAX_DESCRIPTION
    # PostgreSQL cannot store NUL in text: nothing that passes may carry one.
    for text in (report.description, report.police_reference or "", report.vehicle_registration or ""):
        assert "\x00" not in text
    if report.value_stolen_pence is not None:
        assert 0 <= report.value_stolen_pence <= incidents.MAX_VALUE_PENCE
    if report.police_reference is not None:
        assert 1 <= len(report.police_reference) <= incidents.MAX_POLICE_REFERENCE
    if report.vehicle_registration is not None:
        assert re.fullmatch(r"[A-Z0-9]{1,12}", report.vehicle_registration)


# --- offenders ----------------------------------------------------------------------------------


@PROPERTIES
@given(TEXT)
def test_offender_display_name(value: str) -> None:
    name = passes_or_refuses(lambda: gallery.check_display_name(value), "displayName")
    if name is not None:
        assert name == name.strip()
        assert 1 <= len(name) <= gallery.MAX_DISPLAY_NAME
        assert "\x00" not in name


@PROPERTIES
@given(TEXT)
def test_offender_description(value: str) -> None:
    description = passes_or_refuses(lambda: gallery.check_description(value), "description")
    if description is not None:
        assert description == description.strip()
        assert len(description) <= gallery.MAX_DESCRIPTION
        assert "\x00" not in description


@PROPERTIES
@given(starts_on=st.dates(), ends_on=st.none() | st.dates(), reason=TEXT)
@example(starts_on=date(9999, 6, 1), ends_on=None, reason="Theft")
@example(starts_on=date(9998, 6, 1), ends_on=date(9999, 1, 1), reason="Theft")
def test_validate_exclusion(starts_on: date, ends_on: date | None, reason: str) -> None:
    notice = passes_or_refuses(
        lambda: exclusions.validate_exclusion(starts_on, ends_on, reason), {"startsOn", "endsOn", "reason"}
    )
    if notice is None:
        return
    assert notice.starts_on == starts_on
    assert notice.starts_on < notice.ends_on <= exclusions.add_months(starts_on, exclusions.MAX_MONTHS)
    assert notice.ends_on >= exclusions.today()
    if ends_on is None:
        assert notice.ends_on == exclusions.add_months(starts_on, exclusions.TYPICAL_MONTHS)
    assert 1 <= len(notice.reason) <= exclusions.MAX_REASON
    assert notice.reason == notice.reason.strip()
    assert "\x00" not in notice.reason


# --- accounts -----------------------------------------------------------------------------------


@PROPERTIES
@given(TEXT | st.emails())
def test_normalise_email(value: str) -> None:
    email = passes_or_refuses(lambda: accounts.normalise_email(value), "email")
    if email is not None:
        assert email == email.strip().lower()
        assert len(email) <= 320
        local, _, domain = email.partition("@")
        assert local and "." in domain and "@" not in domain
        assert not re.search(r"[\s\x00-\x1f\x7f]", email)


@PROPERTIES
@given(TEXT | st.text(min_size=250, max_size=260))
def test_check_password(value: str) -> None:
    result = passes_or_refuses(lambda: accounts.check_password(value) or value, "password")
    if result is not None:
        assert accounts.MIN_PASSWORD_LENGTH <= len(value) <= accounts.MAX_PASSWORD_LENGTH


@PROPERTIES
@given(TEXT)
def test_check_name(value: str) -> None:
    name = passes_or_refuses(lambda: accounts.check_name(value), "name")
    if name is not None:
        assert name == name.strip()
        assert 1 <= len(name) <= 200
        assert "\x00" not in name


@PROPERTIES
@given(TEXT)
def test_lookup_email_never_fails_and_is_storable(value: str) -> None:
    key = accounts.lookup_email(value)
    assert "\x00" not in key
    assert len(key) <= 320


# --- places -------------------------------------------------------------------------------------

POSTCODE_LIKE = st.from_regex(r"[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}", fullmatch=True)


@PROPERTIES
@given(TEXT | POSTCODE_LIKE)
def test_normalise_postcode(value: str) -> None:
    postcode = passes_or_refuses(lambda: places.normalise_postcode(value), "postcode")
    if postcode is not None:
        assert re.fullmatch(r"[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}", postcode)
        assert places.normalise_postcode(postcode) == postcode


SLUG_LIKE = st.from_regex(r"[a-zA-Z0-9][a-zA-Z0-9-]{0,70}", fullmatch=True)


@PROPERTIES
@given(TEXT | SLUG_LIKE)
def test_slug_rule(value: str) -> None:
    # create_bid checks the slug before touching the database; this is the rule it applies.
    slug = value.strip().lower()
    if places._SLUG.match(slug):
        assert re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?", slug)
        assert len(slug) <= 64


# --- opaque IDs ---------------------------------------------------------------------------------

KINDS = st.sampled_from(["Bid", "Shop", "Incident", "Offender", "User"])


@PROPERTIES
@given(kind=KINDS, value=TEXT | st.binary(max_size=40).map(lambda raw: encode_id("", 0) + raw.hex()))
@example(kind="Bid", value=encode_id("Bid", 1).replace("MQ", "wrI"))
def test_decode_id_of_anything(kind: str, value: str) -> None:
    # Any string: a primary key or None, never an exception; a key found encodes back to the same ID.
    pk = decode_id(kind, value)
    if pk is not None:
        assert 0 <= pk < 10**18
        assert decode_id(kind, encode_id(kind, pk)) == pk


@PROPERTIES
@given(kind=KINDS, raw=st.binary(max_size=40) | TEXT.map(str.encode))
def test_decode_id_of_any_decoded_bytes(kind: str, raw: bytes) -> None:
    import base64

    pk = decode_id(kind, base64.urlsafe_b64encode(kind.encode() + b":" + raw).decode().rstrip("="))
    if pk is not None:
        assert raw.decode() == str(pk) or raw.decode().lstrip("0") == str(pk).lstrip("0")


@PROPERTIES
@given(kind=KINDS, pk=st.integers(min_value=0, max_value=10**18 - 1))
def test_ids_round_trip(kind: str, pk: int) -> None:
    assert decode_id(kind, encode_id(kind, pk)) == pk

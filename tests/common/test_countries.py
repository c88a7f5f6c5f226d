"""One ISO 3166-1 alpha-3 type for every service: trimmed, upper-cased, checked."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from services.common.countries import CountryCode, is_alpha3

COUNTRY = TypeAdapter(CountryCode)


@pytest.mark.parametrize("given", ["SEN", "sen", " Sen "])
def test_a_country_code_is_stored_upper_case(given: str) -> None:
    assert COUNTRY.validate_python(given) == "SEN"


@pytest.mark.parametrize("given", ["XXX", "SN", "SENE", "S3N", ""])
def test_an_unassigned_or_malformed_code_is_refused(given: str) -> None:
    with pytest.raises(ValidationError):
        COUNTRY.validate_python(given)


def test_is_alpha3_takes_the_code_as_written() -> None:
    assert is_alpha3("SEN")
    assert not is_alpha3("sen")
    assert not is_alpha3("XXX")

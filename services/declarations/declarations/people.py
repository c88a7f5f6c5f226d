"""The people who hand in materiel in a DDR collection, by sex and age group."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

PeopleCount = Annotated[int, Field(ge=0, le=10_000_000)]


class PeopleHandingIn(BaseModel):
    """How many people handed in the materiel of a DDR collection, by sex and age group
    (the Secretary-General's sex- and age-disaggregated data, S/2017/1025 para. 31).

    The age line is 18, the one the DDR standards draw between children and adults (IDDRS
    5.20, Children and DDR, after the Convention on the Rights of the Child). The youth
    of IDDRS 5.30 (15 to 24 in United Nations usage, 15 to 35 under the African Youth
    Charter; check) straddle that line, so the standards give no finer partition to
    record instead. A figure left out was not recorded; ``sex_or_age_unknown`` counts
    people whose sex or age was not recorded, so that the total is whole.
    """

    model_config = ConfigDict(extra="forbid")

    female_under_18: PeopleCount | None = None
    female_18_and_over: PeopleCount | None = None
    male_under_18: PeopleCount | None = None
    male_18_and_over: PeopleCount | None = None
    sex_or_age_unknown: PeopleCount | None = None

    @model_validator(mode="after")
    def _some_figure(self) -> PeopleHandingIn:
        if all(value is None for value in self.model_dump().values()):
            raise ValueError("give at least one figure, or leave people out")
        return self

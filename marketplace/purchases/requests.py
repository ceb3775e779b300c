"""Request parts every kind of purchase accepts the same way."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from marketplace.input_bounds import Text


class AddressIn(BaseModel):
    """Where a travelling service goes or an order is delivered."""

    model_config = ConfigDict(extra="forbid")
    lat: float
    lng: float
    text: Annotated[Text, Field(max_length=200)] = ""

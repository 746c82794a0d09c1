"""Result of ``Document.inspect_collection`` (Beanie's ``InspectionResult``)."""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class InspectionStatuses(str, Enum):
    """Whether every stored document validated."""

    FAIL = "FAIL"
    OK = "OK"


class InspectionError(BaseModel):
    """One stored document that does not validate against the model."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    document_id: Any
    error: str


class InspectionResult(BaseModel):
    """Outcome of ``inspect_collection``.

    Example:
        >>> InspectionResult().status
        <InspectionStatuses.OK: 'OK'>

    """

    status: InspectionStatuses = InspectionStatuses.OK
    errors: list[InspectionError] = Field(default_factory=list)

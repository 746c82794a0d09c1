"""Model families used by the ODM tests, built once per API flavour (async / sync)."""

import datetime
import enum
from types import SimpleNamespace
from typing import Any
from uuid import UUID, uuid4

from data_bridge import (
    After,
    Before,
    DecimalAnnotation,
    Delete,
    Indexed,
    Insert,
    Replace,
    Save,
    SaveChanges,
    Update,
    ValidateOnSave,
    after_event,
    before_event,
)
from pydantic import BaseModel, Field, field_validator


class Color(str, enum.Enum):
    RED = "red"
    BLUE = "blue"


class Address(BaseModel):
    city: str
    zip: str = ""


class Projection(BaseModel):
    name: str
    age: int


class Renamed(BaseModel):
    """A projection model with a server-side projection (Settings.projection)."""

    name: str
    years: int

    class Settings:
        projection = {"name": 1, "years": "$age"}  # noqa: RUF012 - Beanie settings


def build(base: type, suffix: str) -> SimpleNamespace:
    """Every test model, subclassing ``base`` (async or sync Document), collections suffixed."""

    class User(base):
        name: Indexed(str)
        email: str | None = None
        age: int = 0
        score: float = 0.0
        active: bool = True
        created: datetime.datetime | None = None
        tags: list[str] = Field(default_factory=list)
        address: Address | None = None
        addresses: list[Address] = Field(default_factory=list)
        meta: dict[str, Any] = Field(default_factory=dict)
        price: DecimalAnnotation | None = None
        color: Color | None = None

        class Settings:
            name = f"users_{suffix}"
            indexes = [[("age", -1), ("name", 1)]]  # noqa: RUF012 - Beanie settings

    class Revisioned(base):
        name: str
        n: int = 0

        class Settings:
            name = f"revisioned_{suffix}"
            use_revision = True

    class NoNulls(base):
        name: str
        note: str | None = None

        class Settings:
            name = f"no_nulls_{suffix}"
            keep_nulls = False

    class Previous(base):
        name: str
        n: int = 0

        class Settings:
            name = f"previous_{suffix}"
            state_management_save_previous = True
            state_management_replace_objects = True

    class Hooked(base):
        name: str
        log: list[str] = Field(default_factory=list)

        class Settings:
            name = f"hooked_{suffix}"

        @before_event(Insert, Replace, Save, SaveChanges, Update, Delete)
        def before_sync(self) -> None:
            self.log = [*self.log, "before"]

        @after_event(Insert, Replace, Save, SaveChanges, Update, Delete)
        async def after_async(self) -> None:
            self.log = [*self.log, "after"]

        @before_event(ValidateOnSave)
        def validating(self) -> None:
            self.log = [*self.log, "validate"]

    class Validated(base):
        name: str
        age: int = 0

        class Settings:
            name = f"validated_{suffix}"
            validate_on_save = True

        @field_validator("name")
        @classmethod
        def strip_name(cls, value: str) -> str:
            return value.strip()

    class IntId(base):
        id: int  # type: ignore[assignment]
        name: str

        class Settings:
            name = f"int_id_{suffix}"

    class UuidId(base):
        id: UUID = Field(default_factory=uuid4)  # type: ignore[assignment]
        name: str

        class Settings:
            name = f"uuid_id_{suffix}"

    class Unique(base):
        email: Indexed(str, unique=True)

        class Settings:
            name = f"unique_{suffix}"

    return SimpleNamespace(
        User=User,
        Revisioned=Revisioned,
        NoNulls=NoNulls,
        Previous=Previous,
        Hooked=Hooked,
        Validated=Validated,
        IntId=IntId,
        UuidId=UuidId,
        Unique=Unique,
        all=[User, Revisioned, NoNulls, Previous, Hooked, Validated, IntId, UuidId, Unique],
    )


__all__ = ["After", "Before", "Projection", "build"]

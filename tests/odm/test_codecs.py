"""The per-field decoding plans (``odm/codecs.py``) validate a field as its model would.

A model's own ``model_config`` applies to its fields' converters: ``arbitrary_types_allowed``
lets a ``bson.Regex`` field exist at all (Beanie's ``BsonRegexDoc``), and value settings such as
``str_to_upper`` apply to what is read back, as they do when pydantic validates the document.
"""

from __future__ import annotations

import datetime as dt

import pymongo
import pytest
from bson import Regex
from data_bridge import Document, init
from pydantic import ConfigDict, Field, RootModel


class RegexDoc(Document):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    regex: Regex | None = None
    patterns: list[Regex] = []  # noqa: RUF012

    class Settings:
        name = "codecs_regex"


class Shouting(Document):
    model_config = ConfigDict(str_to_upper=True)

    words: list[str]
    by_key: dict[str, str]

    class Settings:
        name = "codecs_shouting"


class Tags(RootModel[list[int]]):
    def __iter__(self):  # as in Beanie's suite: iterating yields the items, not (key, value)
        return iter(self.root)


class WithRoots(Document):
    pets: RootModel[list[str]]
    tags: Tags = Field(default_factory=lambda: Tags([]))

    class Settings:
        name = "codecs_roots"


class Encoded(Document):
    when: dt.datetime
    maybe: dt.datetime | None = None

    class Settings:
        name = "codecs_encoded"
        bson_encoders = {dt.datetime: lambda value: value.isoformat()}  # noqa: RUF012


@pytest.fixture
async def models(mongodb_uri: str, db_name: str, raw: pymongo.database.Database) -> None:
    await init(
        database=db_name,
        connection_string=mongodb_uri,
        document_models=[RegexDoc, Shouting, WithRoots, Encoded],
    )
    raw[RegexDoc.get_collection_name()].delete_many({})
    raw[Shouting.get_collection_name()].delete_many({})
    raw[WithRoots.get_collection_name()].delete_many({})
    raw[Encoded.get_collection_name()].delete_many({})


@pytest.fixture
def raw(pymongo_client: pymongo.MongoClient, db_name: str) -> pymongo.database.Database:
    return pymongo_client[db_name]


async def test_arbitrary_types_allowed_field_round_trips(models: None) -> None:
    doc = RegexDoc(regex=Regex("^a.*", "i"), patterns=[Regex("b+"), Regex("c", "m")])
    await doc.insert()

    found = await RegexDoc.get(doc.id)

    assert found is not None
    assert isinstance(found.regex, Regex)
    assert (found.regex.pattern, found.regex.flags) == ("^a.*", Regex("", "i").flags)
    assert [(p.pattern, p.flags) for p in found.patterns] == [
        ("b+", 0),
        ("c", Regex("", "m").flags),
    ]


async def test_model_config_applies_to_values_read_back(
    models: None, raw: pymongo.database.Database
) -> None:
    stored = {"words": ["a", "b"], "by_key": {"k": "v"}}
    raw[Shouting.get_collection_name()].insert_one(dict(stored))

    [found] = await Shouting.find_all().to_list()

    assert found.words == ["A", "B"]
    assert found.by_key == {"K": "V"}  # pydantic applies str_to_upper to keys too
    validated = Shouting.model_validate(stored)
    assert (found.words, found.by_key) == (validated.words, validated.by_key)


async def test_root_model_fields_are_stored_and_read_as_their_root(
    models: None, raw: pymongo.database.Database
) -> None:
    doc = await WithRoots(pets=["dog", "cat"], tags=Tags([1, 2])).insert()
    doc.tags.root.append(3)
    await doc.save()

    stored = raw[WithRoots.get_collection_name()].find_one({"_id": doc.id})
    found = await WithRoots.get(doc.id)

    assert stored is not None
    assert (stored["pets"], stored["tags"]) == (["dog", "cat"], [1, 2, 3])
    assert found is not None
    assert found.pets.root == ["dog", "cat"]
    assert isinstance(found.tags, Tags)
    assert found.tags.root == [1, 2, 3]


async def test_fields_written_by_bson_encoders_read_back_into_their_type(
    models: None, raw: pymongo.database.Database
) -> None:
    when = dt.datetime(2025, 1, 2, 3, 4, 5, 600000)
    doc = await Encoded(when=when, maybe=when).insert()

    stored = raw[Encoded.get_collection_name()].find_one({"_id": doc.id})
    found = await Encoded.get(doc.id)
    [listed] = await Encoded.find_all().to_list()

    assert stored is not None
    assert stored["when"] == when.isoformat()  # written by the encoder, as text
    assert found is not None
    assert (found.when, found.maybe) == (when, when)
    assert listed.when == when

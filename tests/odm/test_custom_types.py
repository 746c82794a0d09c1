"""Field types from ``data_bridge.odm.custom_types`` (Beanie's ``beanie.odm.custom_types``)."""

from __future__ import annotations

import pymongo
import pytest
from bson import Binary
from data_bridge import BsonBinary, Document, init
from pydantic import BaseModel, ValidationError


class Blob(Document):
    data: BsonBinary
    parts: list[BsonBinary] = []  # noqa: RUF012

    class Settings:
        name = "custom_types_blob"


@pytest.fixture
async def blobs(mongodb_uri: str, db_name: str, pymongo_client: pymongo.MongoClient) -> None:
    await init(database=db_name, connection_string=mongodb_uri, document_models=[Blob])
    pymongo_client[db_name][Blob.get_collection_name()].delete_many({})


@pytest.mark.parametrize("value", [b"\x00ab", Binary(b"\x00ab"), bytearray(b"\x00ab")])
async def test_bson_binary_field_round_trips(blobs: None, value: object) -> None:
    doc = Blob(data=value, parts=[value, Binary(b"x", 5)])
    assert doc.data == Binary(b"\x00ab")
    assert isinstance(doc.data, Binary)
    await doc.insert()

    found = await Blob.get(doc.id)

    assert found is not None
    assert found.data == Binary(b"\x00ab")
    assert isinstance(found.data, Binary)
    assert found.parts == [Binary(b"\x00ab"), Binary(b"x", 5)]
    assert found.parts[1].subtype == 5


def test_bson_binary_validates_and_serialises() -> None:
    class Plain(BaseModel):
        data: BsonBinary

    assert BsonBinary(b"ab") == Binary(b"ab")  # the alias is callable, as Beanie's
    assert Plain(data=b"ab").model_dump() == {"data": Binary(b"ab")}
    assert Plain(data=b"ab").model_dump_json() == '{"data":"6162"}'
    assert Plain.model_json_schema()["properties"]["data"]["type"] == "string"
    with pytest.raises(ValidationError, match=r"expected bytes or bson\.Binary, got str"):
        Plain(data="ab")


def test_object_id_fields_share_one_json_schema_definition() -> None:
    from data_bridge import PydanticObjectId

    class Ref(Document):
        other: PydanticObjectId

    schema = Ref.model_json_schema()

    assert schema["properties"]["other"] == {"$ref": "#/$defs/PydanticObjectId"}
    assert schema["properties"]["_id"]["anyOf"][0] == {"$ref": "#/$defs/PydanticObjectId"}
    assert schema["$defs"]["PydanticObjectId"]["pattern"] == "^[0-9a-f]{24}$"

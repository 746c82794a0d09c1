"""Server traits: a construct the connected server answers with nothing raises instead.

The Python SecantusDB server matches no document on a DBRef's ``$id`` path, so a ``fetch_links``
filter on a linked field would come back empty there, and so would back links. Each test first
shows the gap is real on that server (through pymongo), then that data-bridge refuses the query
with ``NotSupportedByServer`` naming the construct and the server, and that the same query gives
the right answer on the suite's own server where it has no such gap.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import data_bridge.sync
import pymongo
import pytest
from data_bridge.embedded import EmbeddedServer, ServerNotInstalled, find_server_binary
from data_bridge.errors import NotSupportedByServer
from data_bridge.server import DBREF_ID_PATH, LOOKUP_THROUGH_ARRAY, ServerTraits
from pydantic import Field


def test_build_info_of_each_server_kind() -> None:
    mongod = ServerTraits.from_build_info({"version": "7.0.12"})
    assert (mongod.description, mongod.gaps) == ("the server (MongoDB 7.0.12)", frozenset())
    python = ServerTraits.from_build_info({"version": "8.2.11", "secantusVersion": "0.7.0b3"})
    assert python.gaps == {DBREF_ID_PATH, LOOKUP_THROUGH_ARRAY}
    rust = ServerTraits.from_build_info(
        {"secantusVersion": "0.5.3-beta.196", "buildEnvironment": {"cc": "rustc"}}
    )
    assert (rust.description, rust.gaps) == ("secantusd-rs 0.5.3-beta.196", {LOOKUP_THROUGH_ARRAY})
    mongod.require(DBREF_ID_PATH, "anything")  # no gap: nothing raised
    with pytest.raises(NotSupportedByServer, match=r"'x\.\$id'.*Python SecantusDB server 0\.7"):
        python.require(DBREF_ID_PATH, "a lookup on 'x.$id'")


class Book(data_bridge.sync.Document):
    title: str
    author: data_bridge.Link[Author]

    class Settings:
        name = "traits_books"


class Author(data_bridge.sync.Document):
    name: str
    books: list[data_bridge.BackLink[Book]] = Field(
        default=None, json_schema_extra={"original_field": "author"}
    )

    class Settings:
        name = "traits_authors"


def _seed(uri: str, database: str) -> None:
    data_bridge.sync.init(
        connection_string=f"{uri.rstrip('/')}/{database}", document_models=[Author, Book]
    )
    ada = Author(name="Ada").insert()
    Book(title="Notes", author=ada).insert()  # type: ignore[arg-type]


def _dbref_id_path_matches(uri: str, database: str) -> bool:
    client: pymongo.MongoClient[Any] = pymongo.MongoClient(uri)
    try:
        books = client[database][Book.get_collection_name()]
        (book,) = books.find()
        return books.count_documents({"author.$id": book["author"].id}) == 1
    finally:
        client.close()


def test_the_suite_server_answers_link_filters(mongodb_uri: str) -> None:
    database = f"t_traits_{uuid.uuid4().hex[:8]}"
    _seed(mongodb_uri, database)
    traits = Book._db_binding().server
    if DBREF_ID_PATH in traits.gaps:
        pytest.skip(f"the suite runs on {traits.description}, which has the gap itself")
    assert _dbref_id_path_matches(mongodb_uri, database)
    found = Book.find(Book.author.name == "Ada", fetch_links=True).to_list()  # type: ignore[attr-defined]
    assert [b.title for b in found] == ["Notes"]
    (ada,) = Author.find_all(fetch_links=True).to_list()
    assert [b.title for b in ada.books] == ["Notes"]


@pytest.fixture(scope="module")
def python_server() -> Iterator[str]:
    try:
        binary = find_server_binary(prefer="python")
    except ServerNotInstalled as missing:
        pytest.skip(f"no Python SecantusDB server installed: {missing}")
    if binary.kind != "python":
        pytest.skip("no Python SecantusDB server installed (secantusd-py)")
    with EmbeddedServer(prefer="python") as server:
        yield server.uri


def test_python_server_refuses_instead_of_answering_empty(python_server: str) -> None:
    database = "traits"
    _seed(python_server, database)
    assert not _dbref_id_path_matches(python_server, database), "the gap is gone: update traits"
    assert "Python SecantusDB" in Book._db_binding().server.description
    with pytest.raises(NotSupportedByServer, match=r"Book\.author.*'author\.\$id'.*secantusd-rs"):
        Book.find(Book.author.name == "Ada", fetch_links=True).to_list()  # type: ignore[attr-defined]
    with pytest.raises(NotSupportedByServer, match=r"back links Author\.books"):
        Author.find_all(fetch_links=True).to_list()

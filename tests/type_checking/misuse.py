"""Misuses a type checker must reject: each line ending in an ``E:`` comment is an error.

Checked by ``test_typing.py``, never run.
"""

from __future__ import annotations

from data_bridge import Document, expr, sync
from pydantic import Field


class Post(Document):
    title: str
    views: int = 0
    tags: list[str] = Field(default_factory=list)


class Note(sync.Document):
    text: str


async def misuse() -> None:
    expr(Post.title).size(2)  # E: size
    expr(Post.tags).startswith("a")  # E: startswith
    expr(Post.tags).contains(3)  # E: contains
    expr(Post.views).contains(1)  # E: contains
    posts: list[Post] = Post.find().to_list()  # E: Coroutine
    notes: list[int] = Note.find().to_list()  # E: Note
    del posts, notes

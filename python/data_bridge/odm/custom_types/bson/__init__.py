"""BSON value types as pydantic field types (``beanie.odm.custom_types.bson``)."""

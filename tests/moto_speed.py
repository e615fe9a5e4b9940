"""moto 5.0.28's DynamoDB made faster where it is needlessly slow, with the same answers.

- A Query deep-copies every item it returns, and UpdateItem and TransactWriteItems deep-copy
  items and tables, through copy.deepcopy's generic path; and making or copying an item adds its
  attributes one by one, each re-measuring the whole item against the 400 KB limit. Here an
  item and its typed values copy themselves directly (the copy is equal and shares nothing), and
  a new or copied item is measured once, whole (sizes only add up, so it is refused exactly when
  moto's own check would refuse it).
- TransactWriteItems deep-copies every table to roll back on failure, its stream with it: every
  record the test's writes made so far. A stream record never changes once written, so the copy
  of the stream's list shares them.
- A Query with a ProjectionExpression turns the whole item into plain JSON once per projected
  attribute (Item.project); the board names 18. Here the item is converted once.

And one difference made on purpose: numbers are kept as DynamoDB keeps them, leading and
trailing zeroes trimmed (150.00 is stored and answered as 150, 75.50 as 75.5), where moto keeps
the string as written. So every test reads numbers back the way the app will on AWS.

Imported by conftest.py before any test runs; without it the suite is about twice as slow."""

from __future__ import annotations

from typing import Any

from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models import dynamo_type
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
from moto.dynamodb.models.table import StreamRecord
from moto.dynamodb.models.utilities import bytesize, find_nested_key

from bench.weights import dynamodb_number  # DynamoDB's trimming, as the bench reads it too

ITEM_LIMIT = 405000  # moto's own figure (LimitedSizeDict)


_dynamo_type_init = DynamoType.__init__


def _typed_init(self: DynamoType, type_as_dict: Any) -> None:
    _dynamo_type_init(self, type_as_dict)
    if self.type == "N" and isinstance(self.value, str):
        self.value = dynamodb_number(self.value)
    elif self.type == "NS" and isinstance(self.value, list):
        self.value = [dynamodb_number(v) for v in self.value]


def _copy_value(value: DynamoType) -> DynamoType:
    clone = object.__new__(DynamoType)
    clone.__dict__.update(value.__dict__)
    if value.is_map():
        clone.value = {k: _copy_value(v) for k, v in value.value.items()}
    elif value.is_list():
        clone.value = [_copy_value(v) for v in value.value]
    elif isinstance(value.value, list | set | dict):  # string, number and binary sets
        clone.value = type(value.value)(value.value)
    return clone


def _measured(typed: dict[str, DynamoType]) -> LimitedSizeDict:
    """The attributes as moto keeps them, measured once, whole, against its limit (moto adds
    them one by one, re-measuring each time; sizes only add up, so both refuse the same items)."""
    if sum(bytesize(key) + value.size() for key, value in typed.items()) > ITEM_LIMIT:
        raise ItemSizeTooLarge
    attrs = LimitedSizeDict()
    dict.update(attrs, typed)
    return attrs


def _copy_item(item: Item, memo: dict[int, Any]) -> Item:
    clone = object.__new__(type(item))
    clone.__dict__.update(item.__dict__)
    clone.hash_key = _copy_value(item.hash_key)
    clone.range_key = None if item.range_key is None else _copy_value(item.range_key)
    # moto's own copy rebuilds the attributes through LimitedSizeDict and so refuses an item an
    # update grew past the limit (a nested SET is not measured when it is made): so does this.
    clone.attrs = _measured({k: _copy_value(v) for k, v in item.attrs.items()})
    return clone


def _item_init(
    self: Item, hash_key: DynamoType, range_key: DynamoType | None, attrs: dict[str, Any]
) -> None:
    self.hash_key = hash_key
    self.range_key = range_key
    self.attrs = _measured({key: DynamoType(value) for key, value in attrs.items()})


def _project(self: Item, projection_expressions: list[list[str]]) -> Item:
    result: dict[str, Any] = {}
    plain = self.to_regular_json()  # once, not once per expression
    for expr in projection_expressions:
        dynamo_type.merge_dicts(result, find_nested_key(expr, plain))
    return Item(
        hash_key=self.hash_key,
        range_key=self.range_key,
        attrs=dynamo_type.serializer.serialize(result)["M"],
    )


DynamoType.__init__ = _typed_init  # type: ignore[method-assign]
DynamoType.__deepcopy__ = lambda self, memo: _copy_value(self)  # type: ignore[attr-defined]
Item.__deepcopy__ = _copy_item  # type: ignore[attr-defined]
Item.__init__ = _item_init  # type: ignore[method-assign]
Item.project = _project  # type: ignore[method-assign]
StreamRecord.__deepcopy__ = lambda self, memo: self  # type: ignore[attr-defined]

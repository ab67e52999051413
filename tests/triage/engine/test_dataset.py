from __future__ import annotations

import re
from pathlib import Path

import pytest

from triage.engine.dataset import Example, fingerprint, read_examples

HEADER = "title,body,label,split\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "examples.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_keys_and_chinese_labels_and_multiline_bodies(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER + '电梯坏了,"一号楼电梯停了\n三天",城乡建设,train\n'
        "公交太少, 等车要一小时 ,transport,test\n"
        "只有标题的留言,,environment,train\n",
    )
    assert read_examples(path) == [
        Example("电梯坏了", "一号楼电梯停了\n三天", "housing_urban"),
        Example("公交太少", "等车要一小时", "transport"),
        Example("只有标题的留言", "", "environment"),
    ]


def test_split_keeps_only_matching_rows(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "甲,一,transport,train\n乙,二,transport,test\n丙,三,环境保护,train\n")
    assert [e.title for e in read_examples(path, "train")] == ["甲", "丙"]
    assert [e.title for e in read_examples(path, "test")] == ["乙"]


def test_extra_columns_are_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, "title,body,label,misconduct,accused_party_member\n甲,一,transport,1,yes\n")
    assert read_examples(path) == [Example("甲", "一", "transport")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title,body\n甲,一\n", "missing column(s) label"),
        (HEADER + "甲,一,transport,train\n乙,二,城建,train\n", "row 2: unknown category '城建'"),
        (HEADER + "甲,一,transport,train\n乙,二,,train\n", "row 2: empty label"),
        (HEADER + ",,transport,train\n", "row 1: both title and body are empty"),
        (HEADER + "甲,一,transport,train,extra\n", "row 1 has more fields than the header"),
    ],
)
def test_bad_rows_name_the_row(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        read_examples(write(tmp_path, text))


def test_asking_for_a_split_without_a_split_column_fails(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no split column"):
        read_examples(write(tmp_path, "title,body,label\n甲,一,transport\n"), "train")


def test_fingerprint_ignores_order_but_not_content() -> None:
    first = Example("甲", "一", "transport")
    second = Example("乙", "二", "environment")
    assert fingerprint([first, second]) == fingerprint([second, first])
    assert fingerprint([first, second]) != fingerprint([first, Example("乙", "二", "transport")])
    assert fingerprint([first]) != fingerprint([first, first])
    assert len(fingerprint([first])) == 64

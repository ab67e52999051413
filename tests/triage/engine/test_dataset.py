from __future__ import annotations

import re
from pathlib import Path

import pytest

from triage.engine.dataset import (
    MAX_FIELD_CHARS,
    Example,
    check_trainable,
    fingerprint,
    read_examples,
    read_rows,
)

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


def test_a_gbk_file_names_the_line_and_how_to_convert_it(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes((HEADER + "甲,一,transport,train\n公交太少,等车要一小时,交通运输,train\n").encode("gbk"))
    with pytest.raises(ValueError, match="is not UTF-8") as raised:
        read_examples(path)
    message = str(raised.value)
    assert "\n" not in message
    assert str(path) in message
    assert "line 2 is not UTF-8" in message
    assert "iconv -f GB18030 -t UTF-8" in message


def test_a_file_in_no_known_encoding_is_asked_for_in_utf8(tmp_path: Path) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(HEADER.encode() + b"\xff\xfe\xff,x,transport,train\n")
    with pytest.raises(ValueError, match=r"line 2 is not UTF-8 .*save it as UTF-8"):
        read_examples(path)


def test_an_unclosed_quote_names_the_row_and_the_fix(tmp_path: Path) -> None:
    # The quote opened in row 2 swallows the rest of the file into one field, past csv's field limit.
    text = HEADER + '甲,一,transport,train\n乙,"二' + "很长的正文" * 30_000 + "\n丙,三,transport,train\n"
    with pytest.raises(ValueError, match="row 2") as raised:
        read_examples(write(tmp_path, text))
    message = str(raised.value)
    assert "\n" not in message
    assert "close the quote" in message


def test_a_field_longer_than_any_complaint_is_refused(tmp_path: Path) -> None:
    text = HEADER + "甲,一,transport,train\n乙," + "长" * (MAX_FIELD_CHARS + 1) + ",transport,train\n"
    with pytest.raises(ValueError, match=rf"row 2: the body has {MAX_FIELD_CHARS + 1} characters"):
        read_examples(write(tmp_path, text))


def test_rows_keep_their_number_and_split(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "甲,一,transport,train\n乙,二,transport,test\n")
    assert [(row.row, row.split) for row in read_rows(path)] == [(1, "train"), (2, "test")]


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ([], "no examples"),
        (
            ["transport", "transport"],
            "every row is labelled transport: training needs at least two categories",
        ),
        (["transport", "transport", "environment"], "fewer than two distinct complaints for environment"),
    ],
)
def test_untrainable_examples_say_why(labels: list[str], message: str) -> None:
    examples = [Example(f"标题{number}", "正文", label) for number, label in enumerate(labels)]
    with pytest.raises(ValueError, match=re.escape(f"data.csv: {message}")):
        check_trainable(examples, "data.csv")

from __future__ import annotations

import pickle
from concurrent.futures import ThreadPoolExecutor

import jieba

from triage.engine.tokenizer import STOP_WORDS, USER_DICT, Tokenizer, read_word_list

# A made-up term that jieba's own dictionary cuts into pieces.
INVENTED_TERM = "火警速办窗"


def test_user_words_stay_whole() -> None:
    text = f"请把{INVENTED_TERM}开到晚上"
    assert INVENTED_TERM not in Tokenizer().tokenize(text)
    assert INVENTED_TERM in Tokenizer(user_words=[INVENTED_TERM]).tokenize(text)


def test_project_dictionary_keeps_complaint_terms_whole() -> None:
    tokens = Tokenizer.default().tokenize("村支书吃拿卡要，棚户区改造的安置房迟迟不交付，工地噪音扰民。")
    for term in ("村支书", "吃拿卡要", "棚户区改造", "安置房", "噪音扰民"):
        assert term in tokens


def test_stop_words_punctuation_and_space_are_dropped_and_latin_lower_cased() -> None:
    tokens = Tokenizer(stop_words=["的", "了"]).tokenize("我的 电梯 坏了！！ Bus Stop…")
    assert tokens == ["我", "电梯", "坏", "bus", "stop"]


def test_resource_files_are_word_lists() -> None:
    user_words = read_word_list(USER_DICT)
    stop_words = read_word_list(STOP_WORDS)
    assert len(user_words) > 200
    assert "的" in stop_words
    assert not any(word.startswith("#") or " " in word for word in user_words + stop_words)


def test_the_global_jieba_segmenter_is_not_changed() -> None:
    Tokenizer(user_words=[INVENTED_TERM]).tokenize(INVENTED_TERM)
    assert INVENTED_TERM not in jieba.lcut(f"请把{INVENTED_TERM}开到晚上")


def test_pickled_tokenizer_keeps_its_word_lists() -> None:
    tokenizer = Tokenizer(user_words=[INVENTED_TERM], stop_words=["请"])
    restored = pickle.loads(pickle.dumps(tokenizer))  # noqa: S301 - an object this test made
    assert restored.tokenize(f"请把{INVENTED_TERM}开到晚上") == tokenizer.tokenize(
        f"请把{INVENTED_TERM}开到晚上"
    )
    # Only the word lists are pickled, not jieba's dictionary of hundreds of thousands of words.
    assert len(pickle.dumps(tokenizer)) < 10_000


def test_same_tokens_from_several_threads() -> None:
    tokenizer = Tokenizer.default()
    texts = [f"第{number}号小区电梯坏了，物业公司不作为" for number in range(200)]
    expected = [tokenizer.tokenize(text) for text in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(tokenizer.tokenize, texts)) == expected

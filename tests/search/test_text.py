from __future__ import annotations

import pytest

from search.text import damerau_levenshtein, index_tokens, query_terms, typo_budget


def test_chinese_is_indexed_as_overlapping_bigrams() -> None:
    tokens = index_tokens("老字号银丝面馆 Silver Noodles")
    assert "面馆" in tokens and "丝面" in tokens and "silver" in tokens
    assert index_tokens("馆") == ["馆"]
    assert index_tokens("ＡＢＣ１２３ 面馆") == ["abc123", "面", "馆", "面馆"]


def test_two_character_words_are_found_inside_longer_names() -> None:
    for name, word in (
        ("小学数学家教一对一", "家教"),
        ("金牌月嫂到家", "月嫂"),
        ("老字号银丝面馆", "面馆"),
    ):
        tokens = set(index_tokens(name))
        for term in query_terms(word):
            assert set(term.grams) <= tokens, (name, word)
    assert [t.text for t in query_terms("月嫂")] == ["月嫂"]  # unknown to jieba, kept whole
    assert [t.grams for t in query_terms("面")] == [("面",)]


def test_query_terms_segment_chinese_and_mark_the_last_latin_word_as_prefix() -> None:
    terms = query_terms("月嫂 cleaning serv")
    assert [t.text for t in terms] == ["月嫂", "cleaning", "serv"]
    assert terms[0].grams == ("月嫂",)
    assert (terms[1].typos, terms[1].prefix) == (1, False)
    assert (terms[2].typos, terms[2].prefix) == (0, True)


@pytest.mark.parametrize(
    ("word", "budget"), [("noo", 0), ("nood", 0), ("noodl", 1), ("housekeep", 2)]
)
def test_typo_budget_follows_the_length_rule(word: str, budget: int) -> None:
    assert typo_budget(word) == budget


def test_damerau_levenshtein_counts_a_transposition_as_one() -> None:
    assert damerau_levenshtein("nodoles", "noodles", 2) == 1
    assert damerau_levenshtein("noodles", "noodles", 0) == 0
    assert damerau_levenshtein("kitten", "sitting", 3) == 3
    assert damerau_levenshtein("abc", "xyzuvw", 1) == 2

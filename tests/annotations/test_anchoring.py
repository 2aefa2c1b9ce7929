"""Re-anchoring a selector on a revised text (pure functions, no database)."""

from __future__ import annotations

from annotator.annotations.anchoring import Selector, reanchor, selector_at

TEXT = (
    "Le programme numérique du candidat tient en trois mesures. "
    "D'abord, il veut créer un ministère du numérique autonome et puissant. "
    "Ensuite, il promet la fibre partout avant 2027. "
    "Enfin, il propose un observatoire de la 5G."
)
PASSAGE = "créer un ministère du numérique autonome"


def selector_for(text: str, exact: str) -> Selector:
    start = text.index(exact)
    return selector_at(text, start, start + len(exact))


def test_unchanged_offsets_keep_the_annotation_in_place():
    old = selector_for(TEXT, PASSAGE)
    found = reanchor(TEXT + " Fin.", old)
    assert found is not None and found.method == "position"
    assert (found.selector.start, found.selector.end) == (old.start, old.end)


def test_text_inserted_before_the_passage_moves_it_by_the_insertion():
    old = selector_for(TEXT, PASSAGE)
    new_text = "Chapeau ajouté par la rédaction. " + TEXT
    found = reanchor(new_text, old)
    assert found is not None and found.method == "quote"
    assert found.selector.start == old.start + len("Chapeau ajouté par la rédaction. ")
    assert new_text[found.selector.start : found.selector.end] == PASSAGE


def test_a_typo_fixed_inside_the_passage_is_found_by_fuzzy_matching():
    typo_text = TEXT.replace("ministère", "minsitère")
    old = selector_for(typo_text, "créer un minsitère du numérique autonome")
    found = reanchor(TEXT, old)
    assert found is not None and found.method == "fuzzy"
    assert TEXT[found.selector.start : found.selector.end] == PASSAGE
    assert found.selector.exact == PASSAGE


def test_a_passage_duplicated_elsewhere_stays_on_the_occurrence_with_its_context():
    old = selector_for(TEXT, PASSAGE)
    new_text = f"Résumé : {PASSAGE} ; la fibre. " + TEXT
    found = reanchor(new_text, old)
    assert found is not None
    assert found.selector.start == new_text.index("D'abord, il veut ") + len("D'abord, il veut ")
    assert found.selector.prefix.endswith("D'abord, il veut ")


def test_an_ambiguous_duplicate_without_distinguishing_context_is_orphaned():
    old = Selector("Une mesure", "", "", 40, 50)
    assert reanchor("Z. Une mesure. Une mesure. Une mesure.", old) is None


def test_a_deleted_passage_is_orphaned_not_moved_elsewhere():
    old = selector_for(TEXT, PASSAGE)
    new_text = TEXT.replace(
        "D'abord, il veut créer un ministère du numérique autonome et puissant. ", ""
    )
    assert reanchor(new_text, old) is None


def test_a_heavily_rewritten_passage_below_the_threshold_is_orphaned():
    old = selector_for(TEXT, PASSAGE)
    new_text = TEXT.replace(PASSAGE, "confier le numérique à un secrétariat d'État")
    assert reanchor(new_text, old) is None


def test_offsets_count_code_points_so_an_emoji_before_the_passage_counts_once():
    text = "Intro 🚀 puis " + PASSAGE + " et la suite."
    old = selector_for(text, PASSAGE)
    assert old.start == len("Intro ") + 1 + len(" puis ")
    found = reanchor("Nouveau 🎉 " + text, old)
    assert found is not None
    assert found.selector.start == old.start + len("Nouveau ") + 1 + 1

"""Re-anchoring selectors through the edit between two texts (pure functions, no database)."""

from __future__ import annotations

import random

from annotator.annotations.anchoring import Selector, TextEdit, reanchor, selector_at

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
    found = reanchor(TEXT, TEXT + " Fin.", old)
    assert found is not None and found.method == "position"
    assert (found.selector.start, found.selector.end) == (old.start, old.end)
    assert not found.passage_changed


def test_text_inserted_before_the_passage_moves_it_by_the_insertion():
    old = selector_for(TEXT, PASSAGE)
    new_text = "Chapeau ajouté par la rédaction. " + TEXT
    found = reanchor(TEXT, new_text, old)
    assert found is not None and found.method == "position"
    assert found.selector.start == old.start + len("Chapeau ajouté par la rédaction. ")
    assert new_text[found.selector.start : found.selector.end] == PASSAGE


def test_text_inserted_right_at_either_end_stays_outside_the_passage():
    old = selector_for(TEXT, PASSAGE)
    new_text = TEXT.replace(PASSAGE, "vraiment " + PASSAGE + " enfin")
    found = reanchor(TEXT, new_text, old)
    assert found is not None and found.method == "position"
    assert found.selector.exact == PASSAGE


def test_a_typo_fixed_inside_the_passage_is_mapped_through_the_edit_and_flagged_as_changed():
    typo_text = TEXT.replace("ministère", "minsitère")
    old = selector_for(typo_text, "créer un minsitère du numérique autonome")
    found = reanchor(typo_text, TEXT, old)
    assert found is not None and found.method == "fuzzy"
    assert TEXT[found.selector.start : found.selector.end] == PASSAGE
    assert found.selector.exact == PASSAGE
    assert found.passage_changed


def test_a_passage_duplicated_elsewhere_stays_on_its_own_occurrence():
    old = selector_for(TEXT, PASSAGE)
    new_text = f"Résumé : {PASSAGE} ; la fibre. " + TEXT
    found = reanchor(TEXT, new_text, old)
    assert found is not None and found.method == "position"
    assert found.selector.start == new_text.index("D'abord, il veut ") + len("D'abord, il veut ")
    assert found.selector.prefix.endswith("D'abord, il veut ")


def test_a_deleted_passage_is_orphaned_not_moved_elsewhere():
    old = selector_for(TEXT, PASSAGE)
    new_text = TEXT.replace(
        "D'abord, il veut créer un ministère du numérique autonome et puissant. ", ""
    )
    assert reanchor(TEXT, new_text, old) is None


def test_a_deleted_passage_repeated_elsewhere_with_another_context_is_orphaned_even_if_unique():
    text = (
        "La fibre optique partout, promet le candidat dès la première page.\n\n"
        "Le reste du programme parle d'autre chose : santé, école, retraites.\n\n"
        "Annexe. Rappel des engagements : la fibre optique partout d'ici à 2030, sans dire comment."
    )
    old = selector_for(text, "La fibre optique partout")
    new_text = text.replace(
        "La fibre optique partout, promet le candidat dès la première page.\n\n", ""
    )
    assert new_text.lower().count("la fibre optique partout") == 1
    assert reanchor(text, new_text, selector_at(text, 3, 24)) is None
    assert reanchor(text, new_text, old) is None


def test_a_moved_paragraph_is_found_by_its_quote_and_context():
    first = "Premier paragraphe sur la santé publique et l'hôpital.\n\n"
    moved = "Deuxième paragraphe : la cybersécurité des collectivités est une priorité.\n\n"
    last = "Troisième paragraphe sur l'école et les enseignants du pays.\n\n"
    text = first + moved + last
    old = selector_for(text, "la cybersécurité des collectivités")
    new_text = first + last + "Ajout. " + moved
    found = reanchor(text, new_text, old)
    assert found is None or found.selector.exact == "la cybersécurité des collectivités"
    orphan = reanchor(text, first + moved + last, old)
    assert orphan is not None and orphan.method == "position"


def test_an_orphan_is_placed_again_only_by_its_quote_and_context():
    old = selector_for(TEXT, PASSAGE)
    edit = TextEdit("Texte sans rapport.", TEXT)
    found = edit.place(old, orphan=True)
    assert found is not None and found.method == "quote"
    assert (found.selector.start, found.selector.end) == (old.start, old.end)
    repeated = TEXT + " Rappel : " + PASSAGE + " pour tous."
    assert TextEdit("x", repeated).place(selector_at("ab", 0, 1), orphan=True) is None


def test_an_ambiguous_duplicate_without_distinguishing_context_is_orphaned():
    old = Selector("Une mesure", "", "", 40, 50)
    assert TextEdit("", "Z. Une mesure. Une mesure. Une mesure.").place(old, orphan=True) is None


def test_a_heavily_rewritten_passage_is_orphaned():
    old = selector_for(TEXT, PASSAGE)
    new_text = TEXT.replace(PASSAGE, "confier le numérique à un secrétariat d'État")
    assert reanchor(TEXT, new_text, old) is None


def test_offsets_count_code_points_so_an_emoji_before_the_passage_counts_once():
    text = "Intro 🚀 puis " + PASSAGE + " et la suite."
    old = selector_for(text, PASSAGE)
    assert old.start == len("Intro ") + 1 + len(" puis ")
    found = reanchor(text, "Nouveau 🎉 " + text, old)
    assert found is not None
    assert found.selector.start == old.start + len("Nouveau ") + 1 + 1


WORDS = [
    "fibre",
    "réseau",
    "souveraineté",
    "données",
    "cloud",
    "cybersécurité",
    "école",
    "santé",
    "numérique",
    "État",
    "plateforme",
    "algorithme",
    "emploi",
    "formation",
    "start-up",
    "impôt",
    "géant",
    "européen",
    "transparence",
    "public",
    "privé",
    "hôpital",
    "commune",
    "région",
    "citoyen",
    "vote",
    "éthique",
    "robot",
    "intelligence",
    "accès",
]


def prose(rng: random.Random, sentences: int) -> list[str]:
    """Sentences of varied words, like a programme (no two alike)."""
    return [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).capitalize() + f" ({i}). "
        for i in range(sentences)
    ]


def test_insertions_and_deletions_around_a_thousand_passages_map_every_one_exactly():
    rng = random.Random(7)
    sentences = prose(rng, 3000)
    text = "".join(sentences)
    selectors = []
    for i in range(0, 3000, 3):
        start = text.index(sentences[i])
        selectors.append(selector_at(text, start, start + len(sentences[i]) - 1))
    new_parts = []
    for i, sentence in enumerate(sentences):
        if i % 5 == 0:
            new_parts.append(f"Ajout de la rédaction numéro {i}. ")
        if i % 3 != 1:  # every sentence right after an annotated one is deleted
            new_parts.append(sentence)
    new_text = "".join(new_parts)
    edit = TextEdit(text, new_text)
    for old in selectors:
        found = edit.place(old)
        assert found is not None and found.method == "position", old
        assert new_text[found.selector.start : found.selector.end] == old.exact

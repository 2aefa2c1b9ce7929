"""`streaming`: the selection cut into id ranges, and COPY rows turned into RFC 4180 lines."""

from __future__ import annotations

import pytest

from annotator.annotations.models import Annotation
from annotator.exports.source import annotations_for
from annotator.exports.streaming import crlf_rows, read_selection
from tests.factories.exports import approved_annotation

pytestmark = pytest.mark.django_db


def test_ranges_cover_every_selected_annotation_once_in_chunks_of_the_given_size(corpus, moderator):
    for _ in range(5):
        approved_annotation(
            article=corpus["article"], exact="Programmes", proposals=[corpus["fibre"]]
        )
    queryset = annotations_for(filters={"verified_only": True}, requester=moderator)
    ids = list(queryset.values_list("id", flat=True))
    selection = read_selection(queryset, 3)
    assert [r.through for r in selection.ranges] == [3, 6, 7]
    assert selection.annotations == len(ids) == 7
    assert selection.ranges[0].low == 0
    for before, after in zip(selection.ranges, selection.ranges[1:], strict=False):
        assert after.low == before.high + 1
    covered = [[i for i in ids if r.low <= i <= r.high] for r in selection.ranges]
    assert [len(chunk) for chunk in covered] == [3, 3, 1]
    assert [i for chunk in covered for i in chunk] == ids
    assert selection.articles == 1
    assert sorted(selection.proposal_ids) == sorted([corpus["fibre"].pk, corpus["cyber"].pk])
    assert selection.links == 3 + 5
    assert set(selection.author_ids) == set(
        Annotation.objects.filter(pk__in=ids).values_list("author_id", flat=True)
    )


def test_an_empty_selection_has_no_range(db, moderator):
    queryset = annotations_for(filters={"verified_only": True}, requester=moderator)
    selection = read_selection(queryset, 5000)
    assert selection.ranges == [] and selection.annotations == 0 and selection.proposal_ids == []


def test_crlf_rows_end_every_row_with_crlf_and_keep_line_breaks_inside_fields():
    rows = [memoryview(b'1,"a\nb"\n'), memoryview(b"2,c\n")]
    assert crlf_rows(rows) == b'1,"a\nb"\r\n2,c\r\n'
    assert crlf_rows([]) == b""

"""The feasibility order, the agreement figure and the beat schedule the exports rely on."""

from __future__ import annotations

import pytest
from django.conf import settings

from annotator.exports.feasibility import agreement_alpha, feasibility_label, feasibility_rank


def test_the_rating_value_follows_the_feasibility_order():
    assert [
        feasibility_rank(v)
        for v in ("not_feasible", "hardly_feasible", "conditional", "mostly_feasible", "feasible")
    ] == [1, 2, 3, 4, 5]
    assert feasibility_rank("not_assessable") is None
    assert feasibility_rank("already_in_place") is None


def test_labels_are_french_whatever_the_active_language():
    assert feasibility_label("conditional") == "Réalisable sous conditions"
    assert feasibility_label("not_assessable") == "Non évaluable"


def test_perfect_agreement_gives_alpha_one():
    ratings = [
        (1, 10, "feasible"),
        (1, 11, "feasible"),
        (2, 10, "not_feasible"),
        (2, 11, "not_feasible"),
    ]
    assert agreement_alpha(ratings) == 1.0


def test_systematic_disagreement_gives_a_negative_alpha():
    ratings = [
        (1, 10, "feasible"),
        (1, 11, "not_feasible"),
        (2, 10, "not_feasible"),
        (2, 11, "feasible"),
    ]
    alpha = agreement_alpha(ratings)
    assert alpha is not None and alpha < 0


@pytest.mark.parametrize(
    "ratings",
    [
        [],
        [(1, 10, "feasible"), (2, 10, "conditional")],
        [(1, 10, "feasible"), (2, 11, "conditional")],
        [(1, 10, "not_assessable"), (1, 11, "not_assessable")],
    ],
)
def test_alpha_is_not_computed_without_paired_ordinal_ratings(ratings):
    assert agreement_alpha(ratings) is None


def test_beat_runs_the_requeue_and_retention_tasks():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"exports.requeue_lost", "exports.delete_expired_files"} <= tasks
    from annotator.celery import app

    app.loader.import_default_modules()
    assert {"exports.run", "exports.requeue_lost", "exports.delete_expired_files"} <= set(app.tasks)
    run = app.tasks["exports.run"]
    assert run.acks_late and run.reject_on_worker_lost
    assert (
        run.soft_time_limit
        == settings.EXPORT_SOFT_TIME_LIMIT
        < run.time_limit
        == settings.EXPORT_TIME_LIMIT
    )

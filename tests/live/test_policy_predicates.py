"""The live stream filters events with the policy's predicates on one annotation's recorded
state; they must agree with the policy's queries everywhere, or a reload and the stream would
show different things."""

from __future__ import annotations

import itertools

import pytest

from annotator.annotations.models import Annotation
from annotator.lib import policy
from annotator.live.events import annotation_before
from tests.factories import ArticleFactory, UserFactory
from tests.factories.annotations import AnnotationFactory


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    author = UserFactory(username="auteur", role="fact-checker")
    importer = UserFactory(username="importeur", role="fact-checker")
    users = [
        author,
        importer,
        UserFactory(username="collegue", role="fact-checker"),
        UserFactory(username="relecteur", role="reviewer"),
        UserFactory(username="moderateur", role="moderator"),
        UserFactory(username="sansrole"),
    ]
    annotations = []
    statuses = ["draft", "submitted", "approved", "changes_requested", "rejected", "orphaned"]
    for article_status in ["published", "archived", "draft"]:
        article = ArticleFactory(status=article_status, imported_by=importer)
        for status, before_orphan, moderated in itertools.product(
            statuses, ["", "draft", "submitted"], ["", "hidden", "deleted"]
        ):
            if (status == "orphaned") != bool(before_orphan):
                continue
            annotation = AnnotationFactory(
                article=article, author=author, status=status, status_before_orphan=before_orphan
            )
            if moderated:
                Annotation.objects.filter(pk=annotation.pk).update(
                    **{f"{moderated}_at": "2026-01-01T00:00:00Z"}
                )
            annotations.append(annotation.pk)
    return users, annotations


def test_the_state_predicate_agrees_with_the_visibility_query_for_every_role_and_state(world):  # type: ignore[no-untyped-def]
    users, ids = world
    rows = Annotation.objects.filter(pk__in=ids).select_related("article")
    checked = 0
    for user in users:
        visible = set(
            Annotation.objects.filter(policy.annotation_visible_q(user), pk__in=ids).values_list(
                "pk", flat=True
            )
        )
        for annotation in rows:
            state = {
                **annotation_before(annotation),
                "article_status": annotation.article.status,
                "article_imported_by": annotation.article.imported_by_id,
            }
            assert policy.annotation_state_visible(user, state) == (annotation.pk in visible), (
                user.username,
                state,
            )
            checked += 1
    assert checked == len(users) * len(ids) > 300


def test_the_rule_for_visible_articles_agrees_with_the_full_rule_on_them(world):  # type: ignore[no-untyped-def]
    """The sources list counts its page's annotations with the rule minus its article condition
    (the page's articles were read through the policy): on visible articles both agree."""
    from annotator.articles.models import Article

    users, ids = world
    checked = 0
    for user in users:
        articles = Article.objects.filter(policy.article_visible_q(user)).values("pk")
        full = set(
            Annotation.objects.filter(policy.annotation_visible_q(user), pk__in=ids).values_list(
                "pk", flat=True
            )
        )
        within = set(
            Annotation.objects.filter(
                policy.annotation_visible_on_visible_articles_q(user),
                pk__in=ids,
                article__in=articles,
            ).values_list("pk", flat=True)
        )
        assert within == full, user.username
        checked += len(full)
    assert checked > 50


def test_a_removal_is_told_only_to_those_who_could_see_the_annotation(world):  # type: ignore[no-untyped-def]
    users = {user.username: user for user in world[0]}
    article = {"article_status": "published", "article_imported_by": None}
    draft = {"author": users["auteur"].pk, "status": "draft", "status_before_orphan": "",
             "moderated": False, **article}  # fmt: skip
    submitted = {**draft, "status": "submitted"}
    deleted_draft = {**draft, "moderated": True}
    hidden = {**submitted, "moderated": True}
    colleague = users["collegue"]
    assert not policy.annotation_removal_visible(colleague, before=draft, after=deleted_draft)
    assert policy.annotation_removal_visible(users["auteur"], before=draft, after=deleted_draft)
    assert policy.annotation_removal_visible(colleague, before=submitted, after=hidden)
    assert not policy.annotation_removal_visible(colleague, before=None, after=submitted)
    on_draft_source = {**submitted, "article_status": "draft",
                       "article_imported_by": users["importeur"].pk}  # fmt: skip
    hidden_there = {**on_draft_source, "moderated": True}
    assert not policy.annotation_removal_visible(
        colleague, before=on_draft_source, after=hidden_there
    )
    assert policy.annotation_removal_visible(
        users["importeur"], before=on_draft_source, after=hidden_there
    )


def _ids_where(table: str, alias: str, condition: tuple[str, list], ids: list[int]) -> set[int]:  # type: ignore[type-arg]
    from django.db import connection

    sql, params = condition
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {alias}.id FROM {table} {alias} WHERE {sql} AND {alias}.id = ANY(%s)",  # noqa: S608
            [*params, ids],
        )
        return {row[0] for row in cursor.fetchall()}


def test_the_sql_twins_select_what_the_q_rules_select_for_every_role(world):  # type: ignore[no-untyped-def]
    """The sources list reads its page in one hand-written statement with the policy's SQL
    twins (`article_visible_sql`, `annotation_visible_on_visible_articles_sql`): for every role,
    anonymous included, they select exactly what the `Q` rules select."""
    from django.contrib.auth.models import AnonymousUser

    from annotator.articles.models import Article

    users, ids = world
    article_ids = list(Annotation.objects.filter(pk__in=ids).values_list("article_id", flat=True))
    checked = 0
    for user in [*users, AnonymousUser()]:
        by_q = set(
            Article.objects.filter(policy.article_visible_q(user), pk__in=article_ids).values_list(
                "pk", flat=True
            )
        )
        by_sql = _ids_where(
            "articles_article", "a", policy.article_visible_sql(user, "a"), article_ids
        )
        assert by_sql == by_q, getattr(user, "username", "anonymous")
        by_q = set(
            Annotation.objects.filter(
                policy.annotation_visible_on_visible_articles_q(user), pk__in=ids
            ).values_list("pk", flat=True)
        )
        by_sql = _ids_where(
            "annotations_annotation",
            "n",
            policy.annotation_visible_on_visible_articles_sql(user, "n"),
            ids,
        )
        assert by_sql == by_q, getattr(user, "username", "anonymous")
        checked += 1
    assert checked == len(users) + 1

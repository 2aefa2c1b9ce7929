from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from annotator.articles.models import Article, ArticleRevision, sha256_text
from annotator.lib.roles import sync_groups
from proposals.models import Candidacy, Candidate, Election, Party, Proposal, Theme
from proposals.taxonomy import load_themes

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    """`UserFactory(role="reviewer")` puts the user in that group (moderators also get is_staff)."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if not (create and extracted):
            return
        if not Group.objects.filter(name=extracted).exists():
            sync_groups(Group, Permission)  # a transactional test flushed the migration's rows
        self.groups.add(Group.objects.get(name=extracted))
        if extracted == "moderator":
            self.is_staff = True
            self.save(update_fields=["is_staff"])


class ElectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Election
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"election-{n}")
    name = factory.Sequence(lambda n: f"Élection {n}")
    date = dt.date(2022, 4, 10)
    kind = Election.Kind.PRESIDENTIAL


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"party-{n}")
    name = factory.Sequence(lambda n: f"Parti {n}")
    short_name = factory.Sequence(lambda n: f"P{n}")


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"candidate-{n}")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Candidat{n}")


class CandidacyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidacy

    key = factory.Sequence(lambda n: f"candidacy-{n}")
    candidate = factory.SubFactory(CandidateFactory)
    election = factory.SubFactory(ElectionFactory)
    party = factory.SubFactory(PartyFactory)


def theme(code: str = "CYBER") -> Theme:
    """Themes are loaded by a migration; tests pick one by code."""
    if not Theme.objects.exists():  # a transactional test flushed the migration's rows
        load_themes(Theme)
    return Theme.objects.get(code=code)


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal
        skip_postgeneration_save = True

    candidacy = factory.SubFactory(CandidacyFactory)
    primary_theme = factory.LazyFunction(theme)
    title = factory.Sequence(lambda n: f"Proposition {n}")
    statement = factory.Sequence(lambda n: f"Nous ferons la chose numéro {n}.")
    slug = factory.Sequence(lambda n: f"proposition-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """An article with its first revision, as the import service would store it."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Article {n}")
    outlet = "Numerama"
    kind = Article.Kind.ARTICLE
    published_on = dt.date(2022, 2, 1)
    text = factory.Sequence(
        lambda n: f"# Titre {n}\n\nLe candidat propose une **mesure** numéro {n}.\n"
    )
    text_sha256 = factory.LazyAttribute(lambda a: sha256_text(a.text))
    status = Article.Status.PUBLISHED

    @factory.post_generation
    def revision(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            ArticleRevision.objects.create(
                article=self, number=1, text=self.text, text_sha256=self.text_sha256
            )

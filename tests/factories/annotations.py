from __future__ import annotations

import factory

from annotator.annotations.models import Annotation
from annotator.lib.markdown import render_markdown
from tests.factories.core import ArticleFactory, UserFactory


def passage(article, exact: str, occurrence: int = 0) -> dict:  # type: ignore[no-untyped-def]
    """Selector fields for the `occurrence`-th `exact` in the article's text (code points)."""
    text = article.text
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(exact, start + 1)
    end = start + len(exact)
    return {
        "exact": exact,
        "start": start,
        "end": end,
        "prefix": text[max(0, start - 32) : start],
        "suffix": text[end : end + 32],
    }


class AnnotationFactory(factory.django.DjangoModelFactory):
    """An annotation on the first word run of its article. Pass `exact=` to anchor elsewhere."""

    class Meta:
        model = Annotation
        skip_postgeneration_save = True

    article = factory.SubFactory(ArticleFactory)
    revision = factory.LazyAttribute(lambda a: a.article.revisions.order_by("-number").first())
    author = factory.SubFactory(UserFactory, role="fact-checker")
    exact = factory.LazyAttribute(
        lambda a: a.article.text.strip().split("\n")[0][:40] or a.article.text[:10]
    )
    start = factory.LazyAttribute(lambda a: a.article.text.index(a.exact))
    end = factory.LazyAttribute(lambda a: a.start + len(a.exact))
    prefix = factory.LazyAttribute(lambda a: a.article.text[max(0, a.start - 32) : a.start])
    suffix = factory.LazyAttribute(lambda a: a.article.text[a.end : a.end + 32])
    comment = "Promesse à vérifier."
    # As the services store it (the read model renders a missing one, slowly).
    comment_html = factory.LazyAttribute(
        lambda a: str(render_markdown(a.comment)) if a.comment else ""
    )
    status = Annotation.Status.DRAFT

    @factory.post_generation
    def proposals(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted:
            self.proposals.set(extracted)

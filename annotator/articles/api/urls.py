from django.urls import path

from annotator.articles.api import views

urlpatterns = [
    path("articles/", views.ArticleListApi.as_view(), name="article-list"),
    path("articles/<int:pk>/", views.ArticleDetailApi.as_view(), name="article-detail"),
]

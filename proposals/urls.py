from django.urls import path

from proposals import overview_views, views

app_name = "proposals"
urlpatterns = [
    path("proposals/", views.proposal_list, name="list"),
    path("proposals/new/", views.proposal_create, name="create"),
    path("proposals/<slug:slug>/", views.proposal_detail, name="detail"),
    path("proposals/<slug:slug>/edit/", views.proposal_edit, name="edit"),
    path("proposals/<slug:slug>/rate/", views.proposal_rate, name="rate"),
    path("proposals/<slug:slug>/verdict/", views.proposal_publish_verdict, name="verdict"),
    path("proposals/<slug:slug>/merge/", views.proposal_merge, name="merge"),
    path("compare/", overview_views.compare, name="compare"),
    path("stats/", overview_views.agreement_stats, name="stats"),
    path("methodology/", overview_views.methodology, name="methodology"),
]

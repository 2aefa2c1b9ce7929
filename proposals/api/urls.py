from django.urls import path

from proposals.api import views

urlpatterns = [
    path("elections/", views.ElectionListApi.as_view(), name="election-list"),
    path("candidates/", views.CandidateListApi.as_view(), name="candidate-list"),
    path("candidacies/", views.CandidacyListApi.as_view(), name="candidacy-list"),
    path("themes/", views.ThemeListApi.as_view(), name="theme-list"),
    path("proposals/", views.ProposalListApi.as_view(), name="proposal-list"),
    path("proposals/<int:pk>/", views.ProposalDetailApi.as_view(), name="proposal-detail"),
    path("proposals/<int:pk>/merge/", views.ProposalMergeApi.as_view(), name="proposal-merge"),
    path(
        "proposals/<int:pk>/ratings/", views.ProposalRatingsApi.as_view(), name="proposal-ratings"
    ),
    path(
        "proposals/<int:pk>/verdict/", views.ProposalVerdictApi.as_view(), name="proposal-verdict"
    ),
    path("stats/agreement/", views.AgreementApi.as_view(), name="stats-agreement"),
]

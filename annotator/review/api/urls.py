from django.urls import path

from annotator.review.api import views

urlpatterns = [
    path("annotations/<int:pk>/submit/", views.AnnotationSubmitView.as_view(), name="annotation-submit"),
    path("annotations/<int:pk>/reviews/", views.AnnotationReviewView.as_view(), name="annotation-reviews"),
    path("annotations/<int:pk>/events/", views.AnnotationEventListView.as_view(), name="annotation-events"),
    path("annotations/<int:pk>/replies/", views.AnnotationReplyListView.as_view(), name="annotation-replies"),
    path("annotations/<int:pk>/lock/", views.AnnotationLockView.as_view(), name="annotation-lock"),
    path("annotations/<int:pk>/unlock/", views.AnnotationUnlockView.as_view(), name="annotation-unlock"),
    path("annotations/<int:pk>/hide/", views.AnnotationHideView.as_view(), name="annotation-hide"),
    path("annotations/<int:pk>/restore/", views.AnnotationRestoreView.as_view(), name="annotation-restore"),
    path("flags/", views.FlagListView.as_view(), name="flag-list"),
    path("flags/<int:pk>/resolve/", views.FlagResolveView.as_view(), name="flag-resolve"),
    path("notifications/", views.NotificationListView.as_view(), name="notification-list"),
    path("notifications/read-all/", views.NotificationReadAllView.as_view(), name="notification-read-all"),
    path("notifications/<int:pk>/read/", views.NotificationReadView.as_view(), name="notification-read"),
]  # fmt: skip

from django.urls import path

from annotator.review import views

app_name = "review"
urlpatterns = [
    path("review/", views.review_queue, name="queue"),
    path("review/mine/", views.my_annotations, name="mine"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/open/", views.notification_open, name="notification-open"),
    path("annotations/<int:pk>/", views.annotation_detail, name="annotation-detail"),
]

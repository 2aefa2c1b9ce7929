from django.urls import path

from annotator.live import views

app_name = "live"
urlpatterns = [
    path("live/stream/", views.stream, name="stream"),
    path("live/composing/", views.composing, name="composing"),
]

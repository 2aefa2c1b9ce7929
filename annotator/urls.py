from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import URLPattern, URLResolver, include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from annotator import health
from annotator.lib.auth_api import ObtainTokenView, RevokeOwnTokenView, RevokeTokenView

api_patterns: list[URLPattern | URLResolver] = [
    path("auth/token/", ObtainTokenView.as_view(), name="token"),
    path("auth/token/revoke/", RevokeOwnTokenView.as_view(), name="token-revoke-own"),
    path("auth/tokens/<int:user_id>/revoke/", RevokeTokenView.as_view(), name="token-revoke"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script under the CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include("annotator.articles.api.urls")),
    path("", include("annotator.annotations.api.urls")),
    path("", include("annotator.review.api.urls")),
    path("", include("annotator.exports.api.urls")),
    path("", include("annotator.imports.api.urls")),
    path("", include("proposals.api.urls")),
]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="articles:list", permanent=False), name="home"),
    path("healthz", health.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page says: send them to the static file.
    path(
        "favicon.ico",
        RedirectView.as_view(url=lazy(static, str)("favicon.ico"), permanent=True),
        name="favicon",
    ),
    path("api/", include((api_patterns, "api"))),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("annotator.articles.intake_urls")),
    path("", include("annotator.articles.urls")),
    path("", include("annotator.annotations.urls")),
    path("", include("annotator.review.urls")),
    path("", include("annotator.exports.urls")),
    path("", include("annotator.imports.urls")),
    path("", include("proposals.urls")),
    path("", include("annotator.team.urls")),
    path("", include("annotator.live.urls")),
]

handler400 = "annotator.error_views.bad_request"
handler403 = "annotator.error_views.permission_denied"
handler404 = "annotator.error_views.page_not_found"
handler500 = "annotator.error_views.server_error"

admin.site.site_header = "Annotator"
admin.site.site_title = "Annotator"
admin.site.index_title = "Modération"

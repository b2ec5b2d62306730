from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from .health import healthz
from .schema import APIDocsView

from blueprint.login_throttle import ThrottledAdminAuthenticationForm, ThrottledLoginView

# The admin's sign-in refuses like the portal's while a username or IP is locked out.
admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="roles:catalog", permanent=False)),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", APIDocsView.as_view(), name="api-docs"),
    path("healthz", healthz, name="healthz"),
    path("account/", include("accounts.urls")),
    path("api/v1/", include("blueprint.api")),
    path("hiring/", include("hiring.urls")),
    path("kpis/", include("kpis.urls")),
    path("", include("roles.urls")),
]

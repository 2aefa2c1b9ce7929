from django.apps import AppConfig


class AnnotatorConfig(AppConfig):
    """The project package is an app too: project-wide commands, template tags and roles migration."""

    name = "annotator"
    verbose_name = "Annotator"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from rest_framework.authtoken.models import Token

        from annotator.lib import auth_tokens, session_auth
        from annotator.lib.verbose_names import translate_automatic_verbose_names

        translate_automatic_verbose_names()
        User = get_user_model()
        # Cached API-token principals are dropped whenever what they carry changes.
        post_delete.connect(auth_tokens.on_token_deleted, sender=Token, dispatch_uid="token-cache")
        post_save.connect(auth_tokens.on_user_saved, sender=User, dispatch_uid="token-cache-user")
        m2m_changed.connect(
            auth_tokens.on_user_groups_changed,
            sender=User.groups.through,
            dispatch_uid="token-cache-groups",
        )
        # So are the cached users of browser sessions.
        post_save.connect(session_auth.on_user_changed, sender=User, dispatch_uid="session-user")
        post_delete.connect(
            session_auth.on_user_changed, sender=User, dispatch_uid="session-user-deleted"
        )
        m2m_changed.connect(
            session_auth.on_user_groups_changed,
            sender=User.groups.through,
            dispatch_uid="session-user-groups",
        )

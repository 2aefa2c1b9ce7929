"""What every page needs to open its live stream: the render time to catch up from, the labels.

No query: the stream replays from PostgreSQL what happened since this time."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def live(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "live_since": f"{time.time():.3f}",
        "live_port": settings.LIVE_STREAM_PORT or "",
        "live_strings": {
            "composing": _("writing an annotation"),
            "newChanges": _("%(count)s new"),
            "reviewedBy": _("Being reviewed by %(names)s"),
            "decidedBy": _("%(name)s decided meanwhile: %(state)s."),
            "removed": _("This annotation was removed or hidden meanwhile."),
            "textRevised": _("The text of this source was corrected meanwhile. Reload to see it."),
            "reload": _("Reload"),
            "liveOff": _("Live updates paused: reconnecting…"),
            "newSubmissions": _("New submissions arrived: reload the queue to see them."),
            "changedMeanwhile": _("Changed meanwhile by %(name)s (now: %(state)s)."),
            "newReply": _("A colleague replied meanwhile."),
            "verdictPublished": _("A verdict was published meanwhile: reload to see it."),
        },
    }

"""Schemathesis hooks for scripts/schemathesis.sh (loaded through SCHEMATHESIS_HOOKS).

`POST /api/v1/email/bounces` takes the bounce report as `message/rfc822`, for which
schemathesis has no serializer; its schema is a string, so it goes on the wire as text.
"""

import schemathesis

schemathesis.serializer.alias("message/rfc822", "text/plain")

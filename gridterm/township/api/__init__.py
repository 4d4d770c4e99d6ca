"""One router per area: health, sync (devices), staff, public (the resident's page)."""

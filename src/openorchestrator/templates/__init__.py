"""Ready-made bots (`GET /api/templates`): a prompt written for daily use, its tools, schedule and notify rule."""

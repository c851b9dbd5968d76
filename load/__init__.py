"""`make load`: respondents autosaving against gunicorn on loopback (locust, headless)."""

"""Teamwork: assigning domains and questions to respondents, and the discussion per question."""

"""Accounts and security (issue #11).

This app owns everything about who a person is and how they get in:

- invitations (`invitations.py`): an administrator invites coordinators and
  advisors, a coordinator invites people to their organisation with a role; the
  invited person sets their own password from a one-time link that expires;
- the append-only security log (`models.SecurityEvent`, `security_log.py`,
  `signals.py`): logins, failures, lockouts, MFA, invitations, password resets,
  role changes and every export, PDF and evidence download;
- the second factor policy (`mfa.py`, `middleware.MFARequiredMiddleware`):
  TOTP through allauth.mfa, required for administrators, advisors, officials and
  the Django admin;
- sessions (`middleware.SessionExpiryMiddleware`): idle timeout and absolute
  lifetime; lockout glue for django-axes (`lockout.py`);
- browser-facing hardening that is not tied to one view (`middleware.py`):
  Permissions-Policy, `Cache-Control: no-store` for signed-in pages, no `Server`
  banner, oversized bodies refused from their Content-Length;
- the demo's second factor (`demo.py`, `manage.py demo_totp`).

Login, logout, password reset and change, e-mail verification and the MFA pages
themselves are django-allauth's; templates under `templates/account/`,
`templates/mfa/` and `templates/allauth/` give them our look.
"""

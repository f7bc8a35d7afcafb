"""The hook a deployment points at its identity provider (OIDC) instead of local passwords.

By default the portal signs people in with a user name and an Argon2-hashed password. A
deployment that has an identity provider (a municipality's or the lab's OIDC provider, e.g.
Keycloak, Azure AD/Entra ID, or a SAML bridge that speaks OIDC) writes one class that
implements :class:`IdentityProvider` and names it with ``outcomelab serve --auth
module:ClassName``. The portal then

1. sends ``GET /{lang}/login`` to ``provider.login_url(state, redirect_uri)`` (the provider's
   authorisation endpoint with the ``state`` the portal made and will check);
2. receives the browser back at ``GET /auth/callback?code=...&state=...``, checks ``state`` and
   calls ``provider.complete(params, redirect_uri)``, which exchanges the code for tokens,
   verifies the ID token (signature against the provider's JWKS, ``iss``, ``aud``, ``exp``,
   ``nonce``) and returns the verified subject (``sub``) and display name;
3. looks up the local user whose ``external_subject`` equals that subject (set by an
   administrator with ``outcomelab users add ... --external-subject SUB``) and starts a session
   exactly as after a password sign-in. Roles and organisation stay in the portal's database:
   the identity provider says who someone is, the portal says what they may do.

Verification belongs in ``complete``; a library such as Authlib or python-jose does it in a few
lines. Nothing here makes network calls itself, so the portal runs without a provider.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from outcomelab.errors import ParameterError

__all__ = ["ExternalIdentity", "IdentityProvider", "load_provider"]


@dataclass(frozen=True)
class ExternalIdentity:
    """Who the identity provider says signed in."""

    subject: str
    display_name: str | None = None


@runtime_checkable
class IdentityProvider(Protocol):
    """What a deployment's identity-provider adapter implements."""

    #: shown on the sign-in button ("Sign in with Norrköping's e-ID")
    name: str

    def login_url(self, state: str, redirect_uri: str) -> str:
        """The provider's authorisation URL for this sign-in."""
        ...

    def complete(self, params: Mapping[str, str], redirect_uri: str) -> ExternalIdentity | None:
        """Verify the provider's answer; the identity, or None if it is not valid."""
        ...


def load_provider(spec: str) -> IdentityProvider:
    """Import ``module:ClassName`` and make the provider (it reads its own settings).

    Raises
    ------
    ParameterError
        If the class cannot be imported or does not implement :class:`IdentityProvider`.
    """
    module_name, _, class_name = spec.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
        provider = cls()
    except (ImportError, AttributeError, TypeError, ValueError) as err:
        raise ParameterError(
            f"--auth {spec!r} could not be loaded ({err}); give module:ClassName of a class "
            "implementing outcomelab.portal.accounts.identity_provider.IdentityProvider."
        ) from None
    if not isinstance(provider, IdentityProvider):
        raise ParameterError(
            f"--auth {spec!r} does not implement IdentityProvider (name, login_url, complete)."
        )
    return provider

"""The competence centre's published catalogue: a static, bilingual site of evaluations."""

from outcomelab.publish.catalogue import Catalogue, CatalogueEntry, collect
from outcomelab.publish.site import SiteInfo, build_site

__all__ = ["Catalogue", "CatalogueEntry", "SiteInfo", "build_site", "collect"]

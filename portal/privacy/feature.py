"""Privacy: the staff page that hides names of private persons from every public view."""

from portal.features import Feature
from portal.privacy.pages import privacy_desk

FEATURE = Feature(name="privacy", pages=(privacy_desk,))

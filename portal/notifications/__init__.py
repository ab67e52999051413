"""Notifications: telling a complainant who asked, by e-mail (and SMS), of every public change of their complaint."""

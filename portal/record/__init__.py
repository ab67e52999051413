"""The tamper-evident public record: a transparency log in the manner of Certificate Transparency (RFC 6962).

The pure core (no Flask, no database):

- :mod:`~portal.record.canonical`: the exact bytes of an entry (canonical JSON).
- :mod:`~portal.record.proofs`: hashing, proof verification, tree-head format, receipts; standard library
  only. Citizens download this very file as ``verify_receipt.py`` and run it; everything else builds on it.
- :mod:`~portal.record.merkle`: roots, the append-friendly ``CompactRange``, inclusion and consistency proofs.
- :mod:`~portal.record.tree_head`: the signing key and signed tree heads (Ed25519, via ``cryptography``).
- :mod:`~portal.record.log_verification`: auditing the whole record against its signed heads.

In the app: :mod:`~portal.record.events` (the only way an event is recorded), :mod:`~portal.record.store` (the
log kept in the database, heads, receipts, proofs), :mod:`~portal.record.models`, and the public surfaces
:mod:`~portal.record.api`, :mod:`~portal.record.pages` and :mod:`~portal.record.cli` (``flask ledger``).
"""

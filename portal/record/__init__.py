"""The tamper-evident public record: a transparency log in the manner of Certificate Transparency (RFC 6962).

Pure code, no Flask and no database; the app stores what these functions produce.

- :mod:`~portal.record.canonical`: the exact bytes of an entry (canonical JSON).
- :mod:`~portal.record.verify_receipt`: hashing, proof verification, tree-head format, receipts; standard
  library only, and also the script citizens download and run. Everything else builds on it.
- :mod:`~portal.record.merkle`: roots, the append-friendly ``CompactRange``, inclusion and consistency proofs.
- :mod:`~portal.record.tree_head`: the signing key and signed tree heads (Ed25519, via ``cryptography``).
- :mod:`~portal.record.log_verification`: auditing the whole record against its signed heads.
"""

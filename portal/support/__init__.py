"""Support ("me too"): anyone may add their voice to a complaint that is also their problem.

The count is of distinct supporters per day without storing who they are: a support leaves a mark, an HMAC of
the client address, the complaint and the UTC day under the portal's secret, which only says "this address
already supported this complaint today" and is deleted once its day is over. The count itself stays.
"""

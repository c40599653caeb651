"""Drafting accountability-chain records from notices and investigation reports, for a person to review.

Modules, one job each: `text` (encoding, header, offset-preserving normalisation), `numbers`,
`dates`, `places` (gazetteer), `accidents`, `accountability` (counts and named items),
`review_doc` (review figures and stated recurrences), `draft` (records with per-field provenance),
`resolve` (matching against the graph), `review` (accepting fields), `gate` (what `load` refuses),
`evaluate` (scoring against labelled documents).
"""

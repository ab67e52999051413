"""Hot issues (热点问题): the complaints of a window grouped by problem and place, ranked by heat."""

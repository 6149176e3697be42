"""Therapy plans kept on file: every version, the sessions they place, and re-anchoring when chemo moves."""

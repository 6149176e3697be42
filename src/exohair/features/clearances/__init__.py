"""The oncologist's clearance: requested by the clinic, signed or declined by the oncologist, and revocable."""

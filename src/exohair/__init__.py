"""exohair: plan, gate, price and measure exosome scalp therapy around a patient's chemotherapy."""

__version__ = "0.1.0"

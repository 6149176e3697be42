"""A demo clinic for people trying the product: staff of every role and forty patients in every state, built
through the services (see clinic.py). DEMO ONLY: its passwords are public."""

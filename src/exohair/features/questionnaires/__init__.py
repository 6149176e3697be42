"""Questionnaires defined as data: the instruments in force for a clinic, and patients' answers with their scores."""

"""Fax OCR benchmark: deterministic fax pages from known text, and the script that scores them."""

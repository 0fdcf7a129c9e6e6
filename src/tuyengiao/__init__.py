"""Tuyên giáo số: the working platform of propaganda & education boards."""

"""Harvest policies, swap lists, runs, proposals, execution and the wash-sale monitor."""

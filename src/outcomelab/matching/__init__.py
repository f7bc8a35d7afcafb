"""outcomelab.matching"""

"""outcomelab.batch"""

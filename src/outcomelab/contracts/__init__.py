"""outcomelab.contracts"""

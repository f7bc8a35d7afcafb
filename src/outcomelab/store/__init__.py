"""outcomelab.store"""

"""outcomelab.disclosure"""

"""outcomelab.identity"""

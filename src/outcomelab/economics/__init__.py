"""outcomelab.economics"""

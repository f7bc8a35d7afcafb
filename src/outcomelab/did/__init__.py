"""outcomelab.did"""

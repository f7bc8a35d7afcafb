"""outcomelab.balance"""
